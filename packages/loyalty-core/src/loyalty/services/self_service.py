"""Answers for customers: "How many points do I have?", "What can I redeem?", "When do my
points expire?", for a chatbot or a channel plugin.

``standing`` gathers everything in one record (JSON-ready with ``loyalty.cli.output.to_plain``);
``answer`` picks the part a question asks about and says it in one sentence. Points that passed
their last day are not counted even before ``loyalty expire`` has posted them, so a customer is
never told about points they cannot spend.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import attrs
import sqlalchemy as sa

from loyalty.domain.rules import expiry
from loyalty.domain.rules import rewards
from loyalty.domain.shop import Shop
from loyalty.ledger import customers
from loyalty.ledger import lots as lot_rows
from loyalty.services.accounts import account
from loyalty.services.memberships import membership_of


@attrs.frozen
class RewardInReach:
    id: str
    name: str
    points: int
    missing: int


@attrs.frozen
class ExpiringPoints:
    expires_on: date
    points: int


@attrs.frozen
class MembershipHeld:
    name: str
    discount_percent: Decimal
    expires_on: date


@attrs.frozen
class Standing:
    customer_id: int
    name: str
    points: int
    """Points the customer can spend today."""
    value_minor: int
    value_text: str
    stars: int
    max_stars: int
    rating: str
    next_stars: int | None
    points_to_next: int | None
    """Lifetime points still needed for the next star; None at the top."""
    rewards: list[RewardInReach]
    """What the points pay for now, and the next reward to save up for."""
    expiring: list[ExpiringPoints]
    """The next dates some points expire, with how many, soonest first."""
    membership: MembershipHeld | None = None


def standing(shop: Shop, conn: sa.Connection, customer_id: int) -> Standing:
    """Everything a customer may ask about, from one consistent read of the ledger."""
    view = account(shop, conn, customer_id)
    today = shop.today()
    lots = [item.lot for item in lot_rows.open_lots(conn, [customer_id])]
    points = view.points  # already leaves out points past their last day
    value = view.value_minor
    held = membership_of(shop, conn, customer_id)
    return Standing(
        customer_id=customer_id, name=view.customer.name, points=points, value_minor=value,
        value_text=view.value_text, stars=view.stars, max_stars=view.max_stars,
        rating=view.rating, next_stars=view.next_stars, points_to_next=view.points_to_next,
        rewards=[RewardInReach(s.reward.id, s.reward.name, s.reward.points, s.missing)
                 for s in rewards.within_reach(points, shop.settings.rewards.catalogue)],
        expiring=[ExpiringPoints(day, amount) for day, amount in expiry.next_expiries(lots, today)],
        membership=None if held is None else MembershipHeld(
            held.level.name, held.level.discount_percent, held.held.expires_on),
    )


INTENTS = {
    "expiry": ("expire", "expiry", "expiring", "when do", "valid until"),
    "rewards": ("redeem", "reward", "what can i", "spend", "buy with"),
    "tier": ("tier", "level", "star", "rating", "next"),
    "balance": ("how many", "balance", "points", "worth", "value"),
}
"""Words that show what a question is about, checked in this order."""


@attrs.frozen
class Answer:
    intent: str
    """``balance``, ``rewards``, ``expiry``, ``tier`` or ``summary``."""
    text: str
    standing: Standing


def intent_of(question: str) -> str:
    text = question.lower()
    for intent, words in INTENTS.items():
        if any(word in text for word in words):
            return intent
    return "summary"


def answer_sender(
    shop: Shop, conn: sa.Connection, sender: str, question: str = ""
) -> Answer | None:
    """The answer for whoever asked from ``sender`` (the phone number or messaging key the
    question came from); None when that is nobody's, or more than one customer's, or a
    removed customer's: an answer tells a name, points and dates, so it goes only to them."""
    found = customers.customers_reached_by(conn, sender)
    if len(found) != 1:
        return None
    return answer(shop, conn, found[0], question)


def answer(shop: Shop, conn: sa.Connection, customer_id: int, question: str = "") -> Answer:
    """The customer's standing, and the sentence that answers ``question``."""
    s = standing(shop, conn, customer_id)
    intent = intent_of(question)
    says = {
        "balance": lambda: f"You have {shop.points_text(s.points)}, worth {s.value_text}.",
        "rewards": lambda: _rewards_text(shop, s),
        "expiry": lambda: _expiry_text(s),
        "tier": lambda: _tier_text(shop, s),
    }
    if intent in says:
        text = says[intent]()
    else:
        text = " ".join(says[i]() for i in ("balance", "tier", "expiry"))
    return Answer(intent, text, s)


def _rewards_text(shop: Shop, s: Standing) -> str:
    now = [r.name for r in s.rewards if r.missing == 0]
    later = [r for r in s.rewards if r.missing > 0]
    parts = []
    if now:
        parts.append(f"With {shop.points_text(s.points)} you can redeem: {', '.join(now)}.")
    else:
        parts.append(f"You have {shop.points_text(s.points)}, worth {s.value_text}, to pay "
                     "with.")
    if later:
        parts.append(f"{shop.points_text(later[0].missing, more=True)} and you can have "
                     f"{later[0].name}.")
    return " ".join(parts)


def _expiry_text(s: Standing) -> str:
    if not s.expiring:
        return "None of your points expire soon."
    first = s.expiring[0]
    return f"{first.points} of your points expire after {first.expires_on.isoformat()}."


def _tier_text(shop: Shop, s: Standing) -> str:
    if s.next_stars is None:
        text = f"You are at the top rating, {s.rating}."
    else:
        stars = "1 star" if s.next_stars == 1 else f"{s.next_stars} stars"
        text = (f"Your rating is {s.rating}; {shop.points_text(s.points_to_next or 0, more=True)}"
                f" earned bring you to {stars}.")
    if s.membership is not None:
        m = s.membership
        text += f" You are a {m.name} member until {m.expires_on}: {m.discount_percent}% off."
    return text
