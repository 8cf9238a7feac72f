"""Benchmark: record sales into a SQLite ledger through the engine, against a bare executemany.

Workload (defaults): 100,000 customers, 1,000,000 sales, recorded through ``Engine.record`` in
batches of ``--batch`` (default 1,000 sales: one sync batch, one transaction). Then the same rows
(sales, ledger_entries, point_lots, balance updates) are inserted batch by batch, one transaction
per batch, into fresh ledgers with the same schema and pragmas: once with SQLAlchemy's
``executemany`` and once with ``sqlite3``'s own ``executemany`` of ready tuples (the
driver-level floor). Printed: sales/s of all three, the engine's ratio to the floor (target:
within 2x), the median time of one customer's balance lookup through ``Engine.balance`` (target
under 0.2 ms), and the machine's load average (CPU seconds are steadier than wall seconds on a
shared machine).

Not timed in either path: building the customers (bulk-inserted the same way into both ledgers)
and building the facts (``SaleRecorded`` events / row dicts), which is the POS adapter's work.

    uv run python bench/ledger.py                      # the full size
    uv run python bench/ledger.py --sales 20000 --customers 2000   # a quick run
    uv run python bench/ledger.py --profile 20000      # cProfile the engine path, top 25
"""

from __future__ import annotations

import argparse
import os
import cProfile
import pstats
import random
import shutil
import sqlite3
import statistics
import tempfile
import time
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from collections.abc import Iterator
from pathlib import Path

import sqlalchemy as sa

from loyalty.engine import Engine
from loyalty.domain.events import PointsEarned
from loyalty.domain.events import SaleRecorded
from loyalty.ledger import schema
from loyalty.ledger.bulk import _driver_statement
from loyalty.ledger.database import BUSY_TIMEOUT_MS
from loyalty.ledger.database import CACHE_KIB
from loyalty.ledger.database import WAL_CHECKPOINT_PAGES
from loyalty.plugins.manager import Plugins
from loyalty.domain.rules.earning import awards_for_sale
from loyalty.domain.rules.tiers import stars_for
from loyalty.domain.settings import Settings


START = datetime(2026, 1, 1, 8, tzinfo=timezone.utc)


def open_engine(path: Path) -> Engine:
    return Engine(path, Settings(), plugins=Plugins(load_installed=False), clock=lambda: START)


def add_customers(engine: Engine, count: int) -> None:
    """Setup, not measured: customers and their empty balance rows, bulk-inserted."""
    with engine.db.begin() as conn:
        conn.execute(schema.customers.insert(), [
            {"id": i, "name": f"Customer {i}", "created_at": START, "shop_id": "main"}
            for i in range(1, count + 1)])
        conn.execute(schema.balances.insert(), [
            {"customer_id": i, "points": 0, "lifetime_earned": 0, "stars": 0}
            for i in range(1, count + 1)])


def make_sales(count: int, customers: int, seed: int = 1) -> list[tuple[int, int, datetime]]:
    """(customer, total_minor, when) for every sale, the same for both paths."""
    rng = random.Random(seed)
    return [(rng.randint(1, customers), rng.randint(100, 50_000),
             START + timedelta(seconds=30 * n)) for n in range(count)]


def facts(batch: list[tuple[int, int, datetime]], first: int, currency: str) -> list[SaleRecorded]:
    return [SaleRecorded(occurred_at=when, source="bench", shop_id="main", till_id="till-1",
                         document_id=f"B{first + n}", total_minor=total, currency=currency,
                         customer_id=customer)
            for n, (customer, total, when) in enumerate(batch)]


class Timer:
    """Wall-clock and CPU seconds of the timed blocks (CPU time is steadier on a shared machine)."""

    def __init__(self) -> None:
        self.wall = self.cpu = 0.0

    def __enter__(self) -> Timer:
        self._wall, self._cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall += time.perf_counter() - self._wall
        self.cpu += time.process_time() - self._cpu


def run_engine(path: Path, sales: list, customers: int, batch_size: int) -> Timer:
    engine = open_engine(path)
    add_customers(engine, customers)
    timer = Timer()
    for first in range(0, len(sales), batch_size):
        batch = facts(sales[first:first + batch_size], first, engine.currency.code)
        with timer:
            outcomes = engine.record(batch)
        assert outcomes[-1].status == "recorded", outcomes[-1]
    engine.close()
    return timer


