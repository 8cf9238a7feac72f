"""Expiring points on the ledger, and reminding customers before they expire.

Two entry points:

* ``expire_when_loaded`` is installed on every unit of work by the engine: whenever a
  transaction locks a customer's balance, that customer's due lots are expired first, in the
  same transaction, so a redemption (or any debit) never spends an expired point and the
  balance always equals the sum of the open lots.
* ``run_expiry`` is what ``loyalty expire`` (``Engine.expire``) runs (daily, or whenever): it expires every due lot
  and emits ``PointsExpiring`` reminders. Running it again the same day changes nothing: an
  expired lot has no points left, each ``expire`` entry has the idempotency key
  ``expire/<lot id>``, and each reminded lot is recorded in ``expiry_reminders``.

Notification seam: reminders are ``PointsExpiring`` events in the transaction's event list, so
a transaction hook (``Engine.add_transaction_hook``), such as the outbox's, queues the
``points_expiring`` message in the same commit (``expiring_points`` = ``event.points``,
``expiry_date`` = ``event.expires_on``).
"""

from __future__ import annotations

from datetime import date

import attrs

from loyalty.domain.events import Event
from loyalty.domain.events import PointsExpired
from loyalty.domain.events import PointsExpiring
from loyalty.domain.rules import expiry
from loyalty.domain.rules.lots import Lot
from loyalty.domain.shop import Shop
from loyalty.ledger import lots
from loyalty.ledger.posting import Account
from loyalty.ledger.posting import Posting
from loyalty.ledger.unit_of_work import UnitOfWork
from loyalty.services.points import entry_columns


@attrs.frozen
class ExpiryReport:
    """What one run of ``loyalty expire`` did."""

    business_date: date
    expired_points: int
    expired_lots: int
    customers: list[int]
    reminders: list[PointsExpiring]


def expire_when_loaded(shop: Shop, uow: UnitOfWork) -> None:
    """Make the unit of work expire each customer's due lots as soon as it loads their balance."""
    today = shop.business_date(uow.recorded_at)
    events = uow.events  # not the unit of work: the posting must not hold itself in a cycle
    uow.posting.on_accounts_loaded = lambda posting, accounts: _expire_accounts(
        shop, posting, events, accounts, today)


def _expire_accounts(
    shop: Shop, posting: Posting, events: list[Event], accounts: list[Account], today: date
) -> None:
    if not lots.any_due(posting.connection, today):
        return  # nothing to look for among these customers' lots
    by_customer: dict[int, list[Lot]] = {}
    for item in lots.open_lots(posting.connection, [a.customer_id for a in accounts],
                               due_before=today):
        by_customer.setdefault(item.customer_id, []).append(item.lot)
    if not by_customer:
        return
    for account in accounts:
        for lot in expiry.due_for_expiry(by_customer.get(account.customer_id, ()), today):
            events.append(expire_lot(
                shop, posting, account, lot.lot_id, lot.remaining, today=today,
                reason=f"Points earned on {lot.earned_on} expired after {lot.expires_on}"))


def expire_lot(
    shop: Shop, posting: Posting, account: Account, lot_id: int, points: int, *, today: date,
    reason: str,
) -> PointsExpired:
    """Post the expiry of what is left of one lot; its key ``expire/<lot>`` makes it once only."""
    key = f"expire/{lot_id}"
    posting.debit_lot(
        account, lot_id, points, kind="expire", business_date=today,
        occurred_at=posting.recorded_at, source_type="expiry", source_id=str(lot_id),
        reason=reason, actor="system", **entry_columns(shop, key, PointsExpired),
    )
    return PointsExpired(
        occurred_at=posting.recorded_at, customer_id=account.customer_id, points=-points,
        balance=account.points, idempotency_key=key, business_date=today, reason=reason,
    )


def run_expiry(shop: Shop, uow: UnitOfWork) -> ExpiryReport:
    """Expire every due lot and send the reminders that are due; safe to run any number of times."""
    today = shop.business_date(uow.recorded_at)
    already = len(uow.events)
    # Loading the balances expires their due lots (see expire_when_loaded).
    uow.posting.load_accounts(lots.customers_with_due_lots(uow.connection, today))
    expired = [e for e in uow.events[already:] if isinstance(e, PointsExpired)]
    reminders = _remind(shop, uow, today)
    uow.events.extend(reminders)
    return ExpiryReport(
        business_date=today, expired_points=-sum(e.points for e in expired),
        expired_lots=len(expired), customers=sorted({e.customer_id for e in expired}),
        reminders=reminders,
    )


def _remind(shop: Shop, uow: UnitOfWork, today: date) -> list[PointsExpiring]:
    window = expiry.reminder_window(today, shop.settings.expiry.remind_days_before)
    if window is None:
        return []
    candidates = lots.unreminded_lots(uow.connection, *window)
    due = expiry.reminders_due(candidates, today, shop.settings.expiry.remind_days_before,
                               reminded=())
    if not due:
        return []
    uow.posting.load_accounts({r.customer_id for r in due})
    reminders = [
        PointsExpiring(
            occurred_at=uow.recorded_at, customer_id=r.customer_id, points=r.points,
            expires_on=r.expires_on, balance=uow.posting.account(r.customer_id).points,
            lot_ids=r.lot_ids,
        )
        for r in due
    ]
    remaining = {c.lot.lot_id: c.lot.remaining for c in candidates}
    lots.record_reminders(uow.connection, [
        {"lot_entry_id": lot_id, "customer_id": event.customer_id,
         "expires_on": event.expires_on, "points": remaining[lot_id],
         "reminded_at": uow.recorded_at, "event_id": event.event_id}
        for event in reminders for lot_id in event.lot_ids
    ])
    return reminders
