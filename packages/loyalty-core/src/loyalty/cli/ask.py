"""``loyalty ask SENDER [QUESTION]``: what a customer who asks from SENDER would be told."""

from __future__ import annotations

import click

from loyalty.cli.app import App
from loyalty.cli.app import cli
from loyalty.cli.output import emit
from loyalty.cli.output import json_option
from loyalty.domain.errors import LoyaltyError


@cli.command("ask")
@click.argument("sender")
@click.argument("question", nargs=-1)
@json_option
@click.pass_obj
def ask_command(app: App, sender: str, question: tuple[str, ...], as_json: bool) -> None:
    """Answer a question from SENDER (the phone number or messaging key it came from):
    points, rewards, expiry or rating (default: all). Only the customer with that phone or
    key gets an answer."""
    reply = app.engine.answer(sender, " ".join(question))
    if reply is None:
        raise LoyaltyError("No customer in the programme has that phone number or key, so "
                           "nothing is answered.",
                           hint="Ask from the phone or key in the customer's record "
                           "('loyalty customer show ID').")
    emit(as_json, reply, lambda: click.echo(reply.text))
