"""Customers entered twice: the look-alike check before adding, and merging two into one."""

from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from loyalty.domain.errors import LoyaltyError
from loyalty.domain.pos import PosCustomer
from loyalty.domain.settings import CouponSettings
from loyalty.domain.settings import ExpirySettings
from loyalty.domain.settings import Settings
from loyalty.domain.settings import ShopSettings
from loyalty.engine import Engine
from loyalty.ledger.memberships import tier_points_between
from loyalty.testing.plugin import FakeClock
from loyalty.testing.plugin import Till
from loyalty.testing.plugin import assert_ledger_consistent


@pytest.fixture
def settings() -> Settings:
    return Settings(shop=ShopSettings(timezone="UTC"),
                    expiry=ExpirySettings(mode="days", days=365),
                    coupons=CouponSettings(enabled=True, points_per_unit=Decimal(100),
                                           minimum_points=100, valid_days=30))


def test_a_phone_typed_with_other_spaces_and_dashes_or_a_name_in_other_case_is_similar(engine):
    ann = engine.add_customer("Ann Perera", phone="077 123-4567")
    engine.add_customer("Bob", phone="0711111111")
    gone = engine.add_customer("ann perera")
    engine.remove_customer(gone.id)
    assert [s.customer.id for s in engine.similar_customers("ANN PERERA")] == [ann.id]
    assert [s.customer.id for s in engine.similar_customers("Someone", "0771234567")] == [ann.id]
    assert engine.similar_customers("Carol", "0999") == []
    assert engine.similar_customers("Carol", "") == []


def test_a_merge_moves_points_lifetime_sales_and_coupons_and_removes_the_other(engine, till):
    ann = engine.add_customer("Ann Perera")
    twin = engine.add_customer("Ann P")
    engine.record_sale(till.sale(ann.id, 30_000))      # 300 points
    engine.record_sale(till.sale(twin.id, 50_000, document="TWIN-1"))  # 500 points
    engine.issue_coupon(twin.id, 100, rng=random.Random(1))  # 100 points spent
    lifetime = engine.account(ann.id).lifetime_earned + engine.account(twin.id).lifetime_earned

    outcome = engine.merge_customers(ann.id, twin.id)

    assert (outcome.points, outcome.sales, outcome.coupons) == (400, 1, 1)
    assert engine.balance(ann.id) == 700
    assert engine.account(ann.id).lifetime_earned == lifetime
    assert engine.balance(twin.id) == 0
    assert engine.customer(twin.id).removed_at is not None
    assert [c.customer_id for c in engine.coupons()] == [ann.id]
    assert [e.reason for e in engine.history(twin.id)][-2:] == [
        "Merged into customer 1 (Ann Perera)",
        "Merged into customer 1 (Ann Perera): lifetime points"]
    assert "Merged from customer 2 (Ann P)" in [e.reason for e in engine.history(ann.id)]
    assert_ledger_consistent(engine)

    # A refund of the merged customer's sale now takes back from the kept customer.
    engine.refund(till.refund("TWIN-1", 50_000))
    assert engine.balance(ann.id) == 200
    assert_ledger_consistent(engine)


def test_merged_points_keep_their_last_day(engine, till, clock: FakeClock):
    ann, twin = engine.add_customer("Ann"), engine.add_customer("Twin")
    engine.record_sale(till.sale(twin.id, 10_000))
    clock.advance(days=200)
    engine.merge_customers(ann.id, twin.id)
    clock.advance(days=166)  # the twin's points were earned 366 days ago
    engine.expire()
    assert engine.balance(ann.id) == 0
    assert_ledger_consistent(engine)


