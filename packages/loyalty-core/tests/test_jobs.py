"""Jobs that run by themselves: due once per slot, once across processes, a missed draw caught up."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from datetime import datetime
from datetime import timedelta
from datetime import timezone

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from loyalty.domain.rules import schedule
from loyalty.domain.settings import ActionPoints
from loyalty.domain.settings import CampaignSettings
from loyalty.domain.settings import DrawSettings
from loyalty.domain.settings import ExpirySettings
from loyalty.domain.settings import MembershipLevel
from loyalty.domain.settings import MembershipSettings
from loyalty.domain.settings import Settings
from loyalty.domain.settings import ShopSettings
from loyalty.domain.settings import TierReview
from loyalty.engine import Engine
from loyalty.testing.plugin import FakeClock


FRIDAYS = DrawSettings(enabled=True, days=("friday",), time="18:00", prize_points=1000)


@pytest.fixture
def settings() -> Settings:
    return Settings(shop=ShopSettings(timezone="UTC"), draw=FRIDAYS,
                    expiry=ExpirySettings(mode="days", days=30))


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 1, day, hour, minute, tzinfo=timezone.utc)


# ---- the schedule rules ----------------------------------------------------------------------

def test_the_draw_is_due_from_its_weekday_and_time_and_daily_jobs_from_the_day_start():
    settings = Settings(draw=FRIDAYS, expiry=ExpirySettings(mode="days"))
    friday_evening = datetime(2026, 1, 9, 18, 30)
    assert schedule.latest_slot("draw", settings, friday_evening) == datetime(2026, 1, 9, 18)
    assert schedule.latest_slot("draw", settings, datetime(2026, 1, 9, 17)) == \
        datetime(2026, 1, 2, 18)
    assert schedule.next_slot("draw", settings, friday_evening) == datetime(2026, 1, 16, 18)
    assert schedule.latest_slot("expiry", settings, friday_evening) == datetime(2026, 1, 9)
    assert schedule.next_slot("expiry", settings, friday_evening) == datetime(2026, 1, 10)
    assert schedule.slot_key("draw", "main", datetime(2026, 1, 9, 18)) == "main/2026-01-09T18:00"
    assert schedule.slot_key("expiry", "main", datetime(2026, 1, 9)) == "2026-01-09"
    assert schedule.latest_slot("pos_sync", settings, friday_evening) is None
    assert schedule.describe("draw", settings) == "Friday at 18:00"


EVERY_JOB_ON = Settings(draw=FRIDAYS, expiry=ExpirySettings(mode="days"),
                       campaigns=CampaignSettings(actions=ActionPoints(birthday=50)),
                       tier_review=TierReview(enabled=True),
                       memberships=MembershipSettings(levels=(
                           MembershipLevel(id="gold", name="Gold", threshold=100),)))
SCHEDULED = [name for name in schedule.JOB_NAMES if not schedule.job(name).continuous]


def test_birthday_points_are_due_in_the_morning_not_at_midnight():
    assert schedule.latest_slot("birthday", EVERY_JOB_ON, datetime(2026, 1, 9, 7, 59)) == \
        datetime(2026, 1, 8, 8)
    assert schedule.latest_slot("birthday", EVERY_JOB_ON, datetime(2026, 1, 9, 8)) == \
        datetime(2026, 1, 9, 8)
    assert schedule.next_slot("birthday", EVERY_JOB_ON, datetime(2026, 1, 9, 8)) == \
        datetime(2026, 1, 10, 8)
    assert schedule.describe("birthday", EVERY_JOB_ON) == "daily at 08:00"
    assert schedule.describe("expiry", EVERY_JOB_ON) == "daily at 00:00"


@given(st.sampled_from(SCHEDULED),
       st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1)))
def test_every_scheduled_job_s_latest_slot_is_at_or_before_now_and_its_next_after(name, now):
    latest = schedule.latest_slot(name, EVERY_JOB_ON, now)
    following = schedule.next_slot(name, EVERY_JOB_ON, now)
    assert latest is not None and following is not None
    assert latest <= now < following
    assert schedule.next_slot(name, EVERY_JOB_ON, latest) == following  # none between them


def test_a_job_the_settings_give_nothing_to_do_is_off():
    settings = Settings()
    assert [name for name in schedule.JOB_NAMES if schedule.enabled(name, settings)] == \
        ["messages"]
    assert schedule.latest_slot("draw", settings, datetime(2026, 1, 9, 19)) is None


def test_a_slot_is_due_until_it_ran_and_a_failed_one_again_after_a_while():
    now = at(9, 18)
    assert schedule.is_due(None, None, now)
    assert not schedule.is_due("ok", now - timedelta(days=1), now)
    assert not schedule.is_due("failed", now - timedelta(minutes=1), now)
    assert schedule.is_due("failed", now - schedule.RETRY_AFTER, now)


# ---- running them --------------------------------------------------------------------------

def test_run_due_runs_each_scheduled_slot_once(engine, clock):
    clock.now = at(9, 18, 1)
    first = {run.job: run for run in engine.run_due_jobs()}
    assert {"expiry", "draw", "messages"} <= set(first)
    assert first["draw"].slot == "main/2026-01-09T18:00"
    assert first["expiry"].slot == "2026-01-09"
    again = {run.job for run in engine.run_due_jobs()}
    assert again == {"messages"}  # continuous: every time; the slots ran already
    clock.now = at(10, 0, 5)
    assert {run.job for run in engine.run_due_jobs()} == {"expiry", "messages"}


def test_jobs_lists_last_and_next_runs(engine, clock):
    clock.now = at(9, 18, 1)
    listed = {status.name: status for status in engine.jobs()}
    assert listed["draw"].due and listed["draw"].next_run == clock.now
    engine.run_due_jobs()
    listed = {status.name: status for status in engine.jobs()}
    assert listed["draw"].next_run == at(16, 18)
    assert listed["draw"].last.result == "Drew main/2026-01-09T18:00: nobody was eligible."
    assert listed["expiry"].next_run == at(10, 0)
    assert listed["pos_sync"].enabled is False


def test_a_pc_that_was_off_at_the_draw_draws_it_once_when_it_starts_and_says_so(
        engine, clock, till):
    ann = engine.add_customer("Ann")
    engine.record_sale(till.sale(ann.id, 2000))
    clock.now = at(12, 9, 30)  # Monday: the PC was off on Friday evening
    runs = {run.job: run for run in engine.run_due_jobs()}
    assert runs["draw"].slot == "main/2026-01-09T18:00"
    assert "late" in runs["draw"].result
    (draw,) = engine.draw_history()
    assert draw.late and draw.winner_customer_id == ann.id
    assert "draw" not in {run.job for run in engine.run_due_jobs()}
    assert len(engine.draw_history()) == 1


def test_a_draw_on_time_is_not_late(engine, clock):
    clock.now = at(9, 18, 0)
    engine.run_due_jobs()
    (draw,) = engine.draw_history()
    assert not draw.late


def test_run_now_runs_a_job_again_but_never_draws_a_slot_twice(engine, clock):
    clock.now = at(9, 18, 1)
    engine.run_due_jobs()
    again = engine.run_job("expiry")
    assert again.slot.startswith("by-hand/") and again.status == "ok"
    draw = engine.run_job("draw")
    assert draw.result == "The draw main/2026-01-09T18:00 was already drawn."
    assert len(engine.draw_history()) == 1


def test_a_failed_job_is_recorded_and_tried_again_later(engine, clock, monkeypatch):
    from loyalty.services import jobs

    def broken(shop, uow, slot):
        raise RuntimeError("disk full")

    monkeypatch.setitem(jobs.SCHEDULED_WORK, "expiry", broken)
    clock.now = at(9, 1)
    runs = {run.job: run for run in engine.run_due_jobs()}
    assert (runs["expiry"].status, runs["expiry"].result) == ("failed", "Failed: disk full")
    assert "expiry" not in {run.job for run in engine.run_due_jobs()}
    monkeypatch.undo()
    clock.now = at(9, 1) + schedule.RETRY_AFTER
    runs = {run.job: run for run in engine.run_due_jobs()}
    assert runs["expiry"].status == "ok"
    assert {s.name: s for s in engine.jobs()}["expiry"].last.status == "ok"


@pytest.mark.parametrize("job", ["draw", "birthday", "tier_review"])
def test_two_engines_on_one_ledger_run_a_slot_once(ledger_url, settings, job):
    """Two tills (or the window and 'loyalty watch') on the same ledger, at the same time."""
    from concurrent.futures import ThreadPoolExecutor

    settings = attrs.evolve(settings, tier_review=TierReview(enabled=True),
                            campaigns=CampaignSettings(actions=ActionPoints(birthday=75)))
    clock = FakeClock(at(9, 18, 1))
    tills = [Engine(ledger_url, settings, clock=clock) for _ in range(4)]
    try:
        ann = tills[0].add_customer("Ann", birthday=date(1990, 1, 9))
        with ThreadPoolExecutor(len(tills)) as pool:
            results = list(pool.map(lambda e: e.run_job(job, by_hand=False), tills))
        assert sum(run is not None for run in results) == 1, results
        assert len(tills[0].draw_history()) == (job == "draw")
        assert tills[0].balance(ann.id) == (75 if job == "birthday" else 0)
    finally:
        for till in tills:
            till.close()


RUN_DUE = """
import json, sys
from datetime import datetime, timezone
from loyalty.domain.settings import (ActionPoints, CampaignSettings, DrawSettings,
                                     ExpirySettings, Settings, ShopSettings, TierReview)
