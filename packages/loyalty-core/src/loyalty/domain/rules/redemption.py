"""What points are worth and how many a payment takes.

Rounding, always in the shop's favour by less than one minor unit and never against the
customer's points:

* the value of N points is rounded *down* to a whole minor unit;
* paying an amount takes the points rounded *up* (``ceil``), so a bill can always be paid in
  full with points, and
* a partial payment with N points charges only the points the covered amount needs, so no
  point is lost to a fraction of a cent.
"""

from __future__ import annotations

from decimal import ROUND_CEILING
from decimal import ROUND_FLOOR
from decimal import Decimal

import attrs

from loyalty.domain.bounds import check_money
from loyalty.domain.bounds import check_points
from loyalty.domain.errors import InsufficientPoints
from loyalty.domain.errors import RedemptionRefused
from loyalty.domain.money import Currency
from loyalty.domain.settings import RedemptionSettings
from loyalty.domain.wording import points_text


def value_of(points: int, rules: RedemptionSettings, currency: Currency) -> int:
    """Minor units ``points`` pay for: ``floor(points / points_per_unit × scale)``."""
    exact = Decimal(points) * currency.scale / rules.points_per_unit
    return int(exact.to_integral_value(rounding=ROUND_FLOOR))


def points_for_amount(amount_minor: int, rules: RedemptionSettings, currency: Currency) -> int:
    """Points needed to pay ``amount_minor``: ``ceil(amount / scale × points_per_unit)``."""
    exact = Decimal(amount_minor) * rules.points_per_unit / currency.scale
    return int(exact.to_integral_value(rounding=ROUND_CEILING))


@attrs.frozen
class PointsPayment:
    """A bill split into what points pay and what the customer pays in cash."""

    points: int
    """Points to redeem."""
    covered_minor: int
    """What those points pay for."""
    cash_minor: int
    """What is left for cash."""


def check_redemption(customer_id: int, balance: int, points: int, rules: RedemptionSettings) -> None:
    """Refuse a redemption the balance or the shop's rules do not allow."""
    if points <= 0:
        raise RedemptionRefused(
            f"Cannot redeem {points_text(points)}.", hint="Give a positive number of points."
        )
    check_points(points, "The points to redeem")
    if balance < rules.minimum_balance:
        raise RedemptionRefused(
            f"Customer {customer_id} has {points_text(balance)}; redeeming starts at "
            f"{rules.minimum_balance:,}.",
            hint="Set redemption.minimum_balance lower to allow it.",
        )
    if points > balance:
        raise InsufficientPoints(customer_id, points, balance)


def plan_payment(
    balance: int,
    bill_minor: int,
    rules: RedemptionSettings,
    currency: Currency,
    *,
    points: int | None = None,
) -> PointsPayment:
    """Split a bill: pay as much as ``points`` (default: the whole balance) covers.

    Never uses more points than the balance or than the bill needs.
    """
    check_money(bill_minor, "The bill")  # a bill of 0 is paid by nothing
    if points is not None:
        check_points(points, "The points offered", minimum=0)  # 0 offered pays nothing
    offered = balance if points is None else min(points, balance)
    needed_for_bill = points_for_amount(bill_minor, rules, currency)
    if offered >= needed_for_bill:
        return PointsPayment(needed_for_bill, bill_minor, 0)
    covered = value_of(offered, rules, currency)
    charged = points_for_amount(covered, rules, currency)
    return PointsPayment(charged, covered, bill_minor - covered)
