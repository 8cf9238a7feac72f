"""``loyalty expire``: expire due points and queue the reminders that are due."""

from __future__ import annotations

import click

from loyalty.cli.app import App
from loyalty.cli.app import cli
from loyalty.cli.output import emit
from loyalty.cli.output import json_option


@cli.command("expire")
@json_option
@click.pass_obj
def expire_command(app: App, as_json: bool) -> None:
    """Expire points past their date and remind customers whose points expire soon.

    Safe to run any number of times a day: what was expired or reminded is never repeated.
    """

    report = app.engine.expire()

    def human() -> None:
        click.echo(f"{report.business_date}: {app.engine.points_text(report.expired_points)} "
                   "expired in "
                   f"{report.expired_lots} lots of {len(report.customers)} customers; "
                   f"{len(report.reminders)} reminders due, queued for the customers who "
                   "take messages.")

    emit(as_json, report, human)
