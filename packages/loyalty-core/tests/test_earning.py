"""How many points a sale earns: floor of total times rate, the threshold, the tier bonus."""

from __future__ import annotations

from datetime import datetime
from datetime import timezone
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from loyalty.plugins.currencies import iso_currency
from loyalty.domain.events import SaleLine
from loyalty.domain.events import SaleRecorded
from loyalty.domain.rules.earning import awards_for_sale
from loyalty.domain.rules.earning import base_points
from loyalty.domain.rules.earning import qualifies
from loyalty.domain.rules.earning import reversal_for_refund
from loyalty.domain.settings import DEFAULT_TIERS
from loyalty.domain.settings import EarningSettings
from loyalty.domain.settings import Tier


USD = iso_currency("USD")
JPY = iso_currency("JPY")

rates = st.decimals(min_value=0, max_value=1000, places=2, allow_nan=False, allow_infinity=False)
totals = st.integers(min_value=0, max_value=10**12)


def sale(total_minor: int, lines: tuple[SaleLine, ...] = ()) -> SaleRecorded:
    return SaleRecorded(
        occurred_at=datetime(2026, 1, 5, tzinfo=timezone.utc), source="test", shop_id="main",
        till_id="t", document_id="D1", total_minor=total_minor, currency="USD",
        customer_id=1, lines=lines,
    )


def test_a_sale_of_12_34_at_100_points_per_unit_earns_1234_points():
    assert base_points(1234, EarningSettings(points_per_unit=Decimal(100)), USD) == 1234


def test_fractions_of_a_point_are_dropped_not_rounded():
    assert base_points(1234, EarningSettings(points_per_unit=Decimal(1)), USD) == 12
    assert base_points(1299, EarningSettings(points_per_unit=Decimal("0.5")), USD) == 6


def test_a_currency_without_minor_units_earns_on_whole_amounts():
    assert base_points(1234, EarningSettings(points_per_unit=Decimal("0.1")), JPY) == 123


def test_a_sale_below_the_threshold_earns_nothing():
    rules = EarningSettings(points_per_unit=Decimal(100), payment_threshold=Decimal(5))
    assert not qualifies(499, rules, USD)
    assert awards_for_sale(sale(499), rules, DEFAULT_TIERS, 3, USD) == []


def test_a_sale_exactly_at_the_threshold_earns():
    rules = EarningSettings(points_per_unit=Decimal(1), payment_threshold=Decimal(5))
    awards = awards_for_sale(sale(500), rules, (), 0, USD)
    assert [(a.rule_id, a.points) for a in awards] == [("base", 5)]


def test_a_sale_of_nothing_earns_nothing_not_even_the_tier_bonus():
    assert awards_for_sale(sale(0), EarningSettings(), DEFAULT_TIERS, 5, USD) == []


def test_the_bonus_is_that_of_the_level_held_before_the_sale():
    rules = EarningSettings(points_per_unit=Decimal(1))
    tiers = (Tier(1, 100, 0), Tier(2, 500, 5), Tier(3, 1000, 10))
    awards = awards_for_sale(sale(100_000), rules, tiers, 2, USD)
    assert {a.rule_id: a.points for a in awards} == {"base": 1000, "tier_bonus": 5}


def test_no_bonus_below_the_threshold_even_for_a_high_tier():
    rules = EarningSettings(points_per_unit=Decimal(1), payment_threshold=Decimal(10))
    assert awards_for_sale(sale(999), rules, DEFAULT_TIERS, 5, USD) == []


def test_product_and_category_points_are_per_unit_sold_and_merged_per_rule():
    rules = EarningSettings(points_per_unit=Decimal(0), product_points={"P1": 3},
                            category_points={"C": 2})
    lines = (SaleLine(product_id="P1", quantity="2", total_minor=200, category_id="C"),
             SaleLine(product_id="P1", quantity="1.5", total_minor=150, category_id=None))
    awards = {a.rule_id: a.points for a in awards_for_sale(sale(350, lines), rules, (), 0, USD)}
    assert awards == {"product:P1": 6 + 4, "category:C": 4}


@given(total=totals, rate=rates)
def test_earning_is_never_negative_and_never_more_than_the_exact_product(total, rate):
    points = base_points(total, EarningSettings(points_per_unit=rate), USD)
    exact = Decimal(total) * rate / 100
    assert 0 <= points <= exact < points + 1


@given(a=totals, b=totals, rate=rates,
       threshold=st.decimals(min_value=0, max_value=100, places=2),
       stars=st.integers(0, 5))
def test_earning_is_monotone_in_the_sale_total(a, b, rate, threshold, stars):
    rules = EarningSettings(points_per_unit=rate, payment_threshold=threshold)
    low, high = sorted((a, b))

    def earned(total: int) -> int:
        return sum(x.points for x in awards_for_sale(sale(total), rules, DEFAULT_TIERS, stars, USD))

    assert 0 <= earned(low) <= earned(high)


@given(earned=st.integers(0, 10**6), total=st.integers(1, 10**7),
       cuts=st.lists(st.integers(1, 10**6), max_size=8))
def test_partial_refunds_take_back_cumulatively_and_never_more_than_earned(earned, total, cuts):
    refunded = reversed_ = 0
    for cut in cuts:
        take = reversal_for_refund(earned, total, refunded, cut, reversed_)
        assert take >= 0
        refunded = min(total, refunded + cut)
        reversed_ += take
        assert reversed_ == earned * refunded // total
    assert reversed_ <= earned


@given(earned=st.integers(0, 10**6), total=st.integers(1, 10**7))
def test_a_full_refund_takes_back_exactly_what_was_earned(earned, total):
    assert reversal_for_refund(earned, total, 0, total, 0) == earned
