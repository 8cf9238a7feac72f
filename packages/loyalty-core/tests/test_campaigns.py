"""Campaigns: multipliers in time windows, the comeback bonus, and points for actions."""

from __future__ import annotations

import math
from datetime import date
from datetime import timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from loyalty.domain.errors import LoyaltyError
from loyalty.domain.errors import UnknownCustomer
from loyalty.domain.rules import campaigns
from loyalty.domain.settings import WEEKDAYS
from loyalty.domain.settings import ActionPoints
from loyalty.domain.settings import CampaignSettings
from loyalty.domain.settings import ComebackBonus
from loyalty.domain.settings import EarningSettings
from loyalty.domain.settings import Multiplier
from loyalty.domain.settings import Settings
from loyalty.domain.settings import ShopSettings


HAPPY_HOUR = Multiplier(id="happy-hour", factor=Decimal(2), days=("monday",), start="14:00",
                        end="16:00")
NEW_YEAR = Multiplier(id="new-year", factor=Decimal("1.5"), from_date=date(2026, 1, 1),
                      to_date=date(2026, 1, 5))


@pytest.fixture
def settings() -> Settings:
    return Settings(
        shop=ShopSettings(timezone="UTC"),
        campaigns=CampaignSettings(
            multipliers=(HAPPY_HOUR, NEW_YEAR),
            comeback=ComebackBonus(points=200, inactive_days=30),
            # register=0: no welcome bonus on the first sales these tests record
            actions=ActionPoints(register=0, referral_referrer=100, referral_referred=40,
                                 birthday=75, review=10, appointment=5),
        ),
    )


def rules_of(engine, customer_id):
    return {e.rule_id: e.points for e in engine.history(customer_id) if e.kind == "earn"}


def test_a_sale_in_a_happy_hour_earns_the_multiplier_as_its_own_entry(engine, clock, till):
    ann = engine.add_customer("Ann")
    clock.now = clock.now.replace(hour=14, minute=30)  # Monday 5 January, in both campaigns
    outcome = engine.record_sale(till.sale(ann.id, 10_000))
    assert outcome.points == 100 + 100 + 50
    assert rules_of(engine, ann.id) == {"base": 100, "campaign:happy-hour": 100,
                                        "campaign:new-year": 50}
    assert outcome.events[0].breakdown == rules_of(engine, ann.id)


def test_outside_every_window_a_sale_earns_its_base_points(engine, clock, till):
    ann = engine.add_customer("Ann")
    clock.now = clock.now.replace(hour=16) + timedelta(days=7)  # Monday 12th, 16:00
    assert engine.record_sale(till.sale(ann.id, 10_000)).points == 100


def test_a_sale_below_the_threshold_earns_no_campaign_points(engine, clock, till):
    engine.update_settings(Settings(
        shop=engine.settings.shop, campaigns=engine.settings.campaigns,
        earning=EarningSettings(payment_threshold=Decimal(10))))
    ann = engine.add_customer("Ann")
    clock.now = clock.now.replace(hour=15)
    assert engine.record_sale(till.sale(ann.id, 500)).points == 0


def test_an_edited_document_keeps_its_campaign_share(engine, clock, till):
    ann = engine.add_customer("Ann")
    clock.now = clock.now.replace(hour=15)
    engine.record_sale(till.sale(ann.id, 10_000, document="D1"))
    till.number = 0
    revised = engine.record_sale(till.sale(ann.id, 20_000, document="D1"))
    assert revised.status == "revised" and revised.points == 250
    assert engine.balance(ann.id) == 500


def test_a_full_refund_takes_back_the_campaign_points_too(engine, clock, till):
    ann = engine.add_customer("Ann")
    clock.now = clock.now.replace(hour=15)
    engine.record_sale(till.sale(ann.id, 10_000, document="D1"))
    engine.refund(till.refund("D1", 10_000))
    assert engine.balance(ann.id) == 0


