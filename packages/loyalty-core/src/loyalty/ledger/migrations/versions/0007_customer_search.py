"""Customers are searched through an index: trigrams of name and phone, and the external id

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

from alembic import op

from loyalty.ledger import customer_search


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_customers_external_id', 'customers', ['external_id'])
    customer_search.create_index(op.get_bind())


def downgrade() -> None:
    customer_search.drop_index(op.get_bind())
    op.drop_index('ix_customers_external_id', table_name='customers')
