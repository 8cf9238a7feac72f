"""The Alembic migrations build exactly ``schema.metadata``, and migrating again is a no-op."""

from __future__ import annotations

import os

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from loyalty.ledger import schema
from loyalty.ledger.customer_search import outside_search_index
from loyalty.ledger.database import create_database_engine
from loyalty.ledger.database import current_revision
from loyalty.ledger.database import head_revision
from loyalty.ledger.database import migrate


def differences(engine: sa.Engine) -> list:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True,
                                                               "include_name": outside_search_index})
        return compare_metadata(context, schema.metadata)


def shape(engine: sa.Engine) -> dict[str, tuple]:
    """Every table's columns, indexes and constraints, as the database itself reports them."""
    inspector = sa.inspect(engine)
    return {
        table: (
            [(c["name"], str(c["type"]), c["nullable"]) for c in inspector.get_columns(table)],
            sorted(i["name"] for i in inspector.get_indexes(table)),
            sorted(str(u["name"]) for u in inspector.get_unique_constraints(table)),
            inspector.get_pk_constraint(table)["constrained_columns"],
        )
        for table in sorted(inspector.get_table_names())
    }


def test_upgrading_to_head_builds_exactly_the_schema(ledger_url):
    engine = create_database_engine(ledger_url)
    migrate(engine)
    assert current_revision(engine) == head_revision()
    assert differences(engine) == []
    engine.dispose()


def test_migrating_a_ledger_at_head_changes_nothing(ledger_url):
    engine = create_database_engine(ledger_url)
    migrate(engine)
    before = shape(engine)
    migrate(engine)
    after = shape(engine)
    assert before == after
    engine.dispose()


def test_a_ledger_built_from_the_metadata_is_what_the_migrations_build(tmp_path):
    migrated = create_database_engine(tmp_path / "migrated.db")
    migrate(migrated)
    direct = create_database_engine(tmp_path / "direct.db")
    schema.metadata.create_all(direct)
    for engine in (migrated, direct):
        engine.dispose()
    tables = {name: sa.inspect(e).get_table_names() for name, e in
              (("migrated", migrated), ("direct", direct))}
    assert set(tables["migrated"]) - {"alembic_version"} == set(tables["direct"])


@pytest.mark.postgres
def test_upgrading_a_postgresql_ledger_builds_exactly_the_schema(postgres_ledger_url):
    scoped = create_database_engine(postgres_ledger_url)  # a fresh schema of its own
    try:
        migrate(scoped)
        assert differences(scoped) == []
        migrate(scoped)
        assert current_revision(scoped) == head_revision()
    finally:
        scoped.dispose()


def test_customers_imported_before_0004_take_the_till_of_their_first_sale(ledger_url):
    from datetime import date
    from datetime import datetime
    from datetime import timezone

    from alembic import command

    from loyalty.ledger.database import _alembic_config

    engine = create_database_engine(ledger_url)
    with engine.begin() as conn:
        command.upgrade(_alembic_config(conn), "0003")
    now = datetime(2026, 1, 5, tzinfo=timezone.utc)
    with engine.begin() as conn:
        for cid, origin in ((1, "aronium"), (2, None)):
            conn.execute(sa.text(
                "INSERT INTO customers (id, name, platform, origin, external_id, shop_id, "
                "created_at) VALUES (:id, 'x', 'none', :origin, :ext, 'main', :now)"),
                {"id": cid, "origin": origin, "ext": str(cid) if origin else None, "now": now})
        conn.execute(sa.text(
            "INSERT INTO sales (sale_key, customer_id, source, shop_id, till_id, document_id, "
            "total_minor, currency, stars_before, points_earned, refunded_minor, "
            "points_reversed, revision, occurred_at, business_date, event_id) VALUES "
            "('k', 1, 'aronium', 'main', 'till-3', 'D1', 100, 'USD', 0, 1, 0, 0, 0, :now, "
            ":day, 'e')"), {"now": now, "day": date(2026, 1, 5)})
    migrate(engine)
    with engine.connect() as conn:
        tills = dict(conn.execute(sa.text("SELECT id, till_id FROM customers")).all())
    assert tills == {1: "till-3", 2: None}
    assert differences(engine) == []
    engine.dispose()
