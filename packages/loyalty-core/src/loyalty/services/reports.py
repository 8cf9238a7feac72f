"""The shop's reports, from SQL aggregates over the ledger: ``loyalty report``.

Sums are taken per business day and kind in the database (one GROUP BY, whatever the size of
the ledger); ``rules.reports`` rolls days into weeks or months. ``shop`` limits everything to the
entries and sales of one shop of a chain sharing the ledger.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from datetime import date
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING
from typing import TextIO

import attrs
import sqlalchemy as sa

from loyalty.domain.errors import LoyaltyError
from loyalty.ledger import schema
from loyalty.domain.rules import reports
from loyalty.domain.rules.tiers import render_stars

if TYPE_CHECKING:
    from loyalty.engine import Engine


@attrs.frozen
class TopCustomer:
    customer_id: int
    name: str
    issued: int
    """Points issued to the customer in the report's range."""
    balance: int


@attrs.frozen
class InactiveCustomer:
    customer_id: int
    name: str
    phone: str | None
    last_sale: date | None
    balance: int


@attrs.frozen
class Report:
    shop: str | None
    period: str
    since: date | None
    until: date
    flows: list[reports.Flow]
    totals: reports.Flow
    redemption_rate: Decimal | None
    outstanding: int
    """Points held by customers at the end of ``until``."""
    liability_minor: int
    """What the outstanding points are worth: the shop's liability."""
    liability_text: str
    customers: int
    active: int
    """Customers with a sale in the ``inactive_days`` up to ``until``."""
    inactive_days: int
    inactive: list[InactiveCustomer]
    by_tier: dict[str, int]
    """Customers per rating (``★★☆☆☆``), from no stars up."""
    top: list[TopCustomer]


def build_report(
    engine: Engine, *, period: str = "month", since: date | None = None,
    until: date | None = None, shop: str | None = None, inactive_days: int = 30, top: int = 10,
) -> Report:
    if period not in reports.PERIODS:
        raise LoyaltyError(f"Unknown period {period!r}.",
                           hint=f"Use one of {', '.join(reports.PERIODS)}.")
    until = until or engine.business_date(engine.clock())
    if since is not None and since > until:
        raise LoyaltyError(f"The report starts on {since}, after its end {until}.",
                           hint="Give --from before --to.")

    def work(conn: sa.Connection) -> Report:
        flows = reports.flows(_movements(conn, shop, since, until), period)
        totals = reports.total(flows, since or (flows[0].start if flows else until))
        outstanding = sum(m.points for m in _movements(conn, shop, None, until))
        liability = engine.value_of(outstanding)
        listed = _customers(conn, shop)
        last_sales = _last_sales(conn, shop, until)
        cutoff = until - timedelta(days=inactive_days)
        inactive = [
            InactiveCustomer(c.id, c.name, c.phone, last_sales.get(c.id), c.points)
            for c in listed if (last_sales.get(c.id) or date.min) <= cutoff
        ]
        tiers: dict[int, int] = {}
        for c in listed:
            tiers[c.stars] = tiers.get(c.stars, 0) + 1
        return Report(
            shop=shop, period=period, since=since, until=until, flows=flows, totals=totals,
            redemption_rate=reports.redemption_rate(totals.issued, totals.redeemed),
            outstanding=outstanding, liability_minor=liability,
            liability_text=engine.format_money(liability), customers=len(listed),
            active=len(listed) - len(inactive), inactive_days=inactive_days, inactive=inactive,
            by_tier={render_stars(s, engine.max_stars): tiers.get(s, 0)
                     for s in range(engine.max_stars + 1)},
            top=_top(conn, shop, since, until, top),
        )

    return engine.read(work)


def _entry_filter(shop: str | None, since: date | None, until: date) -> list:
    e = schema.ledger_entries
    where = [e.c.business_date <= until]
    if since is not None:
        where.append(e.c.business_date >= since)
    if shop is not None:
        where.append(e.c.shop_id == shop)
    return where


