"""Which message a committed event calls for, rendered: pure, no ledger, no clock.

``compose`` takes an event, the customer and their balance, the settings and the currency, and
returns the template name, its values and the rendered text. ``notifications.queue`` stores
what it returns in the outbox.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import SupportsInt


from loyalty.domain.events import DrawWon
from loyalty.domain.events import PointsExpiring
from loyalty.domain.events import Event
from loyalty.domain.events import PointsEarned
from loyalty.domain.events import PointsAwarded
from loyalty.domain.events import PointsEvent
from loyalty.domain.events import PointsRedeemed
from loyalty.domain.events import TierLowered
from loyalty.domain.events import TierRaised
from loyalty.domain.records import Balance
from loyalty.domain.records import Customer
from loyalty.domain.records import Message
from loyalty.domain.money import Currency
from loyalty.domain.money import format_money
from loyalty.domain.templates import CUSTOM
from loyalty.domain.templates import allowed_placeholders
from loyalty.domain.templates import render
from loyalty.domain.rules import redemption
from loyalty.domain.rules import tiers as tier_rules
from loyalty.domain.settings import Settings




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
    if isinstance(event, PointsAwarded):  # a birthday, a welcome: points earned all the same
        return "points_earned", {"points_earned": event.points, "document": ""}
    if isinstance(event, PointsRedeemed):
        return "points_spent", {"points_spent": -event.points, "document": event.source_id or "",
                                "spent_minor": event.value_minor}
    if isinstance(event, TierRaised):
        return "tier_raised", {"stars": event.new_stars, "old_stars": event.old_stars}
    if isinstance(event, TierLowered):
        return "tier_lowered", {"stars": event.new_stars, "old_stars": event.old_stars,
                                "recent_points": event.recent_points, "months": event.months}
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


def _whole(value: object) -> int:
    """A placeholder's number, given as a number or its text (values come from callers)."""
    return int(value) if isinstance(value, (SupportsInt, str)) else 0


def complete_values(
    template: str, values: Mapping[str, object], settings: Settings, currency: Currency
) -> dict[str, object]:
    """Fill in what follows from other values (``rating`` from stars, ``value`` from the
    balance, money as text) and keep only the template's placeholders."""
    done = dict(values)
    max_stars = tier_rules.max_stars(settings.tiers)
    done["rating"] = tier_rules.render_stars(_whole(done.get("stars", 0)), max_stars)
    if "old_stars" in done:
        done["old_rating"] = tier_rules.render_stars(_whole(done["old_stars"]), max_stars)
    if "spent_minor" in done:
        done["spent_value"] = format_money(_whole(done.pop("spent_minor")), currency,
                                           settings.shop.locale)
    balance = done.get("balance")
    if isinstance(balance, int):
        value = redemption.value_of(balance, settings.redemption, currency)
        done["value"] = format_money(value, currency, settings.shop.locale)
    return {name: done.get(name, "") for name in allowed_placeholders(template)}


def compose(
    event: Event, customer: Customer, balance: Balance, settings: Settings, currency: Currency
) -> Message | None:
    """The message ``event`` calls for, rendered; None for events that send nothing (and for
    a template the shop left empty)."""
    found = occasion(event, tier_rules.max_stars(settings.tiers))
    if found is None:
        return None
    template, own = found
    if not getattr(settings.notifications.templates, template).strip():
        return None
    values = common_values(customer, balance, settings, currency)
    if isinstance(event, PointsEvent):
        values["balance"] = event.balance  # this event's balance, not the batch's final one
    values = complete_values(template, {**values, **own}, settings, currency)
    text = render(getattr(settings.notifications.templates, template), values)
    return Message(event_message_key(event, template), customer.id, template, values, text)


def compose_custom(
    text: str, key: str, customer: Customer, balance: Balance, settings: Settings,
    currency: Currency,
) -> Message:
    """A message the shop wrote (``text``, a checked template), rendered for one customer."""
    values = complete_values(CUSTOM, common_values(customer, balance, settings, currency),
                             settings, currency)
    return Message(key, customer.id, CUSTOM, values, render(text, values))


def wants_messages(customer: Customer, settings: Settings) -> bool:
    return (settings.notifications.enabled and customer.platform != "none"
            and bool(customer.messaging_key) and customer.removed_at is None)


