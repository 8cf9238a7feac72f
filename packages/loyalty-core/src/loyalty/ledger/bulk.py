"""Statements run so often that SQLAlchemy's generic handling costs more than SQLite's work.

A first sync records hundreds of thousands of sales, and the till looks up a balance at every
customer it shows; these helpers keep SQLAlchemy's compiled SQL and types but hand SQLite the
rows and keys in bulk, or one lookup straight to the driver. Other backends take SQLAlchemy's
ordinary path.
"""

from __future__ import annotations

import functools
import json
import operator
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa


_CHUNK = 500  # keys per IN (...) query, well under every backend's parameter limit


def chunks(items: list, size: int = _CHUNK) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


_JSON_KEYS: sa.Select[tuple[object]] = sa.select(sa.column("value")).select_from(sa.func.json_each(sa.bindparam("keys_json")))


def rows_matching(
    connection: sa.Connection, query: sa.Select, column: sa.ColumnElement, keys: Iterable
) -> Iterator[sa.Row]:
    """The rows of ``query`` whose ``column`` is one of ``keys`` (text or integers), however
    many keys there are.

    SQLite gets all keys in one JSON parameter (``IN (SELECT value FROM json_each(?))``): a
    sync asks about tens of thousands of keys per batch, and one statement costs a fraction
    of SQLAlchemy expanding many ``IN`` lists. Other backends get ``IN`` lists of ``_CHUNK``
    keys, within every parameter limit.
    """
    keys = sorted(set(keys))
    if not keys:
        return
    if connection.dialect.name == "sqlite":
        yield from connection.execute(query.where(column.in_(_JSON_KEYS)),
                                      {"keys_json": json.dumps(keys)})
        return
    for chunk in chunks(keys):
        yield from connection.execute(query.where(column.in_(chunk)))


def execute_many(
    connection: sa.Connection, statement: sa.Insert | sa.Update, rows: list[dict[str, Any]]
) -> None:
    """Run an INSERT (of the rows' keys) or an UPDATE (of its bind parameters) once per row;
    the rows all have the same keys.

    On SQLite the statement SQLAlchemy compiles and the bind processors of its own types go
    straight to the driver's ``executemany``: SQLAlchemy's generic per-row parameter handling
    costs more than SQLite's insert itself, and a POS sync writes a million rows. On
    PostgreSQL an INSERT of many rows is a ``COPY`` (``copy_rows``); other statements and
    backends take SQLAlchemy's ordinary executemany.
    """
    dialect = connection.dialect
    if dialect.name == "postgresql" and isinstance(statement, sa.Insert) \
            and isinstance(statement.table, sa.Table) and len(rows) >= COPY_FROM_ROWS:
        copy_rows(connection, statement.table, rows)
        return
    if dialect.name != "sqlite":
        connection.execute(statement, rows)
        return
    sql, names, processors = _driver_statement(statement, tuple(rows[0]), dialect)
    values = operator.itemgetter(*names)
    if len(names) == 1:
        params: list = [(values(row),) for row in rows]
    elif not processors:
        params = list(map(values, rows))
    else:
        # Column by column, so the loops run in C; each distinct value is processed once (a
        # batch's rows share a few business dates and one recorded_at). Values that compare
        # equal bind the same for the ledger's types (an instant is one UTC text).
        columns: list = [map(operator.itemgetter(name), rows) for name in names]
        for index, process in processors:
            column = list(columns[index])
            processed = {value: process(value) for value in set(column)}
            columns[index] = map(processed.__getitem__, column)
        params = list(zip(*columns))
    connection.exec_driver_sql(sql, params)


COPY_FROM_ROWS = 8
"""Rows from which a PostgreSQL INSERT is sent as a COPY: below it, the COPY's own round trips
cost more than the rows."""


