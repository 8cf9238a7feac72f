"""How long expiry, reports, draws and campaign-aware recording take on a SQLite ledger.

Workload: CUSTOMERS customers with SALES sales each (one lot per sale), spread over 60 days,
with 30-day expiry. Prints seconds per step and per item; no assertion, figures only.

    uv run python bench/domain_rules.py [CUSTOMERS] [SALES]
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from loyalty.domain.settings import CampaignSettings
from loyalty.domain.settings import ComebackBonus
from loyalty.domain.settings import DrawSettings
from loyalty.domain.settings import ExpirySettings
from loyalty.domain.settings import Multiplier
from loyalty.domain.settings import Settings
from loyalty.domain.settings import ShopSettings
from loyalty.engine import Engine
from loyalty.testing.plugin import FakeClock
from loyalty.testing.plugin import Till


def timed(label: str, items: int, work):  # noqa: ANN001, ANN201
    start = time.perf_counter()
    result = work()
    seconds = time.perf_counter() - start
    print(f"{label:<46} {seconds:8.3f} s  {seconds / max(items, 1) * 1e6:9.1f} µs/item  "
          f"({items} items)")
    return seconds, result


def ledger(campaigns: bool, folder: Path, customers: int, sales: int) -> float:
    clock = FakeClock()
    settings = Settings(
        shop=ShopSettings(timezone="UTC"), expiry=ExpirySettings(mode="days", days=30),
        draw=DrawSettings(enabled=True, days=("friday",)),
        campaigns=CampaignSettings(
            multipliers=(Multiplier(id="double", factor=Decimal(2)),),
            comeback=ComebackBonus(points=50, inactive_days=20),
        ) if campaigns else CampaignSettings(),
    )
    name = "with" if campaigns else "without"
    with Engine(folder / f"{name}.db", settings, clock=clock) as engine:
        ids = [engine.add_customer(f"C{i}").id for i in range(customers)]
        till = Till(engine)
        total = 0.0
        for day in range(sales):
            facts = [till.sale(cid, 1_000 + cid) for cid in ids]
            seconds, _ = timed(f"record {len(facts)} sales, campaigns {name}, day {day}",
                               len(facts), lambda: engine.record(facts))
            total += seconds
            clock.advance(days=60 // sales)
        if not campaigns:
            return total
        clock.advance(days=1)
        lots = customers * sales
        timed("loyalty expire (first run)", lots, lambda: engine.expire())
        timed("loyalty expire (again, nothing to do)", lots, lambda: engine.expire())
        timed("loyalty report --period week", lots, lambda: engine.report(period="week"))
        clock.now -= timedelta(days=1)
        timed("loyalty draw run", customers, engine.run_draw)
        return total


def main() -> None:
    customers = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    sales = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    with tempfile.TemporaryDirectory() as folder:
        without = ledger(False, Path(folder), customers, sales)
        with_campaigns = ledger(True, Path(folder), customers, sales)
    print(f"recording with multiplier + comeback vs without: {with_campaigns / without:.2f}×")


if __name__ == "__main__":
    main()
