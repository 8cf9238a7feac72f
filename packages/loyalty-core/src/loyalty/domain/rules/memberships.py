"""Memberships (Silver, Gold, Premium): which level points reach, how long it lasts, and the
discount it gives on a sale's lines.

A level is reached when the points earned in the last ``window_days`` are at or above its
threshold. A membership lasts ``valid_days`` from the day it was reached; reaching a higher
level while one is active grants the higher one at once, reaching the same or a lower one
changes nothing until the active one has expired.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date
from datetime import timedelta

import attrs

from loyalty.domain.events import SaleLine
from loyalty.domain.settings import MembershipLevel


@attrs.frozen
class Held:
    """A membership a customer holds."""

    level_id: str
    since: date
    expires_on: date


def level_for(points: int, levels: Sequence[MembershipLevel]) -> MembershipLevel | None:
    """The highest level whose threshold ``points`` reach."""
    reached = [level for level in levels if points >= level.threshold]
    return max(reached, key=lambda level: level.threshold, default=None)


def last_day(since: date, level: MembershipLevel) -> date:
    return since + timedelta(days=level.valid_days)


def active(held: Sequence[Held], today: date, levels: Sequence[MembershipLevel]) -> Held | None:
    """The highest-ranked membership still running today."""
    rank = {level.id: level.threshold for level in levels}
    running = [h for h in held if h.since <= today <= h.expires_on and h.level_id in rank]
    return max(running, key=lambda h: (rank[h.level_id], h.expires_on), default=None)


def to_grant(
    points: int, held: Sequence[Held], today: date, levels: Sequence[MembershipLevel]
) -> Held | None:
    """The membership to grant today, if the points reach a level above the active one."""
    reached = level_for(points, levels)
    return None if reached is None else grant_of(reached, held, today, levels)


def grant_of(
    level: MembershipLevel, held: Sequence[Held], today: date, levels: Sequence[MembershipLevel]
) -> Held | None:
    """The membership of ``level`` from today, or None while an equal or higher one runs:
    the one rule for grants reached by points and grants made by hand."""
    current = active(held, today, levels)
    if current is not None:
        rank = {level.id: level.threshold for level in levels}
        if rank[current.level_id] >= level.threshold:
            return None
    return Held(level.id, today, last_day(today, level))


def applies_to(line: SaleLine, level: MembershipLevel) -> bool:
    if not level.categories and not level.products:
        return True
    return line.product_id in level.products or (
        line.category_id is not None and line.category_id in level.categories)


def discount_minor(lines: Sequence[SaleLine], level: MembershipLevel) -> int:
    """The discount on a sale's lines, each rounded down to a whole minor unit."""
    return sum(
        math.floor(line.total_minor * level.discount_percent / 100)
        for line in lines if line.total_minor > 0 and applies_to(line, level)
    )


def bill_discount_minor(bill_minor: int, level: MembershipLevel) -> int:
    """The discount on a bill known only by its total (the Pay dialog): the whole bill is one
    line, so a level limited to some products or categories takes nothing off it."""
    if level.categories or level.products:
        return 0
    return discount_minor([SaleLine(product_id="", quantity=1, total_minor=bill_minor)], level)
