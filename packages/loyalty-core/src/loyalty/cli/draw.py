"""``loyalty draw run|history|check``: the lucky draw and its audit trail."""

from __future__ import annotations

import click

from loyalty.cli.app import App
from loyalty.cli.app import cli
from loyalty.cli.output import emit
from loyalty.cli.output import json_option
from loyalty.cli.output import print_table


@cli.group("draw")
def draw_group() -> None:
    """The lucky draw: run the scheduled draw, list past draws, re-check one."""


@draw_group.command("run")
@json_option
@click.pass_obj
def draw_run(app: App, as_json: bool) -> None:
    """Draw the latest scheduled slot if it was not drawn yet (safe to run from a scheduler)."""
    outcome = app.engine.run_draw()

    def human() -> None:
        record = outcome.record
        if outcome.status == "no_slot":
            click.echo("No draw is scheduled before now.")
        elif outcome.status == "already_drawn":
            click.echo(f"The draw {record.slot} was already drawn; nothing changed.")
        elif record.winner_customer_id is None:
            click.echo(f"Draw {record.slot}: nobody was eligible; no prize given.")
        else:
            name = app.engine.customer(record.winner_customer_id).name
            click.echo(f"Draw {record.slot}: {name} (customer {record.winner_customer_id}) won "
                       f"{app.engine.points_text(record.prize_points)} out of "
                       f"{len(record.eligible)} eligible.")

    emit(as_json, outcome, human)


@draw_group.command("history")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Only the newest N.")
@json_option
@click.pass_obj
def draw_history_command(app: App, limit: int | None, as_json: bool) -> None:
    """List recorded draws: slot, eligible customers, seed and winner."""
    records = app.engine.draw_history(limit=limit)
    emit(as_json, records, lambda: print_table(
        None, ["Slot", ("Eligible", "right"), "Winner", ("Prize", "right"), "Seed"],
        [(r.slot, len(r.eligible), r.winner_customer_id or "nobody", r.prize_points, r.seed)
         for r in records],
        empty="No draws yet.",
    ))


@draw_group.command("check")
@click.argument("slot")
@json_option
@click.pass_obj
def draw_check(app: App, slot: str, as_json: bool) -> None:
    """Re-check the recorded draw SLOT from its seed and the ledger's sales."""
    check = app.engine.recheck_draw(slot)
    data = {"slot": slot, "ok": check.ok, "winner_follows_from_seed":
            check.winner_follows_from_seed, "eligible_matches_ledger":
            check.eligible_matches_ledger, "record": check.record,
            "eligible_now": check.eligible_now}

    def human() -> None:
        follows = "follows" if check.winner_follows_from_seed else "DOES NOT follow"
        matches = "matches" if check.eligible_matches_ledger else "DIFFERS FROM"
        click.echo(f"Draw {slot}: the winner {follows} from seed {check.record.seed}; "
                   f"the eligible list {matches} the ledger.")

    emit(as_json, data, human)
    if not check.ok:
        raise click.exceptions.Exit(2)
