"""The engine behaves the same on SQLite and PostgreSQL (``ledger_url`` runs each test on both)."""

from __future__ import annotations

import threading
import time
from datetime import datetime
from datetime import timezone

import attrs
import pytest
import sqlalchemy as sa

from loyalty.engine import Engine
from loyalty.domain.errors import InsufficientPoints
from loyalty.domain.errors import LedgerError
from loyalty.domain.errors import UnknownCustomer
from loyalty.ledger import schema
from loyalty.ledger import statistics
from loyalty.ledger.bulk import COPY_FROM_ROWS
from loyalty.ledger.bulk import execute_many
from loyalty.domain.records import PointsSummary
from loyalty.domain.pos import PosCustomer
from loyalty.domain.settings import Settings
from loyalty.domain.settings import with_setting
from loyalty.testing.plugin import FakeClock
from loyalty.testing.plugin import Till


def test_customers_are_found_by_name_phone_or_id_with_wildcards_taken_literally(
    engine: Engine,
) -> None:
    percent = engine.add_customer("Fathima 50%_off", phone="+94 77 345")
    nimal = engine.add_customer("Nimal Perera", phone="+94 78 999")

    assert [s.customer.id for s in engine.customers("50%")] == [percent.id]
    assert [s.customer.id for s in engine.customers("_")] == [percent.id]
    assert [s.customer.id for s in engine.customers("NIMAL")] == [nimal.id]
    assert [s.customer.id for s in engine.customers("77 3")] == [percent.id]
    assert [s.customer.id for s in engine.customers(str(nimal.id))] == [nimal.id]
    assert [s.customer.id for s in engine.customers("%")] == [percent.id]


def test_times_come_back_as_the_same_aware_utc_moments(engine: Engine, till: Till) -> None:
    customer = engine.add_customer("Bishnu")
    moment = datetime(2026, 3, 1, 23, 30, 15, 123456, tzinfo=timezone.utc)
    engine.record_sale(attrs.evolve(till.sale(customer.id, 2500), occurred_at=moment))

    (entry,) = engine.history(customer.id)
    assert entry.occurred_at == moment
    assert entry.occurred_at.tzinfo is not None
    assert engine.customer(customer.id).created_at == engine.clock()


def test_a_sale_earns_once_a_revision_adjusts_and_a_refund_takes_back(
    engine: Engine, till: Till
) -> None:
    customer = engine.add_customer("Ayesha")
    sale = till.sale(customer.id, 10_000)

    assert [o.status for o in engine.record([sale, sale])] == ["recorded", "duplicate"]
    assert engine.balance(customer.id) == 100
    assert engine.record_sale(attrs.evolve(sale, total_minor=12_000)).points == 20
    assert engine.record_sale(attrs.evolve(sale, total_minor=8_000)).points == -40
    assert engine.balance(customer.id) == 80
    refund = till.refund(sale.document_id, 4_000)
    assert engine.refund(refund).points == -40
    assert engine.refund(refund).status == "duplicate"

    assert engine.balance(customer.id) == 40
    kinds = [e.kind for e in engine.history(customer.id)]
    assert kinds == ["earn", "earn", "reverse_earn", "reverse_earn"]


def test_redemptions_are_idempotent_by_key_and_never_overdraw(engine: Engine, till: Till) -> None:
    customer = engine.add_customer("Chinedu")
    engine.record_sale(till.sale(customer.id, 5_000))

    first = engine.redeem(customer.id, 30, key="pay-1")
    again = engine.redeem(customer.id, 30, key="pay-1")
    with pytest.raises(InsufficientPoints):
        engine.redeem(customer.id, 21)

    assert (first.balance, again.balance, first.event_id) == (20, 20, again.event_id)
    assert engine.balance(customer.id) == 20


def test_adjustments_add_and_remove_points_with_their_reason(engine: Engine) -> None:
    customer = engine.add_customer("Kamal")
    engine.adjust(customer.id, 70, reason="opening balance")
    engine.adjust(customer.id, -25, reason="typo")
    with pytest.raises(InsufficientPoints):
        engine.adjust(customer.id, -46, reason="too much")

    assert engine.balance(customer.id) == 45
    assert [(e.points, e.reason) for e in engine.history(customer.id)] == [
        (70, "opening balance"), (-25, "typo")]


def test_rebuild_balances_restores_a_damaged_cache_from_the_entries(
    engine: Engine, till: Till
) -> None:
    customer = engine.add_customer("Zainab")
    engine.record_sale(till.sale(customer.id, 7_000))
    engine.redeem(customer.id, 20)
    with engine.db.begin() as conn:
        conn.execute(schema.balances.update().values(points=999, lifetime_earned=0))

    report = engine.rebuild_balances()

    assert (report.corrected, report.problems) == ([customer.id], [])
    assert engine.balance(customer.id) == 50
    assert engine.account(customer.id).lifetime_earned == 70


