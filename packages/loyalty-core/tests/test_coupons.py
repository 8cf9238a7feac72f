"""Coupons: points converted into a single-use coupon of a set value."""

from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from datetime import timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from loyalty import signals
from loyalty.domain.errors import InsufficientPoints
from loyalty.domain.errors import LoyaltyError
from loyalty.domain.events import CouponUsed
from loyalty.domain.money import Currency
from loyalty.domain.rules import coupons
from loyalty.domain.settings import CouponSettings
from loyalty.domain.settings import Settings
from loyalty.domain.settings import ShopSettings
from loyalty.engine import Engine


RULES = CouponSettings(enabled=True, points_per_unit=Decimal(100), minimum_points=200,
                       valid_days=30)


@pytest.fixture
def settings() -> Settings:
    return Settings(shop=ShopSettings(timezone="UTC"), coupons=RULES)


@pytest.fixture
def ann(engine, till):
    ann = engine.add_customer("Ann")
    engine.record_sale(till.sale(ann.id, 100_000))  # 1000 points
    return ann


def test_a_coupon_costs_its_value_in_points_and_is_logged(engine, ann):
    event = engine.issue_coupon(ann.id, 500, rng=random.Random(1))
    assert (event.points, event.balance, event.value_minor) == (-500, 500, 500)
    assert event.expires_on == date(2026, 2, 4)
    assert len(event.code) == 10
    entry = engine.history(ann.id)[-1]
    assert (entry.kind, entry.source_type, entry.source_id) == ("redeem", "coupon", event.code)
    [coupon] = engine.coupons(ann.id)
    assert (coupon.code, coupon.points, coupon.used_at) == (event.code, 500, None)


def test_a_coupon_below_the_minimum_points_is_refused(engine, ann):
    with pytest.raises(LoyaltyError, match="at least 200 points"):
        engine.issue_coupon(ann.id, 150)
    assert engine.balance(ann.id) == 1000


def test_a_coupon_the_balance_cannot_pay_is_refused(engine, ann):
    with pytest.raises(InsufficientPoints):
        engine.issue_coupon(ann.id, 2_000)
    assert engine.coupons() == []


def test_a_retried_issue_with_one_key_issues_one_coupon(engine, ann):
    first = engine.issue_coupon(ann.id, 300, key="dialog-7")
    again = engine.issue_coupon(ann.id, 300, key="dialog-7")
    assert again.code == first.code and engine.balance(ann.id) == 700
    assert len(engine.coupons()) == 1


def test_a_coupon_is_used_once(engine, ann):
    code = engine.issue_coupon(ann.id, 300).code
    used = []
    with signals.event_published.connected_to(lambda sender, event, engine: used.append(event),
                                              sender=CouponUsed):
        event = engine.use_coupon(code.lower(), document="S-9")
    assert (event.code, event.value_minor, event.document_id) == (code, 300, "S-9")
    assert used == [event]
    with pytest.raises(LoyaltyError, match="already used"):
        engine.use_coupon(code)


def test_two_tills_scanning_one_coupon_at_once_use_it_once(engine, clock, ann):
    code = engine.issue_coupon(ann.id, 300).code
    url = engine.db.url.render_as_string(hide_password=False)
    with Engine(url, engine.settings, clock=clock) as second:
        def attempt(till_engine):  # noqa: ANN001, ANN202
            try:
                return till_engine.use_coupon(code).code
            except LoyaltyError as refused:
                return str(refused)

        with ThreadPoolExecutor(2) as pool:
            results = list(pool.map(attempt, [engine, second]))
    assert results.count(code) == 1
    assert any("cannot be used" in r for r in results)


def test_a_coupon_cannot_be_used_after_its_last_day(engine, clock, ann):
    code = engine.issue_coupon(ann.id, 300).code
    clock.advance(days=31)
    with pytest.raises(LoyaltyError, match="expired after 2026-02-04"):
        engine.use_coupon(code)
    clock.now -= timedelta(days=1)
    assert engine.use_coupon(code).code == code


def test_an_unknown_code_is_named(engine):
    with pytest.raises(LoyaltyError, match="No coupon has the code NOPE"):
        engine.use_coupon("nope")


def test_coupons_switched_off_say_how_to_switch_them_on(engine, ann):
    engine.update_settings(Settings())
    with pytest.raises(LoyaltyError, match="coupons.enabled"):
        engine.issue_coupon(ann.id, 500)


def test_the_coupon_commands_issue_use_and_list(engine, ann, loyalty_cli):
    code = loyalty_cli("coupon", "issue", ann.id, "2.50", "--json").json()["code"]
    assert [c["code"] for c in loyalty_cli("coupon", "list", "--json").json()] == [code]
    used = loyalty_cli("coupon", "use", code, "--document", "S-1")
    assert used.code == 0 and used.out == f"Coupon {code} used: take $2.50 off.\n"
    again = loyalty_cli("coupon", "use", code)
    assert again.code == 1 and "already used" in again.err


@given(st.integers(1, 10**9), st.decimals(min_value=Decimal("0.01"), max_value=Decimal(1000),
                                          places=2),
       st.sampled_from([Currency("USD", "$", 2), Currency("JPY", "¥", 0)]))
def test_a_coupon_never_costs_fewer_points_than_its_value(value, rate, currency):
    rules = CouponSettings(points_per_unit=rate)
    cost = coupons.coupon_cost(value, rules, currency)
    assert cost * currency.scale >= value * rate > (cost - 1) * currency.scale


@given(st.randoms(use_true_random=False))
def test_codes_use_only_unambiguous_characters(rng):
    code = coupons.new_code(rng)
    assert len(code) == coupons.CODE_LENGTH and set(code) <= set(coupons.CODE_ALPHABET)
    assert coupons.normalise_code(f" {code[:5].lower()}-{code[5:]} ") == code
