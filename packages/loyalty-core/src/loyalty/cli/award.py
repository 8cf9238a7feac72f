"""``loyalty award CUSTOMER_ID ACTION``: points for registering, referring, a birthday..."""

from __future__ import annotations

import click

from loyalty.cli.app import App
from loyalty.cli.app import cli
from loyalty.cli.output import emit
from loyalty.cli.output import json_option
from loyalty.domain.rules.campaigns import ACTIONS


@cli.command("award")
@click.argument("customer_id", type=int)
@click.argument("action", type=click.Choice(ACTIONS))
@click.option("--referred", type=int, default=None,
              help="For a referral: the new customer who was referred (both get points).")
@click.option("--ref", default=None,
              help="For a review or an appointment: its id, so it is awarded once.")
@json_option
@click.pass_obj
def award_command(app: App, customer_id: int, action: str, referred: int | None,
                  ref: str | None, as_json: bool) -> None:
    """Give the points set in campaigns.actions for ACTION; never twice for one occasion."""
    outcome = app.engine.award(customer_id, action, referred=referred, ref=ref)

    def human() -> None:
        for event in outcome.awarded:
            click.echo(f"Customer {event.customer_id}: "
                       f"{app.engine.points_text(event.points, signed=True)} ({event.reason}); "
                       f"balance {event.balance:,}.")
        if outcome.already:
            click.echo(f"Already awarded before, not again: {', '.join(outcome.already)}.")

    emit(as_json, outcome, human)
