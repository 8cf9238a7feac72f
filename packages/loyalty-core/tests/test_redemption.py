"""What points are worth and what a payment takes: rounding never works against the shop's books
or loses the customer a point, and a plan never exceeds the balance or the bill."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from loyalty.plugins.currencies import iso_currency
from loyalty.domain.errors import InsufficientPoints
from loyalty.domain.errors import RedemptionRefused
from loyalty.domain.rules.redemption import check_redemption
from loyalty.domain.rules.redemption import plan_payment
from loyalty.domain.rules.redemption import points_for_amount
from loyalty.domain.rules.redemption import value_of
from loyalty.domain.settings import RedemptionSettings


USD = iso_currency("USD")
JPY = iso_currency("JPY")
currencies = st.sampled_from([USD, JPY])
rates = st.decimals(min_value=Decimal("0.01"), max_value=10_000, places=2)
points = st.integers(0, 10**9)
amounts = st.integers(0, 10**9)


def test_100_points_are_worth_one_dollar_by_default():
    rules = RedemptionSettings()
    assert value_of(100, rules, USD) == 100
    assert value_of(1234, rules, USD) == 1234
    assert points_for_amount(1250, rules, USD) == 1250


def test_the_value_of_points_is_rounded_down_and_the_points_for_an_amount_up():
    rules = RedemptionSettings(points_per_unit=Decimal(3))  # 3 points per dollar
    assert value_of(1, rules, USD) == 33  # 33.3 cents
    assert points_for_amount(100, rules, USD) == 3
    assert points_for_amount(34, rules, USD) == 2  # 1.02 points


def test_a_bill_the_balance_covers_is_paid_in_full_with_no_cash():
    plan = plan_payment(5000, 1234, RedemptionSettings(), USD)
    assert (plan.points, plan.covered_minor, plan.cash_minor) == (1234, 1234, 0)


def test_a_partial_payment_charges_only_the_points_the_covered_amount_needs():
    rules = RedemptionSettings(points_per_unit=Decimal(3))
    plan = plan_payment(4, 1000, rules, USD)  # 4 points = 133.3 cents, pays 133 cents
    assert (plan.points, plan.covered_minor, plan.cash_minor) == (4, 133, 867)
    plan = plan_payment(10, 1000, rules, USD, points=2)
    assert (plan.points, plan.covered_minor, plan.cash_minor) == (2, 66, 934)


def test_redeeming_more_than_the_balance_is_refused_naming_both_numbers():
    with pytest.raises(InsufficientPoints, match="has 40 points; 50 were asked"):
        check_redemption(7, 40, 50, RedemptionSettings())


def test_redeeming_below_the_minimum_balance_or_nothing_is_refused():
    with pytest.raises(RedemptionRefused, match="starts at 500"):
        check_redemption(7, 400, 10, RedemptionSettings(minimum_balance=500))
    with pytest.raises(RedemptionRefused, match="Cannot redeem 0"):
        check_redemption(7, 400, 0, RedemptionSettings())


@given(n=points, rate=rates, currency=currencies)
def test_the_value_of_points_never_exceeds_what_they_are_worth_by_a_minor_unit(n, rate, currency):
    rules = RedemptionSettings(points_per_unit=rate)
    value = value_of(n, rules, currency)
    exact = Decimal(n) * currency.scale / rate
    assert 0 <= value <= exact < value + 1


@given(amount=amounts, rate=rates, currency=currencies)
def test_paying_an_amount_never_costs_fewer_points_than_it_is_worth(amount, rate, currency):
    rules = RedemptionSettings(points_per_unit=rate)
    needed = points_for_amount(amount, rules, currency)
    assert value_of(needed, rules, currency) >= amount
    if needed:
        assert value_of(needed - 1, rules, currency) < amount


@given(balance=points, bill=amounts, rate=rates, currency=currencies,
       offered=st.none() | points)
def test_a_payment_plan_never_exceeds_the_balance_or_the_bill(balance, bill, rate, currency,
                                                               offered):
    rules = RedemptionSettings(points_per_unit=rate)
    plan = plan_payment(balance, bill, rules, currency, points=offered)
    assert 0 <= plan.points <= balance
    if offered is not None:
        assert plan.points <= offered
    assert 0 <= plan.covered_minor <= bill
    assert plan.covered_minor + plan.cash_minor == bill
    assert value_of(plan.points, rules, currency) >= plan.covered_minor
    assert plan.points <= points_for_amount(bill, rules, currency)
