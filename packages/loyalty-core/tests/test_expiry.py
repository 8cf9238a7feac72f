"""Expiry: lots expire whole after their last day, oldest first, with reminders before."""

from __future__ import annotations

import tempfile
from datetime import date
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from loyalty.domain.errors import InsufficientPoints
from loyalty.domain.events import PointsExpired
from loyalty.domain.rules import expiry
from loyalty.domain.rules.lots import Lot
from loyalty.domain.rules.lots import allocate
from loyalty.domain.settings import ExpirySettings
from loyalty.domain.settings import Settings
from loyalty.domain.settings import ShopSettings
from loyalty.engine import Engine
from loyalty.ledger import schema
from loyalty.testing.plugin import FakeClock
from loyalty.testing.plugin import assert_ledger_consistent


EXPIRY = ExpirySettings(mode="days", days=30, remind_days_before=7)


@pytest.fixture
def settings() -> Settings:
    return Settings(shop=ShopSettings(timezone="UTC"), expiry=EXPIRY)


def lots_of(engine: Engine, customer_id: int) -> list[sa.Row]:
    lots = schema.point_lots
    return engine.read(lambda conn: conn.execute(
        sa.select(lots).where(lots.c.customer_id == customer_id).order_by(lots.c.entry_id)
    ).all())


def assert_consistent(engine: Engine, customer_id: int) -> None:
    """The cached balance == Σ entries == Σ lots remaining, the cache needs no correction, and
    the balance shown is what is left after the lots past their last day."""
    cached = assert_ledger_consistent(engine).get(customer_id, 0)
    today = engine.business_date(engine.clock())
    lapsed = sum(lot.remaining for lot in lots_of(engine, customer_id)
                 if lot.expires_on is not None and lot.expires_on < today)
    assert engine.balance(customer_id) == cached - lapsed


def test_points_expire_the_day_after_their_last_day(engine, clock, till):
    ann = engine.add_customer("Ann")
    engine.record_sale(till.sale(ann.id, 5000))  # 50 points, last day 2026-02-04
    clock.advance(days=30)
    assert engine.expire().expired_points == 0
    assert engine.balance(ann.id) == 50
    clock.advance(days=1)
    report = engine.expire()
    assert (report.expired_points, report.expired_lots, report.customers) == (50, 1, [ann.id])
    assert engine.balance(ann.id) == 0
    expired = engine.history(ann.id)[-1]
    assert (expired.kind, expired.points, expired.business_date) == ("expire", -50,
                                                                     date(2026, 2, 5))
    assert_consistent(engine, ann.id)


def test_running_expiry_again_changes_nothing(engine, clock, till):
    ann = engine.add_customer("Ann")
    engine.record_sale(till.sale(ann.id, 5000))
    clock.advance(days=40)
    assert engine.expire().expired_points == 50
    entries = len(engine.history(ann.id))
    for _ in range(3):
        report = engine.expire()
        assert (report.expired_points, report.reminders) == (0, [])
    assert len(engine.history(ann.id)) == entries


def test_the_oldest_points_expire_and_the_newer_ones_stay(engine, clock, till):
    ann = engine.add_customer("Ann")
    engine.record_sale(till.sale(ann.id, 3000))
    clock.advance(days=20)
    engine.record_sale(till.sale(ann.id, 7000))
    clock.advance(days=11)
    assert engine.expire().expired_points == 30
    assert engine.balance(ann.id) == 70
    assert [lot.remaining for lot in lots_of(engine, ann.id)] == [0, 70]


def test_a_redemption_never_spends_expired_points(engine, clock, till):
    ann = engine.add_customer("Ann")
    engine.record_sale(till.sale(ann.id, 3000))
    clock.advance(days=20)
    engine.record_sale(till.sale(ann.id, 7000))
    clock.advance(days=11)  # the first 30 points are past their day; nobody ran 'expire'
    with pytest.raises(InsufficientPoints):
        engine.redeem(ann.id, 100)
    event = engine.redeem(ann.id, 70)
    assert event.balance == 0
    kinds = [(e.kind, e.points) for e in engine.history(ann.id)]
    assert kinds[-2:] == [("expire", -30), ("redeem", -70)]
    assert_consistent(engine, ann.id)


