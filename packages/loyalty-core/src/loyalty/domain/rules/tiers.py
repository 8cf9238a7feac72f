"""The customer rating: star levels reached by lifetime points earned.

A level is held when lifetime points are *at or above* its threshold (``>=``, checked from the
lowest level up, so a gap or an unsorted list can never pick the wrong tier). Redemptions do not
lower lifetime points; refunds do, by what their sale earned.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from datetime import date
from datetime import timedelta

from loyalty.domain.settings import Tier


def stars_for(lifetime_points: int, tiers: Sequence[Tier]) -> int:
    """The highest star level whose threshold ``lifetime_points`` reaches; 0 below all of them."""
    return max((t.stars for t in tiers if lifetime_points >= t.threshold), default=0)


def max_stars(tiers: Sequence[Tier]) -> int:
    return max((t.stars for t in tiers), default=0)


def tier_at(stars: int, tiers: Sequence[Tier]) -> Tier | None:
    return next((t for t in tiers if t.stars == stars), None)


def next_tier(lifetime_points: int, tiers: Sequence[Tier]) -> tuple[Tier, int] | None:
    """The next level up and the points still needed for it; None at the top."""
    return _level_above(stars_for(lifetime_points, tiers), lifetime_points, tiers)


def _level_above(stars: int, points: int, tiers: Sequence[Tier]) -> tuple[Tier, int] | None:
    """The level just above ``stars`` and what ``points`` still lack of its threshold."""
    higher = sorted((t for t in tiers if t.stars > stars), key=lambda t: t.stars)
    if not higher:
        return None
    return higher[0], max(0, higher[0].threshold - points)


def render_stars(stars: int, maximum: int) -> str:
    """``★★★☆☆`` for 3 of 5."""
    return "★" * stars + "☆" * max(0, maximum - stars)


# ---- the tier review: stars that fall -------------------------------------------------------

def reviewed_stars(current: int, recent_points: int, tiers: Sequence[Tier]) -> int:
    """The stars a customer at ``current`` stars keeps when only the points earned in the
    review window (``recent_points``) count: the level those points reach, never more than
    ``current`` (a review only lowers; earning raises)."""
    return min(current, stars_for(recent_points, tiers))


def next_tier_in_review(
    stars: int, recent_points: int, lifetime_points: int, tiers: Sequence[Tier]
) -> tuple[Tier, int] | None:
    """With the tier review on: the level above the ``stars`` held and the points still needed
    for it. Earning raises stars only as far as both the points of the review's months and the
    lifetime points reach (``services.points.follow_stars``), so the fewer of the two counts:
    a customer whose stars fell climbs back from their recent points, not their lifetime."""
    return _level_above(stars, min(recent_points, lifetime_points), tiers)


def review_window_start(today: date, months: int) -> date:
    """The first day of the ``months`` months up to ``today``: the same day ``months``
    earlier, the day after it (the last day of a shorter month, plus one)."""
    month_index = today.year * 12 + today.month - 1 - months
    year, month = divmod(month_index, 12)
    day = min(today.day, calendar.monthrange(year, month + 1)[1])
    return date(year, month + 1, day) + timedelta(days=1)


def lowered_reason(old_stars: int, new_stars: int, recent_points: int, months: int) -> str:
    """Why the review lowered the stars, as the points log says it: ``Stars lowered from 4 to
    2: 620 points in the last 12 months.``"""
    window = "the last month" if months == 1 else f"the last {months} months"
    return f"Stars lowered from {old_stars} to {new_stars}: {recent_points:,} points in {window}."