def copy_rows(connection: sa.Connection, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` (all with the same keys) into ``table`` with PostgreSQL's ``COPY``, in
    the connection's transaction.

    psycopg's executemany sends and the server runs one INSERT per row: for a till's batch of
    500 sales (about 2,000 rows) that was two thirds of both the client's and the server's CPU
    (bench/postgres_writers.py); a COPY streams them as one statement. Constraints, defaults
    and unique keys hold as for an INSERT; the column types' bind processors run first, as
    SQLAlchemy would run them.
    """
    dialect = connection.dialect
    keys, names, processors = _copy_columns(table, tuple(rows[0]), dialect)
    columns: list = [map(operator.itemgetter(key), rows) for key in keys]
    for index, process in processors:
        columns[index] = map(process, columns[index])
    driver = connection.connection.driver_connection
    assert driver is not None, "an open connection has its driver connection"
    quoted = ", ".join(dialect.identifier_preparer.quote(name) for name in names)
    target = dialect.identifier_preparer.format_table(table)
    with driver.cursor() as cursor, cursor.copy(
            f"COPY {target} ({quoted}) FROM STDIN") as copy:
        for row in zip(*columns):
            copy.write_row(row)


@functools.lru_cache(maxsize=64)
def _copy_columns(
    table: sa.Table, keys: tuple[str, ...], dialect: sa.Dialect
) -> tuple[tuple[str, ...], tuple[str, ...], list[tuple[int, Callable[[Any], Any]]]]:
    """The row keys a COPY of rows with ``keys`` reads in table order, the column names, and
    the columns' bind processors."""
    columns = [column for column in table.columns if column.key in keys]
    if len(columns) != len(keys):
        raise ValueError(f"parameters {sorted(keys)} do not fit the columns of {table.name}")
    processors: list[tuple[int, Callable[[Any], Any]]] = []
    for index, column in enumerate(columns):
        process = column.type.dialect_impl(dialect).bind_processor(dialect)
        if process is not None:
            processors.append((index, process))
    return (tuple(c.key for c in columns), tuple(c.name for c in columns), processors)


def read_value(engine: sa.Engine, query: sa.Select, params: dict[str, Any]) -> Any:
    """The first column of the first row of ``query`` (a number or text), or None without
    a row.

    On SQLite the SQL compiled once goes to a pooled driver connection with no ``BEGIN``: one
    statement reads one consistent snapshot, and SQLAlchemy's transaction, events and result
    handling cost about three times SQLite's own work for a lookup the till makes at every
    customer it shows (bench/ledger.py). Driver errors come out as SQLAlchemy's, like every
    other statement's. Other backends take SQLAlchemy's ordinary path.
    """
    dialect = engine.dialect
    if dialect.name != "sqlite":
        with engine.connect() as connection:
            return connection.execute(query, params).scalar()
    sql, names, processors = _driver_statement(query, tuple(sorted(params)), dialect)
    values = [params[name] for name in names]
    for index, process in processors:
        values[index] = process(values[index])
    driver = engine.raw_connection()
    try:
        row = driver.cursor().execute(sql, values).fetchone()
    except dialect.loaded_dbapi.Error as exc:
        raise sa.exc.DBAPIError.instance(sql, values, exc, dialect.loaded_dbapi.Error) from None
    finally:
        driver.close()
    return None if row is None else row[0]


@functools.lru_cache(maxsize=64)
def _driver_statement(
    statement: sa.Insert | sa.Update | sa.Select, keys: tuple[str, ...], dialect: sa.Dialect
) -> tuple[str, tuple[str, ...], list[tuple[int, Callable[[Any], Any]]]]:
    """The positional SQL, the parameter names in its order, and their type processors."""
    inserting = isinstance(statement, sa.Insert)
    compiled = statement.compile(dialect=dialect, column_keys=list(keys) if inserting else None)
    names = tuple(compiled.positiontup or ())
    if set(names) != set(keys):
        raise ValueError(f"parameters {sorted(keys)} do not fit {compiled.string!r}")
    processors: list[tuple[int, Callable[[Any], Any]]] = []
    for index, name in enumerate(names):
        process = compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect)
        if process is not None:
            processors.append((index, process))
    return compiled.string, names, processors
