"""Reading the next batch in a worker process: invisible in what the adapter returns.

Each test reads a real pos.db of several batches with an adapter that reads ahead and, where
it compares, with one that does not (``read_ahead=False``), step by step on the same file.
A batch read ahead is used only if it is ready when asked for; recording a batch gives the
worker that time, and tests that need the batch used wait for it instead.
"""

from __future__ import annotations

import multiprocessing
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from loyalty.domain.pos import PosBatch
from loyalty.domain.settings import Settings
from loyalty.engine import Engine
from loyalty.services.sync import SyncReport
from loyalty_pos_aronium.adapter import AroniumAdapter
from loyalty_pos_aronium.cursor import Cursor
from loyalty_pos_aronium.read_ahead import MIN_LIMIT
from loyalty_pos_aronium.testing import AroniumFixture
from loyalty_pos_aronium.testing import build_bulk
from loyalty_pos_aronium.testing import read_all


LIMIT = MIN_LIMIT
"""The smallest batch that reads ahead; the file holds 3.5 of them after 2,001 customers."""
OPTIONS = {"timezone_name": "Asia/Colombo", "edit_scan_interval": 3600}


@pytest.fixture(scope="module")
def bulk_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("bulk") / "pos.db"
    build_bulk(path, documents=35_000, customers=2_000)
    return path


@pytest.fixture
def pos_db(bulk_file: Path, tmp_path: Path) -> Path:
    """A copy of the bulk file for this test to write to."""
    return Path(shutil.copy(bulk_file, tmp_path / "bulk.db"))


@pytest.fixture
def opened() -> Iterator[list[AroniumAdapter]]:
    """Adapters the test opens are closed after it, whatever happens."""
    adapters: list[AroniumAdapter] = []
    yield adapters
    for adapter in adapters:
        adapter.close()


def open_adapter(opened: list[AroniumAdapter], path: Path, **options: object) -> AroniumAdapter:
    adapter = AroniumAdapter(path, **{**OPTIONS, **options})
    opened.append(adapter)
    return adapter


def workers() -> list[multiprocessing.process.BaseProcess]:
    return multiprocessing.active_children()


def document_ids(batches: list[PosBatch]) -> list[str]:
    return [fact.document_id for batch in batches for fact in (*batch.events, *batch.skipped)]


def synced_batches(adapter: AroniumAdapter, ledger: Path) -> tuple[list[PosBatch], list[int]]:
    """The batches a sync records, and how many worker processes run after each."""
    batches: list[PosBatch] = []
    running: list[int] = []

    def keep(report: SyncReport, batch: PosBatch) -> None:
        batches.append(batch)
        running.append(len(workers()))
        if adapter.read_ahead is not None:
            adapter.read_ahead.wait()  # as if recording took longer than reading ahead

    with Engine(ledger, Settings()) as engine:
        engine.sync(adapter, batch_size=LIMIT, progress=keep)
    return batches, running


def test_a_sync_reading_ahead_records_exactly_the_batches_of_a_sync_reading_in_turn(
    pos_db, opened, tmp_path
):
    in_turn, _ = synced_batches(open_adapter(opened, pos_db, with_lines=True, read_ahead=False),
                                tmp_path / "in-turn.db")

    ahead, running = synced_batches(open_adapter(opened, pos_db, with_lines=True),
                                    tmp_path / "ahead.db")

    assert len(ahead) == 4  # three full batches, then the last 5,000 documents
    assert ahead == in_turn
    assert running[:3] == [1, 1, 1]


def test_a_read_of_another_cursor_or_limit_discards_the_batch_read_ahead(pos_db, opened):
    ahead = open_adapter(opened, pos_db)
    in_turn = open_adapter(opened, pos_db, read_ahead=False)
    first = in_turn.read(None, limit=LIMIT)
    assert ahead.read(None, limit=LIMIT) == first  # reads the batch after `first` ahead

    for cursor, limit in [(None, LIMIT), (first.cursor, LIMIT + 1), (first.cursor, LIMIT)]:
        assert ahead.read(cursor, limit=limit) == in_turn.read(cursor, limit=limit)
    assert workers()


def test_documents_added_after_a_read_ahead_are_read_by_the_next_reads(pos_db, opened):
    adapter = open_adapter(opened, pos_db)
    batches = [adapter.read(None, limit=LIMIT)]
    adapter.read_ahead.wait()
    while len(batches) < 3:
        batches.append(adapter.read(batches[-1].cursor, limit=LIMIT))
        adapter.read_ahead.wait()  # at last: the last 7,000 documents, before these were added
    till = AroniumFixture.attach(pos_db)
    customer = Cursor.load(batches[-1].cursor).customer
    added = [till.sale(customer, [(1, 1)]) for _ in range(3)]
    till.close()

    batches += read_all(adapter, LIMIT, batches[-1].cursor)

    # Customers count toward the limit: the first batch holds them and fewer documents.
    assert [len(b.customers) + b.documents_read for b in batches] == [LIMIT] * 3 + [7_000, 3, 0]
    assert [event.document_id for event in batches[4].events] == added
    every = document_ids(batches)
    assert len(every) == len(set(every)) == 35_003


def test_an_edited_document_is_still_found_by_the_edit_scan_of_the_adapter(pos_db, opened):
    now = [0.0]
    ahead = open_adapter(opened, pos_db, edit_scan_interval=30, monotonic=lambda: now[0])
    in_turn = open_adapter(opened, pos_db, edit_scan_interval=30, monotonic=lambda: now[0],
                           read_ahead=False)
    first = ahead.read(None, limit=LIMIT)
    assert first == in_turn.read(None, limit=LIMIT)
    ahead.read_ahead.wait()
    sale = first.events[0]
    till = AroniumFixture.attach(pos_db)
    till.edit_document(sale.document_id, total="1234.50")
    till.close()
    now[0] = 31.0

    second = ahead.read(first.cursor, limit=LIMIT)

    assert second == in_turn.read(first.cursor, limit=LIMIT)
    assert second.events[0].document_id == sale.document_id
    assert second.events[0].total_minor == 123450


def test_a_worker_that_dies_leaves_the_reads_to_this_process_with_the_same_results(
    pos_db, opened
):
    ahead = open_adapter(opened, pos_db)
    in_turn = open_adapter(opened, pos_db, read_ahead=False)
    first = ahead.read(None, limit=LIMIT)
    [worker] = workers()
    worker.kill()
    worker.join()

    assert [first, *read_all(ahead, LIMIT, first.cursor)] == read_all(in_turn, LIMIT)
    assert not ahead.read_ahead.enabled
    assert workers() == []


def test_the_worker_stops_once_reading_has_caught_up_and_starts_for_a_new_backlog(
    pos_db, opened
):
    adapter = open_adapter(opened, pos_db)
    batches = read_all(adapter, LIMIT)
    deadline = time.monotonic() + 30
    while workers() and time.monotonic() < deadline:  # it exits in the background
        time.sleep(0.05)
    assert workers() == []

    adapter.read(batches[1].cursor, limit=LIMIT)  # a full batch again

    assert len(workers()) == 1


def test_a_read_that_is_not_full_starts_no_worker(aronium, opened):
    aronium.sale(aronium.customer("Nimal"))
    adapter = open_adapter(opened, aronium.path)

    assert adapter.read(None, limit=LIMIT).documents_read == 1
    assert workers() == []


def test_closing_the_adapter_leaves_no_worker_process(pos_db, opened):
    adapter = open_adapter(opened, pos_db)
    adapter.read(None, limit=LIMIT)
    assert len(workers()) == 1

    adapter.close()

    assert workers() == []