def bench_rows(engine: Engine, sales: list, customers: int, batch_size: int) -> Iterator[tuple]:
    """The rows each batch writes, batch by batch: (sales, entries, lots, balance updates).

    The rules run here, outside every timer: this is what the engine must end up writing.
    """
    settings, currency = engine.settings, engine.currency
    lifetime = [0] * (customers + 1)
    points = [0] * (customers + 1)
    entry_id = 0
    for first in range(0, len(sales), batch_size):
        sale_rows, entry_rows, lot_rows, touched = [], [], [], {}
        for n, fact in enumerate(facts(sales[first:first + batch_size], first, currency.code)):
            cid, sale_id = fact.customer_id, first + n + 1
            stars = stars_for(lifetime[cid], settings.tiers)
            awards = awards_for_sale(fact, settings.earning, settings.tiers, stars, currency)
            day = fact.occurred_at.date()
            earned_id = PointsEarned.id_for(f"{fact.sale_key}#earn")
            sale_rows.append({
                "id": sale_id, "sale_key": fact.sale_key, "customer_id": cid, "source": "bench",
                "shop_id": "main", "till_id": "till-1", "document_id": fact.document_id,
                "total_minor": fact.total_minor, "currency": fact.currency,
                "stars_before": stars, "points_earned": sum(a.points for a in awards),
                "occurred_at": fact.occurred_at, "business_date": day,
                "event_id": fact.event_id})
            for award in awards:
                entry_id += 1
                entry_rows.append({
                    "id": entry_id, "customer_id": cid, "kind": "earn", "points": award.points,
                    "tier_points": award.points, "occurred_at": fact.occurred_at,
                    "business_date": day, "recorded_at": START,
                    "idempotency_key": f"{fact.sale_key}#earn:{award.rule_id}",
                    "source_type": "sale", "source_id": fact.document_id, "sale_id": sale_id,
                    "rule_id": award.rule_id, "reverses_entry_id": None, "reason": award.reason,
                    "actor": "pos:bench", "shop_id": "main", "till_id": "till-1",
                    "event_id": earned_id})
                lot_rows.append({"entry_id": entry_id, "customer_id": cid,
                                 "original": award.points, "remaining": award.points,
                                 "earned_on": day, "expires_on": None})
                points[cid] += award.points
                lifetime[cid] += award.points
            touched[cid] = {"cid": cid, "p": points[cid], "l": lifetime[cid],
                            "s": stars_for(lifetime[cid], settings.tiers), "a": fact.occurred_at}
        yield sale_rows, entry_rows, lot_rows, list(touched.values())


_b = schema.balances
BALANCE_UPDATE = (_b.update().where(_b.c.customer_id == sa.bindparam("cid"))
                  .values(points=sa.bindparam("p"), lifetime_earned=sa.bindparam("l"),
                          stars=sa.bindparam("s"), last_activity_at=sa.bindparam("a")))
STATEMENTS = (schema.sales.insert(), schema.ledger_entries.insert(), schema.point_lots.insert(),
              BALANCE_UPDATE)


def run_bare(path: Path, sales: list, customers: int, batch_size: int) -> Timer:
    """The same rows with SQLAlchemy's executemany, one transaction per batch."""
    engine = open_engine(path)
    add_customers(engine, customers)
    timer = Timer()
    for batch in bench_rows(engine, sales, customers, batch_size):
        with timer, engine.db.begin() as conn:
            for statement, rows in zip(STATEMENTS, batch):
                conn.execute(statement, rows)
    engine.close()
    return timer


def run_raw(path: Path, sales: list, customers: int, batch_size: int) -> Timer:
    """The driver-level floor: the same rows as positional tuples (bound the way SQLAlchemy
    binds them, outside the timer) through ``sqlite3`` executemany, one transaction per batch,
    on a connection with the ledger's own pragmas."""
    engine = open_engine(path)
    add_customers(engine, customers)
    dialect = engine.db.dialect
    batches = []
    for batch in bench_rows(engine, sales, customers, batch_size):
        prepared = []
        for statement, rows in zip(STATEMENTS, batch):
            sql, names, processors = _driver_statement(statement, tuple(rows[0]), dialect)
            converters = dict(processors)
            prepared.append((sql, [
                tuple(converters[i](row[name]) if i in converters else row[name]
                      for i, name in enumerate(names)) for row in rows]))
        batches.append(prepared)
    engine.close()
    driver = sqlite3.connect(path, isolation_level=None)
    for pragma in ("journal_mode=WAL", f"busy_timeout={BUSY_TIMEOUT_MS}", "foreign_keys=ON",
                   "synchronous=NORMAL", f"cache_size=-{CACHE_KIB}",
                   f"wal_autocheckpoint={WAL_CHECKPOINT_PAGES}"):
        driver.execute(f"PRAGMA {pragma}")
    timer = Timer()
    for prepared in batches:
        with timer:
            driver.execute("BEGIN IMMEDIATE")
            for sql, params in prepared:
                driver.executemany(sql, params)
            driver.execute("COMMIT")
    driver.close()
    return timer


