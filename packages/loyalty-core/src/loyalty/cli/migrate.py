"""``loyalty migrate --to URL``: move the whole ledger to another database (SQLite → PostgreSQL)."""

from __future__ import annotations

import click
from rich.console import Console
from rich.progress import BarColumn
from rich.progress import MofNCompleteColumn
from rich.progress import Progress
from rich.progress import TextColumn
from rich.progress import TimeRemainingColumn

from loyalty.cli.app import App
from loyalty.cli.app import cli
from loyalty.cli.output import emit
from loyalty.cli.output import json_option
from loyalty.cli.output import print_table
from loyalty.domain.errors import LoyaltyError
from loyalty.ledger.copy import BATCH_ROWS
from loyalty.ledger.copy import copy_ledger
from loyalty.ledger.copy import row_counts
from loyalty.ledger.database import create_database_engine
from loyalty.ledger.database import migrate
from loyalty.ledger.database import translate_errors


@cli.command("migrate")
@click.option("--to", "target_url", required=True, metavar="URL",
              help="The new, empty ledger: postgresql+psycopg://USER@HOST/DB or a file path.")
@click.option("--batch-rows", type=click.IntRange(1, 100_000), default=BATCH_ROWS,
              show_default=True, help="Rows read and written per batch.")
@json_option
@click.pass_obj
def migrate_command(app: App, target_url: str, batch_rows: int, as_json: bool) -> None:
    """Copy the whole ledger (customers, sales, entries, lots, cursors) into an empty one.

    Ids are kept, and the copy is checked row by row count and balance by balance. Stop every
    till's sync first; afterwards point the tills at the new ledger with --ledger or
    LOYALTY_LEDGER. The source ledger is left as it was.
    """
    source = app.engine.db
    target = create_database_engine(target_url)
    where = target.url.render_as_string(hide_password=True)
    try:
        if target.url == source.url:
            raise LoyaltyError(f"The ledger {where} cannot be copied into itself.",
                               hint="Give --to a new, empty database.")
        with translate_errors(target):
            migrate(target)
            with source.connect() as conn:
                total = sum(row_counts(conn).values())
            with _progress(quiet=as_json) as bar:
                task = bar.add_task("copying", total=total)

                def advance(table: str, rows: int) -> None:
                    bar.update(task, advance=rows, description=table)

                report = copy_ledger(source, target, batch_rows=batch_rows, progress=advance)
    finally:
        target.dispose()
    emit(as_json, {"target": where, "rows": report.rows,
                   "customers_checked": report.customers_checked},
         lambda: _print_report(where, report.rows, report.customers_checked))


def _progress(*, quiet: bool) -> Progress:
    return Progress(
        TextColumn("{task.description:<16}"), BarColumn(), MofNCompleteColumn(),
        TimeRemainingColumn(), console=Console(stderr=True), transient=True, disable=quiet,
    )


def _print_report(where: str, rows: dict[str, int], checked: int) -> None:
    click.echo(f"Copied the ledger into {where}:")
    print_table(None, ["Table", ("Rows", "right")], list(rows.items()))
    click.echo(f"Checked: the same rows in every table and the same balance for {checked} "
               "customers.")
    click.echo(f"Next: point every till at it, e.g. LOYALTY_LEDGER='{where}'.")

