"""``loyalty settings show|set|path``."""

from __future__ import annotations

import json

import click

from loyalty.cli.app import App
from loyalty.cli.app import cli
from loyalty.cli.output import json_option
from loyalty.domain.errors import LoyaltyError
from loyalty.domain.settings import get_setting
from loyalty.domain.settings import parse_value
from loyalty.domain.settings import save_settings
from loyalty.domain.settings import settings_to_dict
from loyalty.domain.settings import with_setting


@cli.group("settings")
def settings_group() -> None:
    """Show or change settings (dotted keys like earning.points_per_unit)."""


@settings_group.command("show")
@click.argument("key", required=False)
@json_option
@click.pass_obj
def settings_show(app: App, key: str | None, as_json: bool) -> None:
    """Show all settings, or the one named by KEY."""
    settings = app.settings()
    value = get_setting(settings, key) if key else settings_to_dict(settings)
    if as_json or isinstance(value, dict | list):
        click.echo(json.dumps(value, indent=2, ensure_ascii=False))
    else:
        click.echo("" if value is None else value)


@settings_group.command("set", context_settings={"ignore_unknown_options": True})  # 'set K -1'
@click.argument("key")
@click.argument("value")
@click.pass_obj
def settings_set(app: App, key: str, value: str) -> None:
    """Set KEY to VALUE (JSON for lists: tiers '[{"stars":1,"threshold":100}]')."""
    updated = with_setting(app.settings(), key, parse_value(value))
    if key.startswith("shop.currency"):
        app.plugins.currency(updated.shop.currency)
    if key.startswith("pos.adapter") and updated.pos.adapter:
        app.plugins.pos_adapter(updated.pos.adapter)
    if key.startswith("plugins."):
        app.plugins.channels(updated)  # channel plugins read (and so check) their options here
    if key == "pos.database" and updated.pos.adapter and updated.pos.database:
        check = app.plugins.pos_adapter(updated.pos.adapter).check_database
        if check is not None:
            check(updated.pos.database)
    try:
        save_settings(updated, app.settings_path)
    except OSError as exc:
        raise LoyaltyError(f"Cannot write the settings file {app.settings_path}: {exc.strerror}.",
                           hint="Choose another file with --settings.") from None
    click.echo(f"{key} = {json.dumps(get_setting(updated, key), ensure_ascii=False)}")


@settings_group.command("path")
@click.pass_obj
def settings_path(app: App) -> None:
    """Print where the settings file is."""
    click.echo(app.settings_path)
