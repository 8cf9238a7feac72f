"""Memberships: levels reached by recent points, with a discount and an expiry date."""

from __future__ import annotations

from datetime import date
from datetime import timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from loyalty import signals
from loyalty.domain.errors import LoyaltyError
from loyalty.domain.errors import SettingsError
from loyalty.domain.events import MembershipGranted
from loyalty.domain.events import SaleLine
from loyalty.domain.rules import memberships
from loyalty.domain.settings import MembershipLevel
from loyalty.domain.settings import MembershipSettings
from loyalty.domain.settings import Settings
from loyalty.domain.settings import ShopSettings
from loyalty.domain.settings import settings_from_dict


SILVER = MembershipLevel("silver", "Silver", 100, Decimal(5), categories=("bakery",),
                         valid_days=30)
GOLD = MembershipLevel("gold", "Gold", 500, Decimal(10), valid_days=60)


@pytest.fixture
def settings() -> Settings:
    return Settings(shop=ShopSettings(timezone="UTC"),
                    memberships=MembershipSettings(levels=(SILVER, GOLD), window_days=90))


def test_points_reaching_a_level_grant_the_membership_with_its_expiry(engine, till):
    ann, bob = engine.add_customer("Ann"), engine.add_customer("Bob")
    engine.record_sale(till.sale(ann.id, 15_000))
    engine.record_sale(till.sale(bob.id, 5_000))
    [granted] = engine.refresh_memberships()
    assert (granted.customer_id, granted.level_name, granted.since, granted.expires_on) == (
        ann.id, "Silver", date(2026, 1, 5), date(2026, 2, 4))
    assert engine.refresh_memberships() == []
    held = engine.membership(ann.id)
    assert held.level == SILVER and engine.membership(bob.id) is None


def test_a_higher_level_replaces_the_running_one_at_once(engine, clock, till):
    ann = engine.add_customer("Ann")
    engine.record_sale(till.sale(ann.id, 15_000))
    engine.refresh_memberships()
    clock.advance(days=3)
    engine.record_sale(till.sale(ann.id, 40_000))
    [gold] = engine.refresh_memberships()
    assert (gold.level_id, gold.expires_on) == ("gold", date(2026, 3, 9))
    assert engine.membership(ann.id).level == GOLD


def test_a_membership_ends_after_its_last_day_and_recent_points_renew_it(engine, clock, till):
    ann = engine.add_customer("Ann")
    engine.record_sale(till.sale(ann.id, 15_000))
    engine.refresh_memberships()
    clock.advance(days=30)
    assert engine.membership(ann.id) is not None  # 4 February, its last day
    clock.advance(days=1)
    assert engine.membership(ann.id) is None
    [renewed] = engine.refresh_memberships()  # the points are still within 90 days
    assert renewed.since == date(2026, 2, 5)
    clock.advance(days=120)
    assert engine.membership(ann.id) is None
    assert engine.refresh_memberships() == []  # old points no longer count


def test_levels_must_rise(engine):
    with pytest.raises(SettingsError, match="memberships.levels: thresholds must increase"):
        settings_from_dict({"memberships": {"levels": [
            {"id": "a", "name": "A", "threshold": 500}, {"id": "b", "name": "B",
                                                          "threshold": 100}]}})
    with pytest.raises(SettingsError, match="memberships.levels.0.discount_percent"):
        settings_from_dict({"memberships": {"levels": [
            {"id": "a", "name": "A", "threshold": 5, "discount_percent": 120}]}})


def test_the_discount_applies_to_the_chosen_categories_only():
    lines = [SaleLine(product_id="p1", quantity=1, total_minor=1_000, category_id="bakery"),
             SaleLine(product_id="p2", quantity=1, total_minor=2_000, category_id="dairy")]
    assert memberships.discount_minor(lines, SILVER) == 50
    assert memberships.discount_minor(lines, GOLD) == 300


def test_the_membership_commands(engine, till, loyalty_cli):
    ann = engine.add_customer("Ann")
    engine.record_sale(till.sale(ann.id, 15_000))
    engine.refresh_memberships()
    # On today's real date January's points are too old and January's membership has ended.
    assert loyalty_cli("membership", "refresh", "--json").json() == []
    assert "no running membership" in loyalty_cli("membership", "show", ann.id).out


def test_a_level_granted_by_hand_runs_from_today_with_its_reason_and_goes_out_as_an_event(
        engine):
    ann = engine.add_customer("Ann")
    seen = []
    with signals.event_published.connected_to(lambda sender, event, engine: seen.append(event),
                                              sender=MembershipGranted):
        granted = engine.grant_membership(ann.id, "Gold", reason=" staff ", actor="ui:owner")
    assert seen == [granted]
    assert (granted.level_id, granted.since, granted.expires_on, granted.reason,
            granted.actor) == ("gold", date(2026, 1, 5), date(2026, 3, 6), "staff", "ui:owner")
    held = engine.membership(ann.id)
    assert (held.level, held.reason, held.granted_by) == (GOLD, "staff", "ui:owner")


