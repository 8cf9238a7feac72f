"""Open lots are indexed by their last day, spent and expired ones are not

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""

from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

OPEN = sa.text("remaining > 0")


def upgrade() -> None:
    op.drop_index('ix_point_lots_expires_on', table_name='point_lots')
    op.create_index('ix_point_lots_open_expires_on', 'point_lots', ['expires_on'],
                    sqlite_where=OPEN, postgresql_where=OPEN)


def downgrade() -> None:
    op.drop_index('ix_point_lots_open_expires_on', table_name='point_lots')
    op.create_index('ix_point_lots_expires_on', 'point_lots', ['expires_on'])
