"""A number of points as a person reads it: never "1 points", grouped as the shop's locale."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from loyalty.domain.wording import points_text


@pytest.mark.parametrize(("points", "options", "text"), [
    (1, {}, "1 point"),
    (0, {}, "0 points"),
    (2, {}, "2 points"),
    (1_234, {}, "1,234 points"),
    (-1, {}, "-1 point"),
    (1, {"signed": True}, "+1 point"),
    (-80, {"signed": True}, "-80 points"),
    (1, {"more": True}, "1 more point"),
    (150, {"more": True}, "150 more points"),
    (1_234_567, {"locale": "de_DE"}, "1.234.567 points"),
])
def test_points_are_written_with_their_singular_and_the_locales_grouping(points, options, text):
    assert points_text(points, **options) == text


@given(st.integers(-10**12, 10**12))
def test_only_one_point_is_singular(points):
    assert points_text(points).endswith(" point") == (abs(points) == 1)


def test_the_engine_and_the_cli_say_1_point(engine, till, loyalty_cli):
    ann = engine.add_customer("Ann")
    engine.adjust(ann.id, 1, reason="a test")
    assert engine.points_text(1) == "1 point"
    assert "Ann: 1 point, worth" in loyalty_cli("balance", ann.id).out
    assert loyalty_cli("balance", ann.id, "--json").json()["points"] == 1
