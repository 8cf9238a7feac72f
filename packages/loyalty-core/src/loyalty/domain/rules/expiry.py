"""Which lots have expired and which deserve a reminder, as of the shop's business date.

A lot's ``expires_on`` is the last business day it can be spent (``rules.lots.expiry_date``),
so it has expired once the shop's *local* date is past it: never by the UTC date, which would
expire points in Colombo at 05:30 in the morning (anchors 3.7). Expired lots are debited whole,
soonest-expiring first, by explicit ``expire`` entries.
"""

from __future__ import annotations

from collections.abc import Collection
from collections.abc import Iterable
from datetime import date
from datetime import timedelta

import attrs

from loyalty.domain.rules.lots import Lot
from loyalty.domain.rules.lots import consumption_order


@attrs.frozen
class CustomerLot:
    """A lot with the customer who holds it."""

    customer_id: int
    lot: Lot


@attrs.frozen
class Reminder:
    """Points of one customer that expire on one day, and the lots they are in."""

    customer_id: int
    expires_on: date
    points: int
    lot_ids: tuple[int, ...]


def is_expired(expires_on: date | None, today: date) -> bool:
    return expires_on is not None and expires_on < today


def due_for_expiry(lots: Iterable[Lot], today: date) -> list[Lot]:
    """Lots with points left whose last day has passed, in the order they are debited."""
    return sorted(
        (lot for lot in lots if lot.remaining > 0 and is_expired(lot.expires_on, today)),
        key=consumption_order,
    )


def reminder_window(today: date, days_before: int) -> tuple[date, date] | None:
    """The expiry dates a reminder run warns about; None when reminders are off (0 days)."""
    if days_before <= 0:
        return None
    return today, today + timedelta(days=days_before)


def reminders_due(
    lots: Iterable[CustomerLot], today: date, days_before: int, reminded: Collection[int]
) -> list[Reminder]:
    """One reminder per customer and expiry date for lots expiring within ``days_before``
    days that nobody was reminded of yet (``reminded`` holds their lot ids)."""
    window = reminder_window(today, days_before)
    if window is None:
        return []
    grouped: dict[tuple[int, date], list[Lot]] = {}
    for item in lots:
        lot = item.lot
        if lot.remaining <= 0 or lot.expires_on is None or lot.lot_id in reminded:
            continue
        if window[0] <= lot.expires_on <= window[1]:
            grouped.setdefault((item.customer_id, lot.expires_on), []).append(lot)
    return [
        Reminder(customer_id, expires_on, sum(lot.remaining for lot in group),
                 tuple(sorted(lot.lot_id for lot in group)))
        for (customer_id, expires_on), group in sorted(grouped.items())
    ]


def next_expiries(lots: Iterable[Lot], today: date, *, limit: int = 3) -> list[tuple[date, int]]:
    """The next ``limit`` expiry dates of a customer's spendable points, with the points each:
    every batch, not just the earliest one."""
    totals: dict[date, int] = {}
    for lot in lots:
        if lot.remaining > 0 and lot.expires_on is not None and lot.expires_on >= today:
            totals[lot.expires_on] = totals.get(lot.expires_on, 0) + lot.remaining
    return sorted(totals.items())[:limit]
