"""Copying a whole ledger into another database: how a shop moves from SQLite to PostgreSQL.

Every table of ``schema.metadata`` is copied in foreign-key order with its ids unchanged, in
batches, into an *empty* ledger at the newest schema revision. PostgreSQL's id sequences are
then moved past the copied ids, and the copy is checked: the same number of rows in every
table and the same balance for every customer, recomputed from the copied entries.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterator
from contextlib import contextmanager

import attrs
import sqlalchemy as sa

from loyalty.domain.errors import LedgerError
from loyalty.ledger import schema


BATCH_ROWS = 2_000

Progress = Callable[[str, int], None]
"""Called with a table's name and how many more of its rows were copied."""


@attrs.frozen
class CopyReport:
    rows: dict[str, int]
    """Rows copied per table, in the order they were copied."""
    customers_checked: int
    """Customers whose balance was compared (cache and entries) after the copy."""


def row_counts(connection: sa.Connection) -> dict[str, int]:
    return {
        table.name: connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
        for table in schema.metadata.sorted_tables
    }


def copy_ledger(
    source: sa.Engine, target: sa.Engine, *, batch_rows: int = BATCH_ROWS,
    progress: Progress | None = None,
) -> CopyReport:
    """Copy every row of ``source`` into the empty ledger ``target`` (both migrated to head)."""
    with _snapshot(source) as src:
        counts = row_counts(src)
        with target.begin() as dst:
            _refuse_non_empty(dst, target)
            for table in schema.metadata.sorted_tables:
                _copy_table(src, dst, table, batch_rows, progress)
            if target.dialect.name == "postgresql":
                _move_sequences(dst)
            copied = row_counts(dst)
            if copied != counts:
                raise LedgerError(
                    f"The copy is incomplete: {_differences(counts, copied)}.",
                    hint="Nothing was kept in the target; check that no till writes the "
                    "source ledger during the move, then run 'loyalty migrate' again.",
                )
            checked = _check_balances(src, dst)
    return CopyReport(rows=copied, customers_checked=checked)


@contextmanager
def _snapshot(source: sa.Engine) -> Iterator[sa.Connection]:
    """One read transaction, so every table is read as of the same moment."""
    options: dict = {"readonly": True}  # SQLite: BEGIN, not BEGIN IMMEDIATE
    if source.dialect.name == "postgresql":
        options["isolation_level"] = "REPEATABLE READ"
    with source.connect() as connection:
        connection = connection.execution_options(**options)
        with connection.begin():
            yield connection


def _refuse_non_empty(connection: sa.Connection, target: sa.Engine) -> None:
    filled = {name: n for name, n in row_counts(connection).items() if n}
    if filled:
        where = target.url.render_as_string(hide_password=True)
        held = ", ".join(f"{n} {name}" for name, n in filled.items())
        raise LedgerError(
            f"The target ledger {where} is not empty (it holds {held}).",
            hint="Copy into a new, empty database or schema; nothing was changed.",
        )


def _copy_table(
    src: sa.Connection, dst: sa.Connection, table: sa.Table, batch_rows: int,
    progress: Progress | None,
) -> None:
    """Read in primary-key order, one batch at a time (keyset pages, never OFFSET)."""
    key = list(table.primary_key.columns)
    query = sa.select(table).order_by(*key).limit(batch_rows)
    last: tuple | None = None
    while True:
        page = query if last is None else query.where(sa.tuple_(*key) > sa.tuple_(*last))
        rows = src.execute(page).mappings().all()
        if not rows:
            return
        dst.execute(table.insert(), [dict(row) for row in rows])
        if progress is not None:
            progress(table.name, len(rows))
        last = tuple(rows[-1][column.name] for column in key)


def _move_sequences(connection: sa.Connection) -> None:
    """Ids were copied as they were; the next id a sequence gives must come after them."""
    for table in schema.metadata.sorted_tables:
        column = table.c.get("id")
        if column is None or not column.autoincrement:
            continue
        connection.execute(
            sa.text("SELECT setval(pg_get_serial_sequence(:table, 'id'), "
                    "coalesce(max(id), 0) + 1, false) FROM " + table.name),
            {"table": table.name},
        )


def _balances(connection: sa.Connection) -> dict[int, tuple[int, int, int]]:
    b = schema.balances
    rows = connection.execute(sa.select(b.c.customer_id, b.c.points, b.c.lifetime_earned,
                                        b.c.stars))
    return {row.customer_id: (row.points, row.lifetime_earned, row.stars) for row in rows}


def _check_balances(src: sa.Connection, dst: sa.Connection) -> int:
    """The copied balances equal the source's, and equal the sum of the copied entries."""
    before, after = _balances(src), _balances(dst)
    e = schema.ledger_entries
    summed = dict(dst.execute(
        sa.select(e.c.customer_id, sa.func.sum(e.c.points)).group_by(e.c.customer_id)
    ).all())
    wrong = sorted(cid for cid in before
                   if after.get(cid) != before[cid] or int(summed.get(cid) or 0) != after[cid][0])
    if wrong or set(after) != set(before):
        raise LedgerError(
            f"After the copy the balances of customers {wrong[:10]} disagree.",
            hint="Nothing was kept in the target; run 'loyalty rebuild-balances' on the source "
            "ledger first, then copy again.",
        )
    return len(after)


def _differences(expected: dict[str, int], found: dict[str, int]) -> str:
    return ", ".join(f"{name} {found.get(name, 0)} of {n}" for name, n in expected.items()
                     if found.get(name, 0) != n)
