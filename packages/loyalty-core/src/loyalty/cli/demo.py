"""``loyalty demo``: a ledger with customers and sales to look at, in one command."""

from __future__ import annotations

import click

from loyalty.cli.app import App
from loyalty.cli.app import cli
from loyalty.cli.customers import account_row
from loyalty.cli.customers import print_accounts
from loyalty.cli.output import emit
from loyalty.cli.output import json_option


@cli.command("demo")
@click.option("--customers", "count", type=click.IntRange(1, 100_000), default=20,
              show_default=True, help="How many demo customers.")
@json_option
@click.pass_obj
def demo_command(app: App, count: int, as_json: bool) -> None:
    """Fill the ledger with demo customers and sales, apply the rules, show the customers.

    Running it again changes nothing: the demo's documents are already recorded.
    """
    engine = app.engine
    outcomes = engine.record_demo(count)
    recorded = sum(o.status == "recorded" for o in outcomes)
    views = [v for v in engine.accounts() if v.customer.origin == "demo"]
    if not as_json:
        click.echo(f"Ledger: {app.ledger}")
        click.echo(f"Recorded {recorded} of {len(outcomes)} demo documents "
                   f"({len(outcomes) - recorded} already there).")
    emit(as_json, [account_row(v) for v in views],
         lambda: print_accounts(views, title=f"{engine.settings.shop.name}: all customers"))
