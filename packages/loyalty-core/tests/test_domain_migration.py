"""The 0003 migration builds exactly the tables ``schema.py`` declares."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from loyalty.ledger import schema
from loyalty.ledger.customer_search import outside_search_index
from loyalty.ledger.database import create_database_engine
from loyalty.ledger.database import migrate


def test_the_migrated_ledger_matches_the_schema(tmp_path):
    engine = create_database_engine(tmp_path / "ledger.db")
    migrate(engine)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True,
                                                         "include_name": outside_search_index})
        assert compare_metadata(context, schema.metadata) == []
        tables = set(sa.inspect(conn).get_table_names())
    assert {"draws", "coupons", "expiry_reminders"} <= tables
