"""Demo customers and sales, so a new user sees a working ledger at once.

The demo is a POS like any other (source ``demo``): its documents have fixed numbers, so
running it twice records nothing new, which is the idempotency a real sync relies on. It is
a feature, not test data: ``loyalty demo`` and a first window show it (``Engine.record_demo``),
in a ledger of their own, never the shop's. Pure: made-up facts, recorded by the engine like a
POS sync's.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import datetime
from datetime import timedelta
from datetime import timezone

from loyalty.domain.events import SaleRecorded
from loyalty.domain.events import SaleRefunded
from loyalty.domain.pos import PosCustomer


DEMO_SOURCE = "demo"
"""The demo's POS name: its documents' source and its customers' origin."""

DEMO_NAMES = (
    "Nimal Perera", "Ayesha Khan", "Bishnu Shrestha", "Chinedu Okafor", "Fathima Rizwan",
    "Suresh Kumar", "Ngozi Adeyemi", "Kamal Gurung", "Zainab Bello", "Dilani Fernando",
    "Imran Siddiqui", "Sita Thapa", "Tunde Balogun", "Priya Nair", "Hassan Raza",
    "Anjali Sharma", "Emeka Eze", "Roshan Silva", "Mariam Yusuf", "Pemba Sherpa",
)


def demo_customers(count: int = len(DEMO_NAMES)) -> list[PosCustomer]:
    """``count`` customers of the demo POS; past the 20 names, numbered (``Nimal Perera 2``)."""
    names = [DEMO_NAMES[i % len(DEMO_NAMES)] + (f" {i // len(DEMO_NAMES) + 1}"
             if i >= len(DEMO_NAMES) else "") for i in range(count)]
    return [PosCustomer(external_id=str(i + 1), name=name, phone=f"+9477{1000000 + i:07d}")
            for i, name in enumerate(names)]


def demo_facts(
    customers: list[PosCustomer], *, currency: str, shop_id: str, till_id: str,
    now: datetime, sales_per_customer: int = 6, seed: int = 7,
) -> Iterator[SaleRecorded | SaleRefunded]:
    """A month of sales (and a few refunds), the same every time for the same arguments."""
    rng = random.Random(seed)
    start = now.astimezone(timezone.utc) - timedelta(days=30)
    number = 0
    for customer in customers:
        for _ in range(rng.randint(1, sales_per_customer)):
            number += 1
            total = rng.choice((450, 1250, 2999, 5000, 8450, 12000, 23575, 49900))
            when = start + timedelta(minutes=rng.randrange(30 * 24 * 60))
            document = f"DEMO-{number:06d}"
            yield SaleRecorded(
                occurred_at=when, source=DEMO_SOURCE, shop_id=shop_id, till_id=till_id,
                document_id=document, total_minor=total, currency=currency,
                external_customer_id=customer.external_id,
            )
            if rng.random() < 0.05:
                yield SaleRefunded(
                    occurred_at=when + timedelta(hours=2), source=DEMO_SOURCE, shop_id=shop_id,
                    till_id=till_id, document_id=f"DEMO-R{number:06d}",
                    original_document_id=document, amount_minor=total // 2, currency=currency,
                )
