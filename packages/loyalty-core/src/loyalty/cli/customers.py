"""``loyalty customers`` and ``loyalty customer add|show|set|remove``."""

from __future__ import annotations

from datetime import date
from typing import Any

import click

from loyalty.cli.app import App
from loyalty.cli.app import cli
from loyalty.cli.output import emit
from loyalty.cli.output import json_option
from loyalty.cli.output import print_table
from loyalty.cli.output import printable
from loyalty.domain.errors import LoyaltyError
from loyalty.engine import AccountView


def account_row(view: AccountView) -> dict[str, Any]:
    """The JSON shape of a customer with their points, shared by every command that lists them."""
    c = view.customer
    return {
        "id": c.id, "name": c.name, "phone": c.phone, "platform": c.platform,
        "points": view.points, "value": view.value_text, "value_minor": view.value_minor,
        "stars": view.stars, "rating": view.rating, "lifetime_earned": view.lifetime_earned,
        "origin": c.origin, "external_id": c.external_id,
        "birthday": c.birthday.isoformat() if c.birthday else None,
    }


def parse_birthday(text: str) -> date | None:
    """``--birthday``: a date as YYYY-MM-DD, or ``none`` to forget it."""
    if text.strip().lower() in ("", "none"):
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise LoyaltyError(f"The birthday {printable(text)!r} is not a date.",
                           hint="Give it as YYYY-MM-DD, e.g. --birthday 1990-05-17.") from None


BIRTHDAY_HELP = "YYYY-MM-DD: birthday points fall on its day (Feb 29 on Feb 28 in other years)."


def print_accounts(views: list[AccountView], title: str | None = None) -> None:
    print_table(
        title,
        [("ID", "right"), "Customer Name", ("Points", "right"), ("Value", "right"), "Rating",
         "Platform"],
        [(v.customer.id, v.customer.name, f"{v.points} points", v.value_text, v.rating,
          v.customer.platform) for v in views],
        empty="No customers match.",
    )


@cli.command("customers")
@click.option("--search", "-s", default=None, help="Part of a name, a phone number or an id.")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Show at most N.")
@json_option
@click.pass_obj
def customers_command(app: App, search: str | None, limit: int | None, as_json: bool) -> None:
    """List customers with their points, value and rating."""
    views = app.engine.accounts(search, limit=limit)
    emit(as_json, [account_row(v) for v in views], lambda: print_accounts(views))


@cli.group("customer")
def customer_group() -> None:
    """Add, show, change or remove one customer."""


@customer_group.command("add")
@click.argument("name")
@click.option("--phone", default=None)
@click.option("--platform", default="none", show_default=True,
              help="Channel for messages: none, whatsapp, messenger, ...")
@click.option("--key", "messaging_key", default=None, help="The customer's key on that channel.")
@click.option("--birthday", default=None, help=BIRTHDAY_HELP)
@json_option
@click.pass_obj
def customer_add(app: App, name: str, phone: str | None, platform: str,
                 messaging_key: str | None, birthday: str | None, as_json: bool) -> None:
    """Add a customer by NAME."""
    customer = app.engine.add_customer(
        name, phone=phone, platform=platform, messaging_key=messaging_key,
        birthday=parse_birthday(birthday) if birthday is not None else None)
    emit(as_json, account_row(app.engine.account(customer.id)),
         lambda: click.echo(f"Added customer {customer.id}: {printable(customer.name)}"))


@customer_group.command("show")
@click.argument("customer_id", type=int)
@json_option
@click.pass_obj
def customer_show(app: App, customer_id: int, as_json: bool) -> None:
    """Show one customer's standing."""
    view = app.engine.account(customer_id)
    data = account_row(view) | {"next_stars": view.next_stars,
                                "points_to_next": view.points_to_next}

    def human() -> None:
        print_accounts([view])
        if view.customer.birthday is not None:
            click.echo(f"Birthday: {view.customer.birthday.isoformat()}")
        if view.next_stars is not None:
            click.echo(f"{view.points_to_next} more points to reach {view.next_stars} stars.")

    emit(as_json, data, human)


@customer_group.command("set")
@click.argument("customer_id", type=int)
@click.option("--name", default=None)
@click.option("--phone", default=None)
@click.option("--platform", default=None)
@click.option("--key", "messaging_key", default=None)
@click.option("--birthday", default=None, help=BIRTHDAY_HELP + " 'none' forgets it.")
@click.pass_obj
def customer_set(app: App, customer_id: int, **values: str | None) -> None:
    """Change a customer's name, phone, platform, messaging key or birthday."""
    changes: dict[str, object] = {k: v for k, v in values.items() if v is not None}
    if "birthday" in changes:
        changes["birthday"] = parse_birthday(str(changes["birthday"]))
    if not changes:
        raise click.UsageError(
            "Give at least one of --name, --phone, --platform, --key, --birthday.")
    customer = app.engine.update_customer(customer_id, **changes)
    click.echo(f"Updated customer {customer.id}: {printable(customer.name)}")


@customer_group.command("remove")
@click.argument("customer_id", type=int)
@click.pass_obj
def customer_remove(app: App, customer_id: int) -> None:
    """Remove a customer from the lists; their points log is kept."""
    customer = app.engine.remove_customer(customer_id)
    click.echo(f"Removed customer {customer.id}: {printable(customer.name)} (points log kept)")
