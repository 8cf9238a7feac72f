"""The sync loop: read a POS adapter in batches and record what it found, resumably.

Each batch is recorded with ``Recorder.record(..., cursor=...)`` (the engine's ``record``), so
the points and the position the next read starts from commit in one transaction: a crash
between batches loses nothing and a re-run repeats nothing. ``watch`` polls the same loop until
told to stop.
"""

from __future__ import annotations

import gc
import logging
import threading
import weakref
from collections import Counter
from collections.abc import Callable
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol

import attrs

from loyalty.domain.errors import LoyaltyError
from loyalty.domain.events import PointsEarned
from loyalty.domain.events import PosFact
from loyalty.domain.events import SaleDeleted
from loyalty.domain.events import SaleRecorded
from loyalty.domain.pos import PosAdapter
from loyalty.domain.pos import PosBatch
from loyalty.domain.pos import PosCustomer
from loyalty.domain.pos import SkippedDocument
from loyalty.domain.records import PosOrigin
from loyalty.domain.settings import Settings
from loyalty.domain.shop import Shop
from loyalty.domain.wording import points_text
from loyalty.plugins.manager import Plugins
from loyalty.services.sales import Outcome


log = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 50_000
"""Documents per ledger transaction. Each commit rewrites every page the batch touched (the
balances and per-customer indexes are spread over the whole file), so a first sync of a year
of sales goes several times faster in big batches; a transaction of this size holds the
ledger's write lock for a few seconds, well within other writers' 15 s busy timeout."""
SKIPPED_LISTED = 200
"""Skipped documents listed one by one in a report; the rest are only counted by reason."""


class Recorder(Protocol):
    """What the sync needs of the engine (``Engine.record``, ``Engine.cursor``): record a
    batch and the cursor after it in one transaction, and read where a cursor stands."""

    def record(self, facts: tuple[PosFact, ...], *,
               customers: tuple[PosCustomer, ...], origin: PosOrigin,
               cursor: tuple[str, str]) -> list[Outcome]: ...

    def cursor(self, name: str) -> str | None: ...


@attrs.define
class SyncReport:
    """What one sync did, for ``loyalty sync --json`` and the UI's status line."""

    adapter: str
    documents_read: int = 0
    customers_imported: int = 0
    sales_recorded: int = 0
    sales_revised: int = 0
    refunds_recorded: int = 0
    sales_deleted: int = 0
    """Sales deleted in the POS whose points were taken back."""
    duplicates: int = 0
    points_awarded: int = 0
    points_reversed: int = 0
    skipped_count: int = 0
    skipped_by_reason: dict[str, int] = attrs.Factory(dict)
    skipped: list[SkippedDocument] = attrs.Factory(list)
    batches: int = 0
    expected: int | None = None
    """Documents this sync will read in all, for a progress bar: known once a first full
    batch shows that more are waiting (a long first sync), else None."""

    def summary(self) -> str:
        """What the sync did, in one sentence."""
        text = (f"Read {self.documents_read} documents: {self.sales_recorded} sales and "
                f"{self.refunds_recorded} refunds recorded, {self.sales_revised} revised, "
                f"{points_text(self.points_awarded)} awarded, {self.points_reversed:,} taken back")
        if self.sales_deleted:
            text += f"; {self.sales_deleted} sales deleted in the POS taken back"
        if self.customers_imported:
            text += f"; {self.customers_imported} customers imported or updated"
        return text + "."

    def add(self, batch: PosBatch, outcomes: list[Outcome]) -> None:
        self.batches += 1
        self.documents_read += batch.documents_read
        self.customers_imported += len(batch.customers)
        skipped = list(batch.skipped)
        for outcome in outcomes:
            status = outcome.status
            if status == "skipped":
                skipped.append(SkippedDocument(outcome.fact.document_id, outcome.reason))
            elif status == "duplicate":
                self.duplicates += 1
            elif status == "revised":
                self.sales_revised += 1
            elif isinstance(outcome.fact, SaleRecorded):
                self.sales_recorded += 1
            elif isinstance(outcome.fact, SaleDeleted):
                self.sales_deleted += 1
            else:
                self.refunds_recorded += 1
            for event in outcome.events:
                points = getattr(event, "points", 0)
                if isinstance(event, PointsEarned):
                    self.points_awarded += points
                elif points < 0:
                    self.points_reversed -= points
        reasons = Counter(s.reason for s in skipped)
        for reason, count in reasons.items():
            self.skipped_by_reason[reason] = self.skipped_by_reason.get(reason, 0) + count
        self.skipped_count += len(skipped)
        self.skipped.extend(skipped[: max(0, SKIPPED_LISTED - len(self.skipped))])

    @property
    def changed(self) -> bool:
        return bool(self.sales_recorded or self.sales_revised or self.refunds_recorded
                    or self.sales_deleted or self.customers_imported)


