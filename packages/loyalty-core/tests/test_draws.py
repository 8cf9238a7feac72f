"""Lucky draw: one draw per slot, auditable from its seed, catching up once after downtime."""

from __future__ import annotations

import random
import tempfile
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from loyalty import signals
from loyalty.domain.errors import LoyaltyError
from loyalty.domain.events import DrawWon
from loyalty.domain.rules import draws
from loyalty.domain.settings import WEEKDAYS
from loyalty.domain.settings import DrawSettings
from loyalty.domain.settings import Settings
from loyalty.domain.settings import ShopSettings
from loyalty.engine import Engine
from loyalty.ledger import schema
from loyalty.testing.plugin import FakeClock
from loyalty.testing.plugin import Till


FRIDAYS = DrawSettings(enabled=True, days=("friday",), time="18:00", prize_points=1000,
                       eligible_days=30)


@pytest.fixture
def settings() -> Settings:
    return Settings(shop=ShopSettings(timezone="UTC"), draw=FRIDAYS)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 1, day, hour, minute, tzinfo=timezone.utc)


def test_the_draw_gives_the_prize_to_an_eligible_customer(engine, clock, till):
    ann = engine.add_customer("Ann")
    engine.record_sale(till.sale(ann.id, 2000))  # Monday 5 January
    clock.now = at(9, 18, 5)  # Friday, five minutes after the draw time
    won = []
    with signals.event_published.connected_to(lambda sender, event, engine: won.append(event),
                                              sender=DrawWon):
        outcome = engine.run_draw()
    assert outcome.status == "drawn"
    assert outcome.record.slot == "main/2026-01-09T18:00"
    assert (outcome.record.eligible, outcome.record.winner_customer_id) == ([ann.id], ann.id)
    assert engine.balance(ann.id) == 20 + 1000
    assert [(e.customer_id, e.prize_points, e.balance) for e in won] == [(ann.id, 1000, 1020)]
    prize = engine.history(ann.id)[-1]
    assert (prize.source_type, prize.rule_id, prize.points) == ("draw", "draw", 1000)


def test_running_the_draw_twice_for_one_slot_draws_once(engine, clock, till):
    ann = engine.add_customer("Ann")
    engine.record_sale(till.sale(ann.id, 2000))
    clock.now = at(9, 18)
    assert engine.run_draw().status == "drawn"
    clock.advance(minutes=1)
    again = engine.run_draw()
    assert again.status == "already_drawn" and again.record.slot == "main/2026-01-09T18:00"
    assert engine.balance(ann.id) == 1020
    assert len(engine.draw_history()) == 1


def test_a_late_restart_catches_up_the_missed_slot_once(engine, clock, till):
    ann = engine.add_customer("Ann")
    engine.record_sale(till.sale(ann.id, 2000))
    clock.now = at(10, 9)  # the till was off at Friday 18:00; it starts on Saturday morning
    assert engine.run_draw().record.slot == "main/2026-01-09T18:00"
    clock.now = at(11, 12)
    assert engine.run_draw().status == "already_drawn"
    clock.now = at(24, 9)  # off for two weeks: the 16th and the 23rd were missed
    engine.record_sale(till.sale(ann.id, 1000))
    caught_up = engine.run_draw()
    assert caught_up.record.slot == "main/2026-01-23T18:00"
    assert engine.run_draw().status == "already_drawn"
    assert [r.slot for r in engine.draw_history()] == ["main/2026-01-23T18:00",
                                                     "main/2026-01-09T18:00"]
    assert engine.balance(ann.id) == 20 + 10 + 2000


def test_only_customers_who_bought_recently_before_the_slot_can_win(engine, clock, till):
    old, removed, recent, late = (engine.add_customer(n) for n in ("Old", "Gone", "New", "Late"))
    clock.now = at(5, 10) - timedelta(days=31)
    engine.record_sale(till.sale(old.id, 2000))
    clock.now = at(8, 10)
    engine.record_sale(till.sale(removed.id, 2000))
    engine.record_sale(till.sale(recent.id, 2000))
    engine.remove_customer(removed.id)
    clock.now = at(9, 18, 30)
    engine.record_sale(till.sale(late.id, 2000))  # after the draw time
    outcome = engine.run_draw()
    assert outcome.record.eligible == [recent.id]
    assert outcome.record.winner_customer_id == recent.id


def test_a_slot_with_nobody_eligible_is_recorded_without_a_winner(engine, clock):
    clock.now = at(9, 19)
    outcome = engine.run_draw()
    assert outcome.status == "drawn" and outcome.record.winner_customer_id is None
    assert outcome.event is None
    assert engine.run_draw().status == "already_drawn"


def test_a_recorded_draw_is_rechecked_from_its_seed(engine, clock, till):
    ids = [engine.add_customer(f"C{n}").id for n in range(12)]
    for cid in ids:
        engine.record_sale(till.sale(cid, 1000))
    clock.now = at(9, 18)
    outcome = engine.run_draw(seed_source=lambda: 20260109)
    record = outcome.record
    assert record.seed == 20260109
    assert record.winner_customer_id == random.Random(20260109).choice(sorted(ids))
    check = engine.recheck_draw(record.slot)
    assert check.ok and check.eligible_now == sorted(ids)

    d = schema.draws
    someone_else = next(i for i in ids if i != record.winner_customer_id)
    with engine.db.begin() as conn:
        conn.execute(d.update().values(winner_customer_id=someone_else))
    tampered = engine.recheck_draw(record.slot)
    assert not tampered.winner_follows_from_seed and not tampered.ok