def test_any_write_for_a_customer_expires_their_due_points_first(engine, clock, till):
    ann = engine.add_customer("Ann")
    engine.record_sale(till.sale(ann.id, 3000))
    clock.advance(days=31)
    engine.record_sale(till.sale(ann.id, 1000))
    assert [(e.kind, e.points) for e in engine.history(ann.id)][-2:] == [("expire", -30),
                                                                        ("earn", 10)]
    assert engine.balance(ann.id) == 10
    assert_consistent(engine, ann.id)


def test_expired_points_are_published_as_events(engine, clock, till):
    from loyalty import signals

    seen = []
    ann = engine.add_customer("Ann")
    engine.record_sale(till.sale(ann.id, 3000))
    clock.advance(days=31)
    with signals.event_published.connected_to(lambda sender, event, engine: seen.append(event),
                                              sender=PointsExpired):
        engine.expire()
    assert [(e.customer_id, e.points, e.balance) for e in seen] == [(ann.id, -30, 0)]


def test_expiry_goes_by_the_shops_local_date_not_utc(tmp_path):
    clock = FakeClock(datetime(2026, 1, 5, 10, 0, tzinfo=timezone.utc))
    colombo = Settings(shop=ShopSettings(timezone="Asia/Colombo"), expiry=EXPIRY)  # UTC+05:30
    with Engine(tmp_path / "l.db", colombo, clock=clock) as engine:
        ann = engine.add_customer("Ann")
        engine.record_sale(
            _sale(engine, ann.id, 3000, "S1"))  # earned 2026-01-05 local; last day 2026-02-04
        clock.now = datetime(2026, 2, 4, 18, 0, tzinfo=timezone.utc)  # 23:30 on the 4th
        assert engine.expire().expired_points == 0
        clock.now = datetime(2026, 2, 4, 18, 31, tzinfo=timezone.utc)  # 00:01 on the 5th
        assert engine.expire().expired_points == 30


def _sale(engine: Engine, customer_id: int, total: int, doc: str):
    from loyalty.testing.plugin import Till

    return Till(engine).sale(customer_id, total, document=doc)


def test_customers_are_reminded_once_before_their_points_expire(engine, clock, till):
    ann = engine.add_customer("Ann")
    engine.record_sale(till.sale(ann.id, 3000))  # last day 2026-02-04
    clock.advance(days=22)  # 2026-01-27: 8 days before
    assert engine.expire().reminders == []
    clock.advance(days=1)  # 7 days before
    [reminder] = engine.expire().reminders
    assert (reminder.customer_id, reminder.points, reminder.expires_on, reminder.balance) == (
        ann.id, 30, date(2026, 2, 4), 30)
    assert engine.expire().reminders == []
    clock.advance(days=1)
    assert engine.expire().reminders == []


def test_removed_customers_get_no_reminders(engine, clock, till):
    ann, bob = engine.add_customer("Ann"), engine.add_customer("Bob")
    engine.record_sale(till.sale(ann.id, 3000))
    engine.record_sale(till.sale(bob.id, 3000))
    engine.remove_customer(bob.id)
    clock.advance(days=25)
    assert [r.customer_id for r in engine.expire().reminders] == [ann.id]


def test_a_reminder_tells_the_points_still_left_to_expire(engine, clock, till):
    ann = engine.add_customer("Ann")
    engine.record_sale(till.sale(ann.id, 3000))
    engine.record_sale(till.sale(ann.id, 2000))
    engine.redeem(ann.id, 40)
    clock.advance(days=25)
    [reminder] = engine.expire().reminders
    assert reminder.points == 10 and len(reminder.lot_ids) == 1


def test_upcoming_expiries_list_every_batch_not_just_the_first(engine, clock, till):
    ann = engine.add_customer("Ann")
    engine.record_sale(till.sale(ann.id, 3000))
    clock.advance(days=3)
    engine.record_sale(till.sale(ann.id, 2000))
    engine.record_sale(till.sale(ann.id, 1000))
    from loyalty.services.self_service import ExpiringPoints

    assert engine.standing(ann.id).expiring == [ExpiringPoints(date(2026, 2, 4), 30),
                                                 ExpiringPoints(date(2026, 2, 7), 30)]


def test_loyalty_expire_command_reports_what_it_did(engine, till, loyalty_cli):
    ann = engine.add_customer("Ann")
    engine.record_sale(till.sale(ann.id, 3000))  # January: long expired by the real date
    first = loyalty_cli("expire", "--json")
    assert first.code == 0
    assert (first.json()["expired_points"], first.json()["customers"]) == (30, [ann.id])
    assert loyalty_cli("expire", "--json").json()["expired_points"] == 0