def origin_of(adapter: PosAdapter) -> PosOrigin:
    """The POS database the adapter reads: its customers are numbered within it."""
    return PosOrigin(adapter.name, adapter.shop_id, adapter.till_id)


def cursor_name(shop: Shop, adapter: PosAdapter) -> str:
    """One position per adapter and till, so tills sharing a ledger never share a cursor."""
    return f"pos/{adapter.name}/{shop.id}/{shop.till}"


def sync_once(
    shop: Shop,
    recorder: Recorder,
    adapter: PosAdapter,
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: Callable[[SyncReport, PosBatch], None] | None = None,
) -> SyncReport:
    """Read and record batches until the adapter has nothing new.

    Reads alternate with writes in this thread; an adapter may read ahead on its own, as the
    Aronium adapter does in a worker process. A second thread reading ahead was measured
    slower (bench/aronium_sync.py, 1,000,000 documents): both sides call into SQLite once per
    row, and each such call hands the interpreter lock to the other thread.
    """
    with collector_paused():
        return _sync(shop, recorder, adapter, batch_size, progress)


def _sync(
    shop: Shop,
    recorder: Recorder,
    adapter: PosAdapter,
    batch_size: int,
    progress: Callable[[SyncReport, PosBatch], None] | None,
) -> SyncReport:
    claim_file(shop, recorder, adapter)
    name = cursor_name(shop, adapter)
    cursor = recorder.cursor(name)
    report = SyncReport(adapter.name)
    asked = False
    while True:
        batch = adapter.read(cursor, limit=batch_size)
        if batch.cursor != cursor or batch.events or batch.customers:
            outcomes = recorder.record(batch.events, customers=batch.customers,
                                     origin=origin_of(adapter), cursor=(name, batch.cursor))
            report.add(batch, outcomes)
            cursor = batch.cursor
            if not asked and batch.documents_read >= batch_size:
                asked = True  # once, and only when a full batch says more is waiting
                left = adapter.remaining(cursor)
                report.expected = None if left is None else report.documents_read + left
            if progress is not None:
                progress(report, batch)
        if not batch.documents_read and not batch.customers:
            return report


def claim_file(shop: Shop, recorder: Recorder, adapter: PosAdapter) -> None:
    """Refuse to sync a POS database another till of this ledger syncs: two tills reading one
    file under different till ids would award every sale twice.

    An adapter that can tell its file apart (``file_identity``, e.g. a fingerprint of rows the
    POS wrote when it created the file) has the ledger remember which till synced it first.
    """
    identity = getattr(adapter, "file_identity", None)
    if not identity:
        return
    name = f"pos-file/{adapter.name}/{identity}"
    mine = f"{shop.id}/{shop.till}"
    claimed = _claimed(recorder)
    if (name, mine) in claimed:
        return
    owner = recorder.cursor(name)
    if owner is None:
        try:
            recorder.record((), customers=(), origin=origin_of(adapter), cursor=(name, mine))
            claimed.add((name, mine))
            return
        except LoyaltyError:  # another process claimed it at the same moment
            owner = recorder.cursor(name)
            if owner is None:
                raise
    if owner != mine:
        other_shop, _, other_till = owner.partition("/")
        raise LoyaltyError(
            f"This {adapter.name} database is already synced by till {other_till!r} "
            f"(shop {other_shop!r}); this is till {shop.till!r} of shop {shop.id!r}, and "
            "syncing it here too would award every sale twice.",
            hint=f"If this computer replaced that till, give it the same id (loyalty settings "
                 f"set shop.till {other_till}); otherwise point this till at its own database "
                 "(loyalty settings set pos.database PATH).",
        )
    claimed.add((name, mine))


