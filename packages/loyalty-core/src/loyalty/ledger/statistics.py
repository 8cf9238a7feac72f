"""PostgreSQL's planner statistics for the tables a POS sync grows, kept fresh by the engine.

The sync's lookups (its sales by key, its customers, their balances and lots) use an index
only when the planner knows how big the table is. Without statistics (a new ledger, a server
with autovacuum off, or autovacuum a minute behind a first sync) it reads the whole table for
each batch instead: 200,000 sales then cost ever more per sale and never finished
(bench/postgres_writers.py). After a batch, tables never analysed or grown by half (in pages,
which PostgreSQL knows at once) since their last ANALYZE are analysed, as autovacuum would,
more sparingly and whether or not it runs. SQLite plans without them.
"""

from __future__ import annotations

import sqlalchemy as sa


GROWN_TABLES = ("customers", "balances", "sales", "ledger_entries", "point_lots",
                "lot_allocations", "refunds")
SMALLEST_PAGES = 16
"""Tables of fewer pages (8 KiB each) are left alone: reading one whole costs little."""
GROWTH = 0.5
"""Growth in pages since a table's last ANALYZE that calls for another."""
CHECK_FACTS = 100
"""Facts from which ``Engine.record`` asks after the statistics: a sync's batch, not a sale."""

_STALE = sa.text(
    "SELECT c.relname FROM pg_class AS c "
    "WHERE c.relnamespace = current_schema()::regnamespace AND c.relname = ANY(:tables) "
    "AND pg_relation_size(c.oid) / current_setting('block_size')::int >= :smallest "
    "AND (c.reltuples < 0 "
    "     OR pg_relation_size(c.oid) / current_setting('block_size')::int "
    "        > (1 + :growth) * c.relpages) "
    "ORDER BY c.relname"
).bindparams(sa.bindparam("tables", type_=sa.ARRAY(sa.String)))


def refresh(engine: sa.Engine) -> list[str]:
    """ANALYZE the ledger's growing tables whose statistics are missing or stale; returns
    their names. One short transaction of its own, after the batch's commit, so no till
    waits for it while holding its customers' row locks."""
    if engine.dialect.name != "postgresql":
        return []
    with engine.begin() as connection:
        stale = list(connection.execute(_STALE, {
            "tables": list(GROWN_TABLES), "smallest": SMALLEST_PAGES, "growth": GROWTH,
        }).scalars())
        quote = connection.dialect.identifier_preparer.quote
        for table in stale:
            connection.exec_driver_sql(f"ANALYZE {quote(table)}")
    return stale
