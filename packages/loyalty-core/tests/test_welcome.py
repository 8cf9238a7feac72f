"""The welcome bonus: ``campaigns.actions.register`` points on a customer's first sale that
earns, in the sale's own transaction, once (the same key as ``loyalty award register``)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from loyalty.domain.rules import campaigns
from loyalty.domain.settings import ActionPoints
from loyalty.domain.settings import CampaignSettings
from loyalty.domain.settings import EarningSettings
from loyalty.domain.settings import Settings
from loyalty.domain.settings import ShopSettings


WELCOME = 50


@pytest.fixture
def settings() -> Settings:
    return Settings(shop=ShopSettings(timezone="UTC"), campaigns=CampaignSettings(
        actions=ActionPoints(register=WELCOME)))


def welcome_entries(engine, customer_id):
    return [e for e in engine.history(customer_id) if e.rule_id == "action:register"]


@given(st.integers(0, 10**6), st.integers(-5, 1000), st.booleans())
def test_only_a_first_earning_sale_of_a_customer_not_welcomed_brings_the_bonus(
        register, sale_points, welcomed):
    award = campaigns.welcome_award(7, ActionPoints(register=register), sale_points=sale_points,
                                    welcomed=welcomed, today=date(2026, 1, 5))
    if welcomed or sale_points <= 0 or register <= 0:
        assert award is None
    else:
        assert (award.key, award.points) == ("action/register/7", register)


def test_the_first_sale_brings_the_welcome_bonus_and_the_second_does_not(engine, till):
    ann = engine.add_customer("Ann")
    first = engine.record_sale(till.sale(ann.id, 10_000))
    assert first.points == 100 + WELCOME
    assert [e.kind for e in first.events] == ["points_earned", "tier_raised", "points_awarded"]
    assert engine.record_sale(till.sale(ann.id, 10_000)).points == 100
    (entry,) = welcome_entries(engine, ann.id)
    assert (entry.idempotency_key, entry.source_id) == (f"action/register/{ann.id}", "S1")
    assert engine.balance(ann.id) == 200 + WELCOME


def test_a_customer_registered_by_hand_is_not_welcomed_again(engine, till):
    ann = engine.add_customer("Ann")
    engine.award(ann.id, "register")
    assert engine.record_sale(till.sale(ann.id, 10_000)).points == 100
    assert len(welcome_entries(engine, ann.id)) == 1


def test_a_customer_who_bought_before_the_bonus_was_switched_on_is_not_welcomed(engine, till):
    on = engine.settings
    engine.update_settings(Settings(shop=on.shop))
    ann = engine.add_customer("Ann")
    engine.record_sale(till.sale(ann.id, 10_000))
    engine.update_settings(on)
    assert engine.record_sale(till.sale(ann.id, 10_000)).points == 100
    assert welcome_entries(engine, ann.id) == []


def test_a_sale_that_earns_nothing_does_not_welcome_and_the_first_that_earns_does(
        engine, till):
    engine.update_settings(Settings(shop=engine.settings.shop,
                                    campaigns=engine.settings.campaigns,
                                    earning=EarningSettings(payment_threshold=Decimal(50))))
    ann = engine.add_customer("Ann")
    assert engine.record_sale(till.sale(ann.id, 1_000)).points == 0
    assert engine.record_sale(till.sale(ann.id, 10_000)).points == 100 + WELCOME


def test_two_first_sales_in_one_batch_welcome_once(engine, till):
    ann = engine.add_customer("Ann")
    outcomes = engine.record([till.sale(ann.id, 10_000), till.sale(ann.id, 10_000)])
    assert [o.points for o in outcomes] == [100 + WELCOME, 100]


def test_the_welcome_commits_with_its_sale_or_not_at_all(engine, till):
    ann = engine.add_customer("Ann")
    sale = till.sale(ann.id, 10_000)
    engine.record_sale(sale)
    assert engine.record_sale(sale).status == "duplicate"
    assert len(welcome_entries(engine, ann.id)) == 1
    assert engine.balance(ann.id) == 100 + WELCOME
