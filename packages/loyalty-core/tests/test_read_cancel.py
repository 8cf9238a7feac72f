"""A read stops when another thread cancels it (the window's search for an older keystroke), on
SQLite and PostgreSQL (``engine`` runs each test on both), and the ledger reads on as before."""

from __future__ import annotations

import threading
import time

import pytest
import sqlalchemy as sa

from loyalty.domain.errors import ReadCancelled
from loyalty.engine import Engine
from loyalty.ledger.cancel import ReadCancel


SLOW_SECONDS = 30


def slow_statement(engine: Engine) -> str:
    """A statement that runs about ``SLOW_SECONDS`` unless it is interrupted."""
    if engine.db.dialect.name == "postgresql":
        return f"SELECT pg_sleep({SLOW_SECONDS})"
    return ("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
            f"WHERE i < {SLOW_SECONDS * 10_000_000}) SELECT count(*) FROM n")


def cancel_when_running(cancel: ReadCancel, running: threading.Event) -> threading.Thread:
    def cancel_soon() -> None:
        running.wait(10)
        time.sleep(0.1)  # the statement is under way
        cancel.cancel()

    thread = threading.Thread(target=cancel_soon)
    thread.start()
    return thread


def test_a_read_cancelled_from_another_thread_stops_its_running_statement(engine: Engine):
    customer = engine.add_customer("Nimal Perera")
    cancel, running = ReadCancel(), threading.Event()

    def work(conn: sa.Connection) -> object:
        running.set()
        return conn.exec_driver_sql(slow_statement(engine)).all()

    thread = cancel_when_running(cancel, running)
    started = time.monotonic()
    with pytest.raises(ReadCancelled):
        engine.read(work, cancel=cancel)
    thread.join()

    assert time.monotonic() - started < SLOW_SECONDS / 3
    assert engine.customer(customer.id).name == "Nimal Perera"  # the ledger reads on


def test_a_cancelled_read_runs_no_further_statement(engine: Engine):
    cancel = ReadCancel()
    statements: list[str] = []

    def work(conn: sa.Connection) -> None:
        statements.append("first")
        conn.exec_driver_sql("SELECT 1").all()
        cancel.cancel()  # between two statements: nothing is running to interrupt
        statements.append("second")
        conn.exec_driver_sql("SELECT 2").all()
        statements.append("after")

    with pytest.raises(ReadCancelled):
        engine.read(work, cancel=cancel)
    assert statements == ["first", "second"]


def test_a_search_cancelled_before_it_starts_never_reads(engine: Engine):
    engine.add_customer("Nimal Perera")
    cancel = ReadCancel()
    cancel.cancel()

    with pytest.raises(ReadCancelled):
        engine.accounts("nimal", cancel=cancel)


def test_a_cancel_after_the_read_changes_nothing_for_the_reads_that_follow(engine: Engine):
    nimal = engine.add_customer("Nimal Perera")
    cancel = ReadCancel()
    assert [v.customer.id for v in engine.accounts("nimal", cancel=cancel)] == [nimal.id]

    cancel.cancel()  # its connection is back in the pool: nothing is interrupted

    assert [v.customer.id for v in engine.accounts("nimal")] == [nimal.id]
    assert engine.read(lambda conn: conn.exec_driver_sql("SELECT 7").scalar()) == 7
