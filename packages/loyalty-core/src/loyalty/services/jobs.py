"""Jobs that run by themselves: what is due, running it once, and what each job did last.

A scheduled job (expiry and reminders, membership refresh, the lucky draw, birthday points, the
tier review) claims its slot's
``job_runs`` row in the same unit of work as its work, so the claim, the points and the result
commit together or not at all; a second process finds the row and runs nothing. A run that
fails rolls back and is then recorded as failed, to be tried again after
``schedule.RETRY_AFTER``. A continuous job (POS sync, message delivery) is safe to run in two
processes by itself; its runs of one day share one row, the latest result.
"""

from __future__ import annotations

import functools
import os
import socket
from collections.abc import Callable
from collections.abc import Mapping
from datetime import date
from datetime import datetime
from typing import Protocol
from typing import TypeVar

import attrs
import sqlalchemy as sa

from loyalty.domain.errors import LoyaltyError
from loyalty.domain.records import JobRun
from loyalty.domain.rules import birthdays as birthday_rules
from loyalty.domain.rules import schedule
from loyalty.domain.shop import Shop
from loyalty.ledger import job_runs
from loyalty.ledger.unit_of_work import UnitOfWork
from loyalty.services import birthdays
from loyalty.services import draws
from loyalty.services import expiry
from loyalty.services import memberships
from loyalty.services import tier_review


T = TypeVar("T")


class Ledger(Protocol):
    """What the jobs need of the engine: its units of work and reads."""

    def write(self, work: Callable[[UnitOfWork], T]) -> T: ...

    def read(self, work: Callable[[sa.Connection], T]) -> T: ...


ContinuousWork = Callable[[], tuple[str, bool]]
"""One run of a continuous job: what it did in a sentence, and whether it changed anything."""


@attrs.frozen
class DueSlot:
    """A scheduled job's slot: its key in the ledger, local time and UTC moment."""

    key: str
    local: datetime
    at: datetime


@attrs.frozen
class JobStatus:
    """One line of ``loyalty jobs`` and of the window's Jobs tab."""

    name: str
    title: str
    schedule: str
    enabled: bool
    continuous: bool
    last: JobRun | None
    next_run: datetime | None
    """UTC; now when the job is due, None for a continuous or switched-off job."""
    due: bool


def runner_name(shop: Shop) -> str:
    """This process, as the job runs name it: till, computer and process id."""
    return f"{shop.till}@{socket.gethostname()}:{os.getpid()}"


def latest_slot(shop: Shop, name: str) -> DueSlot | None:
    """The job's latest slot at or before now, if it has slots and is on."""
    local = schedule.latest_slot(name, shop.settings, shop.local(shop.now()))
    if local is None:
        return None
    return DueSlot(schedule.slot_key(name, shop.id, local), local, shop.utc(local))


def due_slot(shop: Shop, conn: sa.Connection, name: str) -> DueSlot | None:
    """The job's latest slot if it still has to run (never ran, or failed a while ago)."""
    slot = latest_slot(shop, name)
    if slot is None:
        return None
    done = job_runs.find(conn, name, slot.key)
    if schedule.is_due(done.status if done else None, done.finished_at if done else None,
                       shop.now()):
        return slot
    return None


def statuses(shop: Shop, conn: sa.Connection) -> list[JobStatus]:
    """Every job with its last run and its next one."""
    listed = []
    for spec in schedule.JOBS:
        due = due_slot(shop, conn, spec.name)
        upcoming = schedule.next_slot(spec.name, shop.settings, shop.local(shop.now()))
        next_run = shop.now() if due else shop.utc(upcoming) if upcoming else None
        listed.append(JobStatus(
            name=spec.name, title=spec.title, schedule=schedule.describe(spec.name, shop.settings),
            enabled=schedule.enabled(spec.name, shop.settings), continuous=spec.continuous,
            last=job_runs.last_run(conn, spec.name), next_run=next_run, due=due is not None,
        ))
    return listed


# ---- the scheduled jobs' work ---------------------------------------------------------------

def _expire(shop: Shop, uow: UnitOfWork, slot: DueSlot) -> str:
    report = expiry.run_expiry(shop, uow)
    return (f"Expired {shop.points_text(report.expired_points)} of {len(report.customers)} "
            f"customers; "
            f"{len(report.reminders)} reminders queued.")


def _refresh_memberships(shop: Shop, uow: UnitOfWork, slot: DueSlot) -> str:
    granted = memberships.refresh_memberships(shop, uow)
    return f"Granted {len(granted)} memberships."


def _draw(shop: Shop, uow: UnitOfWork, slot: DueSlot) -> str:
    outcome = draws.run_draw(shop, uow, draws.DrawSlot(slot.key, slot.local, slot.at),
                             draws.fresh_seed())
    record = outcome.record
    assert record is not None
    if outcome.status == "already_drawn":
        return f"The draw {record.slot} was already drawn."
    late = " (late: the PC was off at its time)" if record.late else ""
    if record.winner_customer_id is None:
        return f"Drew {record.slot}{late}: nobody was eligible."
    return (f"Drew {record.slot}{late}: customer {record.winner_customer_id} won "
            f"{shop.points_text(record.prize_points)} of {len(record.eligible)} eligible.")


