"""The shop's reports, from SQL aggregates over the ledger: ``loyalty report``.

Sums are taken per business day and kind in the database (one GROUP BY, whatever the size of
the ledger, see ``ledger.reports``); ``rules.reports`` rolls days into weeks or months.
``shop_id`` limits everything to the entries and sales of one shop of a chain sharing the
ledger.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any
from typing import TextIO

import attrs
import sqlalchemy as sa

from loyalty.domain.errors import LoyaltyError
from loyalty.domain.money import Currency
from loyalty.domain.money import to_major
from loyalty.domain.records import DrawRecord
from loyalty.domain.rules import reports
from loyalty.domain.rules.audiences import is_inactive
from loyalty.domain.rules.reports import TopCustomer
from loyalty.domain.rules.tiers import render_stars
from loyalty.domain.shop import Shop
from loyalty.ledger import reports as report_rows


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


@attrs.frozen
class MonthFigures:
    """Points moved in one month and what was outstanding at its end: a row of the chart."""

    month: date
    """The month's first day."""
    issued: int
    redeemed: int
    expired: int
    reversed: int
    outstanding: int
    """Points held by customers at the end of the month."""
    liability_minor: int
    """What the outstanding points are worth, in minor units."""
    liability_text: str


def _check_range(period: str, since: date | None, until: date) -> None:
    """Refuse an unknown period or a range that ends before it starts."""
    if period not in reports.PERIODS:
        raise LoyaltyError(f"Unknown period {period!r}.",
                           hint=f"Use one of {', '.join(reports.PERIODS)}.")
    if since is not None and since > until:
        raise LoyaltyError(f"The report starts on {since}, after its end {until}.",
                           hint="Give --from before --to.")


def build_report(
    shop: Shop, conn: sa.Connection, *, period: str = "month", since: date | None = None,
    until: date | None = None, shop_id: str | None = None, inactive_days: int = 30,
    top: int = 10,
) -> Report:
    """The report of ``shop_id`` (or of every shop) from ``since`` to ``until`` (today)."""
    until = until or shop.today()
    _check_range(period, since, until)
    flows = reports.flows(report_rows.movements(conn, shop_id, since, until), period)
    totals = reports.total(flows, since or (flows[0].start if flows else until))
    outstanding = sum(m.points for m in report_rows.movements(conn, shop_id, None, until))
    liability = shop.value_of(outstanding)
    listed = report_rows.listed_customers(conn, shop_id)
    last_sales = report_rows.last_sales(conn, shop_id, until)
    inactive = [
        InactiveCustomer(c.id, c.name, c.phone, last_sales.get(c.id), c.points)
        for c in listed if is_inactive(last_sales.get(c.id), until, inactive_days)
    ]
    tiers: dict[int, int] = {}
    for c in listed:
        tiers[c.stars] = tiers.get(c.stars, 0) + 1
    return Report(
        shop=shop_id, period=period, since=since, until=until, flows=flows, totals=totals,
        redemption_rate=reports.redemption_rate(totals.issued, totals.redeemed),
        outstanding=outstanding, liability_minor=liability,
        liability_text=shop.format_money(liability), customers=len(listed),
        active=len(listed) - len(inactive), inactive_days=inactive_days, inactive=inactive,
        by_tier={render_stars(s, shop.max_stars): tiers.get(s, 0)
                 for s in range(shop.max_stars + 1)},
        top=report_rows.top_earners(conn, shop_id, since, until, top),
    )


def monthly_figures(
    shop: Shop, conn: sa.Connection, *, since: date | None = None, until: date | None = None,
    shop_id: str | None = None,
) -> list[MonthFigures]:
    """Every month from ``since`` (default: the first entry) to ``until`` (today), empty months
    included, with points issued, redeemed, expired, reversed and outstanding at its end."""
    until = until or shop.today()
    _check_range("month", since, until)
    if since is None:  # from the first entry: every movement, nothing before
        rows = reports.monthly_outstanding(
            report_rows.movements(conn, shop_id, None, until), None, until)
    else:  # the range grouped, and one sum for what was held before it
        rows = reports.monthly_outstanding(
            report_rows.movements(conn, shop_id, since, until), since, until,
            opening=report_rows.points_before(conn, shop_id, since))
    return [MonthFigures(f.start, f.issued, f.redeemed, f.expired, f.reversed, outstanding,
                         shop.value_of(outstanding), shop.format_money(shop.value_of(outstanding)))
            for f, outstanding in rows]


# ---- Exports --------------------------------------------------------------------------------

FLOW_COLUMNS = ("period_start", "issued", "redeemed", "expired", "reversed", "net")


def write_flows_csv(report: Report, out: TextIO) -> None:
    """Points issued, redeemed, expired and reversed per period, one row each."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(FLOW_COLUMNS)
    writer.writerows(flows_as_rows(report.flows))


MONTH_COLUMNS = ("month", "issued", "redeemed", "expired", "reversed", "outstanding",
                 "liability")


def write_monthly_csv(months: Iterable[MonthFigures], currency: Currency, out: TextIO) -> None:
    """The monthly figures, one row a month; the liability as a plain decimal amount."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(MONTH_COLUMNS)
    for m in months:
        writer.writerow((m.month.strftime("%Y-%m"), m.issued, m.redeemed, m.expired,
                         m.reversed, m.outstanding, to_major(m.liability_minor, currency)))


DRAW_COLUMNS = ("slot", "scheduled_for", "drawn_at", "late", "seed", "eligible",
                "winner_customer_id", "prize_points")


def write_draws_csv(draws: Iterable[DrawRecord], out: TextIO) -> None:
    """The lucky draw history with each draw's seed, so anyone can re-check it."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(DRAW_COLUMNS)
    for d in draws:
        writer.writerow((d.slot, d.scheduled_for.isoformat(), d.drawn_at.isoformat(),
                         "yes" if d.late else "no", d.seed, len(d.eligible),
                         "" if d.winner_customer_id is None else d.winner_customer_id,
                         d.prize_points))


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

    starts: list[Any] = [f.start for f in report.flows]  # matplotlib plots dates; stubs say no
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
