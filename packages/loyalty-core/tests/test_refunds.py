"""Refunds and edits leave the customer exactly where the sale at its final net amount would
have: the points it earned kept in proportion to the money kept, the points that paid for it
given back in proportion to the money returned, given back before anything is taken back.

Each test is a case the ledger state machine (test_ledger_invariants.py) or a probe through
the CLI found; they run on every backend."""

from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa

from loyalty.domain.events import EarnReversed
from loyalty.domain.events import PointsEarned
from loyalty.domain.events import PointsExpired
from loyalty.domain.events import RedemptionReversed
from loyalty.domain.settings import EarningSettings
from loyalty.domain.settings import ExpirySettings
from loyalty.domain.settings import Settings
from loyalty.ledger import schema


@pytest.fixture
def settings() -> Settings:
    """1 point per unit (a sale of 10000 cents earns 100), points last 20 days, no tiers."""
    return Settings(earning=EarningSettings(points_per_unit=Decimal(1)), tiers=(),
                    expiry=ExpirySettings(mode="days", days=20))


@pytest.fixture
def customer(engine):
    return engine.add_customer("Nimal Perera").id


def moves(outcome):
    return {type(e): e.points for e in outcome.events}


# ---- found by the state machine -------------------------------------------------------------


def test_refunding_a_sale_of_nothing_gives_back_all_the_points_that_paid_for_it(
    engine, till, customer
):
    engine.adjust(customer, 100, reason="opening balance")
    engine.redeem(customer, 20, document="S")
    engine.record_sale(till.sale(customer, 0, document="S"))
    outcome = engine.refund(till.refund("S", 500))
    assert (outcome.status, outcome.points, engine.balance(customer)) == ("recorded", 20, 100)
    assert engine.refund(till.refund("S", 500)).points == 0  # nothing more to give back


def test_refunding_a_sale_edited_down_to_nothing_gives_back_what_paid_for_it(
    engine, till, customer
):
    engine.adjust(customer, 100, reason="opening balance")
    engine.record_sale(till.sale(customer, 5_000, document="S"))  # +50
    engine.redeem(customer, 20, document="S")
    engine.record_sale(till.sale(customer, 0, document="S"))  # -50
    outcome = engine.refund(till.refund("S", 100))
    assert outcome.points == 20
    assert engine.balance(customer) == 100


def test_points_given_back_after_their_last_day_come_back_expired_and_the_outcome_says_so(
    engine, till, customer, clock
):
    engine.record_sale(till.sale(customer, 10_000, document="A"))  # 100, last day: day 20
    engine.redeem(customer, 30, document="B")  # from A's lot
    clock.advance(days=5)
    engine.record_sale(till.sale(customer, 5_000, document="B"))  # 50, last day: day 25
    clock.advance(days=20)  # A's lot is past its last day
    before = engine.balance(customer)
    assert before == 50
    outcome = engine.refund(till.refund("B", 5_000))
    assert moves(outcome) == {RedemptionReversed: 30, PointsExpired: -30, EarnReversed: -50}
    assert outcome.points == engine.balance(customer) - before == -50
    assert engine.rebuild_balances().corrected == []


def test_points_given_back_before_their_last_day_keep_it(engine, till, customer, clock):
    engine.record_sale(till.sale(customer, 10_000, document="A"))  # last day: day 20
    engine.redeem(customer, 30, document="B")
    clock.advance(days=5)
    engine.record_sale(till.sale(customer, 5_000, document="B"))
    outcome = engine.refund(till.refund("B", 5_000))
    assert moves(outcome) == {RedemptionReversed: 30, EarnReversed: -50}
    lots = schema.point_lots
    with engine.db.connect() as conn:
        expires_on = conn.execute(
            sa.select(lots.c.expires_on).join(
                schema.ledger_entries, schema.ledger_entries.c.id == lots.c.entry_id)
            .where(schema.ledger_entries.c.kind == "reverse_redeem")).scalar_one()
    first_day = engine.history(customer)[-1].business_date
    assert (expires_on - first_day).days == 15  # A's last day, not a new one


# ---- issue 14, "Refunds and edits, exact" ---------------------------------------------------


@pytest.mark.parametrize(("total", "paid", "refund", "edit", "refunded", "moved", "edited"), [
    # fully refunded once edited down: all 20 paid points back, not 10 (90 points, not 100)
    (30_000, 20, 15_000, 10_000, 240, {RedemptionReversed: 10, EarnReversed: -150}, 100),
    # edited up to twice its total: half the money kept, so half the 40 paid points again
    (10_000, 40, 10_000, 20_000, 100, {PointsEarned: 100, RedemptionReversed: -20}, 180),
], ids=["edited-down", "edited-up"])
def test_an_edit_of_a_refunded_sale_paid_with_points_moves_both_shares(
    engine, till, customer, total, paid, refund, edit, refunded, moved, edited
):
    """``adjust 1 100; sale 1 TOTAL --document S; redeem 1 PAID --document S; refund S REFUND;
    sale 1 EDIT --document S``."""
    engine.adjust(customer, 100, reason="opening balance")
    engine.record_sale(till.sale(customer, total, document="S"))
    engine.redeem(customer, paid, document="S")
    engine.refund(till.refund("S", refund))
    assert engine.balance(customer) == refunded
    outcome = engine.record_sale(till.sale(customer, edit, document="S"))
    assert moves(outcome) == moved
    assert outcome.points == engine.balance(customer) - refunded
    assert engine.balance(customer) == edited


def test_a_refund_gives_back_before_it_takes_back(engine, till, customer):
    engine.record_sale(till.sale(customer, 25_000, document="I"))
    engine.redeem(customer, 20, document="I")
    outcome = engine.refund(till.refund("I", 25_000))
    assert moves(outcome) == {RedemptionReversed: 20, EarnReversed: -250}
    assert [e.unrecovered for e in outcome.events if isinstance(e, EarnReversed)] == [0]
    assert engine.balance(customer) == 0
