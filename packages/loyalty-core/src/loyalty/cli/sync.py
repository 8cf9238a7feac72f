"""``loyalty sync`` (once, with a progress bar) and ``loyalty watch`` (follow the POS)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import click
from rich.progress import BarColumn
from rich.progress import MofNCompleteColumn
from rich.progress import Progress
from rich.progress import TextColumn
from rich.progress import TimeRemainingColumn

from loyalty.cli.app import App
from loyalty.cli.app import cli
from loyalty.cli.output import console
from loyalty.cli.output import emit
from loyalty.cli.output import json_option
from loyalty.cli.output import to_plain
from loyalty.domain.errors import LoyaltyError
from loyalty.domain.pos import PosBatch
from loyalty.services.sync import DEFAULT_BATCH_SIZE
from loyalty.services.sync import SyncReport
from loyalty.services.sync import cursor_name


pos_db_option = click.option(
    "--pos-db", type=click.Path(path_type=Path), default=None, metavar="PATH",
    help="The POS database file (Aronium's pos.db); overrides pos.database.",
)


def report_data(report: SyncReport) -> dict[str, Any]:
    return to_plain(report)


def summary(report: SyncReport) -> str:
    text = (f"Read {report.documents_read} documents: {report.sales_recorded} sales and "
            f"{report.refunds_recorded} refunds recorded, {report.sales_revised} revised, "
            f"{report.points_awarded} points awarded, {report.points_reversed} taken back")
    if report.sales_deleted:
        text += f"; {report.sales_deleted} sales deleted in the POS taken back"
    if report.customers_imported:
        text += f"; {report.customers_imported} customers imported or updated"
    return text + "."


def print_report(report: SyncReport) -> None:
    click.echo(summary(report))
    if report.skipped_count:
        click.echo(f"Skipped {report.skipped_count} documents:")
        for reason, count in sorted(report.skipped_by_reason.items(), key=lambda r: -r[1]):
            click.echo(f"  {count:>8}  {reason}")


@cli.command("sync")
@pos_db_option
@click.option("--batch-size", type=click.IntRange(min=1), default=DEFAULT_BATCH_SIZE,
              show_default=True,
              help="Documents recorded per ledger transaction.")
@json_option
@click.pass_obj
def sync_command(app: App, pos_db: Path | None, batch_size: int, as_json: bool) -> None:
    """Read new sales and refunds from the POS once and award their points."""
    engine = app.engine
    adapter = engine.open_pos(pos_db)
    try:
        if as_json:
            report = engine.sync(adapter, batch_size=batch_size)
        else:
            total = adapter.remaining(engine.cursor(cursor_name(engine.shop, adapter)))
            columns = (TextColumn("Syncing {task.description}"), BarColumn(),
                       MofNCompleteColumn(), TimeRemainingColumn())
            with Progress(*columns, console=console(), transient=True) as bar:
                task = bar.add_task(adapter.name, total=total)

                def advance(_: SyncReport, batch: PosBatch) -> None:
                    bar.advance(task, batch.documents_read)

                report = engine.sync(adapter, batch_size=batch_size, progress=advance)
    finally:
        adapter.close()
    emit(as_json, report_data(report), lambda: print_report(report))


@cli.command("watch")
@pos_db_option
@click.option("--interval", type=click.FloatRange(min=0.05), default=1.0, show_default=True,
              help="Seconds between looks at the POS database.")
@click.pass_obj
def watch_command(app: App, pos_db: Path | None, interval: float) -> None:
    """Follow the POS and award points as sales happen; stop with Ctrl+C."""
    engine = app.engine
    adapter = engine.open_pos(pos_db)
    stop = threading.Event()

    def problem(error: LoyaltyError) -> None:
        click.echo(f"warning: {error} (trying again)", err=True)

    click.echo(f"Watching {adapter.name} every {interval:g} s; press Ctrl+C to stop.")
    try:
        engine.watch(adapter, interval=interval, stop_event=stop,
                     on_report=lambda r: click.echo(summary(r)), on_error=problem)
    except KeyboardInterrupt:
        stop.set()
    finally:
        adapter.close()
