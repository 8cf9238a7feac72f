"""How many points a sale earns.

Rounding: every award is rounded down to a whole point (fractions are dropped, never carried
over to the next sale), computed exactly with integers and Decimal, never floats. A sale of
12.34 at 100 points per unit earns 1234 points; at 1 point per unit it earns 12.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from decimal import Decimal

import attrs

from loyalty.domain.events import SaleRecorded
from loyalty.domain.money import Currency
from loyalty.domain.rules.tiers import tier_at
from loyalty.domain.settings import EarningSettings
from loyalty.domain.settings import Tier


@attrs.frozen
class Award:
    """Points one rule gives for one sale; each award becomes its own ledger entry."""

    rule_id: str
    points: int
    reason: str


def qualifies(total_minor: int, rules: EarningSettings, currency: Currency) -> bool:
    """A sale at or above the payment threshold qualifies; below it earns nothing.

    A sale of nothing (a voided document) never qualifies, even with no threshold, so it
    cannot collect the tier bonus.
    """
    return total_minor > 0 and total_minor >= _in_minor(rules.payment_threshold, currency.scale)


def base_points(total_minor: int, rules: EarningSettings, currency: Currency) -> int:
    """``floor(total × points_per_unit)``: 12.34 at 100/unit → 1234; at 0.5/unit → 6."""
    numerator, denominator = _per_minor_unit(rules.points_per_unit, currency.scale)
    return total_minor * numerator // denominator


# The settings' amounts as every sale of a sync is computed with, exactly (a Decimal is a
# fraction of integers), worked out once per setting, not once per sale.

@functools.lru_cache(maxsize=64)
def _in_minor(amount: Decimal, scale: int) -> Decimal:
    return amount * scale


@functools.lru_cache(maxsize=64)
def _per_minor_unit(points_per_unit: Decimal, scale: int) -> tuple[int, int]:
    numerator, denominator = points_per_unit.as_integer_ratio()
    return numerator, denominator * scale


def awards_for_sale(
    sale: SaleRecorded,
    rules: EarningSettings,
    tiers: Sequence[Tier],
    stars_before: int,
    currency: Currency,
) -> list[Award]:
    """All awards for a qualifying sale, in a fixed order; an empty list when it does not qualify.

    The tier bonus is that of the level the customer holds *before* the sale, so the sale
    that lifts a customer to 3 stars still gets the 2-star bonus.
    """
    if not qualifies(sale.total_minor, rules, currency):
        return []
    awards = []
    base = base_points(sale.total_minor, rules, currency)
    if base:
        unit = "point" if rules.points_per_unit == 1 else "points"
        awards.append(Award("base", base, f"{rules.points_per_unit} {unit} per 1 {currency.code}"))
    tier = tier_at(stars_before, tiers)
    if tier is not None and tier.points_to_add:
        awards.append(Award("tier_bonus", tier.points_to_add, f"{tier.stars}-star bonus"))
    for line in sale.lines:
        for table, key, label in (
            (rules.product_points, line.product_id, "product"),
            (rules.category_points, line.category_id, "category"),
        ):
            per_unit = table.get(key) if key is not None else None
            if per_unit and line.quantity > 0:
                points = math.floor(line.quantity * per_unit)
                if points:
                    name = line.product_name or line.product_id
                    awards.append(
                        Award(f"{label}:{key}", points, f"{per_unit} per {name} × {line.quantity}")
                    )
    return _merge_same_rule(awards)


def _merge_same_rule(awards: list[Award]) -> list[Award]:
    """Two lines of the same product give one award, so each rule has one entry per sale."""
    merged: dict[str, Award] = {}
    for award in awards:
        if award.rule_id in merged:
            first = merged[award.rule_id]
            merged[award.rule_id] = Award(award.rule_id, first.points + award.points, first.reason)
        else:
            merged[award.rule_id] = award
    return list(merged.values())


def share_returned(points: int, total_minor: int, refunded_minor: int) -> int:
    """The part of ``points`` that the money refunded so far returns, rounded down.

    ``floor(points × min(refunded, total) / total)``: the same rule for the points a sale
    earned (taken back) and the points that paid for it (given back), so many small refunds
    return exactly what one big one would. A sale of nothing is returned whole by any refund.
    """
    if points <= 0 or refunded_minor <= 0:
        return 0
    if total_minor <= 0:
        return points
    return points * min(refunded_minor, total_minor) // total_minor


def reversal_for_refund(
    points_earned: int, sale_total_minor: int, refunded_before: int, refund_minor: int,
    reversed_before: int,
) -> int:
    """Points a refund takes back, proportional to the money returned, cumulatively.

    The target after this refund is ``share_returned`` of what the sale earned; the refund takes
    the difference from what earlier refunds took. Cumulative rounding means many small
    refunds take back exactly what one big one would, and a full refund takes back everything.
    """
    target = share_returned(points_earned, sale_total_minor, refunded_before + refund_minor)
    return max(0, target - reversed_before)
