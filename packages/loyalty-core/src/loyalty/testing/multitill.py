"""Several tills as real processes writing one ledger at the same moment.

A chain runs one engine per till, all on one PostgreSQL ledger. This module starts such tills
as separate processes (``spawn``, so nothing is shared but the database), lets them begin
together at a barrier and collects what each did. The concurrency tests and
``bench/postgres_writers.py`` use it; only the *source of facts* differs between them: a
source is any picklable callable ``source(engine) -> result`` (a list of sales here, a POS
adapter's sync of its own database elsewhere).
"""

from __future__ import annotations

import multiprocessing
import queue
import time
import traceback
from collections.abc import Callable
from collections.abc import Sequence
from datetime import datetime
from datetime import timezone
from typing import Any

import attrs

from loyalty.engine import Engine
from loyalty.domain.errors import LoyaltyError
from loyalty.domain.events import SaleRecorded
from loyalty.domain.settings import Settings


Source = Callable[[Engine], Any]


@attrs.frozen
class TillProcess:
    """One till: its identity in the chain and where its facts come from."""

    ledger_url: str
    source: Source
    shop_id: str = "main"
    till_id: str = "till-1"
    settings: Settings = attrs.field(factory=Settings)


@attrs.frozen
class TillResult:
    till_id: str
    result: Any = None
    error: str | None = None
    """The exception's type and message when the source failed; the traceback goes to stderr."""
    seconds: float = 0.0
    """From the shared start to the till's last commit."""


def run_tills(tills: Sequence[TillProcess], *, timeout: float = 300) -> list[TillResult]:
    """Run every till in its own process, started together; results in the order given."""
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(len(tills))
    results = context.Queue()
    processes = [
        context.Process(target=_till_main, args=(index, till, barrier, results), daemon=True)
        for index, till in enumerate(tills)
    ]
    for process in processes:
        process.start()
    collected: dict[int, TillResult] = {}
    deadline = time.monotonic() + timeout
    while len(collected) < len(tills):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        try:
            index, result = results.get(timeout=min(remaining, 1.0))
        except queue.Empty:  # has a till died without reporting?
            if all(not p.is_alive() for p in processes) and results.empty():
                break
            continue
        collected[index] = result
    for process in processes:
        process.join(timeout=5)
        if process.is_alive():
            process.kill()
    return [collected.get(i, TillResult(t.till_id, error="the till process did not report"))
            for i, t in enumerate(tills)]


def _till_main(index: int, till: TillProcess, barrier: Any, results: Any) -> None:
    settings = attrs.evolve(
        till.settings, shop=attrs.evolve(till.settings.shop, id=till.shop_id, till=till.till_id)
    )
    try:
        with Engine(till.ledger_url, settings) as engine:
            barrier.wait()
            start = time.perf_counter()
            outcome = till.source(engine)
            seconds = time.perf_counter() - start
        results.put((index, TillResult(till.till_id, outcome, seconds=seconds)))
    except BaseException as error:  # noqa: BLE001 - report it to the parent, never hang it
        barrier.abort()  # a till that cannot start must not leave the others waiting for it
        if not isinstance(error, LoyaltyError):
            traceback.print_exc()
        results.put((index, TillResult(till.till_id, error=f"{type(error).__name__}: {error}")))


# ---- Sources --------------------------------------------------------------------------------

Document = tuple[str, int, int]
"""(document number, customer id, total in minor units)."""


@attrs.frozen
class SaleDocuments:
    """Sales as a POS at ``shop_id``/``till_id`` rang them up, recorded in batches.

    Returns how many facts the engine recorded (not duplicates), so a test can add them up.
    """

    documents: tuple[Document, ...] = attrs.field(converter=tuple)
    shop_id: str = "main"
    till_id: str = "till-1"
    batch_size: int = 100
    source: str = "test"
    occurred_at: datetime = datetime(2026, 1, 5, 10, 0, tzinfo=timezone.utc)

    def facts(self, currency: str) -> list[SaleRecorded]:
        return [
            SaleRecorded(
                occurred_at=self.occurred_at, source=self.source, shop_id=self.shop_id,
                till_id=self.till_id, document_id=document, total_minor=total,
                currency=currency, customer_id=customer_id,
            )
            for document, customer_id, total in self.documents
        ]

    def __call__(self, engine: Engine) -> int:
        facts = self.facts(engine.currency.code)
        recorded = 0
        for start in range(0, len(facts), self.batch_size):
            outcomes = engine.record(facts[start : start + self.batch_size])
            recorded += sum(o.status == "recorded" for o in outcomes)
        return recorded


@attrs.frozen
class Redemptions:
    """Redeem ``points`` from each customer in turn; per customer the balance after, or the
    name of the error that refused it."""

    customer_ids: tuple[int, ...] = attrs.field(converter=tuple)
    points: int

    def __call__(self, engine: Engine) -> list[int | str]:
        done: list[int | str] = []
        for customer_id in self.customer_ids:
            try:
                done.append(engine.redeem(customer_id, self.points, actor="till").balance)
            except LoyaltyError as refused:
                done.append(type(refused).__name__)
        return done


@attrs.frozen
class InTurn:
    """Several sources one after the other in one till; their results as a list."""

    sources: tuple[Source, ...] = attrs.field(converter=tuple)

    def __call__(self, engine: Engine) -> list[Any]:
        return [source(engine) for source in self.sources]
