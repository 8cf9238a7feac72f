"""The engine against a real SQLite ledger: sales, refunds, revisions, redemptions, adjustments,
tiers, and when events are published."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import attrs
import pytest
import sqlalchemy as sa

from loyalty import signals
from loyalty.domain.errors import InsufficientPoints
from loyalty.domain.errors import LoyaltyError
from loyalty.domain.errors import RedemptionRefused
from loyalty.domain.errors import UnknownCustomer
from loyalty.domain.events import EarnReversed
from loyalty.domain.events import PointsEarned
from loyalty.domain.events import RedemptionReversed
from loyalty.domain.events import TierRaised
from loyalty.ledger import schema
from loyalty.domain.settings import EarningSettings
from loyalty.domain.settings import ExpirySettings
from loyalty.domain.settings import RedemptionSettings
from loyalty.domain.settings import Settings
from loyalty.domain.settings import Tier


TIERS = (Tier(1, 100, 0), Tier(2, 500, 5), Tier(3, 1000, 10))


@pytest.fixture
def settings() -> Settings:
    """1 point per dollar, so a sale of 10000 cents earns 100 points."""
    return Settings(earning=EarningSettings(points_per_unit=Decimal(1)), tiers=TIERS)


@pytest.fixture
def customer(engine):
    return engine.add_customer("Nimal Perera", phone="+94771234567").id


@pytest.fixture
def published():
    """Every event published on the blinker signal, in order."""
    seen = []

    def receiver(sender, event, engine):
        seen.append(event)

    signals.event_published.connect(receiver)
    yield seen
    signals.event_published.disconnect(receiver)


def entries(engine, customer_id):
    return [(e.kind, e.points) for e in engine.history(customer_id)]


# ---- sales ----------------------------------------------------------------------------------


def test_a_sale_of_12_34_at_100_points_per_unit_earns_1234_points(engine, till, customer):
    engine.update_settings(Settings(earning=EarningSettings(points_per_unit=Decimal(100))))
    outcome = engine.record_sale(till.sale(customer, 1234))
    assert (outcome.status, outcome.points) == ("recorded", 1234)
    assert engine.balance(customer) == 1234


def test_a_sale_below_the_threshold_is_recorded_but_earns_nothing(engine, till, customer):
    engine.update_settings(Settings(earning=EarningSettings(payment_threshold=Decimal(5))))
    outcome = engine.record_sale(till.sale(customer, 499, document="D1"))
    assert (outcome.status, outcome.points, outcome.events) == ("recorded", 0, ())
    assert "below the payment threshold" in outcome.reason
    assert engine.record_sale(till.sale(customer, 499, document="D1")).status == "duplicate"
    assert engine.balance(customer) == 0


def test_replaying_a_sale_changes_nothing(engine, till, customer, published):
    sale = till.sale(customer, 10_000)
    engine.record_sale(sale)
    before = (engine.balance(customer), entries(engine, customer), len(published))
    outcome = engine.record_sale(sale)
    assert outcome.status == "duplicate"
    assert (engine.balance(customer), entries(engine, customer), len(published)) == before


def test_a_sale_for_a_customer_the_ledger_does_not_know_is_refused(engine, till):
    with pytest.raises(UnknownCustomer, match="No customer with id 99"):
        engine.record_sale(till.sale(99, 100))


def test_a_sale_in_another_currency_is_skipped(engine, till, customer):
    sale = till.sale(customer, 100)
    outcome = engine.record_sale(attrs.evolve(sale, currency="LKR", event_id=""))
    assert outcome.status == "skipped" and "LKR" in outcome.reason


# ---- tiers ----------------------------------------------------------------------------------


def test_crossing_a_threshold_raises_the_tier_and_the_bonus_is_the_level_before(
    engine, till, customer, published
):
    engine.record_sale(till.sale(customer, 45_000))  # 450 points: 1 star, no bonus
    outcome = engine.record_sale(till.sale(customer, 10_000))  # +100 (1-star bonus 0) -> 550
    raised = [e for e in outcome.events if isinstance(e, TierRaised)]
    assert [(e.old_stars, e.new_stars, e.max_stars) for e in raised] == [(1, 2, 3)]
    assert outcome.points == 100
    next_sale = engine.record_sale(till.sale(customer, 1_000))  # 10 + the 2-star bonus 5
    assert next_sale.points == 15
    assert next_sale.events[0].breakdown == {"base": 10, "tier_bonus": 5}
    assert engine.account(customer).stars == 2
    raised_all = [(e.old_stars, e.new_stars) for e in published if isinstance(e, TierRaised)]
    assert raised_all == [(0, 1), (1, 2)]


def test_a_redemption_does_not_lower_the_tier(engine, till, customer):
    engine.record_sale(till.sale(customer, 60_000))
    engine.redeem(customer, 600)
    account = engine.account(customer)
    assert (account.points, account.lifetime_earned, account.stars) == (0, 600, 2)


# ---- refunds --------------------------------------------------------------------------------


def test_a_refund_takes_back_in_proportion_to_the_money_returned(engine, till, customer):
    engine.record_sale(till.sale(customer, 10_000, document="S"))
    first = engine.refund(till.refund("S", 2_500))
    second = engine.refund(till.refund("S", 2_500))
    assert (first.points, second.points) == (-25, -25)
    assert engine.balance(customer) == 50


def test_many_small_refunds_take_back_exactly_what_one_full_refund_would(engine, till, customer):
    engine.record_sale(till.sale(customer, 999, document="S"))  # 9 points
    taken = [engine.refund(till.refund("S", 333)).points for _ in range(3)]
    assert taken == [-3, -3, -3]
    assert engine.balance(customer) == 0
    assert engine.account(customer).lifetime_earned == 0


def test_a_refund_beyond_the_sale_takes_back_no_more_than_it_earned(engine, till, customer):
    engine.record_sale(till.sale(customer, 1_000, document="S"))
    engine.refund(till.refund("S", 900))
    engine.refund(till.refund("S", 900))
    assert engine.balance(customer) == 0
    assert entries(engine, customer) == [("earn", 10), ("reverse_earn", -9), ("reverse_earn", -1)]


def test_the_same_refund_twice_is_a_duplicate(engine, till, customer):
    engine.record_sale(till.sale(customer, 1_000, document="S"))
    refund = till.refund("S", 500)
    engine.refund(refund)
    assert engine.refund(refund).status == "duplicate"
    assert engine.balance(customer) == 5


def test_a_refund_of_an_unknown_sale_is_skipped(engine, till, customer):
    outcome = engine.refund(till.refund("NOPE", 500))
    assert outcome.status == "skipped"


def test_a_refund_of_spent_points_records_them_unrecovered_and_lowers_the_tier(
    engine, till, customer
):
    engine.record_sale(till.sale(customer, 50_000, document="S"))  # 500 points, 2 stars
    engine.redeem(customer, 450)
    outcome = engine.refund(till.refund("S", 50_000))
    (reversal,) = outcome.events
    assert isinstance(reversal, EarnReversed)
    assert (reversal.points, reversal.unrecovered, reversal.balance) == (-50, 450, 0)
    account = engine.account(customer)
    assert (account.points, account.lifetime_earned, account.stars) == (0, 0, 0)
    with engine.db.connect() as conn:
        row = conn.execute(sa.select(schema.refunds)).one()
    assert (row.points_reversed, row.points_unrecovered) == (500, 450)


def test_a_refund_gives_back_the_points_that_paid_for_the_sale(engine, till, customer):
    engine.record_sale(till.sale(customer, 100_000, document="A"))  # 1000 points
    engine.redeem(customer, 300, document="B")  # points paid part of sale B
    engine.record_sale(till.sale(customer, 5_000, document="B"))  # +50 + 3-star bonus 10
    outcome = engine.refund(till.refund("B", 5_000))
    kinds = {type(e): e.points for e in outcome.events}
    assert kinds == {EarnReversed: -60, RedemptionReversed: 300}
    assert engine.balance(customer) == 1000
    again = engine.refund(till.refund("B", 5_000))  # nothing left to give back
    assert again.points == 0
    assert engine.balance(customer) == 1000


def test_a_partial_refund_gives_back_paid_points_in_proportion(engine, till, customer):
    engine.record_sale(till.sale(customer, 100_000, document="A"))
    engine.redeem(customer, 300, document="B")
    engine.record_sale(till.sale(customer, 4_000, document="B"))  # +40 +10 bonus
    outcome = engine.refund(till.refund("B", 1_000))
    assert {type(e): e.points for e in outcome.events} == {EarnReversed: -12,
                                                           RedemptionReversed: 75}


# ---- revisions ------------------------------------------------------------------------------


def test_an_edited_document_earns_the_difference(engine, till, customer):
    engine.record_sale(till.sale(customer, 10_000, document="D"))
    up = engine.record_sale(till.sale(customer, 15_000, document="D"))
    assert (up.status, up.points) == ("revised", 50)
    down = engine.record_sale(till.sale(customer, 5_000, document="D"))
    assert (down.status, down.points) == ("revised", -100)
    assert engine.balance(customer) == 50
    assert engine.record_sale(till.sale(customer, 5_000, document="D")).status == "duplicate"


def test_editing_a_refunded_document_never_takes_back_twice(engine, till, customer):
    engine.record_sale(till.sale(customer, 10_000, document="D"))  # 100
    engine.refund(till.refund("D", 10_000))  # -100: the whole sale went back
    edited = engine.record_sale(till.sale(customer, 5_000, document="D"))
    assert (edited.status, edited.points) == ("revised", 0)  # still fully refunded
    account = engine.account(customer)
    assert (account.points, account.lifetime_earned) == (0, 0)
    engine.record_sale(till.sale(customer, 20_000, document="E"))
    assert engine.account(customer).lifetime_earned == 200


def test_editing_a_partly_refunded_document_keeps_the_refunded_money_refunded(
    engine, till, customer
):
    engine.record_sale(till.sale(customer, 10_000, document="D"))  # 100
    engine.refund(till.refund("D", 2_000))  # -20
    edited = engine.record_sale(till.sale(customer, 20_000, document="D"))  # 200, 20 of it refunded
    assert edited.points == 100  # from 80 net to 180 net
    assert engine.balance(customer) == 180
    assert engine.refund(till.refund("D", 18_000)).points == -180


def test_an_edit_in_the_same_batch_as_the_sale_is_a_revision(engine, till, customer):
    outcomes = engine.record([till.sale(customer, 10_000, document="D"),
                              till.sale(customer, 12_000, document="D")])
    assert [(o.status, o.points) for o in outcomes] == [("recorded", 100), ("revised", 20)]
    assert engine.balance(customer) == 120


def test_a_document_moved_to_another_customer_is_not_moved_automatically(engine, till, customer):
    other = engine.add_customer("Ayesha Khan").id
    engine.record_sale(till.sale(customer, 10_000, document="D"))
    outcome = engine.record_sale(till.sale(other, 10_000, document="D"))
    assert outcome.status == "skipped"
    assert (engine.balance(customer), engine.balance(other)) == (100, 0)


# ---- redemption and adjustment --------------------------------------------------------------


def test_redeeming_more_than_the_balance_is_refused_with_a_clear_message(engine, till, customer):
    engine.record_sale(till.sale(customer, 4_000))
    with pytest.raises(InsufficientPoints) as refused:
        engine.redeem(customer, 41)
    assert str(refused.value) == (f"Customer {customer} has 40 points; 41 were asked. "
                                  "Redeem at most 40 points.")
    assert engine.balance(customer) == 40


def test_redeeming_below_the_minimum_balance_is_refused(engine, till, customer):
    engine.update_settings(attrs.evolve(
        engine.settings, redemption=RedemptionSettings(minimum_balance=500)))
    engine.record_sale(till.sale(customer, 4_000))
    with pytest.raises(RedemptionRefused, match="redeeming starts at 500"):
        engine.redeem(customer, 10)


def test_a_redemption_with_the_same_key_happens_once(engine, till, customer, published):
    engine.record_sale(till.sale(customer, 10_000))
    first = engine.redeem(customer, 30, key="pay-dialog-1")
    second = engine.redeem(customer, 30, key="pay-dialog-1")
    assert first.event_id == second.event_id
    assert (first.balance, second.points) == (70, -30)
    assert engine.balance(customer) == 70
    assert sum(e.kind == "points_redeemed" for e in published) == 1


def test_paying_a_bill_redeems_only_the_points_it_needs(engine, till, customer):
    engine.record_sale(till.sale(customer, 100_000))  # 1000 points = $10
    payment = engine.pay(customer, 250, key="k")
    assert (payment.plan.points, payment.plan.cash_minor) == (250, 0)
    partial = engine.pay(customer, 5_000)
    assert (partial.plan.points, partial.plan.covered_minor, partial.plan.cash_minor) == (
        750, 750, 4_250)
    assert engine.balance(customer) == 0


def test_an_adjustment_needs_a_reason(engine, customer):
    with pytest.raises(LoyaltyError, match="needs a reason"):
        engine.adjust(customer, 10, reason="  ")
    with pytest.raises(LoyaltyError, match="0 points changes nothing"):
        engine.adjust(customer, 0, reason="typo")
    assert engine.history(customer) == []


def test_an_adjustment_moves_points_but_not_the_tier(engine, customer):
    event = engine.adjust(customer, 700, reason="opening balance from the old system")
    assert (event.points, event.balance, event.reason) == (
        700, 700, "opening balance from the old system")
    assert engine.account(customer).stars == 0
    engine.adjust(customer, -200, reason="correction")
    assert engine.balance(customer) == 500
    with pytest.raises(InsufficientPoints):
        engine.adjust(customer, -501, reason="too much")


# ---- publishing -----------------------------------------------------------------------------


def test_events_are_published_after_the_commit(engine, till, customer, published):
    seen_balances = []

    def receiver(sender, event, engine):
        with engine.db.connect() as other:  # another connection sees only committed data
            seen_balances.append(other.execute(
                sa.select(schema.balances.c.points).where(schema.balances.c.customer_id == customer)
            ).scalar_one())

    signals.event_published.connect(receiver, sender=PointsEarned)
    try:
        engine.record_sale(till.sale(customer, 5_000))
    finally:
        signals.event_published.disconnect(receiver, sender=PointsEarned)
    assert seen_balances == [50]
    assert [type(e) for e in published] == [PointsEarned]


def test_nothing_is_published_when_the_transaction_rolls_back(engine, till, customer, published):
    inside = []

    def failing_hook(connection, events):
        inside.extend(events)
        raise RuntimeError("the outbox is full")

    engine.add_transaction_hook(failing_hook)
    with pytest.raises(RuntimeError):
        engine.record_sale(till.sale(customer, 5_000))
    assert [type(e) for e in inside] == [PointsEarned]
    assert published == []
    assert engine.balance(customer) == 0 and engine.history(customer) == []


def test_a_failing_receiver_does_not_undo_or_break_the_call(engine, till, customer):
    def broken(sender, event, engine):
        raise RuntimeError("display unplugged")

    signals.event_published.connect(broken)
    try:
        outcome = engine.record_sale(till.sale(customer, 10_000))
    finally:
        signals.event_published.disconnect(broken)
    assert outcome.status == "recorded" and engine.balance(customer) == 100


# ---- business dates and lots ----------------------------------------------------------------


def test_the_business_date_is_the_shops_local_day(engine, till, customer, clock):
    engine.update_settings(attrs.evolve(engine.settings, shop=attrs.evolve(
        engine.settings.shop, timezone="Asia/Colombo")))
    clock.now = clock.now.replace(hour=19, minute=0)  # 00:30 the next day in Colombo
    engine.record_sale(till.sale(customer, 10_000))
    (entry,) = engine.history(customer)
    assert entry.occurred_at == clock.now
    assert entry.business_date == clock.now.date() + timedelta(days=1)


def test_each_lot_expires_by_the_policy_and_the_soonest_is_spent_first(
    engine, till, customer, clock
):
    engine.update_settings(attrs.evolve(engine.settings,
                                        expiry=ExpirySettings(mode="days", days=30)))
    engine.adjust(customer, 50, reason="opening balance")  # lot 1: expires in 30 days
    clock.advance(days=10)
    engine.record_sale(till.sale(customer, 10_000))  # lot 2: 100 points, 10 days later
    engine.redeem(customer, 70)
    lots = [(e.kind, e.expires_on, e.remaining) for e in engine.history(customer)
            if e.points > 0]
    first_day = clock.now.date() - timedelta(days=10)
    assert lots == [("adjust", first_day + timedelta(days=30), 0),
                    ("earn", clock.now.date() + timedelta(days=30), 80)]


def test_a_removed_customer_earns_nothing_more_and_keeps_their_points_log(engine, till):
    ann = engine.add_customer("Ann")
    engine.record_sale(till.sale(ann.id, 10_000))
    log = engine.history(ann.id)
    engine.remove_customer(ann.id)
    outcome = engine.record_sale(till.sale(ann.id, 5_000))
    assert (outcome.status, outcome.reason) == ("skipped", f"customer {ann.id} was removed")
    assert engine.history(ann.id) == log
    engine.update_settings(attrs.evolve(engine.settings, campaigns=attrs.evolve(
        engine.settings.campaigns, actions=attrs.evolve(engine.settings.campaigns.actions,
                                                        review=25))))
    with pytest.raises(LoyaltyError, match="was removed"):
        engine.award(ann.id, "review", ref="r1")
    assert engine.history(ann.id) == log
