"""Which message a committed event calls for, and queuing any message in the outbox.

``compose`` is pure: an event, the customer and their balance, the settings and the currency
in; the template name, its values and the rendered text out. ``queue_message`` is what other
modules (the lucky draw, expiry reminders) call to queue a message of any template inside
their own ledger transaction, so the message commits or rolls back with their change.

Customers whose platform is ``none`` or who have no key get nothing queued: there is no row
for a message that was never meant to be sent. Nothing is queued either while
``notifications.enabled`` is off.
"""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Sequence
from typing import TYPE_CHECKING

import attrs
import sqlalchemy as sa

from loyalty.domain.events import DrawWon
from loyalty.domain.events import PointsExpiring
from loyalty.domain.events import Event
from loyalty.domain.events import PointsEarned
from loyalty.domain.events import PointsEvent
from loyalty.domain.events import PointsRedeemed
from loyalty.domain.events import TierRaised
from loyalty.ledger import repository as repo
from loyalty.ledger import schema
from loyalty.ledger.bulk import rows_matching
from loyalty.domain.records import Balance
from loyalty.domain.records import Customer
from loyalty.domain.money import Currency
from loyalty.domain.money import format_money
from loyalty.notifications import outbox
from loyalty.domain.templates import PLACEHOLDERS
from loyalty.domain.templates import render
from loyalty.domain.rules import redemption
from loyalty.domain.rules import tiers as tier_rules
from loyalty.domain.settings import Settings


if TYPE_CHECKING:
    from loyalty.engine import Engine


@attrs.frozen
class Message:
    """A rendered message for one customer, ready for the outbox."""

    key: str
    """Idempotency key: the same occasion never queues twice."""
    customer_id: int
    template: str
    values: dict[str, object]
    text: str


def event_message_key(event: Event, template: str) -> str:
    """The outbox key of the message an event causes; stable across replays of the event."""
    return f"{template}/{event.event_id}"


def occasion(event: Event, max_stars: int) -> tuple[str, dict[str, object]] | None:
    """The template an event calls for and the values only the event knows; None if silent."""
    if isinstance(event, PointsEarned):
        at_top = max_stars > 0 and event.stars >= max_stars
        return ("points_earned_max_level" if at_top else "points_earned",
                {"points_earned": event.points, "document": event.source_id or "",
                 "stars": event.stars})
    if isinstance(event, PointsRedeemed):
        return "points_spent", {"points_spent": -event.points, "document": event.source_id or "",
                                "spent_minor": event.value_minor}
    if isinstance(event, TierRaised):
        return "tier_raised", {"stars": event.new_stars, "old_stars": event.old_stars}
    if isinstance(event, DrawWon):
        return "draw_won", {"prize_points": event.prize_points}
    if isinstance(event, PointsExpiring):
        return "points_expiring", {"expiring_points": event.points,
                                   "expiry_date": event.expires_on.isoformat()}
    return None


def common_values(
    customer: Customer, balance: Balance, settings: Settings, currency: Currency
) -> dict[str, object]:
    """The placeholders every template offers, from the customer's balance."""
    return {
        "customer_name": customer.name, "shop_name": settings.shop.name,
        "balance": balance.points, "stars": balance.stars, "currency": currency.code,
    }


def complete_values(
    template: str, values: Mapping[str, object], settings: Settings, currency: Currency
) -> dict[str, object]:
    """Fill in what follows from other values (``rating`` from stars, ``value`` from the
    balance, money as text) and keep only the template's placeholders."""
    done = dict(values)
    max_stars = tier_rules.max_stars(settings.tiers)
    done["rating"] = tier_rules.render_stars(int(done.get("stars", 0)), max_stars)
    if "old_stars" in done:
        done["old_rating"] = tier_rules.render_stars(int(done["old_stars"]), max_stars)
    if "spent_minor" in done:
        done["spent_value"] = format_money(int(done.pop("spent_minor")), currency,
                                           settings.shop.locale)
    if isinstance(done.get("balance"), int):
        value = redemption.value_of(int(done["balance"]), settings.redemption, currency)
        done["value"] = format_money(value, currency, settings.shop.locale)
    return {name: done.get(name, "") for name in PLACEHOLDERS[template]}


