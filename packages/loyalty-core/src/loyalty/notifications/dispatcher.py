"""Delivering the outbox: claim a due message, send it through its channel, record the result.

Delivery is at-least-once with a small window: a message is marked ``sending`` (with a
lease) before the channel is called and ``sent`` after it returns. If the program dies
between the two, the message is tried again once the lease has run out, so it may arrive
twice; it is never lost. Two dispatchers never send one message at the same time (the claim
is a compare-and-set update). Retry times are stored in the row (``next_attempt_at``), so
backoff survives restarts. The delays come from a tenacity wait strategy.

The dispatcher is given narrow things, not the engine: a way to open one short transaction on
the ledger, the configured channels and the clock (``Engine.dispatcher()`` gives it the
engine's).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from collections.abc import Mapping
from contextlib import AbstractContextManager
from datetime import datetime
from datetime import timedelta

import attrs
import sqlalchemy as sa
import tenacity

from loyalty.domain.channels import Channel
from loyalty.domain.channels import DeliveryFailed
from loyalty.domain.channels import Recipient
from loyalty.domain.redaction import redact
from loyalty.domain.shop import Clock
from loyalty.ledger import outbox


log = logging.getLogger(__name__)

CLAIM_BATCH = 20
"""Candidates read per claim: enough that racing dispatchers each find one they can take."""

Transaction = Callable[[], AbstractContextManager[sa.Connection]]
"""Opens one short ledger transaction (``with transaction() as connection:``): a claim, a
result. Each commits on its own, so a message is never held by a transaction while it is sent."""
Channels = Callable[[], Mapping[str, Channel]]
"""The installed channels by name, configured from the shop's settings; asked once a round, so
a change of settings takes effect at the next round."""


@attrs.frozen
class RetryPolicy:
    """How often and how long to keep trying one message."""

    max_attempts: int = 6
    wait: tenacity.wait.wait_base = attrs.Factory(
        lambda: tenacity.wait_exponential(multiplier=30, min=30, max=3600)
    )
    """Delay after the Nth failed attempt: 30 s, 1 min, 2 min, 4 min, 8 min by default."""
    lease: timedelta = timedelta(minutes=5)
    """How long a claimed message may stay ``sending`` before another dispatcher may take it;
    longer than any channel's timeouts."""

    def delay_after(self, attempt: int) -> timedelta:
        """The wait after failed attempt number ``attempt`` (1-based), as tenacity computes it."""
        state = tenacity.RetryCallState(tenacity.Retrying(), None, (), {})
        state.attempt_number = attempt
        return timedelta(seconds=self.wait(state))


@attrs.define
class DispatchReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    skipped_channels: dict[str, datetime] = attrs.Factory(dict)
    """Channels that asked for a pause, until when."""

    def summary(self) -> str:
        """What the round did, in one sentence."""
        return f"Sent {self.sent} messages; {self.retrying} to retry, {self.failed} failed."


