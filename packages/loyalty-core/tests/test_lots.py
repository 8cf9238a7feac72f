"""Debits are allocated to lots soonest-expiry first, then oldest; lots expire by the policy."""

from __future__ import annotations

from datetime import date
from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from loyalty.domain.rules.lots import Lot
from loyalty.domain.rules.lots import allocate
from loyalty.domain.rules.lots import consumption_order
from loyalty.domain.rules.lots import expiry_date
from loyalty.domain.settings import ExpirySettings


D = date(2026, 1, 5)


@st.composite
def lot_lists(draw: st.DrawFn) -> list[Lot]:
    count = draw(st.integers(0, 12))
    lots = []
    for lot_id in range(1, count + 1):
        earned = D + timedelta(days=draw(st.integers(0, 400)))
        expires = draw(st.none() | st.integers(0, 400).map(lambda d, e=earned: e + timedelta(d)))
        lots.append(Lot(lot_id, draw(st.integers(0, 1000)), expires, earned))
    return lots


def test_the_lot_expiring_soonest_is_spent_first_and_never_expiring_lots_last():
    lots = [Lot(1, 50, None, D), Lot(2, 50, D + timedelta(30), D + timedelta(1)),
            Lot(3, 50, D + timedelta(10), D + timedelta(2))]
    assert allocate(lots, 120) == [(3, 50), (2, 50), (1, 20)]


def test_among_lots_expiring_the_same_day_the_oldest_goes_first():
    lots = [Lot(1, 10, D + timedelta(9), D + timedelta(2)), Lot(2, 10, D + timedelta(9), D)]
    assert allocate(lots, 15) == [(2, 10), (1, 5)]


def test_preferred_lots_are_taken_first_whatever_their_expiry():
    lots = [Lot(1, 10, D, D), Lot(2, 10, None, D)]
    assert allocate(lots, 5, prefer={2}) == [(2, 5)]


def test_asking_more_than_the_lots_hold_is_an_error():
    with pytest.raises(ValueError, match="lots hold 10 points, 11 asked"):
        allocate([Lot(1, 10, None, D)], 11)


@pytest.mark.parametrize(("mode", "expected"), [
    ("never", None),
    ("days", date(2026, 2, 4)),
    ("end_of_month", date(2026, 1, 31)),
    ("end_of_year", date(2026, 12, 31)),
])
def test_a_lot_expires_by_the_shops_policy(mode, expected):
    assert expiry_date(D, ExpirySettings(mode=mode, days=30)) == expected


def test_end_of_month_knows_leap_years():
    assert expiry_date(date(2028, 2, 3), ExpirySettings(mode="end_of_month")) == date(2028, 2, 29)


@given(lots=lot_lists(), data=st.data())
def test_allocate_takes_exactly_the_points_asked_soonest_expiry_first(lots, data):
    held = sum(lot.remaining for lot in lots)
    asked = data.draw(st.integers(0, held))
    allocations = allocate(lots, asked)
    assert sum(take for _, take in allocations) == asked
    by_id = {lot.lot_id: lot for lot in lots}
    assert len({lot_id for lot_id, _ in allocations}) == len(allocations)
    for lot_id, take in allocations:
        assert 0 < take <= by_id[lot_id].remaining
    used = {lot_id for lot_id, _ in allocations}
    # every lot consumed before the last one touched was emptied, and no untouched lot comes first
    order = sorted((lot for lot in lots if lot.remaining), key=consumption_order)
    touched = [lot.lot_id for lot in order if lot.lot_id in used]
    assert touched == [lot.lot_id for lot in order][: len(touched)]
    for lot_id, take in allocations[:-1]:
        assert take == by_id[lot_id].remaining


@given(lots=lot_lists(), extra=st.integers(1, 100))
def test_allocate_refuses_more_than_the_lots_hold(lots, extra):
    with pytest.raises(ValueError):
        allocate(lots, sum(lot.remaining for lot in lots) + extra)
