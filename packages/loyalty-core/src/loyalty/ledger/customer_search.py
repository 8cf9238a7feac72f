"""The customers' search index: find a name or phone by any part of it without reading every row.

SQLite: an FTS5 table with the trigram tokenizer (``customers_search``), contentless, kept in
step by triggers on ``customers``, so every write (the POS import's bulk insert included) updates
it in the same transaction. Each value is indexed with two end marks after it, so every
character, even the last, starts a trigram: a query of one or two characters is answered from
the index's terms (``customers_search_terms``) instead of a scan.
PostgreSQL: pg_trgm GIN indexes on name and phone, which ILIKE uses by itself; without the
extension (not installed, not allowed) the search scans as before.

The index only narrows the candidates: the caller checks every row again with the search's own
predicate, so the rows found are exactly those of a full scan.
FTS5 writes its pending terms out at the end of every statement a trigger writes it from: a
bulk insert is therefore one statement (``customers.insert_many``), not one per row, and a POS
import that sets a name or phone to what it was leaves the index alone.
A migration that rebuilds ``customers`` on SQLite (Alembic's batch mode) drops the triggers with
the old table: it must call ``drop_index`` before and ``create_index`` after.
"""

from __future__ import annotations

import logging

import sqlalchemy as sa


log = logging.getLogger(__name__)

INDEX = "customers_search"
TERMS = "customers_search_terms"
END_MARK = "\x1f\x1f"
"""Appended to each indexed value: every character then starts a trigram."""
SHORTEST_PHRASE = 3
"""Trigrams: a query this long or longer is a phrase of them; shorter ones use the terms."""

fts = sa.table(INDEX, sa.column("rowid", sa.Integer), sa.column(INDEX, sa.String))
terms = sa.table(TERMS, sa.column("term", sa.String))


def _indexed(row: str) -> str:
    return (f"{row}.id, {row}.name || char(31, 31), "
            f"coalesce({row}.phone, '') || char(31, 31)")


SQLITE_CREATE = (
    f"CREATE VIRTUAL TABLE {INDEX} USING fts5(name, phone, content='', tokenize='trigram')",
    f"CREATE VIRTUAL TABLE {TERMS} USING fts5vocab({INDEX}, 'row')",
    f"CREATE TRIGGER {INDEX}_insert AFTER INSERT ON customers BEGIN "
    f"INSERT INTO {INDEX} (rowid, name, phone) VALUES ({_indexed('new')}); END",
    f"CREATE TRIGGER {INDEX}_delete AFTER DELETE ON customers BEGIN "
    f"INSERT INTO {INDEX} ({INDEX}, rowid, name, phone) VALUES ('delete', {_indexed('old')}); "
    "END",
    f"CREATE TRIGGER {INDEX}_update AFTER UPDATE OF id, name, phone ON customers "
    "WHEN old.id IS NOT new.id OR old.name IS NOT new.name OR old.phone IS NOT new.phone BEGIN "
    f"INSERT INTO {INDEX} ({INDEX}, rowid, name, phone) VALUES ('delete', {_indexed('old')}); "
    f"INSERT INTO {INDEX} (rowid, name, phone) VALUES ({_indexed('new')}); END",
    f"INSERT INTO {INDEX} (rowid, name, phone) SELECT {_indexed('customers')} FROM customers",
)
SQLITE_DROP = (
    f"DROP TRIGGER IF EXISTS {INDEX}_insert",
    f"DROP TRIGGER IF EXISTS {INDEX}_delete",
    f"DROP TRIGGER IF EXISTS {INDEX}_update",
    f"DROP TABLE IF EXISTS {TERMS}",
    f"DROP TABLE IF EXISTS {INDEX}",
)
POSTGRES_COLUMNS = ("name", "phone")


def is_index_object(name: str | None) -> bool:
    """The index's own tables and indexes, which no ``schema.py`` table describes."""
    return bool(name) and str(name).startswith(INDEX)


def create_index(conn: sa.Connection) -> None:
    """Build the index over the customers there are (a no-op where the backend cannot)."""
    if conn.dialect.name == "sqlite":
        if not _sqlite_has_trigrams(conn):
            log.warning("This SQLite has no FTS5 trigram tokenizer: customer search scans.")
            return
        for statement in SQLITE_CREATE:
            conn.exec_driver_sql(statement)
    elif conn.dialect.name == "postgresql":
        schema = _pg_trgm_schema(conn)
        if schema is None:
            log.warning("pg_trgm cannot be installed: customer search scans.")
            return
        for column in POSTGRES_COLUMNS:
            conn.exec_driver_sql(
                f"CREATE INDEX IF NOT EXISTS {INDEX}_{column} ON customers "
                f'USING gin ({column} "{schema}".gin_trgm_ops)')


def drop_index(conn: sa.Connection) -> None:
    if conn.dialect.name == "sqlite":
        for statement in SQLITE_DROP:
            conn.exec_driver_sql(statement)
    elif conn.dialect.name == "postgresql":
        for column in POSTGRES_COLUMNS:
            conn.exec_driver_sql(f"DROP INDEX IF EXISTS {INDEX}_{column}")


def _sqlite_has_trigrams(conn: sa.Connection) -> bool:
    try:
        with conn.begin_nested():
            conn.exec_driver_sql(
                "CREATE VIRTUAL TABLE temp.loyalty_trigram_probe USING fts5(x, tokenize='trigram')")
            conn.exec_driver_sql("DROP TABLE temp.loyalty_trigram_probe")
    except sa.exc.OperationalError:
        return False
    return True


def _pg_trgm_schema(conn: sa.Connection) -> str | None:
    """The schema pg_trgm lives in, installing it (in ``public`` if there is one) if need be."""
    for statement in ("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public",
                      "CREATE EXTENSION IF NOT EXISTS pg_trgm"):
        try:
            with conn.begin_nested():
                conn.exec_driver_sql(statement)
            break
        except sa.exc.DBAPIError:
            continue
    return conn.exec_driver_sql(
        "SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'pg_trgm'"
    ).scalar()


def has_index(conn: sa.Connection) -> bool:
    """Whether this SQLite ledger has the trigram index (PostgreSQL's needs no asking)."""
    return conn.dialect.name == "sqlite" and conn.exec_driver_sql(
        f"SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '{TERMS}'").first() \
        is not None


def match_expression(conn: sa.Connection, text: str) -> str | None:
    """An FTS5 query whose rows include every customer whose name or phone contains ``text``.

    None when the index cannot say (no index, or a short query outside ASCII, whose case the
    index folds differently); "" when no indexed value contains it.
    """
    if len(text) >= SHORTEST_PHRASE:
        return _phrase(text)
    if not text.isascii():
        return None
    start = text.lower()
    after = start[:-1] + chr(ord(start[-1]) + 1)
    found = conn.execute(
        sa.select(terms.c.term).where(terms.c.term >= start, terms.c.term < after)
    ).scalars().all()
    return " OR ".join(_phrase(term) for term in found)


def _phrase(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def matching(expression: str) -> sa.ColumnElement[bool]:
    """The condition on ``fts`` for rows matching ``expression``."""
    return fts.c[INDEX].op("MATCH")(expression)


def outside_search_index(name: str | None, type_: str, parent_names: object) -> bool:
    """Alembic's ``include_name``: compare the schema leaving the search index's objects out."""
    return not is_index_object(name)
