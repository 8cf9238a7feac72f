"""``loyalty outbox``: what was queued for customers, what failed, and sending it now."""

from __future__ import annotations

import click
from rich.progress import Progress

from loyalty.cli.app import App
from loyalty.cli.app import cli
from loyalty.cli.output import console
from loyalty.cli.output import emit
from loyalty.cli.output import json_option
from loyalty.cli.output import print_table
from loyalty.ledger import outbox
from loyalty.notifications.dispatcher import DispatchReport


PROGRESS_FROM = 20
"""Show a progress bar when at least this many messages are due."""


def _print_messages(rows: list[outbox.OutboxMessage]) -> None:
    print_table(
        None,
        [("ID", "right"), "Status", "Customer", "Channel", "Message", ("Tries", "right"),
         "Next try / sent", "Last error"],
        [(m.id, m.status, m.customer_name, m.channel, _short(m.text), m.attempts,
          _when(m), m.last_error or "")
         for m in rows],
        empty="The outbox is empty: nothing pending or failed.",
    )


def _when(message: outbox.OutboxMessage) -> str:
    """When it was sent, or when it will be tried next; nothing for a failed one."""
    if message.status == "failed":
        return ""
    return (message.sent_at or message.next_attempt_at).strftime("%Y-%m-%d %H:%M UTC")


def _short(text: str, width: int = 48) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


@cli.group("outbox", invoke_without_command=True)
@click.option("--all", "show_all", is_flag=True, help="Show sent messages too.")
@json_option
@click.pass_context
def outbox_group(ctx: click.Context, show_all: bool, as_json: bool) -> None:
    """List messages waiting to be sent and those that failed."""
    if ctx.invoked_subcommand is not None:
        return
    app: App = ctx.obj
    rows = app.engine.messages(None if show_all else ("pending", "sending", "failed"))
    emit(as_json, rows, lambda: _print_messages(rows))


def _send(app: App) -> DispatchReport:
    dispatcher = app.engine.dispatcher()
    due = dispatcher.due_count()
    if due < PROGRESS_FROM:
        return dispatcher.run_once()
    with Progress(console=console(), transient=True) as progress:
        task = progress.add_task("Sending messages", total=due)
        return dispatcher.run_once(limit=due, progress=lambda: progress.advance(task))


def _report(report: DispatchReport) -> None:
    line = f"Sent {report.sent}, will retry {report.retrying}, failed {report.failed}."
    for channel, until in report.skipped_channels.items():
        line += f" {channel} asked to wait until {until:%H:%M} UTC."
    click.echo(line)
    if report.failed:
        click.echo("See why with 'loyalty outbox'; send again with 'loyalty outbox retry ID'.")


@outbox_group.command("send")
@json_option
@click.pass_obj
def send_command(app: App, as_json: bool) -> None:
    """Deliver every message that is due now."""
    report = _send(app)
    emit(as_json, report, lambda: _report(report))


@outbox_group.command("retry")
@click.argument("ids", nargs=-1, type=int)
@json_option
@click.pass_obj
def retry_command(app: App, ids: tuple[int, ...], as_json: bool) -> None:
    """Try failed messages again (the given IDs, or all failed ones) and deliver them now."""
    chosen = app.engine.retry_messages(list(ids) if ids else None)
    missing = sorted(set(ids) - set(chosen))
    if missing and not as_json:
        click.echo(f"Not failed (or no such message): {', '.join(map(str, missing))}.", err=True)
    report = _send(app)
    emit(as_json, {"retried": chosen, "not_failed": missing, "report": report},
         lambda: _report(report))
