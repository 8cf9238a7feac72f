"""``loyalty membership refresh|show``: memberships reached by points."""

from __future__ import annotations

import click

from loyalty.cli.app import App
from loyalty.cli.app import cli
from loyalty.cli.output import emit
from loyalty.cli.output import json_option


@cli.group("membership")
def membership_group() -> None:
    """Memberships (Silver, Gold, Premium...) with a discount and an expiry date."""


@membership_group.command("refresh")
@json_option
@click.pass_obj
def membership_refresh(app: App, as_json: bool) -> None:
    """Grant the memberships customers' recent points reach (safe to run any time)."""
    granted = app.engine.refresh_memberships()

    def human() -> None:
        for event in granted:
            click.echo(f"Customer {event.customer_id} is now {event.level_name} until "
                       f"{event.expires_on}.")
        if not granted:
            click.echo("No new memberships.")

    emit(as_json, granted, human)


@membership_group.command("show")
@click.argument("customer_id", type=int)
@json_option
@click.pass_obj
def membership_show(app: App, customer_id: int, as_json: bool) -> None:
    """Show a customer's running membership and its discount."""
    found = app.engine.membership(customer_id)

    def human() -> None:
        if found is None:
            click.echo(f"Customer {customer_id} has no running membership.")
            return
        level = found.level
        scope = ", ".join([*level.categories, *level.products]) or "everything"
        click.echo(f"{level.name} until {found.held.expires_on}: {level.discount_percent}% off "
                   f"{scope}.")

    emit(as_json, found, human)