def test_merged_lifetime_points_keep_the_day_they_were_earned(engine, till, clock: FakeClock):
    ann, twin = engine.add_customer("Ann"), engine.add_customer("Twin")
    engine.record_sale(till.sale(twin.id, 10_000))
    earned_on = engine.business_date(clock.now)
    clock.advance(days=400)
    engine.merge_customers(ann.id, twin.id)
    today = engine.business_date(clock.now)
    recent = engine.read(lambda conn: dict(
        tier_points_between(conn, today.replace(day=1), today, [ann.id])))
    assert recent.get(ann.id, 0) == 0  # not "earned today": a tier review sees the old day
    moves = [e for e in engine.history(ann.id) if e.reason.endswith("lifetime points")]
    assert [e.business_date for e in moves] == [earned_on]
    assert engine.account(ann.id).lifetime_earned == 100
    assert_ledger_consistent(engine)


def test_the_pos_s_later_sales_for_a_merged_card_earn_for_the_customer_kept(engine):
    pos = Till(engine, source="aronium", till_id=engine.settings.shop.till)
    engine.record([pos.sale(None, 100, external_customer_id="7")],
                  customers=[PosCustomer("7", "Ann at the POS")], origin="aronium")
    from_pos = next(s.customer.id for s in engine.customers() if s.customer.external_id == "7")
    typed = engine.add_customer("Ann typed in")
    engine.merge_customers(typed.id, from_pos)
    [later] = engine.record([pos.sale(None, 5000, external_customer_id="7")],
                            customers=[PosCustomer("7", "Ann at the POS")], origin="aronium")
    assert later.status == "recorded"
    assert engine.balance(typed.id) == 1 + 50
    assert engine.customer(typed.id).external_id == "7"
    assert engine.customer(from_pos).external_id is None
    assert_ledger_consistent(engine)


def test_two_customers_both_known_to_the_pos_are_not_merged(engine):
    pos = Till(engine, source="aronium", till_id=engine.settings.shop.till)
    engine.record([pos.sale(None, 100, external_customer_id="7"),
                   pos.sale(None, 100, external_customer_id="8")],
                  customers=[PosCustomer("7", "Ann"), PosCustomer("8", "Ann P")],
                  origin="aronium")
    seven, eight = (next(s.customer.id for s in engine.customers()
                         if s.customer.external_id == card) for card in ("7", "8"))
    with pytest.raises(LoyaltyError, match="both customers of the POS"):
        engine.merge_customers(seven, eight)
    assert engine.balance(seven) == engine.balance(eight) == 1


def test_a_merged_customer_earns_nothing_more_and_cannot_be_merged_again(engine, till):
    ann, twin = engine.add_customer("Ann"), engine.add_customer("Twin")
    engine.merge_customers(ann.id, twin.id)
    outcome = engine.record_sale(till.sale(twin.id, 10_000))
    assert outcome.status == "skipped" and "removed" in (outcome.reason or "")
    with pytest.raises(LoyaltyError, match="was removed"):
        engine.merge_customers(ann.id, twin.id)
    with pytest.raises(LoyaltyError, match="into itself"):
        engine.merge_customers(ann.id, ann.id)


SALES = st.lists(st.tuples(st.booleans(), st.integers(1, 5_000_00)), max_size=6)


@hypothesis_settings(max_examples=25, deadline=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sales=SALES, spent=st.integers(0, 100), refund_twin=st.booleans())
def test_after_a_merge_the_kept_balance_is_the_sum_of_both_and_the_ledger_agrees(
        tmp_path: Path, settings: Settings, sales, spent, refund_twin):
    with Engine(tmp_path / f"merge-{random.random()}.db", settings,
                clock=FakeClock()) as engine:
        till = Till(engine)
        ann, twin = engine.add_customer("Ann"), engine.add_customer("Twin")
        for for_twin, total in sales:
            engine.record_sale(till.sale(twin.id if for_twin else ann.id, total))
        if spent and engine.balance(twin.id) >= spent:
            engine.redeem(twin.id, spent)
        before = engine.balance(ann.id) + engine.balance(twin.id)
        lifetime = engine.account(ann.id).lifetime_earned + \
            engine.account(twin.id).lifetime_earned
        engine.merge_customers(ann.id, twin.id)
        assert engine.balance(ann.id) == before
        assert engine.account(ann.id).lifetime_earned == lifetime
        assert engine.balance(twin.id) == 0
        twin_sales = [n for n, (for_twin, _) in enumerate(sales, start=1) if for_twin]
        if refund_twin and twin_sales:
            engine.refund(till.refund(f"S{twin_sales[0]}", 1))
        assert_ledger_consistent(engine)