_CLAIMS: weakref.WeakKeyDictionary[Recorder, set[tuple[str, str]]] = weakref.WeakKeyDictionary()
"""The files each recorder (engine) has seen claimed by its own till: a claim is never taken
back, so ``loyalty watch`` looks it up once, not at every poll."""


def _claimed(recorder: Recorder) -> set[tuple[str, str]]:
    """This recorder's known claims; an empty set to fill and forget for one that cannot be
    weakly referenced."""
    try:
        return _CLAIMS.setdefault(recorder, set())
    except TypeError:
        return set()


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a sync runs, then let it run again.

    A batch allocates hundreds of thousands of small objects (rows, events, outcomes) that
    hold no reference cycles, so reference counting frees them all; meanwhile the collector
    would traverse them again and again. Re-enabling it between batches was measured costly
    too: the first collection after the pause traverses everything the pause allocated that
    is still alive, the whole batch just recorded. So the pause spans the sync, and ends
    after the last batch is gone; the little cyclic garbage a sync leaves is collected then.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def open_adapter(
    settings: Settings, plugins: Plugins, pos_db: Path | str | None = None
) -> PosAdapter:
    """The adapter the settings name (``pos.adapter``, ``pos.database``); ``pos_db`` overrides
    the database and implies ``aronium`` when no adapter is set."""
    if pos_db is not None:
        pos = attrs.evolve(settings.pos, database=str(pos_db),
                           adapter=settings.pos.adapter or "aronium")
        settings = attrs.evolve(settings, pos=pos)
    if not settings.pos.adapter:
        raise LoyaltyError(
            "No POS is configured to sync from.",
            hint="Set one: loyalty settings set pos.adapter aronium; loyalty settings set "
                 "pos.database PATH (or pass --pos-db PATH).",
        )
    return plugins.pos_adapter(settings.pos.adapter).open(settings)


def watch(
    shop: Shop,
    recorder: Recorder,
    adapter: PosAdapter,
    *,
    interval: float = 1.0,
    stop_event: threading.Event,
    batch_size: int = DEFAULT_BATCH_SIZE,
    on_report: Callable[[SyncReport], None] | None = None,
    on_error: Callable[[LoyaltyError], None] | None = None,
) -> None:
    """Sync every ``interval`` seconds until ``stop_event`` is set.

    A POS that is busy or briefly unreadable (locked while it saves a sale) is reported to
    ``on_error`` and tried again on the next round; the watch never gives up by itself.
    """
    while not stop_event.is_set():
        try:
            report = sync_once(shop, recorder, adapter, batch_size=batch_size)
        except LoyaltyError as error:
            log.warning("sync from %s failed: %s", adapter.name, error)
            if on_error is not None:
                on_error(error)
        else:
            if on_report is not None and (report.changed or report.skipped_count):
                on_report(report)
        stop_event.wait(interval)


def watch_configured_pos(
    shop: Shop,
    recorder: Recorder,
    plugins: Plugins,
    stop_event: threading.Event,
    *,
    interval: float = 2.0,
    on_error: Callable[[LoyaltyError], None] | None = None,
) -> None:
    """Follow the POS the settings name until ``stop_event`` is set; do nothing without one.

    For a frontend's background thread: the desktop window runs this so every sale earns
    points while it is open. A POS that cannot be opened raises ``LoyaltyError`` at once.
    """
    if not shop.settings.pos.adapter:
        return
    adapter = open_adapter(shop.settings, plugins)
    try:
        watch(shop, recorder, adapter, interval=interval, stop_event=stop_event,
              on_error=on_error)
    finally:
        adapter.close()
