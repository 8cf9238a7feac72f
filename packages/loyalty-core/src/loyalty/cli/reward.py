"""``loyalty reward list|redeem``: the reward catalogue."""

from __future__ import annotations

import click

from loyalty.cli.app import App
from loyalty.cli.app import cli
from loyalty.cli.output import emit
from loyalty.cli.output import json_option
from loyalty.cli.output import print_table


@cli.group("reward")
def reward_group() -> None:
    """The reward catalogue: rewards with a points price."""


@reward_group.command("list")
@click.option("--customer", "customer_id", type=int, default=None,
              help="Show what this customer still needs for each reward.")
@json_option
@click.pass_obj
def reward_list(app: App, customer_id: int | None, as_json: bool) -> None:
    """List the rewards, cheapest first."""
    from loyalty.domain.rules.rewards import standings

    engine = app.engine
    balance = engine.balance(customer_id) if customer_id is not None else 0
    rows = standings(balance, engine.settings.rewards.catalogue)
    data = [{"id": s.reward.id, "name": s.reward.name, "points": s.reward.points,
             "description": s.reward.description,
             **({"missing": s.missing} if customer_id is not None else {})} for s in rows]
    columns: list[str | tuple[str, str]] = ["ID", "Reward", ("Points", "right")]
    if customer_id is not None:
        columns.append(("Still needed", "right"))
    emit(as_json, data, lambda: print_table(
        None, columns,
        [(s.reward.id, s.reward.name, s.reward.points,
          *([s.missing or "✓"] if customer_id is not None else [])) for s in rows],
        empty="The catalogue is empty; add [[rewards.catalogue]] entries to the settings.",
    ))


@reward_group.command("redeem")
@click.argument("customer_id", type=int)
@click.argument("reward_id")
@json_option
@click.pass_obj
def reward_redeem(app: App, customer_id: int, reward_id: str, as_json: bool) -> None:
    """Give CUSTOMER_ID the reward REWARD_ID for its points price."""
    event = app.engine.claim_reward(customer_id, reward_id)
    emit(as_json, event, lambda: click.echo(
        f"{event.reason}: {app.engine.points_text(-event.points)}; "
        f"{app.engine.points_text(event.balance)} left."))
