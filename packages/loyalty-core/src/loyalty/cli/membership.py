"""``loyalty membership refresh|show|grant``: memberships reached by points or granted by hand."""

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
        click.echo(found.describe())
        if found.reason is not None:
            click.echo(f"Granted by {found.granted_by}: {found.reason}.")

    emit(as_json, found, human)


@membership_group.command("grant")
@click.argument("customer_id", type=int)
@click.argument("level")
@click.option("--reason", required=True, help="Why (staff, a VIP); kept with the membership.")
@json_option
@click.pass_obj
def membership_grant(app: App, customer_id: int, level: str, reason: str, as_json: bool) -> None:
    """Grant LEVEL (its id or name) to a customer by hand, from today for the level's length."""
    event = app.engine.grant_membership(customer_id, level, reason=reason, actor="cli")
    emit(as_json, event, lambda: click.echo(
        f"Customer {customer_id} is now {event.level_name} until {event.expires_on} "
        f"({event.reason})."))