def test_a_customer_back_after_the_inactive_days_gets_the_comeback_bonus_once(
        engine, clock, till):
    ann = engine.add_customer("Ann")
    clock.now = clock.now.replace(day=10)  # outside the campaigns
    assert engine.record_sale(till.sale(ann.id, 1000)).points == 10  # a first sale: no bonus
    clock.advance(days=29)
    assert engine.record_sale(till.sale(ann.id, 1000)).points == 10
    clock.advance(days=30)
    back = engine.record_sale(till.sale(ann.id, 1000))
    assert back.points == 10 + 200
    assert back.events[0].breakdown["campaign:comeback"] == 200
    clock.advance(days=1)
    assert engine.record_sale(till.sale(ann.id, 1000)).points == 10


def test_two_sales_of_a_returning_customer_in_one_batch_get_one_bonus(engine, clock, till):
    ann = engine.add_customer("Ann")
    clock.now = clock.now.replace(day=10)
    engine.record_sale(till.sale(ann.id, 1000))
    clock.advance(days=40)
    first = till.sale(ann.id, 1000)
    clock.advance(minutes=5)
    second = till.sale(ann.id, 1000)
    outcomes = engine.record([first, second])
    assert [o.points for o in outcomes] == [210, 10]


# ---- Actions --------------------------------------------------------------------------------


def test_registering_is_awarded_once(engine):
    engine.update_settings(Settings(
        shop=engine.settings.shop, campaigns=CampaignSettings(actions=ActionPoints(register=50))))
    ann = engine.add_customer("Ann")
    first = engine.award(ann.id, "register")
    assert [(e.customer_id, e.points) for e in first.awarded] == [(ann.id, 50)]
    again = engine.award(ann.id, "register")
    assert again.awarded == [] and again.already == [f"action/register/{ann.id}"]
    assert engine.balance(ann.id) == 50


def test_a_referral_rewards_both_sides_once(engine):
    ann, bob, cat = (engine.add_customer(n) for n in ("Ann", "Bob", "Cat"))
    outcome = engine.award(ann.id, "referral", referred=bob.id)
    assert sorted((e.customer_id, e.points) for e in outcome.awarded) == [(ann.id, 100),
                                                                          (bob.id, 40)]
    assert engine.award(cat.id, "referral", referred=bob.id).awarded == []
    assert (engine.balance(ann.id), engine.balance(bob.id), engine.balance(cat.id)) == (100, 40, 0)
    with pytest.raises(LoyaltyError, match="themselves"):
        engine.award(ann.id, "referral", referred=ann.id)
    with pytest.raises(LoyaltyError, match="--referred"):
        engine.award(ann.id, "referral")


def test_a_birthday_is_awarded_once_a_year_and_never_stacks(engine, clock):
    ann = engine.add_customer("Ann")
    assert len(engine.award(ann.id, "birthday").awarded) == 1
    clock.advance(days=100)
    assert engine.award(ann.id, "birthday").awarded == []
    clock.now = clock.now.replace(year=2030)  # away for years: one birthday, not four
    assert len(engine.award(ann.id, "birthday").awarded) == 1
    assert engine.balance(ann.id) == 150


def test_reviews_and_appointments_are_awarded_once_per_id(engine):
    ann = engine.add_customer("Ann")
    engine.award(ann.id, "review", ref="G-1")
    engine.award(ann.id, "review", ref="G-1")
    engine.award(ann.id, "review", ref="G-2")
    engine.award(ann.id, "appointment", ref="A-9")
    assert engine.balance(ann.id) == 25
    with pytest.raises(LoyaltyError, match="--ref"):
        engine.award(ann.id, "review")


def test_an_action_set_to_zero_points_says_which_setting_to_change(engine):
    engine.update_settings(Settings())
    ann = engine.add_customer("Ann")
    with pytest.raises(LoyaltyError, match="campaigns.actions.birthday"):
        engine.award(ann.id, "birthday")


