"""Pacing: a minimum gap per recipient and overall, measured on an injected clock."""

from __future__ import annotations

from itertools import pairwise

import attrs
from hypothesis import given
from hypothesis import strategies as st

from loyalty_notify_callmebot.throttle import Throttle


@attrs.define
class ManualTime:
    now: float = 100.0
    slept: list[float] = attrs.Factory(list)

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def throttle(time: ManualTime, per_recipient: float = 5.0, overall: float = 1.0) -> Throttle:
    return Throttle(per_recipient, overall, clock=time.clock, sleep=time.sleep)


def test_the_first_message_goes_at_once():
    time = ManualTime()
    assert throttle(time).wait("a") == 0 and time.slept == []


def test_two_messages_to_one_person_are_five_seconds_apart():
    time = ManualTime()
    t = throttle(time)
    t.wait("a")
    assert t.wait("a") == 5.0


def test_messages_to_different_people_are_one_second_apart():
    time = ManualTime()
    t = throttle(time)
    t.wait("a")
    assert t.wait("b") == 1.0


def test_time_already_passed_counts():
    time = ManualTime()
    t = throttle(time)
    t.wait("a")
    time.now += 3
    assert t.wait("a") == 2.0


@given(st.lists(st.tuples(st.sampled_from("abc"), st.floats(0, 10)), max_size=30))
def test_no_two_requests_are_ever_closer_than_the_limits(steps):
    time = ManualTime()
    t = throttle(time)
    sent: list[tuple[str, float]] = []
    for recipient, pause in steps:
        time.now += pause
        t.wait(recipient)
        sent.append((recipient, time.now))
    for (_, t1), (_, t2) in pairwise(sent):
        assert t2 - t1 >= 1.0 - 1e-9
    for recipient in "abc":
        times = [at for r, at in sent if r == recipient]
        assert all(b - a >= 5.0 - 1e-9 for a, b in pairwise(times))
