"""``loyalty ui``: open the installed desktop frontend on the ledger."""

from __future__ import annotations

import click

from loyalty.cli.app import App
from loyalty.cli.app import cli
from loyalty.domain.errors import LoyaltyError


@cli.command("ui")
@click.option("--frontend", "name", default=None, metavar="NAME",
              help="Which installed frontend to start, when there are several.")
@click.option("--demo", is_flag=True,
              help="Add the demo customers and sales first (safe to repeat).")
@click.pass_obj
def ui_command(app: App, name: str | None, demo: bool) -> None:
    """Open the window with all customers, the Pay dialog and the settings.

    With no POS configured and no customers yet, the ledger is filled with demo customers,
    so the first window shows something to try.
    """
    frontends = app.plugins.frontends()
    if not frontends:
        raise LoyaltyError("No user interface is installed.",
                           hint="Install one: pip install loyalty-ui-tk")
    if name is None:
        frontend = frontends.get("tk") or next(iter(frontends.values()))
    elif name in frontends:
        frontend = frontends[name]
    else:
        raise LoyaltyError(f"No frontend named {name!r} is installed.",
                           hint=f"Choose one of {', '.join(sorted(frontends))}.")
    engine = app.engine
    if demo or (engine.settings.pos.adapter is None and not engine.customers(limit=1)):
        engine.record_demo()
    frontend.run(engine)
