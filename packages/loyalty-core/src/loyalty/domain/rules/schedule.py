"""When each job that runs by itself is due: pure functions of the settings and a local time.

Two kinds of job:

- A *scheduled* job (expiry and its reminders, membership refresh, the lucky draw, birthday
  points, the tier review) is due once
  per slot: the latest slot at or before now that the ledger has no successful run of. A PC
  that was off at a slot's time finds that slot due when it starts and runs it once; slots
  missed before it are not run one after another (the job's work always covers "up to now").
- A *continuous* job (POS sync, message delivery) has no slots: it runs every few seconds while
  the window or ``loyalty watch`` is open, and is safe in two processes at once by itself (each
  sale's idempotency key, each message's claim).
"""

from __future__ import annotations

from datetime import datetime
from datetime import time
from datetime import timedelta

import attrs

from loyalty.domain.rules import draws
from loyalty.domain.settings import Settings


@attrs.frozen
class JobSpec:
    name: str
    title: str
    every: timedelta | None = None
    """Continuous jobs: the pause between runs while a window or ``loyalty watch`` is open."""
    at: time | None = None
    """Daily jobs: the shop's local time from which the day's run is due (``DAY_STARTS`` when
    None)."""

    @property
    def continuous(self) -> bool:
        return self.every is not None


JOBS: tuple[JobSpec, ...] = (
    JobSpec("pos_sync", "POS sync", every=timedelta(seconds=1)),
    JobSpec("messages", "Message delivery", every=timedelta(seconds=10)),
    JobSpec("expiry", "Expiry and reminders"),
    JobSpec("memberships", "Membership refresh"),
    JobSpec("draw", "Lucky draw"),
    JobSpec("birthday", "Birthday points", at=time(8, 0)),
    JobSpec("tier_review", "Stars can fall (tier review)"),
)
JOB_NAMES = tuple(job.name for job in JOBS)

DAY_STARTS = time(0, 0)
"""Daily jobs are due from the start of the shop's day: a lot's last day has just ended."""
RETRY_AFTER = timedelta(minutes=15)
"""A scheduled run that failed is tried again for the same slot after this long."""
LATE_AFTER = timedelta(minutes=10)
"""A run this long after its slot's time was a catch-up (the PC was off or the shop closed)."""


def job(name: str) -> JobSpec:
    """The job called ``name``; ``KeyError`` if there is none."""
    for spec in JOBS:
        if spec.name == name:
            return spec
    raise KeyError(name)


def enabled(name: str, settings: Settings) -> bool:
    """Whether the settings give the job anything to do."""
    if name == "pos_sync":
        return settings.pos.adapter is not None
    if name == "expiry":
        return settings.expiry.mode != "never"
    if name == "memberships":
        return bool(settings.memberships.levels)
    if name == "draw":
        return settings.draw.enabled
    if name == "birthday":
        return settings.campaigns.actions.birthday > 0
    if name == "tier_review":
        return settings.tier_review.enabled
    return name == "messages"


def describe(name: str, settings: Settings) -> str:
    """When the job runs, in words: ``every 1 s while open``, ``Friday at 18:00``."""
    spec = job(name)
    if spec.every is not None:
        return f"every {spec.every.total_seconds():g} s while open"
    if name == "draw":
        days = ", ".join(day.capitalize() for day in settings.draw.days)
        return f"{days} at {settings.draw.time}"
    return f"daily at {daily_time(name):%H:%M}"


def daily_time(name: str) -> time:
    """When a daily job's run is due each day, shop time: the start of the day, or the job's own
    time (birthday points and their message in the morning, not at midnight)."""
    return job(name).at or DAY_STARTS


def latest_slot(name: str, settings: Settings, now_local: datetime) -> datetime | None:
    """The job's latest slot (naive local time) at or before ``now_local``; None for a
    continuous job, a job that is off, or before a draw's first slot."""
    if job(name).continuous or not enabled(name, settings):
        return None
    if name == "draw":
        return draws.latest_slot(settings.draw, now_local)
    today = datetime.combine(now_local.date(), daily_time(name))
    return today if today <= now_local else today - timedelta(days=1)


def next_slot(name: str, settings: Settings, now_local: datetime) -> datetime | None:
    """The job's first slot after ``now_local`` (naive local time); None as for ``latest_slot``."""
    if job(name).continuous or not enabled(name, settings):
        return None
    if name == "draw":
        return draws.next_slot(settings.draw, now_local)
    today = datetime.combine(now_local.date(), daily_time(name))
    return today if today > now_local else today + timedelta(days=1)


def slot_key(name: str, shop_id: str, slot_local: datetime) -> str:
    """The slot's name in the ledger: the draw's own slot name, a daily job's local date."""
    if name == "draw":
        return draws.slot_key(shop_id, slot_local)
    return slot_local.date().isoformat()


def is_due(status: str | None, finished_at: datetime | None, now: datetime) -> bool:
    """Whether a slot whose last run ended with ``status`` at ``finished_at`` runs now: it
    never ran, or it failed at least ``RETRY_AFTER`` ago."""
    if status is None:
        return True
    return status == "failed" and (finished_at is None or now - finished_at >= RETRY_AFTER)


def ran_late(slot_at: datetime, ran_at: datetime) -> bool:
    """Whether a run at ``ran_at`` caught up a slot due at ``slot_at`` (both UTC)."""
    return ran_at - slot_at > LATE_AFTER
