"""The Alembic migrations build exactly ``schema.metadata``, and migrating again is a no-op."""

from __future__ import annotations

import os

import attrs
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
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": outside_search_index})
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


# ---- 0010: an entry that moves no points, for a fall of stars --------------------------------

def table_rows(engine: sa.Engine) -> dict[str, list]:
    """Every row of every ledger table, in primary-key order."""
    with engine.connect() as conn:
        return {table.name: conn.execute(
                    sa.select(table).order_by(*table.primary_key.columns)).all()
                for table in schema.metadata.sorted_tables}


def test_a_ledger_at_0009_keeps_every_row_and_link_through_0010(
        shop_ledger, ledger_url, settings, clock):
    from alembic import command

    from loyalty.domain.settings import TierReview
    from loyalty.engine import Engine
    from loyalty.ledger.copy import copy_ledger
    from loyalty.ledger.database import _alembic_config
    from loyalty.testing.plugin import assert_ledger_consistent

    source = create_database_engine(shop_ledger)
    shop = create_database_engine(ledger_url)
    with shop.begin() as conn:
        command.upgrade(_alembic_config(conn), "0009")
    copy_ledger(source, shop)  # the shop's sales, refunds, lots and allocations, at 0009
    before = table_rows(source)
    assert all(before[name] for name in ("sales", "ledger_entries", "point_lots",
                                         "lot_allocations", "refunds", "balances"))
    index_and_keys = shape(shop)

    migrate(shop)

    assert current_revision(shop) == "0010" == head_revision()
    assert table_rows(shop) == before
    assert shape(shop) == index_and_keys  # the rebuilt table has its indexes, keys and columns
    assert differences(shop) == []
    shop.dispose()
    source.dispose()
    settings = attrs.evolve(settings, tier_review=TierReview(enabled=True, months=1))
    with Engine(ledger_url, settings, clock=clock) as engine:
        assert_ledger_consistent(engine)
        found = [c.customer.name for c in engine.customers("Nimal")]  # the search index kept
        assert found == ["Nimal Perera", "Nimal Perera 2"]
        clock.advance(days=60)
        assert engine.run_job("tier_review").result.startswith("Lowered the stars of")
        assert any(e.kind == "tier_lowered" for e in engine.history(12))
        assert_ledger_consistent(engine)


def test_downgrading_0010_drops_the_falls_from_the_log_and_keeps_the_rest(engine, clock, till):
    from alembic import command

    from loyalty.domain.settings import TierReview
    from loyalty.ledger.database import _alembic_config
    from loyalty.ledger.database import _driver_execute

    engine.update_settings(attrs.evolve(engine.settings, tier_review=TierReview(enabled=True)))
    ann = engine.add_customer("Ann")
    engine.record_sale(till.sale(ann.id, 300_000))
    clock.advance(days=400)
    engine.run_job("tier_review")
    kept = [e for e in engine.history(ann.id) if e.kind != "tier_lowered"]
    assert len(kept) < len(engine.history(ann.id))
    sqlite = engine.db.dialect.name == "sqlite"
    with engine.db.connect() as conn:
        if sqlite:  # as ``migrate`` does: the copied table's links are checked after
            _driver_execute(conn, "PRAGMA foreign_keys=OFF")
        with conn.begin():
            command.downgrade(_alembic_config(conn), "0009")
        if sqlite:
            _driver_execute(conn, "PRAGMA foreign_keys=ON")
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
    assert current_revision(engine.db) == "0009"
    assert engine.read(lambda conn: conn.execute(
        sa.select(sa.func.count()).select_from(schema.ledger_entries)
        .where(schema.ledger_entries.c.kind == "tier_lowered")).scalar_one()) == 0
    assert engine.history(ann.id) == kept
    assert engine.account(ann.id).stars == 0  # the stars stay fallen
