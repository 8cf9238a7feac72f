"""``loyalty statement``: a customer's points statement, on screen or as a PDF."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from loyalty.cli.app import App
from loyalty.cli.app import cli
from loyalty.cli.output import emit
from loyalty.cli.output import json_option
from loyalty.cli.output import print_table
from loyalty.cli.report import day_option
from loyalty.domain.errors import LoyaltyError


@cli.command("statement")
@click.argument("customer_id", type=int)
@click.option("--from", "since", type=click.DateTime(["%Y-%m-%d"]), callback=day_option,
              help="First business day (YYYY-MM-DD); default: the customer's first entry.")
@click.option("--to", "until", type=click.DateTime(["%Y-%m-%d"]), callback=day_option,
              help="Last business day (YYYY-MM-DD); default: today.")
@click.option("--pdf", "pdf_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Also save it as this PDF file (needs loyalty-core[pdf]).")
@json_option
@click.pass_obj
def statement_command(app: App, customer_id: int, since: date | None, until: date | None,
                      pdf_path: Path | None, as_json: bool) -> None:
    """A customer's points statement: opening balance, each entry, closing balance."""
    statement = app.engine.statement(customer_id, since=since, until=until)
    if pdf_path is not None:
        from loyalty.services.statement_pdf import write_statement_pdf

        try:
            for problem in write_statement_pdf(statement, pdf_path):
                click.echo(problem, err=True)
        except OSError as exc:
            raise LoyaltyError(f"Cannot write {pdf_path}: {exc.strerror or exc}.",
                               hint="Choose a file in a folder that exists and that you "
                               "can write to.") from None

    def human() -> None:
        click.echo(f"{statement.shop_name}: points statement of {statement.customer_name} "
                   f"(ID {statement.customer_id}), to {statement.until}.")
        rows = [("", "Opening balance", "", statement.opening)]
        rows += [(line.day.isoformat(), line.description, f"{line.points:+,}", line.balance)
                 for line in statement.lines]
        rows.append(("", "Closing balance", "", statement.closing))
        print_table("Statement", ["Date", "Reason", ("Points", "right"), ("Balance", "right")],
                    rows)
        click.echo(f"Closing balance {app.engine.points_text(statement.closing)}, worth "
                   f"{statement.closing_value_text}.")
        if pdf_path is not None:
            click.echo(f"Saved {pdf_path}.")

    emit(as_json, statement, human)