def test_awarding_an_unknown_customer_posts_nothing(engine):
    with pytest.raises(UnknownCustomer):
        engine.award(999, "birthday")


def test_action_points_count_toward_the_tier(engine):
    engine.update_settings(Settings(campaigns=CampaignSettings(
        actions=ActionPoints(register=150))))
    ann = engine.add_customer("Ann")
    engine.award(ann.id, "register")
    assert engine.account(ann.id).stars == 1


def test_the_award_command_prints_json(engine, loyalty_cli):
    ann = engine.add_customer("Ann")
    first = loyalty_cli("award", ann.id, "review", "--ref", "R1", "--json")
    assert first.code == 0 and [a["points"] for a in first.json()["awarded"]] == [10]
    again = loyalty_cli("award", ann.id, "review", "--ref", "R1", "--json")
    assert again.json()["already"] == [f"action/review/{ann.id}/R1"]


# ---- Properties of the pure rules -----------------------------------------------------------

times = st.tuples(st.integers(0, 23), st.integers(0, 59)).map(lambda t: f"{t[0]:02d}:{t[1]:02d}")


@st.composite
def multipliers(draw):
    start, end = sorted(draw(st.lists(times, min_size=2, max_size=2, unique=True)))
    return Multiplier(
        id=draw(st.sampled_from(["a", "b", "c"])),
        factor=draw(st.decimals(min_value=Decimal("1.01"), max_value=Decimal(5), places=2)),
        days=draw(st.lists(st.sampled_from(WEEKDAYS), unique=True, max_size=7)),
        start=start, end=draw(st.sampled_from([end, "24:00"])),
    )


@given(st.integers(0, 100_000), st.datetimes(), multipliers())
def test_an_active_multiplier_adds_the_rounded_down_extra_and_nothing_otherwise(base, when, m):
    awards = campaigns.multiplier_awards(base, when, [m])
    in_window = ((not m.days or WEEKDAYS[when.weekday()] in m.days)
                 and m.start <= when.strftime("%H:%M") < m.end)
    extra = math.floor(base * (m.factor - 1)) if in_window else 0
    assert sum(a.points for a in awards) == extra
    assert all(a.points > 0 and a.rule_id == f"campaign:{m.id}" for a in awards)


@given(st.one_of(st.none(), st.dates()), st.dates(), st.integers(0, 500), st.integers(1, 400))
def test_the_comeback_bonus_needs_an_earlier_visit_long_enough_ago(last, today, points, days):
    award = campaigns.comeback_award(last, today, ComebackBonus(points=points, inactive_days=days))
    expected = points > 0 and last is not None and (today - last).days >= days
    assert (award is not None) == expected
    if award is not None:
        assert award.points == points


@given(st.sampled_from(campaigns.ACTIONS), st.integers(1, 50), st.integers(51, 99),
       st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)), st.integers(0, 364),
       st.text(min_size=1, max_size=8))
def test_an_occasion_keeps_its_key_within_a_year_and_birthdays_change_it_each_year(
        action, customer, referred, day, later, ref):
    rules = ActionPoints(register=1, referral_referrer=1, referral_referred=1, birthday=1,
                         anniversary=1, review=1, appointment=1)
    same_year = min(day + timedelta(days=later), date(day.year, 12, 31))
    first = campaigns.action_awards(action, customer, rules, today=day, referred=referred,
                                    ref=ref)
    again = campaigns.action_awards(action, customer, rules, today=same_year,
                                    referred=referred, ref=ref)
    assert [a.key for a in first] == [a.key for a in again]
    next_year = campaigns.action_awards(action, customer, rules,
                                        today=date(day.year + 1, 1, 1), referred=referred,
                                        ref=ref)
    assert ([a.key for a in next_year] != [a.key for a in first]) == (action in campaigns.YEARLY)
