"""``loyalty plugins``: what is installed."""

from __future__ import annotations

from typing import Any

import click

from loyalty.cli.app import App
from loyalty.cli.app import cli
from loyalty.cli.output import emit
from loyalty.cli.output import json_option
from loyalty.cli.output import print_table


@cli.command("plugins")
@json_option
@click.pass_obj
def plugins_command(app: App, as_json: bool) -> None:
    """List installed plugins, their hooks, and what they provide."""
    plugins = app.plugins
    infos = plugins.describe()
    data: dict[str, Any] = {
        "plugins": infos,
        "currencies": sorted(plugins.currencies()),
        "pos_adapters": sorted(plugins.pos_adapters()),
        "channels": sorted(plugins.channels()),
        "frontends": sorted(plugins.frontends()),
    }

    def human() -> None:
        print_table(
            "Plugins", ["Name", "Distribution", "Version", "Hooks"],
            [(i.name, i.distribution or "", i.version or "",
              i.error and f"FAILED: {i.error}" or ", ".join(h.removeprefix("loyalty_")
                                                           for h in i.hooks))
             for i in infos],
        )
        for label in ("pos_adapters", "channels", "frontends", "currencies"):
            click.echo(f"{label.replace('_', ' ').capitalize()}: "
                       f"{', '.join(data[label]) or 'none installed'}")

    emit(as_json, data, human)
