"""Commands that move points: sale, refund, redeem, pay, adjust; and balance, history, rebuild."""

from __future__ import annotations

import uuid

import click

from loyalty.cli.app import App
from loyalty.cli.app import cli
from loyalty.cli.output import emit
from loyalty.cli.output import json_option
from loyalty.cli.output import print_table
from loyalty.cli.output import printable
from loyalty.domain.bounds import check_document
from loyalty.domain.events import SaleRefunded
from loyalty.domain.money import to_minor


def _outcome_line(app: App, outcome) -> str:  # noqa: ANN001 - loyalty.engine.Outcome
    fact = outcome.fact
    if outcome.status == "duplicate":
        return f"Document {fact.document_id} was already recorded; nothing changed."
    if outcome.status == "skipped":
        return f"Document {printable(fact.document_id)} skipped: {printable(outcome.reason)}."
    if outcome.points != 0:
        points = app.engine.points_text(outcome.points, signed=True)
        line = f"Document {fact.document_id}: {points}."
    else:
        line = f"Document {fact.document_id} recorded: no points ({outcome.reason or 'none due'})."
    for event in outcome.events:
        if event.kind == "tier_raised":
            line += f" Rating raised to {event.new_stars} stars."
        if getattr(event, "unrecovered", 0):
            n = event.unrecovered
            line += (f" {app.engine.points_text(n)} {'was' if n == 1 else 'were'} already spent "
                     "and could not be taken back.")
    return line


@cli.command("sale")
@click.argument("customer_id", type=int)
@click.argument("total")
@click.option("--document", default=None, help="The sale's document number (default: a new one).")
@json_option
@click.pass_obj
def sale_command(app: App, customer_id: int, total: str, document: str | None,
                 as_json: bool) -> None:
    """Record a sale of TOTAL for a customer and award points; TOTAL like 12.50."""
    new = f"M-{uuid.uuid4().hex[:10]}"
    outcome = app.engine.sale(customer_id, total, source="manual",
                              document=document if document is not None else new)
    emit(as_json, outcome, lambda: click.echo(_outcome_line(app, outcome)))


@cli.command("refund")
@click.argument("document")
@click.argument("amount")
@click.option("--refund-document", default=None, help="The refund's own number (default: new).")
@json_option
@click.pass_obj
def refund_command(app: App, document: str, amount: str, refund_document: str | None,
                   as_json: bool) -> None:
    """Refund AMOUNT of a sale recorded with 'loyalty sale' as DOCUMENT."""
    engine = app.engine
    shop = engine.settings.shop
    refund = SaleRefunded(
        occurred_at=engine.clock(), source="manual", shop_id=shop.id, till_id=shop.till,
        document_id=check_document(refund_document) or f"R-{uuid.uuid4().hex[:10]}",
        original_document_id=check_document(document) or "", amount_minor=to_minor(amount, engine.currency),
        currency=engine.currency.code,
    )
    engine.check_refund(refund)
    outcome = engine.refund(refund)
    if outcome.status == "skipped":
        raise click.ClickException(
            f"No sale {document} was recorded with 'loyalty sale' on this till; "
            "refunds of POS sales arrive with 'loyalty sync'."
        )
    emit(as_json, outcome, lambda: click.echo(_outcome_line(app, outcome)))


@cli.command("balance")
@click.argument("customer_id", type=int)
@json_option
@click.pass_obj
def balance_command(app: App, customer_id: int, as_json: bool) -> None:
    """Show a customer's points and what they are worth."""
    view = app.engine.account(customer_id)
    data = {"customer_id": customer_id, "name": view.customer.name, "points": view.points,
            "value": view.value_text, "value_minor": view.value_minor, "stars": view.stars,
            "rating": view.rating, "lifetime_earned": view.lifetime_earned}
    emit(as_json, data, lambda: click.echo(
        f"{printable(view.customer.name)}: {app.engine.points_text(view.points)}, worth "
        f"{view.value_text}, {view.rating}"))


@cli.command("history")
@click.argument("customer_id", type=int)
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Only the newest N.")
@json_option
@click.pass_obj
def history_command(app: App, customer_id: int, limit: int | None, as_json: bool) -> None:
    """Show a customer's points log."""
    entries = app.engine.history(customer_id, limit=limit)
    print_rows = lambda: print_table(  # noqa: E731
        None,
        ["Date", "What", ("Points", "right"), "Source", "Reason", "By"],
        [(e.business_date, e.kind, f"{e.points:+d}", e.source_id or "", e.reason, e.actor)
         for e in entries],
        empty="No points yet.",
    )
    emit(as_json, entries, print_rows)


@cli.command("redeem")
@click.argument("customer_id", type=int)
@click.argument("points", type=int)
@click.option("--reason", default="", help="What the points paid for.")
@click.option("--document", default=None, help="The POS sale the points paid for.")
@json_option
@click.pass_obj
def redeem_command(app: App, customer_id: int, points: int, reason: str, document: str | None,
                   as_json: bool) -> None:
    """Spend POINTS of a customer's balance."""
    event = app.engine.redeem(customer_id, points, reason=reason, document=check_document(document),
                              actor="cli")
    emit(as_json, event, lambda: click.echo(
        f"Redeemed {app.engine.points_text(points)} worth "
        f"{app.engine.format_money(event.value_minor)}; {app.engine.points_text(event.balance)} "
        "left."))


@cli.command("pay")
@click.argument("customer_id", type=int)
@click.argument("amount")
@click.option("--points", type=int, default=None,
              help="Use at most this many points (default: as many as the bill needs).")
@json_option
@click.pass_obj
def pay_command(app: App, customer_id: int, amount: str, points: int | None,
                as_json: bool) -> None:
    """Pay a bill of AMOUNT with points, fully or partly; prints what is left for cash."""
    engine = app.engine
    payment = engine.pay(customer_id, to_minor(amount, engine.currency), points=points)
    plan = payment.plan
    emit(as_json, payment, lambda: click.echo(
        f"Paid {engine.format_money(plan.covered_minor)} with {engine.points_text(plan.points)}; "
        f"cash to take: {engine.format_money(plan.cash_minor)}; "
        f"{engine.points_text(payment.event.balance)} left."))


@cli.command("adjust", context_settings={"ignore_unknown_options": True})  # 'adjust 7 -50'
@click.argument("customer_id", type=int)
@click.argument("points", type=int)
@click.option("--reason", required=True, help="Why (kept in the points log).")
@json_option
@click.pass_obj
def adjust_command(app: App, customer_id: int, points: int, reason: str, as_json: bool) -> None:
    """Add (positive) or remove (negative) POINTS by hand."""
    event = app.engine.adjust(customer_id, points, reason=reason, actor="cli")
    emit(as_json, event, lambda: click.echo(
        f"Adjusted by {app.engine.points_text(points, signed=True)}; balance "
        f"{event.balance:,}."))


@cli.command("rebuild-balances")
@json_option
@click.pass_obj
def rebuild_command(app: App, as_json: bool) -> None:
    """Recompute every balance from the ledger entries."""
    report = app.engine.rebuild_balances()

    def human() -> None:
        click.echo(f"Checked {report.customers} customers; corrected {len(report.corrected)}.")
        for problem in report.problems:
            click.echo(f"problem: {problem}")

    emit(as_json, report, human)
    if report.problems:
        raise click.exceptions.Exit(2)
