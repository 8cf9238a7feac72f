"""The Alembic migrations build exactly ``schema.metadata``, and migrating again is a no-op."""

from __future__ import annotations

import os

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from loyalty.ledger import schema
from loyalty.ledger.database import create_database_engine
from loyalty.ledger.database import current_revision
from loyalty.ledger.database import head_revision
from loyalty.ledger.database import migrate


def differences(engine: sa.Engine) -> list:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
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
def test_upgrading_a_postgresql_ledger_builds_exactly_the_schema():
    url = os.environ.get("LOYALTY_TEST_POSTGRES_URL")
    if not url:
        pytest.skip("set LOYALTY_TEST_POSTGRES_URL to run against PostgreSQL")
    engine = create_database_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP SCHEMA IF EXISTS loyalty_migration_test CASCADE")
        conn.exec_driver_sql("CREATE SCHEMA loyalty_migration_test")
    scoped = sa.create_engine(engine.url, connect_args={
        "options": "-csearch_path=loyalty_migration_test"})
    try:
        migrate(scoped)
        assert differences(scoped) == []
        migrate(scoped)
        assert current_revision(scoped) == head_revision()
    finally:
        scoped.dispose()
        with engine.begin() as conn:
            conn.exec_driver_sql("DROP SCHEMA loyalty_migration_test CASCADE")
        engine.dispose()
