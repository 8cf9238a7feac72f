"""Benchmark: what queuing messages costs a POS sync, and how fast the dispatcher drains.

Workload (defaults): 500 customers, 5,000 sales recorded through ``Engine.record`` in batches
of 500 (one sync batch = one transaction), into two fresh SQLite ledgers: one where every
customer has a channel (each sale queues one message, some two), one with
``notifications.enabled = false``. Printed: sales/s of both and their ratio. Then the
dispatcher delivers the queued messages through an in-process channel that does nothing
(no network), so the figure is the outbox's own cost per message (claim + mark sent).

    uv run python bench/outbox.py
    uv run python bench/outbox.py --sales 20000 --customers 2000
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from pathlib import Path

from loyalty.domain.events import SaleRecorded
from loyalty.domain.settings import Settings
from loyalty.domain.settings import with_setting
from loyalty.engine import Engine
from loyalty.plugins.manager import Plugins
from loyalty.testing.notifications import ChannelPlugin
from loyalty.testing.notifications import RecordingChannel


def record_all(path: Path, settings: Settings, customers: int, sales: int, batch: int) -> tuple[
        float, Engine]:
    start = datetime(2026, 1, 1, 9, tzinfo=timezone.utc)
    plugins = Plugins(load_installed=False, extra=[ChannelPlugin([RecordingChannel()])])
    engine = Engine(path, settings, plugins=plugins, clock=lambda: start)
    ids = [engine.add_customer(f"Customer {n}", platform="inbox", messaging_key=f"k{n}").id
           for n in range(customers)]
    facts = [
        SaleRecorded(occurred_at=start + timedelta(seconds=n), source="bench", shop_id="main",
                     till_id="till-1", document_id=f"D{n}", total_minor=1_000 + n % 5_000,
                     currency="USD", customer_id=ids[n % customers])
        for n in range(sales)
    ]
    began = time.perf_counter()
    for first in range(0, sales, batch):
        engine.record(facts[first:first + batch])
    return time.perf_counter() - began, engine


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=500)
    parser.add_argument("--sales", type=int, default=5_000)
    parser.add_argument("--batch", type=int, default=500)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        on, engine = record_all(Path(folder) / "on.db", Settings(), args.customers, args.sales,
                                args.batch)
        quiet = with_setting(Settings(), "notifications.enabled", False)
        off, other = record_all(Path(folder) / "off.db", quiet, args.customers, args.sales,
                                args.batch)
        other.close()
        dispatcher = engine.dispatcher()
        queued = dispatcher.due_count()
        began = time.perf_counter()
        report = dispatcher.run_once()
        drain = time.perf_counter() - began
        engine.close()
    print(f"workload: {args.sales} sales, {args.customers} customers, batches of {args.batch}")
    print(f"record with messages:    {args.sales / on:8.0f} sales/s ({queued} messages queued)")
    print(f"record without messages: {args.sales / off:8.0f} sales/s")
    print(f"cost of queuing: x{on / off:.2f} the time")
    print(f"dispatcher: {report.sent} messages in {drain:.2f} s = {report.sent / drain:.0f} "
          "messages/s (no network; CallMeBot's own pacing is 1 request/s)")


if __name__ == "__main__":
    main()
