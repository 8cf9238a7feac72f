"""``loyalty demo``: the demo's own ledger, with customers and sales to look at, in one command.

The demo never writes to the shop's ledger: it lives in a file beside it (``--demo`` makes any
command work on it). ``--remove`` hides the demo customers that earlier versions put in the
shop's ledger itself.
"""

from __future__ import annotations

import click

from loyalty.cli.app import App
from loyalty.cli.app import cli
from loyalty.cli.customers import account_row
from loyalty.cli.customers import print_accounts
from loyalty.cli.output import emit
from loyalty.cli.output import json_option
from loyalty.domain.errors import LoyaltyError


@cli.command("demo")
@click.option("--customers", "count", type=click.IntRange(1, 100_000), default=20,
              show_default=True, help="How many demo customers.")
@click.option("--remove", is_flag=True,
              help="Hide the demo customers an earlier version put in the shop's own ledger.")
@json_option
@click.pass_obj
def demo_command(app: App, count: int, remove: bool, as_json: bool) -> None:
    """Fill the demo's ledger with customers and sales, apply the rules, show the customers.

    Running it again changes nothing: the demo's documents are already recorded. The shop's
    own ledger is not touched; ``loyalty --demo COMMAND`` works on the demo's.
    """
    if remove:
        remove_old_demo(app, as_json)
        return
    app.use_demo(fill=False)  # this command fills it, with --customers of them
    engine = app.engine
    outcomes = engine.record_demo(count)
    recorded = sum(o.status == "recorded" for o in outcomes)
    views = [v for v in engine.accounts() if v.customer.origin == "demo"]
    if not as_json:
        click.echo(f"Demo ledger: {app.ledger} (your shop's ledger is not touched)")
        click.echo(f"Recorded {recorded} of {len(outcomes)} demo documents "
                   f"({len(outcomes) - recorded} already there).")
    emit(as_json, [account_row(v) for v in views],
         lambda: print_accounts(views, title=f"{engine.settings.shop.name}: demo customers"))


def remove_old_demo(app: App, as_json: bool) -> None:
    """Hide the demo customers in the shop's ledger; their points log stays, so the ledger's
    totals still add up."""
    if app.demo:
        raise LoyaltyError("loyalty demo --remove hides demo customers in the shop's ledger, "
                           "not in the demo's.", hint="Leave out --demo (and LOYALTY_DEMO).")
    removed = app.engine.remove_old_demo_customers()
    emit(as_json, {"removed": removed},
         lambda: click.echo(f"Removed {len(removed)} demo customers from {app.ledger}."))