def test_the_cli_adds_a_look_alike_only_with_force_and_merges(engine, loyalty_cli):
    ann = engine.add_customer("Ann Perera", phone="077-123 4567")
    refused = loyalty_cli("customer", "add", "ANN PERERA")
    assert refused.code == 1
    assert f"{ann.id}: Ann Perera" in refused.err and "--force" in refused.err
    assert len(engine.customers()) == 1
    added = loyalty_cli("customer", "add", "Ann Perera", "--phone", "0771234567", "--force")
    assert added.code == 0
    twin = engine.customers()[-1].customer
    merged = loyalty_cli("customer", "merge", ann.id, twin.id)
    assert merged.code == 0 and f"Merged customer {twin.id}" in merged.out
    assert [s.customer.id for s in engine.customers()] == [ann.id]


def test_a_removed_customer_earns_nothing_by_hand_by_program_or_from_the_pos(
        engine, loyalty_cli):
    gone = engine.add_customer("Gone")
    pos = Till(engine, source="aronium", till_id=engine.settings.shop.till)
    engine.record([pos.sale(None, 100, external_customer_id="7")],
                  customers=[PosCustomer("7", "Gone at the POS")], origin="aronium")
    from_pos = next(s.customer.id for s in engine.customers() if s.customer.external_id == "7")
    engine.remove_customer(gone.id)
    engine.remove_customer(from_pos)
    cli = loyalty_cli("sale", gone.id, "100")
    assert cli.code == 0 and f"skipped: customer {gone.id} was removed" in cli.out
    assert engine.sale(gone.id, "100").status == "skipped"
    [synced] = engine.record([pos.sale(None, 5000, external_customer_id="7")],
                             customers=[PosCustomer("7", "Gone at the POS")], origin="aronium")
    assert synced.status == "skipped" and synced.reason == f"customer {from_pos} was removed"
    assert engine.balance(gone.id) == 0
    assert engine.balance(from_pos) == 1


def test_a_removed_customer_gets_no_points_by_hand_but_a_correction_may_take_some(engine):
    gone = engine.add_customer("Gone")
    engine.adjust(gone.id, 50, reason="old card")
    engine.remove_customer(gone.id)
    with pytest.raises(LoyaltyError, match=f"Customer {gone.id} was removed and earns nothing"):
        engine.adjust(gone.id, 10, reason="again")
    engine.adjust(gone.id, -50, reason="correction")
    assert engine.balance(gone.id) == 0


def test_memberships_move_unless_the_kept_customer_holds_the_same_one(tmp_path: Path):
    from loyalty.domain.settings import MembershipLevel
    from loyalty.domain.settings import MembershipSettings

    silver = MembershipLevel("silver", "Silver", 100, Decimal(5), valid_days=30)
    gold = MembershipLevel("gold", "Gold", 1000, Decimal(10), valid_days=30)
    settings = Settings(shop=ShopSettings(timezone="UTC"),
                        memberships=MembershipSettings(levels=(silver, gold), window_days=90))
    with Engine(tmp_path / "m.db", settings, clock=FakeClock()) as engine:
        till = Till(engine)
        ann, twin, bob = (engine.add_customer(n) for n in ("Ann", "Twin", "Bob"))
        engine.record_sale(till.sale(ann.id, 20_000))
        engine.record_sale(till.sale(twin.id, 20_000))
        engine.record_sale(till.sale(bob.id, 200_000))
        engine.refresh_memberships()
        assert engine.merge_customers(ann.id, twin.id).memberships == 0  # both Silver today
        assert engine.merge_customers(ann.id, bob.id).memberships == 1
        assert engine.membership(ann.id).level == gold
