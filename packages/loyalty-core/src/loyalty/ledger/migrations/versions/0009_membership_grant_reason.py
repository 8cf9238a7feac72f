"""A membership granted by hand keeps who granted it and why

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03
"""

from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain nullable ADD COLUMNs: a grant the points reached has neither.
    op.add_column('memberships', sa.Column('reason', sa.Text(), nullable=True))
    op.add_column('memberships', sa.Column('granted_by', sa.String(length=64), nullable=True))


def downgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':  # in place (SQLite 3.35+)
        op.execute('ALTER TABLE memberships DROP COLUMN granted_by')
        op.execute('ALTER TABLE memberships DROP COLUMN reason')
    else:
        op.drop_column('memberships', 'granted_by')
        op.drop_column('memberships', 'reason')
