"""Which lots of points a debit consumes, and when a lot expires.

Every credit to a balance is a lot with points remaining; every debit (redemption, expiry,
refund, negative adjustment) is allocated to lots. Lots are consumed soonest-expiring first,
then oldest first; lots that never expire go last. A debit tied to a sale (a refund) takes
from that sale's own lots first.
"""

from __future__ import annotations

import calendar
from collections.abc import Collection
from collections.abc import Sequence
from datetime import date
from datetime import timedelta

import attrs

from loyalty.domain.settings import ExpirySettings


@attrs.frozen
class Lot:
    lot_id: int
    remaining: int
    expires_on: date | None
    earned_on: date


def consumption_order(lot: Lot) -> tuple[bool, date, date, int]:
    return (lot.expires_on is None, lot.expires_on or date.max, lot.earned_on, lot.lot_id)


def allocate(
    lots: Sequence[Lot], points: int, *, prefer: Collection[int] = ()
) -> list[tuple[int, int]]:
    """``(lot_id, points)`` pairs that together take ``points`` from ``lots``.

    Takes from the lots in ``prefer`` first, then in consumption order. Raises ``ValueError``
    when the lots hold fewer points than asked: callers check the balance first.
    """
    ordered = sorted(lots, key=lambda lot: (lot.lot_id not in prefer, *consumption_order(lot)))
    allocations = []
    left = points
    for lot in ordered:
        if left == 0:
            break
        take = min(lot.remaining, left)
        if take > 0:
            allocations.append((lot.lot_id, take))
            left -= take
    if left:
        raise ValueError(f"lots hold {points - left} points, {points} asked")
    return allocations


def expiry_date(earned_on: date, policy: ExpirySettings) -> date | None:
    """The last business day on which a lot earned on ``earned_on`` can still be spent."""
    if policy.mode == "never":
        return None
    if policy.mode == "days":
        return earned_on + timedelta(days=policy.days)
    if policy.mode == "end_of_month":
        return earned_on.replace(day=calendar.monthrange(earned_on.year, earned_on.month)[1])
    if policy.mode == "end_of_year":
        return earned_on.replace(month=12, day=31)
    raise ValueError(f"unknown expiry mode {policy.mode!r}")