def balance_lookup_ms(path: Path, customers: int, lookups: int = 2_000) -> float:
    engine = open_engine(path)
    rng = random.Random(2)
    times = []
    for _ in range(lookups):
        cid = rng.randint(1, customers)
        started = time.perf_counter()
        engine.balance(cid)
        times.append(time.perf_counter() - started)
    engine.close()
    return statistics.median(times) * 1000


def check_same_balances(*paths: Path) -> None:
    """All ledgers must hold the same balances and rows, or the comparison is meaningless."""
    query = ("SELECT customer_id, points, lifetime_earned, stars, last_activity_at FROM balances "
             "UNION ALL SELECT count(*), sum(points), sum(tier_points), 0, max(idempotency_key) "
             "FROM ledger_entries UNION ALL SELECT count(*), sum(remaining), 0, 0, '' "
             "FROM point_lots ORDER BY 1")
    results = []
    for path in paths:
        db = sa.create_engine(f"sqlite:///{path}")
        with db.connect() as conn:
            results.append(conn.exec_driver_sql(query).all())
        db.dispose()
    assert all(result == results[0] for result in results), "the ledgers disagree"


def load() -> str:
    """The machine's load average (1, 5, 15 minutes): the benches share it with other work."""
    try:
        return " ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:  # Windows
        return "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sales", type=int, default=1_000_000)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=1_000, help="sales per Engine.record call")
    parser.add_argument("--profile", type=int, default=0, metavar="SALES",
                        help="only profile the engine path on this many sales")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="loyalty-bench-"))
    try:
        if args.profile:
            sales = make_sales(args.profile, args.customers)
            profiler = cProfile.Profile()
            profiler.enable()
            run_engine(folder / "profile.db", sales, args.customers, args.batch)
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
            return
        sales = make_sales(args.sales, args.customers)
        print(f"Workload: {args.sales:,} sales for {args.customers:,} customers, "
              f"batches of {args.batch:,} sales per Engine.record (one transaction each), "
              f"SQLite WAL in {folder}")
        print(f"machine: {os.cpu_count()} CPUs, load average {load()} at the start")
        engine_t = run_engine(folder / "engine.db", sales, args.customers, args.batch)
        bare_t = run_bare(folder / "bare.db", sales, args.customers, args.batch)
        raw_t = run_raw(folder / "raw.db", sales, args.customers, args.batch)
        check_same_balances(folder / "engine.db", folder / "bare.db", folder / "raw.db")
        lookup = balance_lookup_ms(folder / "engine.db", args.customers)
        for label, timer in (("Engine.record:          ", engine_t),
                             ("SQLAlchemy executemany: ", bare_t),
                             ("sqlite3 executemany:    ", raw_t)):
            print(f"{label}  {args.sales / timer.wall:10,.0f} sales/s wall ({timer.wall:.1f} s), "
                  f"{args.sales / timer.cpu:10,.0f} sales/s CPU ({timer.cpu:.1f} s)")
        for label, ratio in (("wall", engine_t.wall / raw_t.wall),
                             ("CPU", engine_t.cpu / raw_t.cpu)):
            print(f"ratio engine/sqlite3 floor ({label}): {ratio:6.2f}x  (target: within 2x) "
                  f"{'OK' if ratio <= 2 else 'OVER'}")
        print(f"ratio engine/SQLAlchemy executemany (CPU): {engine_t.cpu / bare_t.cpu:6.2f}x")
        print(f"balance lookup:     {lookup:12.3f} ms median of 2,000 random customers "
              f"(target: under 0.2 ms) {'OK' if lookup < 0.2 else 'OVER'}")
        print(f"machine: load average {load()} at the end")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
