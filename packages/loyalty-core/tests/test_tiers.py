"""The star level follows lifetime points earned: ``>=`` each threshold, monotone, never skipped."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from loyalty.domain.rules.tiers import max_stars
from loyalty.domain.rules.tiers import next_tier
from loyalty.domain.rules.tiers import render_stars
from loyalty.domain.rules.tiers import stars_for
from loyalty.domain.settings import DEFAULT_TIERS
from loyalty.domain.settings import Tier


@st.composite
def tier_lists(draw: st.DrawFn) -> tuple[Tier, ...]:
    """Valid tier tables: stars and thresholds both strictly increasing."""
    count = draw(st.integers(0, 6))
    thresholds = sorted(draw(st.sets(st.integers(0, 100_000), min_size=count, max_size=count)))
    return tuple(Tier(i + 1, t, draw(st.integers(0, 50))) for i, t in enumerate(thresholds))


def test_a_threshold_is_reached_at_exactly_its_points():
    assert stars_for(99, DEFAULT_TIERS) == 0
    assert stars_for(100, DEFAULT_TIERS) == 1
    assert stars_for(499, DEFAULT_TIERS) == 1
    assert stars_for(500, DEFAULT_TIERS) == 2
    assert stars_for(10**9, DEFAULT_TIERS) == 5


def test_the_order_the_tiers_are_listed_in_does_not_change_the_level():
    shuffled = tuple(reversed(DEFAULT_TIERS))
    assert [stars_for(p, shuffled) for p in (0, 100, 600, 2600, 6000)] == [0, 1, 2, 4, 5]


def test_the_next_level_and_the_points_still_needed():
    assert next_tier(450, DEFAULT_TIERS) == (DEFAULT_TIERS[1], 50)
    assert next_tier(5000, DEFAULT_TIERS) is None


def test_ratings_render_as_filled_and_empty_stars():
    assert render_stars(3, max_stars(DEFAULT_TIERS)) == "★★★☆☆"
    assert render_stars(0, 0) == ""


@given(tiers=tier_lists(), a=st.integers(0, 200_000), b=st.integers(0, 200_000))
def test_the_tier_is_a_monotone_function_of_lifetime_points(tiers, a, b):
    low, high = sorted((a, b))
    assert stars_for(low, tiers) <= stars_for(high, tiers)


@given(tiers=tier_lists(), lifetime=st.integers(0, 200_000))
def test_the_level_held_is_the_highest_whose_threshold_is_reached(tiers, lifetime):
    stars = stars_for(lifetime, tiers)
    reached = [t.stars for t in tiers if lifetime >= t.threshold]
    assert stars == max(reached, default=0)
    for tier in tiers:
        if tier.stars > stars:
            assert lifetime < tier.threshold


@given(tiers=tier_lists(), lifetime=st.integers(0, 200_000))
def test_earning_the_points_still_needed_reaches_the_next_level(tiers, lifetime):
    upcoming = next_tier(lifetime, tiers)
    if upcoming is None:
        assert stars_for(lifetime, tiers) == max_stars(tiers)
    else:
        tier, needed = upcoming
        assert stars_for(lifetime + needed, tiers) >= tier.stars
        if needed:
            assert stars_for(lifetime + needed - 1, tiers) < tier.stars
