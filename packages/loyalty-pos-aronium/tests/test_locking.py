"""Reading while Aronium, in another process, holds a write lock on pos.db."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from loyalty_pos_aronium.adapter import AroniumAdapter
from loyalty_pos_aronium.connection import AroniumDatabaseError


HOLD_LOCK = """
import sqlite3, sys, time
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute("BEGIN EXCLUSIVE")  # what SQLite holds while it commits a write
connection.execute("UPDATE ApplicationProperty SET Value = Value")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
connection.execute("COMMIT")
"""


@contextmanager
def aronium_writing(path: Path, seconds: float) -> Iterator[subprocess.Popen]:
    """Another process (standing in for Aronium) holds an exclusive lock for ``seconds``."""
    process = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(path), str(seconds)],
                               stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None and process.stdout.readline().strip() == "locked"
        yield process
    finally:
        process.wait(timeout=seconds + 30)


def points_of(engine, external_id: str) -> int | None:  # noqa: ANN001
    return next((v.points for v in engine.accounts() if v.customer.external_id == external_id),
                None)


def test_a_sync_waits_while_aronium_finishes_a_write_and_then_succeeds(aronium, engine):
    customer = aronium.customer("Nimal")
    aronium.sale(customer, [(3, 1)])
    adapter = AroniumAdapter(aronium.path, busy_timeout=10)

    with aronium_writing(aronium.path, seconds=1.0):
        started = time.monotonic()
        report = engine.sync(adapter)
        waited = time.monotonic() - started

    assert report.sales_recorded == 1
    assert waited >= 0.5
    adapter.close()


def test_a_lock_held_longer_than_the_busy_timeout_is_reported_as_locked(aronium, engine):
    aronium.sale(aronium.customer("Nimal"))
    adapter = AroniumAdapter(aronium.path, busy_timeout=0.3)

    with aronium_writing(aronium.path, seconds=3.0):
        with pytest.raises(AroniumDatabaseError) as raised:
            engine.sync(adapter)

    error = raised.value
    assert error.kind == "locked"
    assert str(aronium.path) in str(error)
    assert "locked by another program" in str(error) and "0.3 s" in str(error)
    assert "Try again" in str(error)
    # and the lock gone, the same adapter goes on working
    assert engine.sync(adapter).sales_recorded == 1
    adapter.close()


def test_opening_while_aronium_holds_the_lock_too_long_says_locked(aronium):
    with aronium_writing(aronium.path, seconds=3.0):
        with pytest.raises(AroniumDatabaseError) as raised:
            AroniumAdapter(aronium.path, busy_timeout=0.3)

    assert raised.value.kind == "locked"


def test_watch_rides_out_a_long_lock_and_awards_the_sale_afterwards(aronium, engine):
    import threading

    customer = aronium.customer("Nimal")
    adapter = AroniumAdapter(aronium.path, busy_timeout=0.2)
    errors: list[AroniumDatabaseError] = []
    stop = threading.Event()
    watcher = threading.Thread(target=engine.watch, args=(adapter,), daemon=True,
                               kwargs={"interval": 0.1, "stop_event": stop,
                                       "on_error": errors.append})
    aronium.sale(customer, [(3, 1)])
    with aronium_writing(aronium.path, seconds=1.5):
        watcher.start()
        time.sleep(1.0)
    deadline = time.monotonic() + 10
    while points_of(engine, str(customer)) != 12:
        assert time.monotonic() < deadline, "the watch never recovered from the lock"
        time.sleep(0.05)
    stop.set()
    watcher.join(timeout=5)
    adapter.close()

    assert errors and all(e.kind == "locked" for e in errors)
