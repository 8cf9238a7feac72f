"""A customer's points statement: the opening balance, each entry in a date range and the
closing balance, as the shop prints it. Pure: built from the customer's ledger entries."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import attrs
from babel.dates import format_date

from loyalty.domain.records import Entry


ENTRY_KINDS = {
    "earn": "Earned", "redeem": "Paid with points", "adjust": "Adjusted",
    "reverse_earn": "Refund", "reverse_redeem": "Points returned", "expire": "Expired",
    "draw": "Lucky draw", "tier_lowered": "Stars lowered",
}
"""What each kind of ledger entry is called on screen and on paper."""


def kind_title(kind: str) -> str:
    return ENTRY_KINDS.get(kind, kind.replace("_", " ").capitalize())


def format_day(day: date, locale: str) -> str:
    """``Nov 6, 2026`` as the shop's locale writes a date."""
    return format_date(day, "medium", locale=locale)


@attrs.frozen
class StatementLine:
    """One entry of the statement, with the balance after it."""

    day: date
    kind: str
    reason: str
    points: int
    balance: int
    document: str | None = None

    @property
    def description(self) -> str:
        """``Earned: 3-star bonus (R-00029)``: the kind, the reason and the receipt (the
        reason alone when it starts with the kind: ``Stars lowered from 4 to 2: ...``)."""
        title = kind_title(self.kind)
        text = self.reason if self.reason.startswith(title) else f"{title}: {self.reason}"
        return f"{text} ({self.document})" if self.document else text


@attrs.frozen
class Statement:
    """What a customer's points did from ``since`` to ``until``; amounts already formatted in
    the shop's currency and locale (the ``*_text`` fields) so every renderer prints the same."""

    shop_name: str
    customer_id: int
    customer_name: str
    phone: str | None
    since: date | None
    """None: from the customer's first entry."""
    until: date
    issued_on: date
    opening: int
    lines: list[StatementLine]
    closing: int
    closing_value_text: str
    """What the closing balance pays, in the shop's currency (``Rs 1,250.00``)."""
    locale: str

    @property
    def earned(self) -> int:
        return sum(line.points for line in self.lines if line.points > 0)

    @property
    def spent(self) -> int:
        return -sum(line.points for line in self.lines if line.points < 0)


def statement_lines(
    entries: Iterable[Entry], since: date | None, until: date
) -> tuple[int, list[StatementLine], int]:
    """The opening balance (entries before ``since``), the lines in range and the closing
    balance (at the end of ``until``); entries after ``until`` are left out."""
    ordered = sorted(entries, key=lambda e: (e.business_date, e.occurred_at, e.id))
    opening = sum(e.points for e in ordered if since is not None and e.business_date < since)
    balance = opening
    lines = []
    for e in ordered:
        if (since is not None and e.business_date < since) or e.business_date > until:
            continue
        balance += e.points
        lines.append(StatementLine(e.business_date, e.kind, e.reason or kind_title(e.kind),
                                   e.points, balance, e.source_id))
    return opening, lines, balance
