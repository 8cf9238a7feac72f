"""Birthdays: stored with the customer, and the daily job gives their points on the day, once a
year, Feb 29 on Feb 28 in other years, a missed day caught up once."""

from __future__ import annotations

import calendar
from datetime import date
from datetime import datetime
from datetime import timedelta
from datetime import timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from loyalty.domain.errors import LoyaltyError
from loyalty.domain.rules import birthdays
from loyalty.domain.settings import ActionPoints
from loyalty.domain.settings import CampaignSettings
from loyalty.domain.settings import Settings
from loyalty.domain.settings import ShopSettings
from loyalty.engine import Engine
from loyalty.plugins.manager import Plugins
from loyalty.testing.notifications import ChannelPlugin
from loyalty.testing.notifications import RecordingChannel


BIRTHDAY_POINTS = 75
days = st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31))


@pytest.fixture
def settings() -> Settings:
    return Settings(shop=ShopSettings(timezone="UTC"), campaigns=CampaignSettings(
        actions=ActionPoints(birthday=BIRTHDAY_POINTS)))


@pytest.fixture
def plugins() -> Plugins:
    return Plugins(load_installed=False, extra=[ChannelPlugin([RecordingChannel()])])


def morning(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 8, 0, tzinfo=timezone.utc)


def birthday_runs(engine: Engine) -> list:
    return [run for run in engine.run_due_jobs() if run.job == "birthday"]


# ---- the rule ------------------------------------------------------------------------------

@given(days, st.integers(1901, 2200))
def test_a_birthday_keeps_its_day_and_month_and_feb_29_falls_on_feb_28_off_leap_years(
        birthday, year):
    day = birthdays.birthday_in(year, birthday)
    assert day.year == year
    if (birthday.month, birthday.day) == (2, 29) and not calendar.isleap(year):
        assert (day.month, day.day) == (2, 28)
    else:
        assert (day.month, day.day) == (birthday.month, birthday.day)


@given(days, st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)),
       st.integers(1, 800))
def test_day_by_day_runs_find_each_birthday_once_a_year(birthday, start, length):
    found = [day for offset in range(length)
             for day in birthdays.birthdays_between(
                 birthday, start + timedelta(days=offset), start + timedelta(days=offset))]
    at_once = birthdays.birthdays_between(birthday, start, start + timedelta(days=length - 1))
    assert found == at_once
    assert len({day.year for day in found}) == len(found)
    assert all(day > birthday for day in found)


@given(st.one_of(st.none(), days), days)
def test_a_run_covers_from_the_day_after_the_last_one_at_most_a_month_back(last_run, today):
    first = birthdays.catch_up_from(last_run, today)
    assert today - timedelta(days=birthdays.CATCH_UP_DAYS) <= first <= today
    if last_run is None or last_run >= today:
        assert first == today
    else:
        assert first >= last_run + timedelta(days=1)


@given(days, st.integers(0, 400))
def test_the_months_asked_for_hold_every_day_of_the_span(first, length):
    last = first + timedelta(days=length)
    months = birthdays.months_between(first, last)
    assert {(first + timedelta(days=d)).month for d in range(length + 1)} <= months


# ---- stored with the customer ----------------------------------------------------------------

def test_a_customer_is_added_and_changed_with_a_birthday(engine):
    ann = engine.add_customer("Ann", birthday=date(1990, 5, 17))
    assert engine.customer(ann.id).birthday == date(1990, 5, 17)
    engine.update_customer(ann.id, birthday=date(1991, 6, 1))
    assert engine.customer(ann.id).birthday == date(1991, 6, 1)
    engine.update_customer(ann.id, birthday=None)
    assert engine.customer(ann.id).birthday is None


def test_a_birthday_that_is_not_a_past_date_is_refused_and_nothing_changes(engine):
    ann = engine.add_customer("Ann", birthday=date(1990, 5, 17))
    with pytest.raises(LoyaltyError, match="not a day a customer was born on"):
        engine.update_customer(ann.id, birthday=date(2030, 1, 1))
    with pytest.raises(LoyaltyError, match="is a date"):
        engine.update_customer(ann.id, birthday="1990-05-17")
    with pytest.raises(LoyaltyError, match="not a day"):
        engine.add_customer("Bob", birthday=date(1850, 1, 1))
    assert engine.customer(ann.id).birthday == date(1990, 5, 17)
    assert [c.customer.name for c in engine.customers()] == ["Ann"]


# ---- the job ---------------------------------------------------------------------------------

def test_the_job_gives_birthday_points_on_the_day_once_a_year(engine, clock):
    ann = engine.add_customer("Ann", birthday=date(1990, 1, 7))
    bob = engine.add_customer("Bob", birthday=date(1985, 3, 1))
    clock.now = morning(date(2026, 1, 6))
    assert birthday_runs(engine)[0].result.startswith("Gave birthday points to 0 customers")
    clock.now = morning(date(2026, 1, 7))
    (run,) = birthday_runs(engine)
    assert run.result.startswith("Gave birthday points to 1 customers (75 points")
    assert (engine.balance(ann.id), engine.balance(bob.id)) == (BIRTHDAY_POINTS, 0)
    assert engine.run_job("birthday").status == "ok"  # run again by hand: nothing twice
    assert engine.balance(ann.id) == BIRTHDAY_POINTS
    (entry,) = engine.history(ann.id)
    assert (entry.rule_id, entry.idempotency_key) == ("action:birthday",
                                                      f"action/birthday/{ann.id}/2026")
    clock.now = morning(date(2027, 1, 7))
    birthday_runs(engine)
    assert engine.balance(ann.id) == 2 * BIRTHDAY_POINTS


