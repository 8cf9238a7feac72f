"""A fall of stars is an entry of the points log: kind 'tier_lowered', moving no points

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03

The ``moves_something`` CHECK required every entry to move points or lifetime points; it now
lets a ``tier_lowered`` entry, and only that kind, move neither (what it moves is stars).
"""

from alembic import op


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

NAME = 'ck_ledger_entries_moves_something'
BEFORE = 'points <> 0 OR tier_points <> 0'
AFTER = ("CASE WHEN kind = 'tier_lowered' THEN points = 0 AND tier_points = 0 "
         "ELSE points <> 0 OR tier_points <> 0 END")


def upgrade() -> None:
    _replace_check(AFTER)


def downgrade() -> None:
    # The falls are the one kind of entry the older CHECK refuses; their stars stay fallen
    # (``balances.stars``), only the log of them goes.
    op.execute("DELETE FROM ledger_entries WHERE kind = 'tier_lowered'")
    _replace_check(BEFORE)


def _replace_check(condition: str) -> None:
    """PostgreSQL drops and adds the constraint; SQLite, which cannot alter a constraint, copies
    the table (batch mode, with its indexes and foreign keys; ``ledger.database.migrate`` turns
    foreign key enforcement off meanwhile, as the tables that refer to the entries keep pointing
    at the name)."""
    sqlite = op.get_bind().dialect.name == 'sqlite'
    with op.batch_alter_table('ledger_entries',
                              recreate='always' if sqlite else 'never') as batch_op:
        batch_op.drop_constraint(op.f(NAME), type_='check')
        batch_op.create_check_constraint(op.f(NAME), condition)