def test_history_is_oldest_first_and_limit_keeps_the_newest(engine: Engine, till: Till) -> None:
    customer = engine.add_customer("Priya")
    for total in (1_000, 2_000, 3_000):
        engine.record_sale(till.sale(customer.id, total))

    assert [e.points for e in engine.history(customer.id)] == [10, 20, 30]
    assert [e.points for e in engine.history(customer.id, limit=2)] == [20, 30]


def test_ids_beyond_32_bits_are_kept(engine: Engine, till: Till) -> None:
    big = 3_000_000_000
    with engine.db.begin() as conn:
        conn.execute(schema.customers.insert(), {"id": big, "name": "Big", "created_at":
                                                 engine.clock()})
        conn.execute(schema.balances.insert(), {"customer_id": big})
    engine.record_sale(till.sale(big, 1_500))

    assert engine.balance(big) == 15
    assert engine.history(big)[0].customer_id == big


def test_every_entry_carries_the_shop_and_till_that_wrote_it(engine: Engine) -> None:
    customer = engine.add_customer("Hassan")
    colombo = Till(engine, shop_id="colombo", till_id="c-2")
    engine.record_sale(colombo.sale(customer.id, 10_000))
    engine.update_settings(with_setting(with_setting(engine.settings, "shop.id", "kandy"),
                                        "shop.till", "k-1"))
    engine.redeem(customer.id, 10, document="S1")
    engine.adjust(customer.id, 5, reason="goodwill")
    engine.refund(colombo.refund("S1", 5_000))

    assert [(e.kind, e.shop_id, e.till_id) for e in engine.history(customer.id)] == [
        ("earn", "colombo", "c-2"), ("redeem", "kandy", "k-1"), ("adjust", "kandy", "k-1"),
        ("reverse_redeem", "colombo", "c-2"), ("reverse_earn", "colombo", "c-2"),  # back first
    ]


def test_customers_added_or_imported_at_a_till_belong_to_its_shop(engine: Engine) -> None:
    engine.update_settings(with_setting(engine.settings, "shop.id", "kandy"))
    added = engine.add_customer("Sita")
    engine.record([], customers=[PosCustomer(external_id="7", name="Tunde")], origin="pos")

    assert [(a.customer.name, a.customer.shop_id) for a in engine.accounts()] == [
        (added.name, "kandy"), ("Tunde", "kandy")]


def test_points_summary_totals_each_shop_and_filters_by_shop(engine: Engine) -> None:
    ayesha, nimal = engine.add_customer("Ayesha").id, engine.add_customer("Nimal").id
    colombo, kandy = Till(engine, shop_id="colombo"), Till(engine, shop_id="kandy")
    engine.record([colombo.sale(ayesha, 10_000), kandy.sale(nimal, 4_000),
                   kandy.sale(ayesha, 2_000)])
    engine.refund(kandy.refund("S2", 1_000))
    engine.redeem(ayesha, 50)  # written by this till's shop, "main"

    assert engine.points_summary() == [
        PointsSummary("colombo", issued=100, redeemed=0, removed=0, outstanding=100, entries=1),
        PointsSummary("kandy", issued=60, redeemed=0, removed=10, outstanding=50, entries=3),
        PointsSummary("main", issued=0, redeemed=50, removed=0, outstanding=-50, entries=1),
    ]
    assert engine.points_summary(shop="kandy") == [engine.points_summary()[1]]
    assert engine.points_summary(shop="nowhere") == []
    outstanding = sum(s.outstanding for s in engine.points_summary())
    assert outstanding == engine.balance(ayesha) + engine.balance(nimal)


def test_a_deadlocked_write_on_postgresql_runs_again_and_succeeds(
    postgres_ledger_url: str, settings: Settings, clock: FakeClock
) -> None:
    b = schema.balances
    rival_engine = sa.create_engine(postgres_ledger_url)
    with Engine(postgres_ledger_url, settings, clock=clock) as engine:
        till = Till(engine)
        first, second = engine.add_customer("First").id, engine.add_customer("Second").id
        try:
            with rival_engine.connect() as rival:
                rival.exec_driver_sql("SET deadlock_timeout = '20s'")  # the engine is the victim
                rival.execute(sa.select(b).where(b.c.customer_id == second).with_for_update())
                writer = threading.Thread(target=engine.record, args=(
                    [till.sale(first, 1_000), till.sale(second, 2_000)],))
                writer.start()
                _wait_until_blocked(rival_engine)  # the engine holds `first`, waits for `second`
                # The rival now wants `first`: a cycle PostgreSQL breaks by failing the engine's
                # transaction, which runs again once the rival has finished.
                rival.execute(sa.select(b).where(b.c.customer_id == first).with_for_update())
                rival.rollback()
                writer.join(timeout=30)
        finally:
            rival_engine.dispose()

        assert (engine.balance(first), engine.balance(second)) == (10, 20)


