"""``loyalty ask CUSTOMER_ID [QUESTION]``: what a customer would be told when they ask."""

from __future__ import annotations

import click

from loyalty.cli.app import App
from loyalty.cli.app import cli
from loyalty.cli.output import emit
from loyalty.cli.output import json_option


@cli.command("ask")
@click.argument("customer_id", type=int)
@click.argument("question", nargs=-1)
@json_option
@click.pass_obj
def ask_command(app: App, customer_id: int, question: tuple[str, ...], as_json: bool) -> None:
    """Answer a customer's question: points, rewards, expiry or rating (default: all)."""
    reply = app.engine.answer(customer_id, " ".join(question))
    emit(as_json, reply, lambda: click.echo(reply.text))
