"""Report arithmetic: which ledger movements count as issued, redeemed, expired or reversed,
and how days roll up into weeks (starting Monday) and months.

Every entry falls in exactly one column, so for any range
``issued − redeemed − expired − reversed`` equals the net change of the balances, and over all
time it equals the points outstanding. A refund that gives points back (``reverse_redeem``)
lowers ``redeemed``; an admin's negative adjustment counts as ``reversed``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from datetime import timedelta
from decimal import Decimal

import attrs


PERIODS = ("day", "week", "month")


def period_start(day: date, period: str) -> date:
    """The first day of the day, week (Monday) or month ``day`` belongs to."""
    if period == "day":
        return day
    if period == "week":
        return day - timedelta(days=day.weekday())
    if period == "month":
        return day.replace(day=1)
    raise ValueError(f"unknown period {period!r}; use one of {', '.join(PERIODS)}")


@attrs.frozen
class Movement:
    """The sum of one kind of entry on one business day (split by sign for adjustments)."""

    business_date: date
    kind: str
    points: int


@attrs.frozen
class Flow:
    """Points moved in one period, each column as a non-negative count for credits and debits."""

    start: date
    issued: int = 0
    redeemed: int = 0
    expired: int = 0
    reversed: int = 0

    @property
    def net(self) -> int:
        return self.issued - self.redeemed - self.expired - self.reversed


def column_of(kind: str, points: int) -> tuple[str, int]:
    """The column an entry's points go to, and the amount to add to it."""
    if kind == "earn" or (kind == "adjust" and points > 0):
        return "issued", points
    if kind in ("redeem", "reverse_redeem"):
        return "redeemed", -points
    if kind == "expire":
        return "expired", -points
    return "reversed", -points  # reverse_earn and negative adjustments


def flows(movements: Iterable[Movement], period: str) -> list[Flow]:
    """Movements rolled up per period, oldest first; periods without movements are left out."""
    columns: dict[date, dict[str, int]] = {}
    for m in movements:
        column, amount = column_of(m.kind, m.points)
        bucket = columns.setdefault(period_start(m.business_date, period), {})
        bucket[column] = bucket.get(column, 0) + amount
    return [Flow(start, **values) for start, values in sorted(columns.items())]


def month_starts(first: date, last: date) -> list[date]:
    """The first day of every month from ``first``'s to ``last``'s, both included."""
    month, months = first.replace(day=1), []
    while month <= last:
        months.append(month)
        month = (month + timedelta(days=32)).replace(day=1)
    return months


def monthly_outstanding(
    movements: Iterable[Movement], since: date | None, until: date, opening: int = 0
) -> list[tuple[Flow, int]]:
    """Every month from ``since`` (default: the first movement) to ``until``, months without
    movements included, each with the points outstanding at its end. ``opening``: the points
    outstanding when ``since`` starts (movements before ``since`` are added to it too)."""
    movements = list(movements)
    if since is None:
        if not movements:
            return []
        since = min(m.business_date for m in movements)
    opening += sum(m.points for m in movements if m.business_date < since)
    moved = {f.start: f for f in flows((m for m in movements if m.business_date >= since),
                                       "month")}
    outstanding, rows = opening, []
    for month in month_starts(since, until):
        flow = moved.get(month, Flow(month))
        outstanding += flow.net
        rows.append((flow, outstanding))
    return rows


def total(items: Iterable[Flow], start: date) -> Flow:
    items = list(items)
    return Flow(start, *(sum(getattr(f, c) for f in items)
                         for c in ("issued", "redeemed", "expired", "reversed")))


def redemption_rate(issued: int, redeemed: int) -> Decimal | None:
    """Share of issued points that were redeemed, as a fraction with 4 places; None if none."""
    if issued <= 0:
        return None
    return (Decimal(redeemed) / Decimal(issued)).quantize(Decimal("0.0001"))


@attrs.frozen
class TopCustomer:
    customer_id: int
    name: str
    issued: int
    """Points issued to the customer in the report's range."""
    balance: int


@attrs.frozen
class ListedCustomer:
    """A customer still in the programme, with the balance and stars the report counts."""

    id: int
    name: str
    phone: str | None
    points: int
    stars: int