def compose(
    event: Event, customer: Customer, balance: Balance, settings: Settings, currency: Currency
) -> Message | None:
    """The message ``event`` calls for, rendered; None for events that send nothing."""
    found = occasion(event, tier_rules.max_stars(settings.tiers))
    if found is None:
        return None
    template, own = found
    values = common_values(customer, balance, settings, currency)
    if isinstance(event, PointsEvent):
        values["balance"] = event.balance  # this event's balance, not the batch's final one
    values = complete_values(template, {**values, **own}, settings, currency)
    text = render(getattr(settings.notifications.templates, template), values)
    return Message(event_message_key(event, template), customer.id, template, values, text)


def wants_messages(customer: Customer, settings: Settings) -> bool:
    return (settings.notifications.enabled and customer.platform != "none"
            and bool(customer.messaging_key) and customer.removed_at is None)


def queue_for_events(connection: sa.Connection, engine: Engine, events: Sequence[Event]) -> None:
    """The engine's transaction hook: queue the messages ``events`` call for, in this transaction.

    Runs inside every ledger write, so a POS sync of thousands of sales pays for it: customers
    and balances are read in one query, only the events of customers who take messages are
    looked at, and the messages are inserted in one batch.
    """
    settings = engine.settings
    if not settings.notifications.enabled:
        return
    people = _people(connection, {getattr(e, "customer_id", None) for e in events} - {None})
    messages = []
    for event in events:
        found = people.get(getattr(event, "customer_id", None))
        if found is None or not wants_messages(found[0], settings):
            continue
        message = compose(event, found[0], found[1], settings, engine.currency)
        if message is not None:
            messages.append((message, found[0]))
    outbox.enqueue(connection, messages, now=engine.clock(), returning=False)


def _people(connection: sa.Connection, ids: set[int]) -> dict[int, tuple[Customer, Balance]]:
    """Customers who take messages, with their balances, by id, in one query.

    Customers without a platform or key are left out by the query: a POS import brings
    thousands of them, and a sync would otherwise read them all for nothing.
    """
    c, b = schema.customers, schema.balances
    query = (
        sa.select(c.c.id, c.c.name, c.c.platform, c.c.messaging_key, c.c.removed_at,
                  b.c.points, b.c.lifetime_earned, b.c.stars)
        .join(b, b.c.customer_id == c.c.id)
        .where(c.c.platform != "none", c.c.messaging_key.is_not(None),
               c.c.messaging_key != "", c.c.removed_at.is_(None))
    )
    return {
        r.id: (Customer(id=r.id, name=r.name, platform=r.platform,
                        messaging_key=r.messaging_key, removed_at=r.removed_at),
               Balance(r.id, r.points, r.lifetime_earned, r.stars))
        for r in rows_matching(connection, query, c.c.id, ids)
    }


def queue_message(
    connection: sa.Connection,
    engine: Engine,
    customer_id: int,
    template: str,
    values: Mapping[str, object],
    key: str,
) -> int | None:
    """Queue one message of ``template`` inside the caller's transaction.

    ``values`` override the common ones (name, balance, rating...), which are read from the
    ledger. ``key`` must name the occasion (``expiry-reminder/42/2026-02-01``): a second call
    with the same key queues nothing. Returns the outbox id, or None when nothing was queued
    (the customer has no platform or key, notifications are off, or the key was used).
    """
    if template not in PLACEHOLDERS:
        raise ValueError(f"no message template {template!r}; one of {', '.join(PLACEHOLDERS)}")
    settings = engine.settings
    customer = repo.get_customer(connection, customer_id)
    if not wants_messages(customer, settings):
        return None
    balance = repo.get_balance(connection, customer_id)
    merged = {**common_values(customer, balance, settings, engine.currency), **values}
    merged = complete_values(template, merged, settings, engine.currency)
    text = render(getattr(settings.notifications.templates, template), merged)
    ids = outbox.enqueue(
        connection, [(Message(key, customer_id, template, merged, text), customer)],
        now=engine.clock(),
    )
    return ids[0] if ids else None
