"""The bounds of money, points, ids and texts: beyond any shop, within any ledger.

A shop never rings up a sale of ten billion dollars, never gives one customer a trillion
points and never has a trillion customers; so a value beyond these bounds is a typo or an
attack, and it is refused where it enters (the command line, the settings, a POS adapter's
facts, the library's methods) with one line that names it. Within them, every amount the
ledger stores, and every sum of them it computes, fits a 64-bit integer (SQLite's INTEGER,
PostgreSQL's BIGINT: at most 9.2 x 10**18): a sum of nine million balances at the bound still
fits. Texts are bounded by their columns, so SQLite (which stores any length) and PostgreSQL
(which refuses what is too long) agree.
"""

from __future__ import annotations

from decimal import Decimal

import attrs

from loyalty.domain.errors import LoyaltyError
from loyalty.domain.errors import UnknownCustomer


MAX_MONEY_MINOR = 10**12
"""Largest sale, refund, bill or coupon, in minor units (ten billion dollars; a trillion yen)."""
MAX_POINTS = 10**12
"""Largest points of one entry, one balance, one customer's lifetime or one setting."""
MAX_ID = 10**12
"""Largest customer id: ids count customers from 1."""
MAX_NAME_LENGTH = 200
"""Characters of a customer's name (the ``customers.name`` column)."""
MAX_DOCUMENT_LENGTH = 128
"""Characters of a POS document number (the ``sales.document_id`` column)."""
MAX_PHONE_LENGTH = 64
"""Characters of a phone number as stored (the ``customers.phone`` column)."""
MAX_KEY_LENGTH = 200
"""Characters of a messaging key (the ``customers.messaging_key`` column)."""
MAX_EARNING_RATE = Decimal(10_000)
"""Most points one unit of currency earns (``earning.points_per_unit``)."""
MIN_REDEMPTION_RATE = Decimal("0.01")
"""Fewest points that pay one unit of currency: so a point is worth at most 100 units and
the value of ``MAX_POINTS`` still fits the ledger in minor units."""
MAX_REDEMPTION_RATE = Decimal(10**6)
"""Most points that pay one unit of currency."""
MAX_FACTOR = Decimal(100)
"""Largest campaign multiplier."""


class OutOfBounds(LoyaltyError, ValueError):
    """A value beyond the bounds; a ``ValueError`` too, for attrs validators and their callers."""


def check_money(minor: int, what: str = "The amount", *, minimum: int = 0) -> int:
    """``minor`` if it is from ``minimum`` to ``MAX_MONEY_MINOR``; else ``OutOfBounds``."""
    if not minimum <= minor <= MAX_MONEY_MINOR:
        raise OutOfBounds(
            f"{what} ({minor} minor units) is out of bounds.",
            hint=f"Give an amount of {minimum} to {MAX_MONEY_MINOR} minor units.")
    return minor


def check_points(points: int, what: str = "Points", *, minimum: int = 1) -> int:
    """``points`` if from ``minimum`` to ``MAX_POINTS``; else ``OutOfBounds``."""
    if not minimum <= points <= MAX_POINTS:
        raise OutOfBounds(f"{what} ({points}) is out of bounds.",
                          hint=f"Give {minimum} to {MAX_POINTS} points.")
    return points


def check_change(points: int, what: str = "The change") -> int:
    """A signed change of points, at most ``MAX_POINTS`` either way."""
    if not -MAX_POINTS <= points <= MAX_POINTS:
        raise OutOfBounds(f"{what} ({points}) is out of bounds.",
                          hint=f"Give -{MAX_POINTS} to {MAX_POINTS} points.")
    return points


def is_customer_id(value: object) -> bool:
    """Whether ``value`` can be a customer's id: an int from 1 to ``MAX_ID``."""
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_ID


def check_customer_id(customer_id: int) -> int:
    """``customer_id`` if it can be an id; else ``UnknownCustomer``, as no such customer exists."""
    if not is_customer_id(customer_id):
        raise UnknownCustomer(customer_id)
    return customer_id


def check_balance(points: int, customer_id: int) -> None:
    """A balance or lifetime total a credit would reach: refused beyond ``MAX_POINTS``."""
    if points > MAX_POINTS:
        raise OutOfBounds(
            f"Customer {customer_id} would have {points} points, more than {MAX_POINTS}.",
            hint="Check the amount and the earning settings; nothing was recorded.")


def check_text(text: str, what: str, max_length: int, *, required: bool = True) -> str:
    """``text`` stripped, refused if empty (when ``required``) or longer than ``max_length``."""
    stripped = text.strip()
    if required and not stripped:
        raise OutOfBounds(f"{what} is empty.", hint=f"Give {what.lower()}.")
    if len(stripped) > max_length:
        raise OutOfBounds(f"{what} has {len(stripped)} characters, more than {max_length}.",
                          hint=f"Shorten it to {max_length} characters.")
    return stripped


def check_document(document: str | None) -> str | None:
    """A document number given by hand: None stays None (a new one is made), blank or too
    long is refused."""
    if document is None:
        return None
    return check_text(document, "The document number", MAX_DOCUMENT_LENGTH)


def fact_problem(fact: object) -> str | None:
    """Why a POS fact is beyond the bounds, or None: the sale pipeline skips it with this."""
    document = getattr(fact, "document_id", "")
    if not isinstance(document, str) or not document.strip() \
            or len(document) > MAX_DOCUMENT_LENGTH:
        return f"its document number is empty or longer than {MAX_DOCUMENT_LENGTH} characters"
    for name, low in (("total_minor", 0), ("amount_minor", 1)):
        amount = getattr(fact, name, None)
        if amount is not None and not (isinstance(amount, int)
                                       and low <= amount <= MAX_MONEY_MINOR):
            return f"its amount {amount!r} is not {low} to {MAX_MONEY_MINOR} minor units"
    customer = getattr(fact, "customer_id", None)
    if customer is not None and not is_customer_id(customer):
        return f"its customer id {customer!r} is not 1 to {MAX_ID}"
    return None



def pos_customer_values(customer: object) -> dict[str, object]:
    """What the ledger keeps of a customer a POS sends: a name cut to ``MAX_NAME_LENGTH``
    (ending in ``…``), and a phone or key too long to be one left out. A cashier's slip in
    the POS never stops a sync, and both databases store the same."""
    values = dict(attrs.asdict(customer))  # type: ignore[arg-type]
    name = str(values.get("name") or "").strip() or f"#{values.get('external_id')}"
    if len(name) > MAX_NAME_LENGTH:
        name = name[:MAX_NAME_LENGTH - 1] + "…"
    values["name"] = name
    for field, limit in (("phone", MAX_PHONE_LENGTH), ("messaging_key", MAX_KEY_LENGTH)):
        if values.get(field) is not None and len(str(values[field])) > limit:
            values[field] = None
    return values
