"""Expiring points on the ledger, and reminding customers before they expire.

Two entry points:

* ``expire_when_loaded`` is installed on every write transaction by the engine: whenever a
  transaction locks a customer's balance, that customer's due lots are expired first, in the
  same transaction, so a redemption (or any debit) never spends an expired point and the
  balance always equals the sum of the open lots.
* ``run_expiry`` is what ``loyalty expire`` runs (daily, or whenever): it expires every due lot
  and emits ``PointsExpiring`` reminders. Running it again the same day changes nothing: an
  expired lot has no points left, each ``expire`` entry has the idempotency key
  ``expire/<lot id>``, and each reminded lot is recorded in ``expiry_reminders``.

Notification seam: reminders are ``PointsExpiring`` events in the transaction's event list, so
a transaction hook (``Engine.add_transaction_hook``), such as the outbox's, queues the
``points_expiring`` message in the same commit (``expiring_points`` = ``event.points``,
``expiry_date`` = ``event.expires_on``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

import attrs
import sqlalchemy as sa

from loyalty.domain.events import Event
from loyalty.domain.events import PointsExpired
from loyalty.domain.events import PointsExpiring
from loyalty.ledger import schema
from loyalty.ledger.posting import Account
from loyalty.ledger.posting import Posting
from loyalty.ledger.bulk import rows_matching
from loyalty.domain.rules import expiry
from loyalty.domain.rules.lots import Lot

if TYPE_CHECKING:
    from loyalty.engine import Engine


@attrs.frozen
class ExpiryReport:
    """What one run of ``loyalty expire`` did."""

    business_date: date
    expired_points: int
    expired_lots: int
    customers: list[int]
    reminders: list[PointsExpiring]


def expire_when_loaded(engine: Engine, posting: Posting, events: list[Event]) -> None:
    """Make ``posting`` expire each customer's due lots as soon as it loads their balance."""
    today = engine.business_date(posting.recorded_at)
    posting.on_accounts_loaded = lambda posting, accounts: _expire_accounts(
        engine, posting, events, accounts, today
    )


def open_lots(
    conn: sa.Connection, customer_ids: Iterable[int], where: sa.ColumnElement[bool] = sa.true()
) -> list[expiry.CustomerLot]:
    """Lots with points left of these customers (that also match ``where``)."""
    lots = schema.point_lots
    query = sa.select(lots).where(lots.c.remaining > 0, where)
    return [expiry.CustomerLot(row.customer_id, Lot(row.entry_id, row.remaining, row.expires_on,
                                                    row.earned_on))
            for row in rows_matching(conn, query, lots.c.customer_id, customer_ids)]


_ANY_DUE = (
    sa.select(schema.point_lots.c.entry_id)
    .where(schema.open_lot,
           schema.point_lots.c.expires_on < sa.bindparam("today", type_=sa.Date))
    .limit(1)
)
"""Is any lot in the ledger due? One look into the open lots' index; usually none is."""


def _expire_accounts(
    engine: Engine, posting: Posting, events: list[Event], accounts: list[Account], today: date
) -> None:
    if posting.connection.execute(_ANY_DUE, {"today": today}).first() is None:
        return  # nothing to look for among these customers' lots
    lots = schema.point_lots
    by_customer: dict[int, list[Lot]] = {}
    for item in open_lots(posting.connection, [a.customer_id for a in accounts],
                           lots.c.expires_on < today):
        by_customer.setdefault(item.customer_id, []).append(item.lot)
    if not by_customer:
        return
    shop = engine.settings.shop
    for account in accounts:
        for lot in expiry.due_for_expiry(by_customer.get(account.customer_id, ()), today):
            key = f"expire/{lot.lot_id}"
            reason = f"Points earned on {lot.earned_on} expired after {lot.expires_on}"
            posting.debit_lot(
                account, lot.lot_id, lot.remaining, kind="expire", business_date=today,
                occurred_at=posting.recorded_at,
                idempotency_key=key, source_type="expiry", source_id=str(lot.lot_id),
                reason=reason, actor="system", shop_id=shop.id, till_id=shop.till,
                event_id=PointsExpired.id_for(key),
            )
            events.append(PointsExpired(
                occurred_at=posting.recorded_at, customer_id=account.customer_id,
                points=-lot.remaining, balance=account.points, idempotency_key=key,
                business_date=today, reason=reason,
            ))


def run_expiry(engine: Engine) -> ExpiryReport:
    """Expire every due lot and send the reminders that are due; safe to run any number of times."""

    def work(conn: sa.Connection, posting: Posting, events: list[Event]) -> ExpiryReport:
        today = engine.business_date(posting.recorded_at)
        lots = schema.point_lots
        due_customers = conn.execute(
            sa.select(lots.c.customer_id).distinct()
            .where(schema.open_lot, lots.c.expires_on < today)
        ).scalars().all()
        posting.load_accounts(due_customers)  # expires their due lots, see expire_when_loaded
        expired = [e for e in events if isinstance(e, PointsExpired)]
        reminders = _remind(engine, conn, posting, today)
        events.extend(reminders)
        return ExpiryReport(
            business_date=today, expired_points=-sum(e.points for e in expired),
            expired_lots=len(expired), customers=sorted({e.customer_id for e in expired}),
            reminders=reminders,
        )

    return engine._write(work)


def _remind(
    engine: Engine, conn: sa.Connection, posting: Posting, today: date
) -> list[PointsExpiring]:
    window = expiry.reminder_window(today, engine.settings.expiry.remind_days_before)
    if window is None:
        return []
    lots, sent, c = schema.point_lots, schema.expiry_reminders, schema.customers
    candidates = conn.execute(
        sa.select(lots).join(c, c.c.id == lots.c.customer_id)
        .outerjoin(sent, sent.c.lot_entry_id == lots.c.entry_id)
        .where(schema.open_lot, lots.c.expires_on.between(*window),
               sent.c.lot_entry_id.is_(None), c.c.removed_at.is_(None))
    ).all()
    due = expiry.reminders_due(
        [expiry.CustomerLot(r.customer_id, Lot(r.entry_id, r.remaining, r.expires_on,
                                               r.earned_on)) for r in candidates],
        today, engine.settings.expiry.remind_days_before, reminded=(),
    )
    if not due:
        return []
    posting.load_accounts({r.customer_id for r in due})
    reminders = [
        PointsExpiring(
            occurred_at=posting.recorded_at, customer_id=r.customer_id, points=r.points,
            expires_on=r.expires_on, balance=posting.account(r.customer_id).points,
            lot_ids=r.lot_ids,
        )
        for r in due
    ]
    remaining = {r.entry_id: r.remaining for r in candidates}
    conn.execute(sent.insert(), [
        {"lot_entry_id": lot_id, "customer_id": event.customer_id,
         "expires_on": event.expires_on, "points": remaining[lot_id],
         "reminded_at": posting.recorded_at, "event_id": event.event_id}
        for event in reminders for lot_id in event.lot_ids
    ])
    return reminders


def open_lots_of(engine: Engine, customer_id: int) -> list[Lot]:
    """A customer's lots with points left, due for expiry or not."""
    return [item.lot for item in engine._read(lambda conn: open_lots(conn, [customer_id]))]