def test_a_birthday_given_by_hand_is_not_given_again_by_the_job(engine, clock):
    ann = engine.add_customer("Ann", birthday=date(1990, 1, 7))
    clock.now = morning(date(2026, 1, 2))
    engine.award(ann.id, "birthday")
    clock.now = morning(date(2026, 1, 7))
    birthday_runs(engine)
    assert engine.balance(ann.id) == BIRTHDAY_POINTS


def test_a_feb_29_birthday_gets_its_points_on_feb_28_in_other_years(engine, clock):
    leap = engine.add_customer("Leap", birthday=date(2000, 2, 29))
    clock.now = morning(date(2027, 2, 27))
    birthday_runs(engine)
    assert engine.balance(leap.id) == 0
    clock.now = morning(date(2027, 2, 28))
    birthday_runs(engine)
    assert engine.balance(leap.id) == BIRTHDAY_POINTS
    clock.now = morning(date(2027, 3, 1))
    birthday_runs(engine)
    assert engine.balance(leap.id) == BIRTHDAY_POINTS


def test_a_pc_that_was_off_on_a_birthday_gives_it_once_when_it_runs_again(engine, clock):
    ann = engine.add_customer("Ann", birthday=date(1990, 1, 7))
    clock.now = morning(date(2026, 1, 5))
    birthday_runs(engine)
    clock.now = morning(date(2026, 1, 9))  # off on the 6th, 7th and 8th
    (run,) = birthday_runs(engine)
    assert "birthdays of 2026-01-06 to 2026-01-09" in run.result
    assert engine.balance(ann.id) == BIRTHDAY_POINTS
    clock.now = morning(date(2026, 1, 10))
    birthday_runs(engine)
    assert engine.balance(ann.id) == BIRTHDAY_POINTS


def test_a_first_run_does_not_give_the_birthdays_before_it(engine, clock):
    ann = engine.add_customer("Ann", birthday=date(1990, 1, 3))
    clock.now = morning(date(2026, 1, 7))
    birthday_runs(engine)
    assert engine.balance(ann.id) == 0


def test_a_removed_customer_gets_no_birthday_points(engine, clock):
    ann = engine.add_customer("Ann", birthday=date(1990, 1, 7))
    engine.remove_customer(ann.id)
    clock.now = morning(date(2026, 1, 7))
    birthday_runs(engine)
    assert engine.balance(ann.id) == 0


def test_the_job_is_off_while_birthdays_give_no_points(engine, clock):
    engine.update_settings(Settings(shop=engine.settings.shop))
    engine.add_customer("Ann", birthday=date(1990, 1, 7))
    clock.now = morning(date(2026, 1, 7))
    assert birthday_runs(engine) == []
    assert not {s.name: s for s in engine.jobs()}["birthday"].enabled


def test_a_customer_who_takes_messages_is_told_of_the_birthday_points(engine, clock):
    ann = engine.add_customer("Ann", platform="inbox", messaging_key="k-ann",
                              birthday=date(1990, 1, 7))
    clock.now = morning(date(2026, 1, 7))
    birthday_runs(engine)
    (message,) = engine.messages()
    assert message.customer_id == ann.id and message.template == "points_earned"
    assert f"earned {BIRTHDAY_POINTS} points" in message.text


# ---- the command line --------------------------------------------------------------------------

def test_the_command_line_adds_shows_and_changes_a_birthday(loyalty_cli, engine):
    added = loyalty_cli("customer", "add", "Ann", "--birthday", "1990-05-17", "--json")
    assert added.code == 0 and added.json()["birthday"] == "1990-05-17"
    customer_id = added.json()["id"]
    shown = loyalty_cli("customer", "show", customer_id)
    assert "Birthday: 1990-05-17" in shown.out
    assert loyalty_cli("customer", "set", customer_id, "--birthday", "none").code == 0
    assert loyalty_cli("customer", "show", customer_id, "--json").json()["birthday"] is None


def test_a_bad_birthday_on_the_command_line_is_one_clear_line(loyalty_cli, engine):
    bad = loyalty_cli("customer", "add", "Ann", "--birthday", "1990-13-01")
    assert bad.code != 0
    assert "The birthday '1990-13-01' is not a date" in bad.err
    assert "YYYY-MM-DD" in bad.err
    assert "Traceback" not in bad.err
    assert engine.customers() == []


def test_loyalty_jobs_run_due_gives_birthday_points_on_a_fixed_clock(
        loyalty_cli, engine, clock, monkeypatch):
    ann = engine.add_customer("Ann", birthday=date(1990, 1, 7))
    clock.now = morning(date(2026, 1, 7))
    monkeypatch.setitem(Engine.__init__.__kwdefaults__, "clock", clock)
    listed = {job["name"]: job for job in loyalty_cli("jobs", "--json").json()}
    assert listed["birthday"]["enabled"] and listed["birthday"]["due"]
    ran = loyalty_cli("jobs", "run-due", "--json")
    assert ran.code == 0
    assert "birthday" in {run["job"] for run in ran.json()}
    assert engine.balance(ann.id) == BIRTHDAY_POINTS
    again = loyalty_cli("jobs", "run-due", "--json")
    assert "birthday" not in {run["job"] for run in again.json()}
