"""The outbox: messages stored in the ledger database until a dispatcher delivers them.

A message is inserted by the same transaction as the ledger change that causes it, so it
exists exactly when the points do. Its life: ``pending`` → ``sending`` (claimed by one
dispatcher, with a lease) → ``sent``, or back to ``pending`` with a later ``next_attempt_at``
after a transient failure, or ``failed`` (a permanent failure or the last attempt), where it
stays, visible, until someone retries it. See docs/notifications.md for the guarantees.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Sequence
from datetime import datetime

import attrs
import sqlalchemy as sa

from loyalty.ledger import schema
from loyalty.ledger.bulk import rows_matching
from loyalty.domain.records import Customer
from loyalty.domain.records import Message
from loyalty.domain.redaction import redact




o = schema.outbox


@attrs.frozen
class OutboxMessage:
    """One row of the outbox, as ``loyalty outbox`` shows it (the recipient's key left out)."""

    id: int
    customer_id: int
    customer_name: str
    template: str
    channel: str
    text: str
    status: str
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None


@attrs.frozen
class Claimed:
    """A message one dispatcher holds: what it needs to deliver it."""

    id: int
    customer_id: int
    name: str
    phone: str | None
    channel: str
    recipient_key: str
    text: str
    attempts: int
    """Including this attempt."""


def enqueue(
    connection: sa.Connection, messages: Sequence[tuple[Message, Customer]], *, now: datetime,
) -> list[int]:
    """Insert messages whose key is new, in the caller's transaction; returns the new ids."""
    return [connection.execute(o.insert().returning(o.c.id), row).scalar_one()
            for row in _new_rows(connection, messages, now)]


def enqueue_batch(
    connection: sa.Connection, messages: Sequence[tuple[Message, Customer]], *, now: datetime,
) -> int:
    """Insert messages whose key is new in one batched insert (a sync's thousands, a custom
    message to a segment); returns how many were new."""
    rows = _new_rows(connection, messages, now)
    if rows:
        connection.execute(o.insert(), rows)
    return len(rows)


def _new_rows(
    connection: sa.Connection, messages: Sequence[tuple[Message, Customer]], now: datetime,
) -> list[dict[str, object]]:
    """The outbox rows of the messages whose key is not in the outbox yet."""
    if not messages:
        return []
    key = o.c.idempotency_key
    existing = {found for found, in rows_matching(connection, sa.select(key), key,
                                                  [m.key for m, _ in messages])}
    rows: list[dict[str, object]] = []
    for message, customer in messages:
        if message.key in existing:
            continue
        existing.add(message.key)
        rows.append({
            "idempotency_key": message.key, "customer_id": message.customer_id,
            "template": message.template, "channel": customer.platform,
            "recipient_key": customer.messaging_key, "text": message.text,
            "status": "pending", "attempts": 0, "next_attempt_at": now, "created_at": now,
        })
    return rows


def listing(
    connection: sa.Connection, statuses: Iterable[str] | None = ("pending", "sending", "failed"),
    *, limit: int | None = None, newest_first: bool = False,
) -> list[OutboxMessage]:
    """Messages with the given statuses (all when None), oldest first (or newest first)."""
    c = schema.customers
    query = (
        sa.select(o, c.c.name.label("customer_name"))
        .join(c, c.c.id == o.c.customer_id)
        .order_by(o.c.id.desc() if newest_first else o.c.id)
    )
    if statuses is not None:
        query = query.where(o.c.status.in_(list(statuses)))
    if limit is not None:
        query = query.limit(limit)
    return [
        OutboxMessage(
            id=r.id, customer_id=r.customer_id, customer_name=r.customer_name,
            template=r.template, channel=r.channel, text=r.text, status=r.status,
            attempts=r.attempts, next_attempt_at=r.next_attempt_at, last_error=r.last_error,
            created_at=r.created_at, sent_at=r.sent_at,
        )
        for r in connection.execute(query)
    ]


def counts(connection: sa.Connection) -> dict[str, int]:
    """How many messages are in each status."""
    found: dict[str, int] = dict(connection.execute(
        sa.select(o.c.status, sa.func.count()).group_by(o.c.status)
    ).tuples().all())
    return {status: found.get(status, 0) for status in schema.OUTBOX_STATUSES}


def make_pending(
    connection: sa.Connection, ids: Sequence[int] | None, *, now: datetime
) -> list[int]:
    """Give failed messages (those in ``ids``, or all) a fresh set of attempts, due now.

    They take the customer's current platform and key, so fixing a wrong key and retrying
    works; a customer who has since chosen ``none`` keeps the old ones (and fails again).
    """
    query = sa.select(o.c.id).where(o.c.status == "failed")
    if ids is not None:
        query = query.where(o.c.id.in_(list(ids)))
    chosen = list(connection.execute(query).scalars())
    if chosen:
        c = schema.customers

        def current(column: sa.Column) -> sa.ScalarSelect:
            return sa.select(column).where(
                c.c.id == o.c.customer_id, c.c.platform != "none", c.c.messaging_key.is_not(None)
            ).scalar_subquery()

        connection.execute(
            o.update().where(o.c.id.in_(chosen), o.c.status == "failed")
            .values(status="pending", attempts=0, next_attempt_at=now,
                    channel=sa.func.coalesce(current(c.c.platform), o.c.channel),
                    recipient_key=sa.func.coalesce(current(c.c.messaging_key),
                                                   o.c.recipient_key))
        )
    return chosen


def _due_query(
    columns: Sequence[sa.ColumnElement], now: datetime, max_attempts: int,
    skip_channels: Iterable[str],
) -> sa.Select:
    query = sa.select(*columns).where(
        o.c.status.in_(("pending", "sending")), o.c.next_attempt_at <= now,
        o.c.attempts < max_attempts,
    )
    skip = list(skip_channels)
    return query.where(o.c.channel.not_in(skip)) if skip else query


def due(
    connection: sa.Connection, now: datetime, *, max_attempts: int,
    skip_channels: Iterable[str] = (), limit: int | None = None,
) -> list[tuple[int, str, datetime]]:
    """(id, status, next_attempt_at) of messages to try now, oldest due first: pending ones
    that are due, and ``sending`` ones whose lease ran out (their dispatcher died mid-send)."""
    query = _due_query([o.c.id, o.c.status, o.c.next_attempt_at], now, max_attempts,
                       skip_channels).order_by(o.c.next_attempt_at, o.c.id).limit(limit)
    return [(r.id, r.status, r.next_attempt_at) for r in connection.execute(query)]


def due_count(
    connection: sa.Connection, now: datetime, *, max_attempts: int,
    skip_channels: Iterable[str] = (),
) -> int:
    query = _due_query([sa.func.count()], now, max_attempts, skip_channels)
    return int(connection.execute(query).scalar_one())


def claim(
    connection: sa.Connection, candidate: tuple[int, str, datetime], *, now: datetime,
    lease_until: datetime,
) -> Claimed | None:
    """Take one message for this dispatcher, or None if another one took it first.

    The update only matches the row as it was read (same status, same due time), so of two
    dispatchers racing for a message exactly one changes it; the other sees 0 rows.
    """
    message_id, status, next_attempt_at = candidate
    taken = connection.execute(
        o.update()
        .where(o.c.id == message_id, o.c.status == status,
               o.c.next_attempt_at == next_attempt_at)
        .values(status="sending", attempts=o.c.attempts + 1, next_attempt_at=lease_until)
    ).rowcount
    if taken != 1:
        return None
    c = schema.customers
    r = connection.execute(
        sa.select(o, c.c.name, c.c.phone).join(c, c.c.id == o.c.customer_id)
        .where(o.c.id == message_id)
    ).one()
    return Claimed(r.id, r.customer_id, r.name, r.phone, r.channel, r.recipient_key, r.text,
                   r.attempts)


def give_up_on_stale(connection: sa.Connection, now: datetime, *, max_attempts: int) -> int:
    """Fail messages whose last allowed attempt was interrupted mid-send: say so, retry none."""
    return connection.execute(
        o.update()
        .where(o.c.status == "sending", o.c.next_attempt_at <= now,
               o.c.attempts >= max_attempts)
        .values(status="failed", last_error="interrupted while sending (the program stopped); "
                "it may or may not have arrived")
    ).rowcount


def postpone_channel(connection: sa.Connection, channel: str, until: datetime) -> int:
    """Hold every pending message of ``channel`` until ``until`` (the service asked for a
    pause); stored, so a restarted dispatcher keeps the pause too."""
    return connection.execute(
        o.update().where(o.c.channel == channel, o.c.status == "pending",
                         o.c.next_attempt_at < until)
        .values(next_attempt_at=until)
    ).rowcount


def postpone_recipient(
    connection: sa.Connection, channel: str, customer_id: int, until: datetime
) -> int:
    """Hold the pending messages of one customer on ``channel`` until ``until``."""
    return connection.execute(
        o.update().where(o.c.channel == channel, o.c.customer_id == customer_id,
                         o.c.status == "pending", o.c.next_attempt_at < until)
        .values(next_attempt_at=until)
    ).rowcount


def mark_sent(connection: sa.Connection, claimed: Claimed, *, now: datetime) -> None:
    connection.execute(
        o.update().where(o.c.id == claimed.id, o.c.status == "sending")
        .values(status="sent", sent_at=now, last_error=None)
    )


def mark_failed(
    connection: sa.Connection, claimed: Claimed, error: str, *, retry_at: datetime | None
) -> None:
    """Record a failed attempt: due again at ``retry_at``, or ``failed`` for good when None."""
    values: dict[str, object] = {
        "last_error": redact(error, [claimed.recipient_key, claimed.phone], personal=True)}
    if retry_at is None:
        values["status"] = "failed"
    else:
        values.update(status="pending", next_attempt_at=retry_at)
    connection.execute(
        o.update().where(o.c.id == claimed.id, o.c.status == "sending",
                         o.c.attempts == claimed.attempts)
        .values(**values)
    )
