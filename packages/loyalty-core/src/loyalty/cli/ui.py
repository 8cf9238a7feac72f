"""``loyalty ui``: open the installed desktop frontend on the ledger."""

from __future__ import annotations

import click

from loyalty.cli.app import App
from loyalty.cli.app import cli
from loyalty.cli.paths import real_programme_started
from loyalty.domain.errors import LoyaltyError


@cli.command("ui")
@click.option("--frontend", "name", default=None, metavar="NAME",
              help="Which installed frontend to start, when there are several.")
@click.option("--demo", is_flag=True,
              help="Open the demo (its own ledger, beside the shop's), even once the real "
                   "programme has started.")
@click.pass_obj
def ui_command(app: App, name: str | None, demo: bool) -> None:
    """Open the window with all customers, the Pay dialog and the settings.

    Until the shop starts its real programme (no POS chosen and no ledger of its own yet) the
    window shows the demo, whose customers live in a ledger of their own; leaving the demo
    opens the shop's ledger.
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
    if demo or app.demo or shows_demo_first(app):
        app.use_demo()
        if frontend.run_demo is not None:
            frontend.run_demo(app.engine, app.leave_demo)
            return
    frontend.run(app.engine)


def shows_demo_first(app: App) -> bool:
    """A first start: no POS chosen and the shop's ledger not there yet."""
    return app.settings().pos.adapter is None and not real_programme_started(app.shop_ledger)
