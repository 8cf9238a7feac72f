"""Currencies and money amounts.

Money is always an integer count of minor units (cents, paisa, kobo) paired with a currency;
it is never a float. Decimal appears only at the edges, where a person types or reads an amount.
"""

from __future__ import annotations

import functools
from decimal import ROUND_DOWN
from decimal import Decimal
from decimal import InvalidOperation

import attrs
from babel.numbers import format_decimal

from loyalty.domain.bounds import MAX_MONEY_MINOR
from loyalty.domain.bounds import OutOfBounds
from loyalty.domain.errors import LoyaltyError


@attrs.frozen
class Currency:
    """A currency the shop can keep its books in; plugins add more through ``loyalty_currencies``."""

    code: str = attrs.field(validator=attrs.validators.matches_re(r"^[A-Z]{3}$"))
    """ISO 4217 code, e.g. ``LKR``."""
    symbol: str
    """What the shop shows before an amount, e.g. ``Rs``, ``₦``."""
    minor_units: int = attrs.field(validator=attrs.validators.in_(range(0, 5)))
    """Digits after the decimal point: 2 for USD, 0 for JPY."""
    name: str = ""

    @property
    def scale(self) -> int:
        return 10**self.minor_units


def to_minor(amount: Decimal | int | str, currency: Currency) -> int:
    """Turn an amount in major units into minor units, refusing sub-minor precision.

    ``12.345`` dollars is refused rather than rounded: a till never produces it, so it is a typo.
    """
    try:
        value = Decimal(str(amount).strip())
    except (InvalidOperation, ValueError):
        raise LoyaltyError(
            f"'{amount}' is not an amount of money.", hint="Write it like 12.50."
        ) from None
    if not value.is_finite():
        raise LoyaltyError(f"'{amount}' is not an amount of money.", hint="Write it like 12.50.")
    if abs(value) > Decimal(MAX_MONEY_MINOR) / currency.scale:
        largest = to_major(MAX_MONEY_MINOR, currency)
        raise OutOfBounds(f"{amount} is more money than any sale or bill.",
                          hint=f"Give at most {largest}.")
    minor = value * currency.scale
    if minor != minor.to_integral_value():
        raise LoyaltyError(
            f"{amount} has more than {currency.minor_units} decimal places for {currency.code}.",
            hint=f"Round it to {currency.minor_units} places.",
        )
    return int(minor)


def to_major(minor: int, currency: Currency) -> Decimal:
    return (Decimal(minor) / currency.scale).quantize(
        Decimal(1).scaleb(-currency.minor_units), rounding=ROUND_DOWN
    )


def format_money(minor: int, currency: Currency, locale: str = "en_US") -> str:
    """``$12.50``, ``Rs 1,23,456.00`` (en_IN groups in lakhs): the locale groups, we add the symbol.

    babel does the digit grouping for the shop's locale; the symbol is the shop's own choice
    (``Rs``, not the ``PKR`` babel would print), so it is added here.
    """
    number = _grouped_digits(to_major(abs(minor), currency), currency.minor_units, locale)
    sign = "-" if minor < 0 else ""
    gap = " " if len(currency.symbol) > 1 and currency.symbol.isalpha() else ""
    return f"{sign}{currency.symbol}{gap}{number}"


@functools.lru_cache(maxsize=8192)
def _grouped_digits(amount: Decimal, digits: int, locale: str) -> str:
    """Remembered: babel takes a tenth of a millisecond, and a page of customers repeats few."""
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(amount, format=pattern, locale=locale, decimal_quantization=True)
