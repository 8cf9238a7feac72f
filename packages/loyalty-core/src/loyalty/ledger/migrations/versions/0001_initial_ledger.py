"""initial ledger

Revision ID: 0001
Revises: 
Create Date: 2026-11-23
"""

from alembic import op
import sqlalchemy as sa
import loyalty.ledger.schema


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('customers',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('phone', sa.String(length=64), nullable=True),
    sa.Column('platform', sa.String(length=32), server_default='none', nullable=False),
    sa.Column('messaging_key', sa.String(length=200), nullable=True),
    sa.Column('origin', sa.String(length=32), nullable=True),
    sa.Column('external_id', sa.String(length=64), nullable=True),
    sa.Column('shop_id', sa.String(length=64), server_default='main', nullable=False),
    sa.Column('created_at', loyalty.ledger.schema.UTCDateTime(timezone=True), nullable=False),
    sa.Column('removed_at', loyalty.ledger.schema.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customers')),
    sa.UniqueConstraint('origin', 'external_id', name='uq_customers_origin_external_id')
    )
    op.create_table('sync_cursors',
    sa.Column('name', sa.String(length=128), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.Column('updated_at', loyalty.ledger.schema.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_sync_cursors'))
    )
    op.create_table('balances',
    sa.Column('customer_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('points', sa.BigInteger(), server_default='0', nullable=False),
    sa.Column('lifetime_earned', sa.BigInteger(), server_default='0', nullable=False),
    sa.Column('stars', sa.Integer(), server_default='0', nullable=False),
    sa.Column('last_activity_at', loyalty.ledger.schema.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint('points >= 0', name=op.f('ck_balances_points_not_negative')),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_balances_customer_id_customers')),
    sa.PrimaryKeyConstraint('customer_id', name=op.f('pk_balances'))
    )
    op.create_table('sales',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('sale_key', sa.String(length=255), nullable=False),
    sa.Column('customer_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('source', sa.String(length=32), nullable=False),
    sa.Column('shop_id', sa.String(length=64), nullable=False),
    sa.Column('till_id', sa.String(length=64), nullable=False),
    sa.Column('document_id', sa.String(length=128), nullable=False),
    sa.Column('total_minor', sa.BigInteger(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('stars_before', sa.Integer(), nullable=False),
    sa.Column('points_earned', sa.BigInteger(), nullable=False),
    sa.Column('refunded_minor', sa.BigInteger(), server_default='0', nullable=False),
    sa.Column('points_reversed', sa.BigInteger(), server_default='0', nullable=False),
    sa.Column('revision', sa.Integer(), server_default='0', nullable=False),
    sa.Column('occurred_at', loyalty.ledger.schema.UTCDateTime(timezone=True), nullable=False),
    sa.Column('business_date', sa.Date(), nullable=False),
    sa.Column('event_id', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_sales_customer_id_customers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sales')),
    sa.UniqueConstraint('sale_key', name=op.f('uq_sales_sale_key'))
    )
    op.create_table('ledger_entries',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('customer_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('points', sa.BigInteger(), nullable=False),
    sa.Column('tier_points', sa.BigInteger(), server_default='0', nullable=False),
    sa.Column('occurred_at', loyalty.ledger.schema.UTCDateTime(timezone=True), nullable=False),
    sa.Column('business_date', sa.Date(), nullable=False),
    sa.Column('recorded_at', loyalty.ledger.schema.UTCDateTime(timezone=True), nullable=False),
    sa.Column('idempotency_key', sa.String(length=255), nullable=False),
    sa.Column('source_type', sa.String(length=32), nullable=False),
    sa.Column('source_id', sa.String(length=128), nullable=True),
    sa.Column('sale_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('rule_id', sa.String(length=64), nullable=True),
    sa.Column('reverses_entry_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('reason', sa.Text(), server_default='', nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('shop_id', sa.String(length=64), nullable=False),
    sa.Column('till_id', sa.String(length=64), nullable=False),
    sa.Column('event_id', sa.String(length=36), nullable=False),
    sa.CheckConstraint('points <> 0 OR tier_points <> 0', name=op.f('ck_ledger_entries_moves_something')),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_ledger_entries_customer_id_customers')),
    sa.ForeignKeyConstraint(['reverses_entry_id'], ['ledger_entries.id'], name=op.f('fk_ledger_entries_reverses_entry_id_ledger_entries')),
    sa.ForeignKeyConstraint(['sale_id'], ['sales.id'], name=op.f('fk_ledger_entries_sale_id_sales')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_entries')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_ledger_entries_idempotency_key'))
    )
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.create_index('ix_ledger_entries_business_date', ['business_date'], unique=False)
        batch_op.create_index('ix_ledger_entries_customer_id_id', ['customer_id', 'id'], unique=False)

    op.create_table('refunds',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('refund_key', sa.String(length=255), nullable=False),
    sa.Column('sale_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('document_id', sa.String(length=128), nullable=False),
    sa.Column('amount_minor', sa.BigInteger(), nullable=False),
    sa.Column('points_reversed', sa.BigInteger(), nullable=False),
    sa.Column('points_unrecovered', sa.BigInteger(), nullable=False),
    sa.Column('points_restored', sa.BigInteger(), nullable=False),
    sa.Column('occurred_at', loyalty.ledger.schema.UTCDateTime(timezone=True), nullable=False),
    sa.Column('event_id', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['sale_id'], ['sales.id'], name=op.f('fk_refunds_sale_id_sales')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_refunds')),
    sa.UniqueConstraint('refund_key', name=op.f('uq_refunds_refund_key'))
    )
    op.create_table('point_lots',
    sa.Column('entry_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('customer_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('original', sa.BigInteger(), nullable=False),
    sa.Column('remaining', sa.BigInteger(), nullable=False),
    sa.Column('earned_on', sa.Date(), nullable=False),
    sa.Column('expires_on', sa.Date(), nullable=True),
    sa.CheckConstraint('remaining >= 0 AND remaining <= original', name=op.f('ck_point_lots_remaining_in_range')),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_point_lots_customer_id_customers')),
    sa.ForeignKeyConstraint(['entry_id'], ['ledger_entries.id'], name=op.f('fk_point_lots_entry_id_ledger_entries')),
    sa.PrimaryKeyConstraint('entry_id', name=op.f('pk_point_lots'))
    )
    with op.batch_alter_table('point_lots', schema=None) as batch_op:
        batch_op.create_index('ix_point_lots_customer_open', ['customer_id', 'remaining'], unique=False)
        batch_op.create_index('ix_point_lots_expires_on', ['expires_on'], unique=False)

    op.create_table('lot_allocations',
    sa.Column('debit_entry_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('lot_entry_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('points', sa.BigInteger(), nullable=False),
    sa.CheckConstraint('points > 0', name=op.f('ck_lot_allocations_points_positive')),
    sa.ForeignKeyConstraint(['debit_entry_id'], ['ledger_entries.id'], name=op.f('fk_lot_allocations_debit_entry_id_ledger_entries')),
    sa.ForeignKeyConstraint(['lot_entry_id'], ['point_lots.entry_id'], name=op.f('fk_lot_allocations_lot_entry_id_point_lots')),
    sa.PrimaryKeyConstraint('debit_entry_id', 'lot_entry_id', name=op.f('pk_lot_allocations'))
    )
    with op.batch_alter_table('lot_allocations', schema=None) as batch_op:
        batch_op.create_index('ix_lot_allocations_lot_entry_id', ['lot_entry_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('lot_allocations', schema=None) as batch_op:
        batch_op.drop_index('ix_lot_allocations_lot_entry_id')

    op.drop_table('lot_allocations')
    with op.batch_alter_table('point_lots', schema=None) as batch_op:
        batch_op.drop_index('ix_point_lots_expires_on')
        batch_op.drop_index('ix_point_lots_customer_open')

    op.drop_table('point_lots')
    op.drop_table('refunds')
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_ledger_entries_customer_id_id')
        batch_op.drop_index('ix_ledger_entries_business_date')

    op.drop_table('ledger_entries')
    op.drop_table('sales')
    op.drop_table('balances')
    op.drop_table('sync_cursors')
    op.drop_table('customers')
