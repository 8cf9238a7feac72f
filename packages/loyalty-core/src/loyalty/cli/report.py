"""``loyalty report``: points issued, redeemed, expired and outstanding; customers; CSV, chart."""

from __future__ import annotations

from datetime import date
from datetime import datetime
from pathlib import Path

import click

from loyalty.cli.app import App
from loyalty.cli.app import cli
from loyalty.cli.output import emit
from loyalty.cli.output import json_option
from loyalty.cli.output import print_table
from loyalty.domain.errors import LoyaltyError
from loyalty.domain.rules.reports import PERIODS


def day_option(ctx: click.Context, param: click.Parameter, value: datetime | None) -> date | None:
    return value.date() if value is not None else None


@cli.command("report")
@click.option("--period", type=click.Choice(PERIODS), default="month", show_default=True,
              help="Roll the figures up by day, week (from Monday) or month.")
@click.option("--from", "since", type=click.DateTime(["%Y-%m-%d"]), callback=day_option,
              help="First business day (YYYY-MM-DD); default: the first entry.")
@click.option("--to", "until", type=click.DateTime(["%Y-%m-%d"]), callback=day_option,
              help="Last business day (YYYY-MM-DD); default: today.")
@click.option("--shop", default=None, help="Only this shop of a chain (its shop id).")
@click.option("--inactive-days", type=click.IntRange(min=1), default=30, show_default=True,
              help="A customer without a sale for this many days is inactive.")
@click.option("--top", type=click.IntRange(min=1), default=10, show_default=True,
              help="How many top customers to list.")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the figures per period to this CSV file.")
@click.option("--inactive-csv", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the inactive customers to this CSV file (for a campaign).")
@click.option("--chart", type=click.Path(dir_okay=False, path_type=Path),
              help="Also draw points issued vs redeemed to this PNG file.")
@json_option
@click.pass_obj
def report_command(app: App, period: str, since: date | None, until: date | None,
                   shop: str | None, inactive_days: int, top: int, csv_path: Path | None,
                   inactive_csv: Path | None, chart: Path | None, as_json: bool) -> None:
    """Points issued, redeemed, expired and outstanding (the liability), and the customers."""
    from loyalty.services import reports as reporting

    report = app.engine.report(period=period, since=since, until=until, shop=shop,
                               inactive_days=inactive_days, top=top)
    if chart is not None:
        try:
            reporting.write_chart(report, chart)
        except OSError as exc:
            raise LoyaltyError(f"Cannot write {chart}: {exc.strerror or exc}.",
                               hint="Choose a file in a folder that exists and that you "
                               "can write to.") from None
    for path, write in ((csv_path, reporting.write_flows_csv),
                        (inactive_csv, reporting.write_inactive_csv)):
        if path is not None:
            try:
                with path.open("w", encoding="utf-8-sig", newline="") as out:  # BOM: for Excel
                    write(report, out)
            except OSError as exc:
                raise LoyaltyError(f"Cannot write {path}: {exc.strerror or exc}.",
                                   hint="Choose a file in a folder that exists and that you "
                                   "can write to.") from None

    def human() -> None:
        t = report.totals
        rate = f"{report.redemption_rate:.1%}" if report.redemption_rate is not None else "n/a"
        points = app.engine.points_text
        click.echo(f"Issued {t.issued:,}, redeemed {t.redeemed:,} ({rate}), expired "
                   f"{t.expired:,}, reversed {points(t.reversed)}.")
        click.echo(f"Outstanding on {report.until}: {points(report.outstanding)}, a liability "
                   f"of {report.liability_text}.")
        click.echo(f"Customers: {report.customers}; active in the last {report.inactive_days} "
                   f"days: {report.active}; inactive: {len(report.inactive)}.")
        print_table(f"By {report.period}", ["Period", ("Issued", "right"),
                    ("Redeemed", "right"), ("Expired", "right"), ("Reversed", "right"),
                    ("Net", "right")], reporting.flows_as_rows(report.flows),
                    empty="No points moved in this range.")
        print_table("Customers by rating", ["Rating", ("Customers", "right")],
                    list(report.by_tier.items()))
        print_table("Top customers", [("ID", "right"), "Name", ("Points earned", "right"),
                    ("Balance", "right")],
                    [(c.customer_id, c.name, c.issued, c.balance) for c in report.top],
                    empty="No points earned in this range.")

    emit(as_json, report, human)