def _award_birthdays(shop: Shop, uow: UnitOfWork, slot: DueSlot) -> str:
    today = slot.local.date()
    done = job_runs.latest_done_slot(uow.connection, "birthday")
    first = birthday_rules.catch_up_from(date.fromisoformat(done) if done else None, today)
    awarded = birthdays.award_birthdays(shop, uow, first=first, today=today)
    days = f"{first.isoformat()} to {today.isoformat()}" if first < today else today.isoformat()
    return (f"Gave birthday points to {len(awarded)} customers "
            f"({shop.points_text(sum(a.points for a in awarded))}; birthdays of {days}).")


def _review_tiers(shop: Shop, uow: UnitOfWork, slot: DueSlot) -> str:
    lowered = tier_review.review_tiers(shop, uow)
    if not lowered:
        return "No customer's stars fell."
    moves = ", ".join(f"customer {e.customer_id} {e.old_stars}→{e.new_stars}"
                      for e in lowered[:5])
    more = f" and {len(lowered) - 5} more" if len(lowered) > 5 else ""
    return f"Lowered the stars of {len(lowered)} customers: {moves}{more}."


SCHEDULED_WORK: dict[str, Callable[[Shop, UnitOfWork, DueSlot], str]] = {
    "expiry": _expire,
    "memberships": _refresh_memberships,
    "draw": _draw,
    "birthday": _award_birthdays,
    "tier_review": _review_tiers,
}


def run_slot(shop: Shop, uow: UnitOfWork, name: str, slot: DueSlot, *, runner: str
             ) -> JobRun | None:
    """Claim ``slot`` of job ``name`` and do its work in ``uow``; None if another run has it."""
    started = shop.now()
    if not job_runs.claim(uow.connection, name, slot.key, now=started, runner=runner,
                          failed_before=started - schedule.RETRY_AFTER):
        return None
    result = SCHEDULED_WORK[name](shop, uow, slot)
    job_runs.finish(uow.connection, name, slot.key, status="ok", now=shop.now(), result=result)
    return JobRun(name, slot.key, "ok", started, shop.now(), result, runner)


# ---- running ----------------------------------------------------------------------------------

def run_job(
    shop: Shop, ledger: Ledger, name: str, *, continuous: Mapping[str, ContinuousWork],
    by_hand: bool = False, record_idle: bool = True,
) -> JobRun | None:
    """Run job ``name`` once if it is due (``by_hand``: even if its slot ran already).

    A continuous job runs every time; its run is recorded when it changed something, failed,
    or ``record_idle`` says so. Returns the run, or None when nothing ran or nothing was worth
    recording.
    """
    spec = schedule.job(name)
    if by_hand and not schedule.enabled(name, shop.settings):
        raise LoyaltyError(f"The job {spec.title!r} has nothing to do with these settings.",
                           hint="Switch it on in Settings first.")
    runner, started = runner_name(shop), shop.now()
    if spec.continuous:
        day = shop.business_date(started).isoformat()
        try:
            result, changed = continuous[name]()
        except Exception as error:
            return _record(ledger, JobRun(name, day, "failed", started, shop.now(),
                                          _failure(error), runner))
        if not (changed or record_idle):
            return None
        return _record(ledger, JobRun(name, day, "ok", started, shop.now(), result, runner))
    due = ledger.read(lambda conn: due_slot(shop, conn, name))
    work: Callable[[UnitOfWork], JobRun | None]
    if due is not None:
        key = due.key
        work = functools.partial(run_slot, shop, name=name, slot=due, runner=runner)
    elif by_hand:
        slot = latest_slot(shop, name)  # expiry and memberships cover up to now all the same
        if slot is None:
            raise LoyaltyError("No draw is scheduled before now.",
                               hint="The draw runs at its weekday and time.")
        key = f"by-hand/{started.isoformat(timespec='seconds')}"
        work = functools.partial(_by_hand, shop, name=name, slot=slot, key=key, runner=runner)
    else:
        return None
    try:
        return ledger.write(work)
    except Exception as error:
        return _record(ledger, JobRun(name, key, "failed", started, shop.now(),
                                      _failure(error), runner), keep_success=True)


def _by_hand(shop: Shop, uow: UnitOfWork, *, name: str, slot: DueSlot, key: str, runner: str
             ) -> JobRun | None:
    """Run the work of ``slot`` again, recorded under its own by-hand ``key``."""
    started = shop.now()
    result = SCHEDULED_WORK[name](shop, uow, slot)
    run = JobRun(name, key, "ok", started, shop.now(), result, runner)
    job_runs.record(uow.connection, run)
    return run


def run_due(shop: Shop, ledger: Ledger, *, continuous: Mapping[str, ContinuousWork]
            ) -> list[JobRun]:
    """Run every job that is on and due now, once; the runs that happened."""
    ran = []
    for spec in schedule.JOBS:
        if schedule.enabled(spec.name, shop.settings):
            run = run_job(shop, ledger, spec.name, continuous=continuous)
            if run is not None:
                ran.append(run)
    return ran


def _record(ledger: Ledger, run: JobRun, *, keep_success: bool = False) -> JobRun:
    ledger.write(lambda uow: job_runs.record(uow.connection, run, keep_success=keep_success))
    return run


def _failure(error: Exception) -> str:
    text = str(error) or type(error).__name__
    return f"Failed: {text}"