from loyalty.engine import Engine
settings = Settings(shop=ShopSettings(timezone="UTC"), expiry=ExpirySettings(mode="days"),
                    draw=DrawSettings(enabled=True, days=("friday",), time="18:00"),
                    campaigns=CampaignSettings(actions=ActionPoints(birthday=75)),
                    tier_review=TierReview(enabled=True))
engine = Engine(sys.argv[1], settings, clock=lambda: datetime(2026, 1, 9, 18, 1, tzinfo=timezone.utc))
sys.stdin.readline()  # start together
print(json.dumps([run.job for run in engine.run_due_jobs() if run.job != "messages"]))
"""


def test_two_processes_on_one_sqlite_file_run_a_slot_once(tmp_path):
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    Engine(url).close()  # migrated before the race
    processes = [subprocess.Popen([sys.executable, "-c", RUN_DUE, url], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True) for _ in range(3)]
    outputs = [p.communicate("go\n", timeout=60)[0] for p in processes]
    ran = [job for output in outputs for job in json.loads(output)]
    assert sorted(ran) == ["birthday", "draw", "expiry", "tier_review"]
    with Engine(url) as engine:
        assert len(engine.draw_history()) == 1


def test_loyalty_jobs_lists_and_run_due_runs(loyalty_cli, engine):
    listed = loyalty_cli("jobs", "--json")
    assert listed.code == 0
    assert [job["name"] for job in listed.json()] == list(schedule.JOB_NAMES)
    ran = loyalty_cli("jobs", "run-due", "--json")
    assert ran.code == 0
    assert "messages" in {run["job"] for run in ran.json()}
    table = loyalty_cli("jobs")
    assert "Message delivery" not in table.out and "messages" in table.out
