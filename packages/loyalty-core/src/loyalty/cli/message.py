"""``loyalty message preview|send``: a message the shop writes, to one customer or a segment."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from loyalty.cli.app import App
from loyalty.cli.app import cli
from loyalty.cli.output import emit
from loyalty.cli.output import json_option
from loyalty.cli.output import printable
from loyalty.cli.output import to_plain
from loyalty.domain.errors import LoyaltyError
from loyalty.domain.rules.audiences import ANY_LEVEL
from loyalty.domain.rules.audiences import Audience
from loyalty.services.messages import MessagePreview


def audience_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Who the message goes to: ``--to ID``, or ``--all`` and the segment's conditions."""
    options = [
        click.option("--to", "customer_id", type=int, default=None,
                     help="One customer, by id."),
        click.option("--all", "everyone", is_flag=True,
                     help="Everyone who takes messages (narrowed by the options below)."),
        click.option("--inactive-days", type=int, default=None,
                     help="Only customers without a sale in this many days."),
        click.option("--stars", type=int, default=None,
                     help="Only customers with exactly this many stars."),
        click.option("--min-stars", type=int, default=None,
                     help="Only customers with at least this many stars."),
        click.option("--members", is_flag=True, help="Only customers with a running membership."),
        click.option("--level", default=None,
                     help="Only customers with a running membership of this level id."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def make_audience(customer_id: int | None, everyone: bool, inactive_days: int | None,
                  stars: int | None, min_stars: int | None, members: bool,
                  level: str | None) -> Audience:
    membership = level if level is not None else (ANY_LEVEL if members else None)
    audience = Audience(customer_id=customer_id, inactive_days=inactive_days,
                        min_stars=min_stars, stars=stars, membership=membership)
    if customer_id is None and not everyone and not audience.conditions():
        raise LoyaltyError("Say who the message is for.",
                           hint="Give --to ID, --all, --inactive-days N, --stars N, "
                                "--min-stars N, --members or --level ID.")
    return audience


def _print_preview(preview: MessagePreview) -> None:
    click.echo(f"To {printable(preview.description)}: {preview.recipients} "
               f"recipient{'s' * (preview.recipients != 1)}.")
    if preview.sample_text is not None:
        click.echo(f"{printable(preview.sample_name)} will read:")
        click.echo(f"  {printable(preview.sample_text)}")
    if preview.problem:
        click.echo(preview.problem)


@cli.group("message")
def message_group() -> None:
    """Write a message to one customer or a segment: preview it, then send it."""


@message_group.command("preview")
@audience_options
@click.argument("text")
@json_option
@click.pass_obj
def preview_command(app: App, text: str, as_json: bool, **who: Any) -> None:
    """How many customers TEXT reaches, and how it reads for the first of them. Nothing is
    queued. Placeholders: {customer_name}, {balance}, {value}, {rating}, {stars},
    {shop_name}, {currency}."""
    preview = app.engine.preview_message(make_audience(**who), text)
    emit(as_json, preview, lambda: _print_preview(preview))


@message_group.command("send")
@audience_options
@click.argument("text")
@click.option("--key", default=None,
              help="Send once per key (default: the same text to the same customers is sent "
                   "once a day).")
@json_option
@click.pass_obj
def send_command(app: App, text: str, key: str | None, as_json: bool, **who: Any) -> None:
    """Queue TEXT for every customer chosen; the window and 'loyalty watch' deliver it (or
    'loyalty outbox send')."""
    queued = app.engine.send_custom_message(make_audience(**who), text, key=key)
    emit(as_json, {**to_plain(queued), "already_queued": queued.already_queued},
         lambda: click.echo(printable(queued.summary())))