def test_a_grant_by_hand_follows_the_rule_of_grants_reached_by_points(engine, clock, till):
    ann = engine.add_customer("Ann")
    engine.grant_membership(ann.id, "silver", reason="VIP")
    engine.record_sale(till.sale(ann.id, 15_000))  # reaches Silver: already held
    assert engine.refresh_memberships() == []
    with pytest.raises(LoyaltyError, match="Ann already holds Silver until 2026-02-04"):
        engine.grant_membership(ann.id, "silver", reason="again")
    clock.advance(days=2)
    assert engine.grant_membership(ann.id, "gold", reason="staff").level_id == "gold"
    with pytest.raises(LoyaltyError, match="already holds Gold"):
        engine.grant_membership(ann.id, "silver", reason="lower")
    assert engine.membership(ann.id).level == GOLD
    held = engine.membership(ann.id)
    assert held.reason == "staff"


def test_points_reached_memberships_have_no_reason(engine, till):
    ann = engine.add_customer("Ann")
    engine.record_sale(till.sale(ann.id, 15_000))
    [granted] = engine.refresh_memberships()
    assert (granted.reason, granted.actor) == (None, "system")
    assert (engine.membership(ann.id).reason, engine.membership(ann.id).granted_by) == (None,
                                                                                         None)


@pytest.mark.parametrize(("level", "reason", "removed", "message"), [
    ("platinum", "VIP", False, "There is no membership level 'platinum'"),
    ("gold", "  ", False, "needs a reason"),
    ("gold", "VIP", True, "was removed and gets no membership"),
])
def test_a_grant_that_cannot_be_made_is_one_clear_line_and_changes_nothing(
        engine, level, reason, removed, message):
    ann = engine.add_customer("Ann")
    if removed:
        engine.remove_customer(ann.id)
    with pytest.raises(LoyaltyError, match=message) as refused:
        engine.grant_membership(ann.id, level, reason=reason)
    assert refused.value.hint
    assert engine.membership(ann.id) is None


def test_an_unknown_customer_gets_no_membership(engine):
    with pytest.raises(LoyaltyError, match="99"):
        engine.grant_membership(99, "gold", reason="VIP")


def test_the_membership_grant_command(engine, loyalty_cli):
    ann = engine.add_customer("Ann")
    # The command runs on today's real date.
    granted = loyalty_cli("membership", "grant", ann.id, "gold", "--reason", "staff")
    assert granted.code == 0
    assert granted.out.startswith(f"Customer {ann.id} is now Gold until ")
    assert "Granted by cli: staff." in loyalty_cli("membership", "show", ann.id).out
    refused = loyalty_cli("membership", "grant", ann.id, "platinum", "--reason", "VIP")
    assert refused.code != 0 and "There is no membership level 'platinum'" in refused.err
    assert "silver (Silver), gold (Gold)" in refused.err
    shown = loyalty_cli("membership", "show", ann.id, "--json").json()
    assert (shown["level"]["id"], shown["reason"], shown["granted_by"]) == ("gold", "staff",
                                                                            "cli")


levels = st.lists(st.integers(1, 2000), min_size=1, max_size=4, unique=True).map(
    lambda ts: tuple(MembershipLevel(f"l{t}", f"L{t}", t, valid_days=30) for t in sorted(ts)))


@given(levels, st.integers(0, 3000), st.lists(st.tuples(st.integers(0, 3), st.integers(0, 60)),
                                              max_size=4), st.integers(0, 60))
def test_a_grant_is_the_reached_level_and_only_when_above_the_running_one(
        lvls, points, history, day):
    today = date(2026, 1, 1) + timedelta(days=day)
    held = [memberships.Held(lvls[i % len(lvls)].id, date(2026, 1, 1) + timedelta(days=d),
                             date(2026, 1, 1) + timedelta(days=d + 30)) for i, d in history]
    grant = memberships.to_grant(points, held, today, lvls)
    reached = memberships.level_for(points, lvls)
    running = memberships.active(held, today, lvls)
    rank = {level.id: level.threshold for level in lvls}
    if grant is not None:
        assert grant.level_id == reached.id and grant.since == today
        assert running is None or rank[running.level_id] < reached.threshold
    else:
        assert reached is None or (running is not None
                                   and rank[running.level_id] >= reached.threshold)


@given(st.lists(st.integers(0, 10**6), max_size=10), st.decimals(0, 100, places=2))
def test_the_discount_never_exceeds_the_percentage_of_the_lines(totals, percent):
    level = MembershipLevel("x", "X", 1, percent)
    lines = [SaleLine(product_id=str(i), quantity=1, total_minor=t) for i, t in enumerate(totals)]
    discount = memberships.discount_minor(lines, level)
    assert 0 <= discount <= sum(totals) * percent / 100
    assert sum(totals) * percent / 100 - discount < max(1, len(totals))  # < 1 lost per line


@given(bill=st.integers(0, 10**12), percent=st.decimals(0, 100, places=2))
def test_a_whole_bill_discount_is_the_percentage_rounded_down(bill, percent):
    level = MembershipLevel("gold", "Gold", 1, discount_percent=percent)
    discount = memberships.bill_discount_minor(bill, level)
    assert 0 <= discount <= bill
    assert discount == int(bill * percent // 100)


def test_a_level_for_some_products_takes_nothing_off_a_bill_known_only_by_its_total():
    assert memberships.bill_discount_minor(10_000, SILVER) == 0
    assert memberships.bill_discount_minor(10_000, GOLD) == 1_000
