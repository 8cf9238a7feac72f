"""Statements over many rows or many keys at once, as a POS sync needs them.

A first sync records hundreds of thousands of sales, and SQLAlchemy's generic per-row and
per-parameter handling costs more than SQLite's own work; these helpers keep SQLAlchemy's
compiled SQL and types but hand SQLite the rows and keys in bulk. Other backends take
SQLAlchemy's ordinary path.
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
    costs more than SQLite's insert itself, and a POS sync writes a million rows. Other
    backends take SQLAlchemy's batched multi-row statements.
    """
    dialect = connection.dialect
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


@functools.lru_cache(maxsize=64)
def _driver_statement(
    statement: sa.Insert | sa.Update, keys: tuple[str, ...], dialect: sa.Dialect
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
