"""The lucky draw's schedule, who may win, and the random choice.

Everything here is pure: the clock time and the random source are arguments. The job in
``loyalty.services.draws`` records the seed it used, so anybody can re-run ``choose_winner`` on the
recorded eligible list with ``random.Random(seed)`` and get the same winner.

Schedule semantics: a slot is a weekday at the configured local time. ``latest_slot`` is the
most recent slot at or before now; a scheduler that runs twice, or restarts hours late, asks
for that slot, and the ledger's UNIQUE slot makes the second attempt a no-op. Slots missed
while the till was off for longer are not drawn one after another: the draw catches up once.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta

from loyalty.domain.settings import WEEKDAYS
from loyalty.domain.settings import DrawSettings


def draw_time(rules: DrawSettings) -> time:
    hours, minutes = rules.time.split(":")
    return time(int(hours), int(minutes))


def latest_slot(rules: DrawSettings, now_local: datetime) -> datetime | None:
    """The most recent scheduled draw at or before ``now_local`` (naive local time), if any."""
    weekdays = {WEEKDAYS.index(day) for day in rules.days}
    at = draw_time(rules)
    for back in range(8):
        day = now_local.date() - timedelta(days=back)
        slot = datetime.combine(day, at)
        if day.weekday() in weekdays and slot <= now_local.replace(tzinfo=None):
            return slot
    return None


def next_slot(rules: DrawSettings, now_local: datetime) -> datetime | None:
    """The first scheduled draw after ``now_local``; None when no day is scheduled."""
    weekdays = {WEEKDAYS.index(day) for day in rules.days}
    at = draw_time(rules)
    for ahead in range(8):
        day = now_local.date() + timedelta(days=ahead)
        slot = datetime.combine(day, at)
        if day.weekday() in weekdays and slot > now_local.replace(tzinfo=None):
            return slot
    return None


def slot_key(shop_id: str, slot_local: datetime) -> str:
    """The slot's unique name: one shop, one local date and time."""
    return f"{shop_id}/{slot_local.isoformat(timespec='minutes')}"


def first_eligible_day(slot_day: date, eligible_days: int) -> date:
    """Customers who bought on this business day or later (up to the slot) may win."""
    return slot_day - timedelta(days=eligible_days)


def choose_winner(eligible: Sequence[int], rng: random.Random) -> int | None:
    """One customer id, uniformly, from the eligible ids (taken in ascending order)."""
    candidates = sorted(set(eligible))
    if not candidates:
        return None
    return rng.choice(candidates)


def recheck(eligible: Sequence[int], seed: int, winner: int | None) -> bool:
    """Whether a recorded draw's winner follows from its recorded eligible list and seed."""
    return choose_winner(eligible, random.Random(seed)) == winner
