"""Sales per second into a PostgreSQL ledger: one till writing vs several tills at once.

Each writer is a real process with its own engine (``loyalty.testing.multitill``), recording its own
till's sales in batches, as a chain's tills would during a busy hour. The customers are
shared, so tills also wait for each other's row locks on the same customers.

    uv run python bench/postgres_writers.py                # 200,000 sales, 20,000 customers
    uv run python bench/postgres_writers.py --sales 20000 --customers 2000 --writers 4

Each transaction locks the balance rows of all its customers until it commits, so bigger
batches (``--batch``) overlap more between tills and wait more. On a 2-CPU machine that also
runs the server, the writers mostly compete for CPU (building the batched INSERTs costs the
client as much as the server's work); the ratio says more on a machine with a core per till.

Needs a PostgreSQL server (``--server`` or LOYALTY_TEST_POSTGRES_URL); every run uses fresh
schemas and drops them afterwards.
"""

from __future__ import annotations

import argparse
import os
import random
import time
from datetime import datetime
from datetime import timezone

import sqlalchemy as sa

from loyalty.engine import Engine
from loyalty.ledger import schema
from loyalty.testing.multitill import SaleDocuments
from loyalty.testing.multitill import TillProcess
from loyalty.testing.multitill import run_tills
from loyalty.testing.plugin import fresh_postgres_schema


DEFAULT_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def add_customers(url: str, count: int) -> list[int]:
    """Customers straight into the tables: setup, not what is measured."""
    now = datetime.now(timezone.utc)
    with Engine(url) as engine, engine.db.begin() as conn:
        ids = conn.execute(
            schema.customers.insert().returning(schema.customers.c.id,
                                                sort_by_parameter_order=True),
            [{"name": f"Customer {i}", "created_at": now} for i in range(count)],
        ).scalars().all()
        conn.execute(schema.balances.insert(), [{"customer_id": cid} for cid in ids])
    return list(ids)


def sales(customer_ids: list[int], count: int, till: str, seed: int) -> list[tuple[str, int, int]]:
    rng = random.Random(seed)
    return [(f"{till}-{n}", rng.choice(customer_ids), rng.randrange(100, 50_000))
            for n in range(count)]


def run(server: str, total: int, customers: int, writers: int, batch: int) -> float:
    """Sales per second when ``writers`` tills share ``total`` sales."""
    with fresh_postgres_schema(server) as url:
        ids = add_customers(url, customers)
        share = total // writers
        tills = [
            TillProcess(url, SaleDocuments(sales(ids, share, f"T{w}", seed=w),
                                           till_id=f"till-{w}", batch_size=batch),
                        till_id=f"till-{w}")
            for w in range(writers)
        ]
        results = run_tills(tills, timeout=3600)
        failed = [r.error for r in results if r.error]
        if failed:
            raise SystemExit(f"a writer failed: {failed[0]}")
        recorded = sum(r.result for r in results)
        if recorded != share * writers:
            raise SystemExit(f"recorded {recorded} of {share * writers} sales")
        with sa.create_engine(url).connect() as conn:
            entries = conn.execute(sa.select(sa.func.count()).select_from(
                schema.ledger_entries)).scalar_one()
        seconds = max(r.seconds for r in results)
        print(f"  {writers} writer(s): {recorded:,} sales ({entries:,} entries) in "
              f"{seconds:.1f} s = {recorded / seconds:,.0f} sales/s")
        return recorded / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--server", default=os.environ.get("LOYALTY_TEST_POSTGRES_URL",
                                                           DEFAULT_SERVER))
    parser.add_argument("--sales", type=int, default=200_000)
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--batch", type=int, default=500, help="sales per transaction")
    args = parser.parse_args()

    print(f"PostgreSQL ledger, {args.sales:,} sales over {args.customers:,} customers, "
          f"{args.batch} sales per transaction, {os.cpu_count()} CPUs")
    started = time.perf_counter()
    one = run(args.server, args.sales, args.customers, 1, args.batch)
    many = run(args.server, args.sales, args.customers, args.writers, args.batch)
    print(f"{args.writers} writers vs 1: {many / one:.2f}x the sales/s "
          f"(total run {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
