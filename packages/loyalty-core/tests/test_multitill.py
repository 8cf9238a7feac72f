"""Several tills, as real processes, writing one ledger at the same moment.

Runs on both backends (``ledger_url`` is parametrized in conftest.py): PostgreSQL locks each
customer's balance row, SQLite serialises whole transactions with BEGIN IMMEDIATE; either
way no sale earns twice, no entry is lost and no balance goes below zero.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import sqlalchemy as sa

from loyalty.engine import Engine
from loyalty.ledger import schema
from loyalty.testing.multitill import InTurn
from loyalty.testing.multitill import Redemptions
from loyalty.testing.multitill import SaleDocuments
from loyalty.testing.multitill import TillProcess
from loyalty.testing.multitill import run_tills
from loyalty.testing.plugin import assert_ledger_consistent


def count(engine: Engine, table: sa.Table) -> int:
    with engine.db.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()


def test_four_tills_syncing_at_once_record_every_sale_exactly_once(
    engine: Engine, ledger_url: str
) -> None:
    customer_ids = [engine.add_customer(f"Customer {i}").id for i in range(12)]

    def documents(till: str, n: int, rotate: int) -> list[tuple[str, int, int]]:
        # Each till serves the same customers in its own order, so batches lock them in
        # different orders: the way two tills would deadlock if locks were not ordered.
        order = customer_ids[rotate:] + customer_ids[:rotate]
        return [(f"{till}-{k}", order[k % len(order)], 1000 + 10 * k) for k in range(n)]

    own = {f"till-{t}": SaleDocuments(documents(f"T{t}", 40, 3 * t), till_id=f"till-{t}",
                                      batch_size=7)
           for t in range(1, 5)}
    # A sync that two processes run at once (a till restarted while its old sync still ran):
    # the same documents, the same till, replayed by both.
    replayed = SaleDocuments(documents("R", 30, 5), till_id="till-9", batch_size=5)
    tills = [
        TillProcess(ledger_url, InTurn([replayed, own[name]]) if index < 2 else own[name],
                    till_id=name)
        for index, name in enumerate(own)
    ]

    results = run_tills(tills)

    assert [r.error for r in results] == [None] * 4
    recorded_by_replayers = [r.result[0] for r in results[:2]]
    recorded_own = [r.result[1] for r in results[:2]] + [r.result for r in results[2:]]
    assert recorded_own == [40] * 4
    assert sum(recorded_by_replayers) == 30  # each replayed sale recorded by one of the two
    assert count(engine, schema.sales) == 4 * 40 + 30
    earned = {e.idempotency_key for cid in customer_ids for e in engine.history(cid)}
    assert len(earned) == count(engine, schema.ledger_entries)
    sale_keys = {k.split("#")[0] for k in earned}
    assert len(sale_keys) == 4 * 40 + 30  # no sale without its earn entry, none earned twice
    balances = assert_ledger_consistent(engine)
    with engine.db.connect() as conn:
        sold = dict(conn.execute(
            sa.select(schema.sales.c.customer_id, sa.func.sum(schema.sales.c.points_earned))
            .group_by(schema.sales.c.customer_id)).all())
    assert balances == {cid: sold.get(cid, 0) for cid in balances}


def test_two_tills_redeeming_one_balance_at_the_same_moment_cannot_overspend_it(
    engine: Engine, ledger_url: str
) -> None:
    customers = [engine.add_customer(f"Twin {i}").id for i in range(3)]
    for customer_id in customers:
        engine.adjust(customer_id, 100, reason="opening balance")

    # More than half the balance each; one till goes through the customers backwards.
    tills = [
        TillProcess(ledger_url, Redemptions(customers, 60), till_id="till-1"),
        TillProcess(ledger_url, Redemptions(customers[::-1], 60), till_id="till-2"),
    ]
    first, second = run_tills(tills)

    assert (first.error, second.error) == (None, None)
    outcomes = list(zip(first.result, second.result[::-1], strict=True))
    for outcome in outcomes:
        assert sorted(outcome, key=str) == [40, "InsufficientPoints"]
    assert assert_ledger_consistent(engine) == dict.fromkeys(customers, 40)
    tills_that_redeemed = {
        e.till_id for cid in customers for e in engine.history(cid) if e.kind == "redeem"
    }
    assert tills_that_redeemed <= {"till-1", "till-2"}


def test_a_till_that_cannot_open_the_ledger_reports_why_and_holds_up_no_other(
    tmp_path: Path,
) -> None:
    (tmp_path / "folder.db").mkdir()
    tills = [TillProcess(str(tmp_path / "shop.db"), SaleDocuments([]), till_id="till-1"),
             TillProcess(str(tmp_path / "folder.db"), SaleDocuments([]), till_id="till-2")]

    started = time.monotonic()
    good, bad = run_tills(tills, timeout=60)

    assert time.monotonic() - started < 50
    assert bad.error is not None and "is a folder" in bad.error
    assert good.error in (None, "BrokenBarrierError: ")


def test_tills_opening_a_new_ledger_together_create_it_once(ledger_url: str) -> None:
    start = threading.Barrier(4)
    errors: list[BaseException] = []

    def open_ledger() -> None:
        start.wait()
        try:
            Engine(ledger_url).close()
        except BaseException as error:  # noqa: BLE001 - collected for the assertion
            errors.append(error)

    openers = [threading.Thread(target=open_ledger, daemon=True) for _ in range(4)]
    for opener in openers:
        opener.start()
    for opener in openers:
        opener.join(timeout=60)

    assert not any(opener.is_alive() for opener in openers), "the openers deadlocked"
    assert errors == []
    with Engine(ledger_url) as engine:
        assert count(engine, schema.customers) == 0