class Dispatcher:
    """Delivers the due messages of one ledger's outbox through the given channels."""

    def __init__(
        self,
        transaction: Transaction,
        channels: Channels,
        clock: Clock,
        *,
        policy: RetryPolicy | None = None,
    ) -> None:
        self.transaction = transaction
        self.channels = channels
        self.policy = policy or RetryPolicy()
        self.clock = clock
        self.paused: dict[str, datetime] = {}
        """Channels that said 'not before then' (``DeliveryFailed.retry_after``)."""

    def due_count(self) -> int:
        with self.transaction() as conn:
            return outbox.due_count(conn, self.clock(), max_attempts=self.policy.max_attempts,
                                    skip_channels=self._paused_now())

    def _paused_now(self) -> list[str]:
        now = self.clock()
        return [name for name, until in self.paused.items() if until > now]

    def run_once(
        self, *, limit: int | None = None, progress: Callable[[], None] | None = None,
        stop: Callable[[], bool] = lambda: False,
    ) -> DispatchReport:
        """Deliver everything due now (at most ``limit``), one message at a time, until
        ``stop()`` says to end early (a closing window)."""
        report = DispatchReport()
        channels = self.channels()
        done = 0
        while (limit is None or done < limit) and not stop():
            claimed = self._claim_next()
            if claimed is None:
                break
            done += 1
            self._deliver(claimed, channels.get(claimed.channel), report)
            if progress is not None:
                progress()
        report.skipped_channels = {n: self.paused[n] for n in self._paused_now()}
        return report

    def _claim_next(self) -> outbox.Claimed | None:
        with self.transaction() as conn:
            now = self.clock()
            outbox.give_up_on_stale(conn, now, max_attempts=self.policy.max_attempts)
            for candidate in outbox.due(conn, now, max_attempts=self.policy.max_attempts,
                                        skip_channels=self._paused_now(), limit=CLAIM_BATCH):
                claimed = outbox.claim(conn, candidate, now=now,
                                       lease_until=now + self.policy.lease)
                if claimed is not None:
                    return claimed
        return None

    def _deliver(
        self, claimed: outbox.Claimed, channel: Channel | None, report: DispatchReport
    ) -> None:
        recipient = Recipient(claimed.customer_id, claimed.name, claimed.recipient_key,
                              claimed.phone)
        try:
            if channel is None:
                raise DeliveryFailed(
                    f"no channel named {claimed.channel!r} is installed; install its plugin "
                    "or change the customer's platform, then retry", permanent=True)
            channel.send(recipient, claimed.text)
        except DeliveryFailed as failure:
            self._failed(claimed, failure, report)
        except Exception as exc:  # noqa: BLE001 - a broken plugin must not stop the others
            self._failed(claimed, DeliveryFailed(f"{type(exc).__name__}: {exc}"), report)
        else:
            with self.transaction() as conn:
                outbox.mark_sent(conn, claimed, now=self.clock())
            report.sent += 1

    def _failed(
        self, claimed: outbox.Claimed, failure: DeliveryFailed, report: DispatchReport
    ) -> None:
        now = self.clock()
        error, retry_after = str(failure), failure.retry_after
        last = failure.permanent or claimed.attempts >= self.policy.max_attempts
        retry_at = None
        if not last:
            retry_at = now + self.policy.delay_after(claimed.attempts)
            if retry_after is not None:
                retry_at = max(retry_at, now + timedelta(seconds=retry_after))
        safe = redact(error, [claimed.recipient_key, claimed.phone], personal=True)
        with self.transaction() as conn:
            outbox.mark_failed(conn, claimed, safe, retry_at=retry_at)
            if retry_after is not None:
                until = now + timedelta(seconds=retry_after)
                if failure.recipient_only:
                    outbox.postpone_recipient(conn, claimed.channel, claimed.customer_id, until)
                else:
                    self.paused[claimed.channel] = until
                    outbox.postpone_channel(conn, claimed.channel, until)
        if retry_at is None:
            report.failed += 1
            log.warning("message %d to customer %d via %s failed for good after %d attempt(s): %s",
                        claimed.id, claimed.customer_id, claimed.channel, claimed.attempts, safe)
        else:
            report.retrying += 1
            log.info("message %d via %s failed (attempt %d), retrying at %s: %s",
                     claimed.id, claimed.channel, claimed.attempts, retry_at.isoformat(), safe)


def run_dispatcher(
    dispatcher: Dispatcher, stop_event: threading.Event, interval: float = 30.0
) -> None:
    """Deliver due messages every ``interval`` seconds until ``stop_event`` is set.

    For ``loyalty watch`` and frontends (``Engine.deliver_messages``): run it in a daemon
    thread. A failing round is logged and the loop goes on; nothing is lost, the messages stay
    in the outbox.
    """
    while not stop_event.is_set():
        try:
            dispatcher.run_once(stop=stop_event.is_set)
        except Exception:
            log.exception("delivering the outbox failed; will try again")
        stop_event.wait(interval)


def start_dispatcher_thread(
    dispatcher: Dispatcher, interval: float = 30.0
) -> tuple[threading.Thread, threading.Event]:
    """``run_dispatcher`` in a daemon thread; set the returned event to stop it."""
    stop = threading.Event()
    thread = threading.Thread(target=run_dispatcher, args=(dispatcher, stop, interval),
                              name="loyalty-outbox", daemon=True)
    thread.start()
    return thread, stop