def _movements(
    conn: sa.Connection, shop: str | None, since: date | None, until: date
) -> list[reports.Movement]:
    e = schema.ledger_entries
    positive = (e.c.points > 0).label("positive")
    query = (
        sa.select(e.c.business_date, e.c.kind, positive, sa.func.sum(e.c.points))
        .where(*_entry_filter(shop, since, until))
        .group_by(e.c.business_date, e.c.kind, positive)
    )
    return [reports.Movement(day, kind, int(points))
            for day, kind, _, points in conn.execute(query)]


@attrs.frozen
class _Listed:
    id: int
    name: str
    phone: str | None
    points: int
    stars: int


def _customers(conn: sa.Connection, shop: str | None) -> list[_Listed]:
    c, b = schema.customers, schema.balances
    query = (sa.select(c.c.id, c.c.name, c.c.phone, b.c.points, b.c.stars)
             .join(b, b.c.customer_id == c.c.id).where(c.c.removed_at.is_(None))
             .order_by(c.c.id))
    if shop is not None:
        query = query.where(c.c.shop_id == shop)
    return [_Listed(*row) for row in conn.execute(query)]


def _last_sales(conn: sa.Connection, shop: str | None, until: date) -> dict[int, date]:
    s = schema.sales
    query = (sa.select(s.c.customer_id, sa.func.max(s.c.business_date))
             .where(s.c.business_date <= until).group_by(s.c.customer_id))
    if shop is not None:
        query = query.where(s.c.shop_id == shop)
    return dict(conn.execute(query).all())


def _top(conn: sa.Connection, shop: str | None, since: date | None, until: date,
         limit: int) -> list[TopCustomer]:
    e, c, b = schema.ledger_entries, schema.customers, schema.balances
    issued = sa.func.sum(e.c.points).label("issued")
    query = (
        sa.select(e.c.customer_id, c.c.name, issued, b.c.points)
        .join(c, c.c.id == e.c.customer_id).join(b, b.c.customer_id == e.c.customer_id)
        .where(*_entry_filter(shop, since, until), e.c.kind == "earn")
        .group_by(e.c.customer_id, c.c.name, b.c.points)
        .order_by(issued.desc(), e.c.customer_id).limit(limit)
    )
    return [TopCustomer(cid, name, int(points), balance)
            for cid, name, points, balance in conn.execute(query)]


# ---- Exports --------------------------------------------------------------------------------

FLOW_COLUMNS = ("period_start", "issued", "redeemed", "expired", "reversed", "net")


def write_flows_csv(report: Report, out: TextIO) -> None:
    """Points issued, redeemed, expired and reversed per period, one row each."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(FLOW_COLUMNS)
    writer.writerows(flows_as_rows(report.flows))


def write_inactive_csv(report: Report, out: TextIO) -> None:
    """Customers without a sale in the last ``inactive_days``: the list for a campaign."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("customer_id", "name", "phone", "last_sale", "points"))
    for c in report.inactive:
        writer.writerow((c.customer_id, c.name, c.phone or "",
                         c.last_sale.isoformat() if c.last_sale else "", c.balance))


def write_chart(report: Report, path: Path) -> None:
    """A PNG of points issued and redeemed per period (needs ``loyalty-core[charts]``)."""
    try:
        import matplotlib
    except ImportError:
        raise LoyaltyError(
            "Drawing a chart needs matplotlib, which is not installed.",
            hint="Install it with: pip install 'loyalty-core[charts]'.",
        ) from None
    matplotlib.use("Agg")
    from matplotlib import pyplot

    starts = [f.start for f in report.flows]
    figure, axes = pyplot.subplots(figsize=(9, 4.5), dpi=100)
    try:
        axes.plot(starts, [f.issued for f in report.flows], marker="o", label="Issued")
        axes.plot(starts, [f.redeemed for f in report.flows], marker="o", label="Redeemed")
        axes.set_title(f"Points issued vs redeemed, by {report.period}"
                       + (f" (shop {report.shop})" if report.shop else ""))
        axes.set_ylabel("Points")
        axes.legend()
        axes.grid(alpha=0.3)
        figure.autofmt_xdate()
        figure.tight_layout()
        figure.savefig(path, format="png")
    finally:
        pyplot.close(figure)


def flows_as_rows(items: Iterable[reports.Flow]) -> list[tuple]:
    return [(f.start.isoformat(), f.issued, f.redeemed, f.expired, f.reversed, f.net)
            for f in items]