def test_a_switched_off_draw_says_how_to_switch_it_on(engine, clock):
    engine.update_settings(Settings(draw=DrawSettings(enabled=False)))
    with pytest.raises(LoyaltyError, match="draw.enabled"):
        engine.run_draw()


def test_recheck_of_an_unknown_slot_names_it(engine):
    with pytest.raises(LoyaltyError, match="main/2000-01-01T18:00"):
        engine.recheck_draw("main/2000-01-01T18:00")


def test_draw_commands_run_once_and_list_the_draw(loyalty_cli):
    first = loyalty_cli("draw", "run", "--json").json()
    assert first["status"] == "drawn"
    assert loyalty_cli("draw", "run", "--json").json()["status"] == "already_drawn"
    [record] = loyalty_cli("draw", "history", "--json").json()
    assert record["slot"] == first["record"]["slot"]
    check = loyalty_cli("draw", "check", record["slot"], "--json")
    assert check.code == 0 and check.json()["ok"] is True


def test_the_slot_is_unique_in_the_ledger(engine, clock):
    clock.now = at(9, 19)
    engine.run_draw()
    row = {"slot": "main/2026-01-09T18:00", "shop_id": "main", "scheduled_for": at(9, 18),
           "drawn_at": at(9, 19), "seed": "1", "eligible": "[]", "eligible_days": 30,
           "prize_points": 1, "event_id": "x"}
    with pytest.raises(sa.exc.IntegrityError), engine.db.begin() as conn:
        conn.execute(schema.draws.insert(), row)


# ---- Properties of the pure rules -----------------------------------------------------------

moments = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 31))
schedules = st.builds(
    DrawSettings, enabled=st.just(True),
    days=st.lists(st.sampled_from(WEEKDAYS), min_size=1, max_size=7, unique=True),
    time=st.tuples(st.integers(0, 23), st.integers(0, 59)).map(lambda t: f"{t[0]:02d}:{t[1]:02d}"),
)


@given(schedules, moments)
def test_the_latest_slot_is_the_last_scheduled_moment_not_after_now(rules, now):
    slot = draws.latest_slot(rules, now)
    assert slot is not None and slot <= now
    assert WEEKDAYS[slot.weekday()] in rules.days
    assert slot.time() == draws.draw_time(rules)
    assert draws.next_slot(rules, slot) > now  # no slot between it and now


@given(st.lists(st.integers(1, 10_000), max_size=40), st.integers(0, 2**64 - 1))
def test_the_winner_is_eligible_and_follows_from_the_seed_whatever_the_order(eligible, seed):
    winner = draws.choose_winner(eligible, random.Random(seed))
    if not eligible:
        assert winner is None
        return
    assert winner in eligible
    shuffled = list(reversed(eligible))
    assert draws.choose_winner(shuffled, random.Random(seed)) == winner
    assert draws.recheck(eligible, seed, winner)


def test_two_tills_running_the_draw_at_once_draw_the_slot_once(engine, clock, till):
    ann = engine.add_customer("Ann")
    engine.record_sale(till.sale(ann.id, 2000))
    clock.now = at(9, 18)
    with Engine(engine.db.url.render_as_string(hide_password=False), engine.settings,
                clock=clock) as second:
        with ThreadPoolExecutor(2) as pool:
            outcomes = list(pool.map(Engine.run_draw, [engine, second]))
    assert sorted(o.status for o in outcomes) == ["already_drawn", "drawn"]
    assert engine.balance(ann.id) == 1020


@hsettings(max_examples=10, deadline=None)
@given(st.lists(st.integers(1, 200), min_size=1, max_size=8))
def test_whenever_the_scheduler_runs_each_slot_is_drawn_once(gaps):
    """Hours between scheduler runs, each run fired twice: every slot seen is drawn once."""
    clock = FakeClock()
    with tempfile.TemporaryDirectory() as folder, \
            Engine(Path(folder) / "l.db", Settings(shop=ShopSettings(timezone="UTC"),
                                                  draw=FRIDAYS), clock=clock) as engine:
        ann = engine.add_customer("Ann")
        expected = set()
        for gap in gaps:
            clock.advance(hours=gap)
            engine.record_sale(Till(engine).sale(ann.id, 100, document=f"D{clock.now}"))
            expected.add(draws.slot_key("main", draws.latest_slot(FRIDAYS, clock.now)))
            engine.run_draw()
            engine.run_draw()
        slots = [r.slot for r in engine.draw_history()]
        assert len(slots) == len(set(slots)) and set(slots) == expected
        prizes = sum(r.prize_points for r in engine.draw_history() if r.winner_customer_id)
        assert engine.balance(ann.id) == len(gaps) + prizes