def _wait_until_blocked(server: sa.Engine) -> None:
    """Until some other session waits for a lock (the engine, on the rival's row)."""
    for _ in range(200):
        with server.connect() as conn:
            waiting = conn.execute(sa.text(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                "AND query LIKE :balances"), {"balances": "%FROM balances%FOR UPDATE%"}
            ).scalar_one()
        if waiting:
            return
        time.sleep(0.05)
    raise AssertionError("the engine never waited for the rival's lock")


def test_a_ledger_url_that_cannot_be_reached_is_named_with_the_fix(settings: Settings) -> None:
    with pytest.raises(LedgerError, match="Cannot reach the ledger server"):
        Engine("postgresql+psycopg://postgres@127.0.0.1:9/none", settings)


def test_a_pos_customer_imported_in_a_transaction_that_rolled_back_is_not_remembered(
    engine: Engine,
) -> None:
    pos = Till(engine, source="pos")
    tunde = [PosCustomer(external_id="7", name="Tunde")]

    def fail(connection: sa.Connection, events: list) -> None:
        raise RuntimeError("the till lost power")

    engine.add_transaction_hook(fail)
    with pytest.raises(RuntimeError):
        engine.record([pos.sale(None, 10_000, external_customer_id="7")], customers=tunde,
                      origin="pos")
    engine.remove_transaction_hook(fail)

    (outcome,) = engine.record([pos.sale(None, 10_000, external_customer_id="7")])
    assert (outcome.status, outcome.reason) == ("skipped", "the customer is not in the ledger")
    engine.record([], customers=tunde, origin="pos")
    (outcome,) = engine.record([pos.sale(None, 10_000, external_customer_id="7")])
    assert (outcome.status, outcome.points) == ("recorded", 100)


def test_a_batch_of_rows_is_stored_as_sqlalchemys_own_insert_stores_it(engine: Engine) -> None:
    """On PostgreSQL ``execute_many`` sends an INSERT of many rows as a COPY."""
    customer = engine.add_customer("Kamala")
    moment = datetime(2026, 1, 31, 23, 59, 59, 999_999, tzinfo=timezone.utc)

    def entry(entry_id: int) -> dict:
        return {
            "id": entry_id, "customer_id": customer.id, "kind": "adjust", "points": entry_id,
            "tier_points": 0, "occurred_at": moment, "business_date": moment.date(),
            "recorded_at": moment, "idempotency_key": f"k{entry_id}",
            "source_type": "adjustment", "source_id": None, "sale_id": None, "rule_id": None,
            "reverses_entry_id": None, "reason": "it's \"quoted\"\tand\\tabbed", "actor": "test",
            "shop_id": "main", "till_id": "till-1", "event_id": f"e{entry_id}",
        }

    e = schema.ledger_entries
    with engine.db.begin() as conn:
        conn.execute(e.insert(), [entry(100 + n) for n in range(COPY_FROM_ROWS)])
        execute_many(conn, e.insert(), [entry(200 + n) for n in range(COPY_FROM_ROWS)])
        stored = conn.execute(sa.select(e).where(e.c.id >= 100).order_by(e.c.id)).all()
    by_sqlalchemy, by_bulk = stored[:COPY_FROM_ROWS], stored[COPY_FROM_ROWS:]
    ignore = {"id", "points", "idempotency_key", "event_id"}
    assert [{k: v for k, v in row._mapping.items() if k not in ignore} for row in by_bulk] == \
        [{k: v for k, v in row._mapping.items() if k not in ignore} for row in by_sqlalchemy]
    assert by_bulk[0].occurred_at == moment


def test_a_balance_lookup_of_no_such_customer_says_so(engine: Engine) -> None:
    engine.add_customer("Sunil")
    with pytest.raises(UnknownCustomer):
        engine.balance(999)


def test_a_sync_batch_leaves_the_tables_it_grew_with_planner_statistics(
    engine: Engine, till: Till, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Without them PostgreSQL reads whole tables for each batch's lookups (ever slower)."""
    monkeypatch.setattr(statistics, "SMALLEST_PAGES", 1)
    customer = engine.add_customer("Ravi")
    engine.record([till.sale(customer.id, 2500) for _ in range(statistics.CHECK_FACTS)])
    engine.record([till.sale(customer.id, 2500) for _ in range(statistics.CHECK_FACTS)])
    if engine.db.dialect.name != "postgresql":
        assert statistics.refresh(engine.db) == []
        return
    with engine.db.connect() as conn:
        estimated = conn.exec_driver_sql(
            "SELECT reltuples FROM pg_class WHERE oid = 'sales'::regclass").scalar_one()
    assert estimated > 0  # ANALYZE has run: the planner knows the table's size
