"""``loyalty coupon issue|use|list``: coupons bought with points."""

from __future__ import annotations

import click

from loyalty.cli.app import App
from loyalty.cli.app import cli
from loyalty.cli.output import emit
from loyalty.cli.output import json_option
from loyalty.cli.output import print_table
from loyalty.domain.bounds import check_document
from loyalty.domain.money import to_minor


@cli.group("coupon")
def coupon_group() -> None:
    """Coupons: convert points into a single-use coupon of a money value."""


@coupon_group.command("issue")
@click.argument("customer_id", type=int)
@click.argument("value")
@json_option
@click.pass_obj
def coupon_issue(app: App, customer_id: int, value: str, as_json: bool) -> None:
    """Convert a customer's points into a coupon worth VALUE (e.g. 5.00)."""
    engine = app.engine
    event = engine.issue_coupon(customer_id, to_minor(value, engine.currency))
    until = f", valid until {event.expires_on}" if event.expires_on else ""
    emit(as_json, event, lambda: click.echo(
        f"Coupon {event.code} worth {engine.format_money(event.value_minor)}{until}: "
        f"{engine.points_text(-event.points)}; {engine.points_text(event.balance)} left."))


@coupon_group.command("use")
@click.argument("code")
@click.option("--document", default=None, help="The POS sale the coupon paid for.")
@json_option
@click.pass_obj
def coupon_use(app: App, code: str, document: str | None, as_json: bool) -> None:
    """Use the coupon CODE (once; never after it expired)."""
    event = app.engine.use_coupon(code, document=check_document(document))
    emit(as_json, event, lambda: click.echo(
        f"Coupon {event.code} used: take {app.engine.format_money(event.value_minor)} off."))


@coupon_group.command("list")
@click.option("--customer", "customer_id", type=int, default=None, help="Only this customer's.")
@json_option
@click.pass_obj
def coupon_list(app: App, customer_id: int | None, as_json: bool) -> None:
    """List coupons, newest first."""
    engine = app.engine
    found = engine.coupons(customer_id)
    emit(as_json, found, lambda: print_table(
        None, ["Code", ("Customer", "right"), ("Value", "right"), ("Points", "right"),
               "Valid until", "Used"],
        [(c.code, c.customer_id, engine.format_money(c.value_minor), c.points,
          c.expires_on or "no end", f"{c.used_at:%Y-%m-%d}" if c.used_at else "")
         for c in found],
        empty="No coupons.",
    ))
