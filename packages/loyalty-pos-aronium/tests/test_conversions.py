"""The reader's fast conversions give exactly what their Decimal and zoneinfo definitions give."""

from __future__ import annotations

from datetime import datetime
from datetime import timedelta
from datetime import timezone
from decimal import ROUND_HALF_UP
from decimal import Decimal
from decimal import InvalidOperation
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from loyalty_pos_aronium.conversions import line_key
from loyalty_pos_aronium.conversions import parse_local
from loyalty_pos_aronium.conversions import sale_line
from loyalty_pos_aronium.conversions import to_minor
from loyalty_pos_aronium.conversions import to_utc


def minor_by_definition(value: object, scale: int) -> int | None:
    """What the reader always meant: the amount as text, as a Decimal, times the scale, rounded
    half up; None when it is not a finite number of at most 28 digits."""
    if value is None:
        return None
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    if not amount.is_finite():
        return None
    try:
        return int((amount * Decimal(scale)).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    except InvalidOperation:  # beyond 28 digits: not an amount any till took
        return None


def outcome(function, *args):  # noqa: ANN001, ANN202 - the result, or the error it raised
    try:
        return "ok", function(*args)
    except ArithmeticError as exc:
        return "error", type(exc)


near_halves = st.integers(-10**9, 10**9).flatmap(
    lambda k: st.sampled_from([k / 1000, (k + 0.5) / 100, k / 200, k / 8, k * 1.005]))
amounts = st.one_of(
    st.integers(),
    st.integers(-2**63, 2**63 - 1),
    st.floats(),
    st.floats(-1e12, 1e12),
    st.integers(2**36, 2**50).map(lambda k: k / 1000),  # large, with few decimals: up to the limit
    st.integers(2**36, 2**50).map(lambda k: (10 * k + 5) / 1000),  # large ties
    near_halves,
    st.integers(0, 6).flatmap(lambda places: st.decimals(places=places)).map(str),
    st.decimals().map(str),
    st.decimals(allow_nan=False, allow_infinity=False).map(float),
    st.text(max_size=12),
    st.sampled_from([None, True, b"12", "", " 7.5 ", "1e3", "-0", "Infinity", "nan"]),
)


@settings(max_examples=1500)
@given(value=amounts, minor_units=st.integers(0, 4))
@example(value=0.125, minor_units=2)  # 12.5: a tie, rounded up
@example(value=-0.125, minor_units=2)  # -12.5: away from zero
@example(value=1.005, minor_units=2)  # 100.49999999999999 as a float, but 1.005 is written
@example(value=2.675, minor_units=2)
@example(value=0.1 + 0.2, minor_units=2)
@example(value=-0.0, minor_units=2)
@example(value=5e-324, minor_units=4)
@example(value=float(2**40) / 100, minor_units=2)
@example(value=2**62, minor_units=4)
@example(value=170505918518.985, minor_units=2)  # beyond the fast path: a float errs by more
@example(value=73483719140479.6, minor_units=2)  # than 2**-10 there and would round wrongly
@example(value=1e300, minor_units=2)  # too many digits for any amount: None, never an error
def test_to_minor_is_the_decimal_definition(value, minor_units):
    scale = 10**minor_units

    assert outcome(to_minor, value, scale) == outcome(minor_by_definition, value, scale)


def utc_by_definition(local: datetime, zone: ZoneInfo) -> datetime:
    return local.replace(tzinfo=zone).astimezone(timezone.utc)


ZONES = ["Asia/Colombo", "America/New_York", "Europe/Dublin", "Australia/Lord_Howe",
         "America/Sao_Paulo", "Pacific/Apia", "Asia/Kathmandu", "Europe/London", "UTC"]


@settings(max_examples=600)
@given(
    local=st.datetimes(datetime(1850, 1, 1), datetime(2200, 1, 1)),
    zone=st.sampled_from(ZONES).map(ZoneInfo),
    written_offset=st.none() | st.integers(-14 * 60, 14 * 60).map(
        lambda m: timezone(timedelta(minutes=m))),
)
@example(local=datetime(2026, 3, 8, 2, 30), zone=ZoneInfo("America/New_York"), written_offset=None)
@example(local=datetime(2026, 11, 1, 1, 30), zone=ZoneInfo("America/New_York"), written_offset=None)
@example(local=datetime(2011, 12, 30, 12), zone=ZoneInfo("Pacific/Apia"), written_offset=None)
def test_to_utc_is_replace_then_astimezone(local, zone, written_offset):
    """Gaps and folds of summer time included: both read a local time with fold=0."""
    local = local.replace(fold=0, tzinfo=written_offset)

    converted = to_utc(local, zone)

    assert converted == utc_by_definition(local, zone)
    assert converted.tzinfo is timezone.utc
    assert repr(converted) == repr(utc_by_definition(local, zone))


@pytest.mark.parametrize(
    "text", ["2026-01-05 09:01:00.123", "2026-01-05T09:01:00", " 2026-07-01 23:59 "])
def test_aronium_times_parse_and_convert_like_before(text):
    zone = ZoneInfo("Asia/Colombo")

    assert to_utc(parse_local(text), zone) == utc_by_definition(parse_local(text), zone)


EQUAL_VALUES = [[0, 0.0, -0.0], [1, 1.0], [2**60, 2.0**60], [7.25], ["1"], [" 1 "], [None],
                [b"1"], [float("nan")], ["Tea 100g"]]
"""Values SQLite may return for an item; those in one list are equal in Python."""


@st.composite
def item_pairs(draw):  # noqa: ANN001, ANN201 - two items whose values are pairwise equal
    first, second = [], []
    for _ in range(5):
        equal = draw(st.sampled_from(EQUAL_VALUES))
        first.append(draw(st.sampled_from(equal)))
        second.append(draw(st.sampled_from(equal)))
    return tuple(first), tuple(second)


@settings(max_examples=400)
@given(pair=item_pairs(), minor_units=st.integers(0, 4))
@example(pair=((1, 2, 7.25, 1, "Tea"), (1, 2, 7.25, 1, "Tea")), minor_units=2)
def test_items_with_equal_line_keys_make_identical_lines(pair, minor_units):
    first, second = pair
    key = line_key(first)

    if key is not None and key == line_key(second):
        assert repr(sale_line(first, 10**minor_units)) == repr(sale_line(second, 10**minor_units))


def test_items_that_differ_only_in_type_have_different_line_keys():
    assert line_key((1, 2, 7.25, 1, "Tea")) == line_key((1, 2, 7.25, 1, "Tea"))
    assert line_key((1, 2, 7.25, 1, "Tea")) != line_key((1, 2.0, 7.25, 1, "Tea"))
    assert line_key((0.0, 2, 7.25, 1, "Tea")) is None
