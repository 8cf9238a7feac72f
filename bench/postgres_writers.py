"""Sales per second into a PostgreSQL ledger: one till writing vs several tills at once.

Each writer is a real process with its own engine (``loyalty.testing.multitill``), recording its own
till's sales in batches, as a chain's tills would during a busy hour. The customers are
shared, so tills also wait for each other's row locks on the same customers.

    uv run python bench/postgres_writers.py                # 200,000 sales, 20,000 customers
    uv run python bench/postgres_writers.py --sales 20000 --customers 2000 --writers 4

One till records ``--sales`` sales; printed at 20,000, 100,000 and the end: sales/s over each
stretch and the CPU per sale of the till and of its server process (read from /proc when the
server runs on this machine), with the machine's load: a cost linear in sales keeps them
level. Then one till against ``--writers`` tills on ``--writers-sales`` sales.

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
from pathlib import Path

import attrs
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


Mark = tuple[int, float, float, float | None, str]
"""Sales recorded; wall, till CPU and server CPU seconds so far; the machine's load then."""


@attrs.frozen
class TimedSales(SaleDocuments):
    """``SaleDocuments`` that also note, at each of ``marks`` sales recorded, the wall and CPU
    seconds so far of this till and of its server process (None where /proc cannot say)."""

    marks: tuple[int, ...] = ()

    def __call__(self, engine: Engine) -> tuple[int, list[Mark]]:
        facts = self.facts(engine.currency.code)
        with engine.db.connect() as conn:
            backend = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()
        recorded, noted = 0, []
        wall, cpu, server = time.perf_counter(), time.process_time(), process_cpu(backend)
        for start in range(0, len(facts), self.batch_size):
            outcomes = engine.record(facts[start : start + self.batch_size])
            recorded += sum(o.status == "recorded" for o in outcomes)
            done = start + len(outcomes)
            if done in self.marks or done == len(facts):
                now = process_cpu(backend)
                noted.append((done, time.perf_counter() - wall, time.process_time() - cpu,
                              None if now is None or server is None else now - server, load()))
        return recorded, noted


def process_cpu(pid: int) -> float | None:
    """CPU seconds of a process on this machine (the server's backend), from /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8").rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def load() -> str:
    try:
        return "load average " + " ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "load average unknown"


def run(server: str, total: int, customers: int, writers: int, batch: int,
        marks: tuple[int, ...] = ()) -> float:
    """Sales per second when ``writers`` tills share ``total`` sales."""
    with fresh_postgres_schema(server) as url:
        ids = add_customers(url, customers)
        share = total // writers
        tills = [
            TillProcess(url, TimedSales(sales(ids, share, f"T{w}", seed=w),
                                        till_id=f"till-{w}", batch_size=batch, marks=marks),
                        till_id=f"till-{w}")
            for w in range(writers)
        ]
        results = run_tills(tills, timeout=3600)
        failed = [r.error for r in results if r.error]
        if failed:
            raise SystemExit(f"a writer failed: {failed[0]}")
        recorded = sum(r.result[0] for r in results)
        if recorded != share * writers:
            raise SystemExit(f"recorded {recorded} of {share * writers} sales")
        with sa.create_engine(url).connect() as conn:
            entries = conn.execute(sa.select(sa.func.count()).select_from(
                schema.ledger_entries)).scalar_one()
        seconds = max(r.seconds for r in results)
        print(f"  {writers} writer(s): {recorded:,} sales ({entries:,} entries) in "
              f"{seconds:.1f} s = {recorded / seconds:,.0f} sales/s; {load()}")
        if writers == 1:
            print_marks(results[0].result[1])
        return recorded / seconds


def print_marks(noted: list[Mark]) -> None:
    """Each stretch's sales/s and CPU per sale: a cost linear in sales keeps them level."""
    before: tuple[int, float, float, float | None] = (0, 0.0, 0.0, 0.0)
    for done, wall, cpu, server, then in noted:
        count = done - before[0]
        server_text = ("server ?" if server is None or before[3] is None else
                       f"server {(server - before[3]) / count * 1e6:4.0f} us")
        print(f"    at {done:>9,} sales: {count / (wall - before[1]):7,.0f} sales/s wall over "
              f"the last {count:,}; CPU per sale: till {(cpu - before[2]) / count * 1e6:4.0f} "
              f"us, {server_text}; {then}")
        before = (done, wall, cpu, server)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--server", default=os.environ.get("LOYALTY_TEST_POSTGRES_URL",
                                                           DEFAULT_SERVER))
    parser.add_argument("--sales", type=int, default=200_000)
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--writers-sales", type=int, default=20_000,
                        help="sales of the one-till vs several-tills comparison")
    parser.add_argument("--batch", type=int, default=500, help="sales per transaction")
    args = parser.parse_args()

    print(f"PostgreSQL ledger, {args.sales:,} sales over {args.customers:,} customers, "
          f"{args.batch} sales per transaction, {os.cpu_count()} CPUs, {load()}")
    started = time.perf_counter()
    marks = tuple(m for m in (20_000, 100_000) if m < args.sales)
    run(args.server, args.sales, args.customers, 1, args.batch, marks)
    if args.writers > 1:
        print(f"{args.writers} tills against 1 on {args.writers_sales:,} sales:")
        one = run(args.server, args.writers_sales, args.customers, 1, args.batch)
        many = run(args.server, args.writers_sales, args.customers, args.writers, args.batch)
        print(f"{args.writers} writers vs 1: {many / one:.2f}x the sales/s")
    print(f"total run {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
