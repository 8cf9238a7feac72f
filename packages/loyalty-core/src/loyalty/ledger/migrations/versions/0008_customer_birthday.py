"""Customers have a birthday (a date without a year's meaning beyond the day and month)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03
"""

from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN (not a batch copy of the table): SQLite adds a nullable column in
    # place, so the search index's triggers on customers stay as they are.
    op.add_column('customers', sa.Column('birthday', sa.Date(), nullable=True))


def downgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':  # in place too (SQLite 3.35+), triggers kept
        op.execute('ALTER TABLE customers DROP COLUMN birthday')
    else:
        op.drop_column('customers', 'birthday')
