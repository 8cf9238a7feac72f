"""The jobs' clock: APScheduler runs each job in a background thread while a window or
``loyalty watch`` is open.

APScheduler (3.x) gives what a hand-made loop would have to get right by itself: cron triggers
in the shop's time zone (the draw at Friday 18:00 fires at 18:00, not on the next turn of a
loop), one instance of a job at a time, coalescing of firings missed while the PC slept, and a
clean shutdown that waits for a running job. It does not decide *whether* a scheduled job
runs: every firing asks the engine, which claims the slot in the ledger (``job_runs``), so two
processes, or two tills on one PostgreSQL ledger, never run a slot twice. That is also why the
scheduler keeps its jobs in memory: APScheduler's job stores do not coordinate processes.

Each scheduled job fires at its slots, once at start (a PC that was off at Friday's draw draws
it now) and once a minute (a failed run's retry, changed settings, a clock that jumped).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from collections.abc import Mapping
from datetime import datetime

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.combining import OrTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from loyalty import signals
from loyalty.domain.errors import LoyaltyError
from loyalty.domain.pos import PosAdapter
from loyalty.domain.records import JobRun
from loyalty.domain.rules import draws
from loyalty.domain.rules import schedule
from loyalty.domain.settings import Settings
from loyalty.engine import Engine
from loyalty.notifications.dispatcher import Dispatcher


log = logging.getLogger(__name__)

SWEEP_SECONDS = 60.0
"""How often a scheduled job asks whether it is due, besides its own slots."""


class JobScheduler:
    """Runs ``engine``'s jobs by themselves until ``stop()``; ``pos`` is an open POS to sync
    (else the configured one is opened), ``every`` overrides continuous jobs' pauses."""

    def __init__(
        self, engine: Engine, *, pos: PosAdapter | None = None,
        every: Mapping[str, float] | None = None,
        on_run: Callable[[JobRun], None] | None = None,
    ) -> None:
        self.engine = engine
        self.every = dict(every or {})
        self.on_run = on_run
        self._given_pos = pos
        self._opened_pos: PosAdapter | None = None
        self._pos_stale = False
        self._dispatcher: Dispatcher | None = None
        self._lock = threading.Lock()
        self._scheduler = BackgroundScheduler(
            timezone=engine.shop.zone or "UTC",
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
        )

    def start(self) -> None:
        self._schedule(self.engine.settings)
        signals.settings_changed.connect(self._on_settings, weak=False)
        self._scheduler.start()

    def stop(self) -> None:
        """Stop firing, wait for a running job, close a POS this scheduler opened."""
        if not self._scheduler.running:
            return
        signals.settings_changed.disconnect(self._on_settings)
        self._scheduler.shutdown(wait=True)
        self._close_pos()

    def run_until(self, stop_event: threading.Event) -> None:
        """Run the jobs until ``stop_event`` is set: a window's background task."""
        self.start()
        try:
            stop_event.wait()
        finally:
            self.stop()

    # ---- the triggers -----------------------------------------------------------------------

    def _schedule(self, settings: Settings) -> None:
        for spec in schedule.JOBS:
            trigger: IntervalTrigger | OrTrigger
            if spec.every is not None:
                seconds = self.every.get(spec.name, spec.every.total_seconds())
                trigger = IntervalTrigger(seconds=seconds)
            else:
                trigger = OrTrigger([IntervalTrigger(seconds=SWEEP_SECONDS),
                                     *self._slot_triggers(spec.name, settings)])
            self._scheduler.add_job(self._fire, trigger, args=[spec.name], id=spec.name,
                                    name=spec.title, replace_existing=True,
                                    next_run_time=self._scheduler_now())

    def _slot_triggers(self, name: str, settings: Settings) -> list[CronTrigger]:
        zone = self.engine.shop.zone or "UTC"
        if name == "draw":
            at = draws.draw_time(settings.draw)
            days = ",".join(day[:3] for day in settings.draw.days)
            return [CronTrigger(day_of_week=days, hour=at.hour, minute=at.minute, timezone=zone)]
        at = schedule.daily_time(name)
        return [CronTrigger(hour=at.hour, minute=at.minute, timezone=zone)]

    def _scheduler_now(self) -> datetime:
        return datetime.now(self._scheduler.timezone)

    def _on_settings(self, sender: object, *, engine: Engine, settings: Settings,
                     **_: object) -> None:
        if engine is self.engine:
            self._pos_stale = True  # the POS may have changed: the next sync opens it afresh
            self._schedule(settings)

    # ---- running ----------------------------------------------------------------------------

    def _fire(self, name: str) -> None:
        if not schedule.enabled(name, self.engine.settings):
            return
        try:
            run = self.engine.run_job(
                name, by_hand=False, record_idle=False,
                pos=self._pos() if name == "pos_sync" else None,
                dispatcher=self._deliverer() if name == "messages" else None)
        except LoyaltyError as error:  # a POS that cannot be opened: said, tried again
            log.warning("job %s: %s", name, error)
            self._close_pos()
            signals.job_ran.send(self, run=None, error=error, engine=self.engine)
            return
        if run is not None:
            signals.job_ran.send(self, run=run, error=None, engine=self.engine)
            if self.on_run is not None:
                self.on_run(run)

    def _pos(self) -> PosAdapter:
        if self._given_pos is not None:
            return self._given_pos
        if self._pos_stale:  # only the POS sync's own thread opens and closes its POS
            self._pos_stale = False
            self._close_pos()
        with self._lock:
            if self._opened_pos is None:
                self._opened_pos = self.engine.open_pos()
            return self._opened_pos

    def _deliverer(self) -> Dispatcher:
        if self._dispatcher is None:  # one dispatcher remembers channels that asked to pause
            self._dispatcher = self.engine.dispatcher()
        return self._dispatcher

    def _close_pos(self) -> None:
        with self._lock:
            opened, self._opened_pos = self._opened_pos, None
        if opened is not None:
            opened.close()


def run_jobs(engine: Engine, stop_event: threading.Event, *,
             every: Mapping[str, float] | None = None) -> None:
    """Run ``engine``'s jobs by themselves until ``stop_event`` is set (a frontend's thread);
    what they do is sent as ``signals.job_ran``."""
    JobScheduler(engine, every=every).run_until(stop_event)
