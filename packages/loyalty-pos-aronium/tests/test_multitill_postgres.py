"""A chain on PostgreSQL: several tills, each syncing ITS OWN Aronium pos.db into one ledger
at the same moment, as separate processes (``loyalty.testing.multitill``).

Every sale in every file is recorded and earns exactly once, every refund takes back once,
and balances equal both the entries and the lots. Customers are matched on Aronium's
``Customer.Id`` under the one origin ``aronium``: the main test gives each till's file its own
Id range, the way docs/deploying.md asks; the last test pins what happens when it does not.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import sqlalchemy as sa
from loyalty.engine import Engine
from loyalty.ledger import schema
from loyalty.testing.multitill import TillProcess
from loyalty.testing.multitill import run_tills
from loyalty.testing.plugin import assert_ledger_consistent

from loyalty_pos_aronium.testing import AroniumFixture
from loyalty_pos_aronium.testing import AroniumSync


pytestmark = pytest.mark.postgres


def build_till_file(path: Path, *, first_customer_id: int, sales: int,
                    refunds: int) -> tuple[set[str], set[str]]:
    """A till's pos.db: six customers from ``first_customer_id`` on, ``sales`` sales among
    them, one anonymous sale and ``refunds`` full refunds; returns (sale, refund) numbers."""
    pos = AroniumFixture(path)
    try:
        customers = [pos.customer(f"Customer {first_customer_id + k}", id=first_customer_id + k)
                     for k in range(6)]
        numbers = [pos.sale(customers[k % 6], [(k % 5 + 1, k % 3 + 1)]) for k in range(sales)]
        pos.sale(None)  # a walk-in: skipped, never recorded
        refunded = {pos.refund(numbers[5 * k], [(5 * k % 5 + 1, 5 * k % 3 + 1)])
                    for k in range(refunds)}
    finally:
        pos.close()
    return set(numbers), refunded


def recorded_documents(engine: Engine, table: sa.Table, till_column: sa.Column) -> Counter:
    with engine.db.connect() as conn:
        return Counter(map(tuple, conn.execute(sa.select(till_column, table.c.document_id))))


def test_tills_syncing_their_own_aronium_files_at_once_record_every_sale_exactly_once(
    postgres_ledger_url: str, tmp_path: Path
) -> None:
    files = {f"till-{t}": tmp_path / f"till-{t}.db" for t in (1, 2, 3, 4, 9)}
    expected_sales: set[tuple[str, str]] = set()
    expected_refunds: set[tuple[str, str]] = set()
    for index, (till, path) in enumerate(files.items()):
        replayed = till == "till-9"
        sales, refunds = build_till_file(path, first_customer_id=1000 * (index + 1),
                                         sales=30 if replayed else 40,
                                         refunds=1 if replayed else 2)
        expected_sales |= {(till, number) for number in sales}
        expected_refunds |= {(till, number) for number in refunds}
    # till-9's file is synced by two processes at once (a till restarted while its old sync
    # still ran): the same documents under the same till, raced.
    tills = [TillProcess(postgres_ledger_url, AroniumSync(path), till_id=till)
             for till, path in files.items()]
    tills.append(TillProcess(postgres_ledger_url, AroniumSync(files["till-9"]), till_id="till-9"))

    results = run_tills(tills)

    assert [r.error for r in results] == [None] * 6
    own, replayers = results[:4], results[4:]
    assert [(r.result.sales_recorded, r.result.refunds_recorded) for r in own] == [(40, 2)] * 4
    assert sum(r.result.sales_recorded for r in replayers) == 30  # each sale by one of the two
    assert sum(r.result.refunds_recorded for r in replayers) == 1
    with Engine(postgres_ledger_url) as engine:
        sales = recorded_documents(engine, schema.sales, schema.sales.c.till_id)
        assert set(sales) == expected_sales and set(sales.values()) == {1}  # none lost, none twice
        s, r, e = schema.sales, schema.refunds, schema.ledger_entries
        with engine.db.connect() as conn:
            refunds = Counter(map(tuple, conn.execute(
                sa.select(s.c.till_id, r.c.document_id).join(s, s.c.id == r.c.sale_id))))
            earned_per_sale = dict(conn.execute(
                sa.select(e.c.sale_id, sa.func.sum(e.c.points)).where(e.c.kind == "earn")
                .group_by(e.c.sale_id)).all())
            points_earned = dict(conn.execute(sa.select(s.c.id, s.c.points_earned)).all())
            kept = dict(conn.execute(
                sa.select(s.c.customer_id,
                          sa.func.sum(s.c.points_earned) - sa.func.sum(s.c.points_reversed))
                .group_by(s.c.customer_id)).all())
            reversals = conn.execute(sa.select(sa.func.count()).select_from(e)
                                     .where(e.c.kind == "reverse_earn")).scalar_one()
        assert set(refunds) == expected_refunds and set(refunds.values()) == {1}
        assert reversals == len(expected_refunds)
        # Every sale earned, and what its entries earned is what the sale says: never twice.
        assert earned_per_sale == points_earned and all(p > 0 for p in points_earned.values())
        balances = assert_ledger_consistent(engine)
        assert {cid: p for cid, p in balances.items() if p} == {c: p for c, p in kept.items() if p}
        identities = [(s.customer.till_id, s.customer.external_id) for s in engine.customers()]
        # each file's own customers once each (the walk-in 'Unknown' is never imported)
        assert len(set(identities)) == len(identities) == 4 * 6 + 6


def test_the_same_aronium_customer_id_on_two_tills_is_two_ledger_customers(
    postgres_ledger_url: str, tmp_path: Path
) -> None:
    """Each till's Aronium numbers its own customers from 2: customer 2 of till-1 and customer 2
    of till-2 are different people, and each keeps their own points."""
    files = {}
    for till, name in (("till-1", "Nimal"), ("till-2", "Sunil")):
        pos = AroniumFixture(tmp_path / f"{till}.db")
        assert pos.customer(name) == 2
        pos.sale(2, [(3, 1)])  # 12.00
        pos.close()
        files[till] = tmp_path / f"{till}.db"

    results = run_tills([TillProcess(postgres_ledger_url, AroniumSync(path), till_id=till)
                         for till, path in files.items()])

    assert [r.error for r in results] == [None, None]
    with Engine(postgres_ledger_url) as engine:
        twos = {c.till_id: c for c in (s.customer for s in engine.customers())
                if c.external_id == "2"}
        assert {till: c.name for till, c in twos.items()} == {"till-1": "Nimal",
                                                              "till-2": "Sunil"}
        assert [engine.balance(c.id) for c in twos.values()] == [12, 12]
        assert_ledger_consistent(engine)
