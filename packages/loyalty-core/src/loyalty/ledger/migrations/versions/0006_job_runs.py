"""Runs of the jobs that run by themselves, one per job and slot

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

from loyalty.ledger.schema import UTCDateTime


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        'job_runs',
        sa.Column('id', Id, primary_key=True, autoincrement=True),
        sa.Column('job', sa.String(length=64), nullable=False),
        sa.Column('slot', sa.String(length=128), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('started_at', UTCDateTime(), nullable=False),
        sa.Column('finished_at', UTCDateTime(), nullable=False),
        sa.Column('result', sa.Text(), nullable=False),
        sa.Column('runner', sa.String(length=128), nullable=False),
        sa.UniqueConstraint('job', 'slot', name='uq_job_runs_job_slot'),
    )
    op.create_index('ix_job_runs_job_finished_at', 'job_runs', ['job', 'finished_at'])


def downgrade() -> None:
    op.drop_index('ix_job_runs_job_finished_at', table_name='job_runs')
    op.drop_table('job_runs')