# ---- Properties of the pure rules -----------------------------------------------------------

DAY0 = date(2026, 1, 1)
lot_st = st.builds(
    Lot,
    lot_id=st.integers(1, 10_000),
    remaining=st.integers(0, 500),
    expires_on=st.one_of(st.none(), st.integers(0, 60).map(lambda d: DAY0 + timedelta(d))),
    earned_on=st.integers(0, 60).map(lambda d: DAY0 + timedelta(d)),
)
unique_lots = st.lists(lot_st, max_size=25, unique_by=lambda lot: lot.lot_id)


@given(unique_lots, st.integers(0, 70))
def test_due_lots_are_exactly_those_past_their_last_day_in_debit_order(lots, day):
    today = DAY0 + timedelta(day)
    due = expiry.due_for_expiry(lots, today)
    assert {lot.lot_id for lot in due} == {
        lot.lot_id for lot in lots
        if lot.remaining and lot.expires_on is not None and lot.expires_on < today}
    # Debiting the due lots' total, soonest expiry first, takes exactly the due lots.
    total = sum(lot.remaining for lot in due)
    if total:
        assert allocate(lots, total) == [(lot.lot_id, lot.remaining) for lot in due]


@given(st.lists(st.tuples(st.integers(1, 4), lot_st), max_size=25,
                unique_by=lambda pair: pair[1].lot_id),
       st.integers(0, 70), st.integers(0, 10), st.sets(st.integers(1, 10_000), max_size=10))
def test_each_lot_in_the_window_is_reminded_once_and_reminded_lots_never(
        pairs, day, days_before, reminded):
    today = DAY0 + timedelta(day)
    lots = [expiry.CustomerLot(cid, lot) for cid, lot in pairs]
    reminders = expiry.reminders_due(lots, today, days_before, reminded)
    named = [lot_id for r in reminders for lot_id in r.lot_ids]
    assert len(named) == len(set(named))
    expected = {
        item.lot.lot_id for item in lots
        if days_before > 0 and item.lot.remaining and item.lot.expires_on is not None
        and today <= item.lot.expires_on <= today + timedelta(days_before)
        and item.lot.lot_id not in reminded}
    assert set(named) == expected
    by_id = {item.lot.lot_id: item for item in lots}
    for r in reminders:
        assert r.points == sum(by_id[i].lot.remaining for i in r.lot_ids) > 0
        assert all(by_id[i].customer_id == r.customer_id for i in r.lot_ids)
        assert all(by_id[i].lot.expires_on == r.expires_on for i in r.lot_ids)


actions = st.lists(st.one_of(
    st.tuples(st.just("sale"), st.integers(100, 9000)),
    st.tuples(st.just("redeem"), st.integers(1, 120)),
    st.tuples(st.just("days"), st.integers(1, 25)),
    st.tuples(st.just("expire"), st.just(0)),
), min_size=1, max_size=12)


@hsettings(max_examples=15, deadline=None)
@given(actions)
def test_balance_always_equals_entries_and_lots_and_expired_points_are_never_spent(steps):
    clock = FakeClock()
    with tempfile.TemporaryDirectory() as folder, \
            Engine(Path(folder) / "l.db", Settings(shop=ShopSettings(timezone="UTC"),
                                                  expiry=EXPIRY), clock=clock) as engine:
        from loyalty.testing.plugin import Till

        till = Till(engine)
        ann = engine.add_customer("Ann")
        for action, amount in steps:
            if action == "sale":
                engine.record_sale(till.sale(ann.id, amount))
            elif action == "redeem":
                try:
                    engine.redeem(ann.id, amount)
                except InsufficientPoints:
                    pass
            elif action == "days":
                clock.advance(days=amount)
            else:
                engine.expire()
            assert_consistent(engine, ann.id)
        a = schema.lot_allocations
        e = schema.ledger_entries
        lots = schema.point_lots
        spent_after_expiry = engine.read(lambda conn: conn.execute(
            sa.select(sa.func.count()).select_from(a)
            .join(e, e.c.id == a.c.debit_entry_id).join(lots, lots.c.entry_id == a.c.lot_entry_id)
            .where(e.c.kind != "expire", lots.c.expires_on < e.c.business_date)
        ).scalar_one())
        assert spent_after_expiry == 0
