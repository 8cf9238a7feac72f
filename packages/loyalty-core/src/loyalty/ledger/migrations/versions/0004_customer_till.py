"""Imported customers are matched within their own till's POS database

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('till_id', sa.String(length=64), nullable=True))
        batch_op.drop_constraint('uq_customers_origin_external_id', type_='unique')
        batch_op.create_unique_constraint(
            'uq_customers_pos_identity', ['origin', 'shop_id', 'till_id', 'external_id'])
    # A customer imported before knew no till: take the till of their first recorded sale.
    op.execute(
        "UPDATE customers SET till_id = (SELECT sales.till_id FROM sales "
        "WHERE sales.customer_id = customers.id ORDER BY sales.id LIMIT 1) "
        "WHERE origin IS NOT NULL"
    )


def downgrade() -> None:
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.drop_constraint('uq_customers_pos_identity', type_='unique')
        batch_op.create_unique_constraint('uq_customers_origin_external_id',
                                          ['origin', 'external_id'])
        batch_op.drop_column('till_id')
