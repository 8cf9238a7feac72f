"""``loyalty customers [import|export]`` and ``loyalty customer add|show|set|remove|merge``."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import click

from loyalty.cli.app import App
from loyalty.cli.app import cli
from loyalty.cli.output import emit
from loyalty.cli.output import json_option
from loyalty.cli.output import print_table
from loyalty.cli.output import printable
from loyalty.domain.errors import LoyaltyError
from loyalty.domain.records import CustomerSummary
from loyalty.domain.wording import points_text
from loyalty.engine import AccountView
from loyalty.domain.errors import ImportRefused


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
        [(v.customer.id, v.customer.name, points_text(v.points), v.value_text, v.rating,
          v.customer.platform) for v in views],
        empty="No customers match.",
    )


@cli.group("customers", invoke_without_command=True)
@click.option("--search", "-s", default=None, help="Part of a name, a phone number or an id.")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Show at most N.")
@json_option
@click.pass_context
def customers_command(ctx: click.Context, search: str | None, limit: int | None,
                      as_json: bool) -> None:
    """List customers with their points, value and rating (or import or export them)."""
    if ctx.invoked_subcommand is not None:
        return
    app: App = ctx.obj
    views = app.engine.accounts(search, limit=limit)
    emit(as_json, [account_row(v) for v in views], lambda: print_accounts(views))


@customers_command.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_obj
def customers_import(app: App, file: Path) -> None:
    """Add the customers of a CSV FILE (columns name, phone, platform, key, points).

    Opening points become adjustments with the reason "Opening balance (import FILE)". One
    bad row imports nothing: every bad row is listed with its row number.
    """
    try:
        report = app.engine.import_customers(file)
    except ImportRefused as refused:
        for line in refused.problems:
            click.echo(printable(line), err=True)
        raise
    click.echo(report.summary(file.name))


@customers_command.command("export")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_obj
def customers_export(app: App, file: Path) -> None:
    """Write every customer with their points to a CSV FILE (which an import reads back)."""
    count = app.engine.export_customers(file)
    click.echo(f"Exported {count} customers to {file}.")


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
@click.option("--force", is_flag=True,
              help="Add even if a customer has the same name or phone.")
@json_option
@click.pass_obj
def customer_add(app: App, name: str, phone: str | None, platform: str,
                 messaging_key: str | None, birthday: str | None, force: bool,
                 as_json: bool) -> None:
    """Add a customer by NAME; refuses one with the same name or phone as another unless
    --force."""
    born = parse_birthday(birthday) if birthday is not None else None
    similar = [] if force else app.engine.similar_customers(name, phone)
    if similar:
        click.echo(_alike(similar), err=True)
        raise LoyaltyError(
            f"{len(similar)} customer(s) have the same name or phone; nobody was added.",
            hint="Add anyway with --force, or merge two later with 'loyalty customer merge'.")
    customer = app.engine.add_customer(name, phone=phone, platform=platform,
                                       messaging_key=messaging_key, birthday=born)
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
            stars = "1 star" if view.next_stars == 1 else f"{view.next_stars} stars"
            more = app.engine.points_text(view.points_to_next or 0, more=True)
            click.echo(f"{more} to reach {stars}.")

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


def _alike(found: list[CustomerSummary]) -> str:
    return "\n".join(f"  {s.customer.id}: {printable(s.customer.name)}, phone "
                     f"{printable(s.customer.phone or '-')}, {points_text(s.balance.points)}"
                     for s in found)


@customer_group.command("merge")
@click.argument("keep_id", type=int)
@click.argument("other_id", type=int)
@click.pass_obj
def customer_merge(app: App, keep_id: int, other_id: int) -> None:
    """Merge customer OTHER_ID into KEEP_ID: points, lifetime points, sales, coupons and
    memberships move; OTHER_ID is removed and its points log says where they went."""
    outcome = app.engine.merge_customers(keep_id, other_id)
    click.echo(printable(outcome.summary()))
