"""Events are immutable facts: every kind round-trips through cattrs and JSON unchanged, and the
same fact read twice gets the same stable id."""

from __future__ import annotations

import json
import uuid
from datetime import date
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from loyalty.domain.events import EVENT_TYPES
from loyalty.domain import events
from loyalty.domain.events import Event
from loyalty.domain.events import SaleLine
from loyalty.domain.events import SaleRecorded
from loyalty.domain.events import SaleRefunded
from loyalty.domain.events import register_event
from loyalty.domain.serialization import event_from_dict
from loyalty.domain.serialization import event_to_dict


text = st.text(min_size=1, max_size=20)
moments = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1),
    timezones=st.sampled_from([timezone.utc, timezone(timedelta(hours=5, minutes=30)),
                               timezone(timedelta(hours=-3))]),
)
sale_lines = st.builds(
    SaleLine, product_id=text,
    quantity=st.decimals(min_value=0, max_value=10_000, places=3, allow_nan=False),
    total_minor=st.integers(0, 10**9), category_id=st.none() | text,
    product_name=st.none() | text,
)
BY_NAME: dict[str, st.SearchStrategy] = {
    "occurred_at": moments,
    "total_minor": st.integers(0, 10**12),
    "amount_minor": st.integers(1, 10**12),
    "prize_points": st.integers(1, 10**6),
    "balance": st.integers(0, 10**9),
    "currency": st.sampled_from(["USD", "LKR", "NGN"]),
    "lines": st.lists(sale_lines, max_size=3).map(tuple),
    "breakdown": st.dictionaries(text, st.integers(-10**6, 10**6), max_size=3),
}
BY_TYPE: dict[Any, st.SearchStrategy] = {
    str: st.text(max_size=30),
    int: st.integers(-10**9, 10**9),
    date: st.dates(),
    str | None: st.none() | text,
    int | None: st.none() | st.integers(1, 10**9),
    date | None: st.none() | st.dates(),
    tuple[int, ...]: st.lists(st.integers(1, 10**9), max_size=4).map(tuple),
}
BY_VALIDATOR: dict[Any, st.SearchStrategy] = {
    events._positive: st.integers(1, 10**9),
    events._non_negative: st.integers(0, 10**9),
}


def events_of(cls: type[Event]) -> st.SearchStrategy[Event]:
    """Any valid event of ``cls``, built from its attrs fields (event_id left to derive)."""
    fields = {}
    for field in attrs.fields(attrs.resolve_types(cls)):
        if field.name == "event_id":
            continue
        if field.name in BY_NAME:
            fields[field.name] = BY_NAME[field.name]
        elif field.validator in BY_VALIDATOR:
            fields[field.name] = BY_VALIDATOR[field.validator]
        else:
            fields[field.name] = BY_TYPE[field.type]
    return st.builds(cls, **fields)


any_event = st.sampled_from(sorted(EVENT_TYPES.values(), key=lambda c: c.kind)).flatmap(events_of)


@pytest.mark.parametrize("cls", sorted(EVENT_TYPES.values(), key=lambda c: c.kind),
                         ids=lambda c: c.kind)
@given(data=st.data())
def test_every_event_type_round_trips_through_cattrs(cls, data):
    event = data.draw(events_of(cls))
    assert type(event) is cls
    data = event_to_dict(event)
    assert data["kind"] == event.kind
    assert event_from_dict(data) == event


@given(event=any_event)
def test_every_event_round_trips_through_json_text(event):
    text_form = json.dumps(event_to_dict(event))
    assert event_from_dict(json.loads(text_form)) == event


@given(event=any_event)
def test_a_mixed_stream_keeps_each_events_kind(event):
    stream = [event_to_dict(event), event_to_dict(event)]
    assert [type(event_from_dict(d)) for d in stream] == [type(event)] * 2


@given(event=any_event)
def test_the_event_id_is_derived_from_the_identity_and_never_random(event):
    assert event.event_id == type(event).id_for(event.identity())
    assert attrs.evolve(event, event_id="").event_id == event.event_id


@given(event=any_event)
def test_times_are_stored_in_utc(event):
    assert event.occurred_at.utcoffset() == timedelta(0)


def _sale(**changes: object) -> SaleRecorded:
    values: dict[str, Any] = dict(
        occurred_at=datetime(2026, 1, 5, 10, tzinfo=timezone.utc), source="aronium",
        shop_id="main", till_id="till-1", document_id="POS-1", total_minor=1234,
        currency="LKR", customer_id=3,
    )
    return SaleRecorded(**(values | changes))


def test_the_same_sale_read_twice_has_the_same_id_even_at_another_moment():
    later = _sale(occurred_at=datetime(2026, 1, 6, tzinfo=timezone.utc), total_minor=999)
    assert _sale().event_id == later.event_id


def test_another_document_or_till_is_another_fact():
    ids = {_sale().event_id, _sale(document_id="POS-2").event_id,
           _sale(till_id="till-2").event_id, _sale(source="demo").event_id}
    assert len(ids) == 4


def test_a_refund_knows_the_key_of_the_sale_it_refunds():
    refund = SaleRefunded(
        occurred_at=datetime(2026, 1, 5, tzinfo=timezone.utc), source="aronium", shop_id="main",
        till_id="till-1", document_id="R-9", original_document_id="POS-1", amount_minor=100,
        currency="LKR",
    )
    assert refund.sale_key == _sale().sale_key
    assert refund.event_id != _sale().event_id


def test_an_event_without_a_time_zone_is_refused():
    with pytest.raises(ValueError, match="no time zone"):
        _sale(occurred_at=datetime(2026, 1, 5))


def test_impossible_amounts_are_refused():
    with pytest.raises(ValueError, match="total_minor must not be negative"):
        _sale(total_minor=-1)


def test_events_are_immutable():
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        _sale().total_minor = 1  # type: ignore[misc]


def test_decimals_travel_as_text_never_as_floats():
    line = SaleLine(product_id="rice", quantity="0.1", total_minor=10)
    data = event_to_dict(_sale(lines=(line,)))
    assert data["lines"][0]["quantity"] == "0.1"


def test_an_unknown_kind_is_refused_listing_the_known_ones():
    with pytest.raises(ValueError, match="unknown event kind 'nope'; known: .*sale_recorded"):
        event_from_dict({"kind": "nope"})


def test_a_registered_event_type_round_trips(monkeypatch):
    monkeypatch.setattr("loyalty.domain.events.EVENT_TYPES", dict(EVENT_TYPES))

    @register_event
    @attrs.frozen(kw_only=True)
    class BirthdayGreeted(Event):
        kind = "birthday_greeted"
        customer_id: int
        bonus: Decimal = Decimal("1.5")

        def identity(self) -> str:
            return f"birthday/{self.customer_id}"

    from loyalty.domain import events

    monkeypatch.setattr("loyalty.domain.serialization.EVENT_TYPES", events.EVENT_TYPES)
    event = BirthdayGreeted(occurred_at=datetime(2026, 3, 1, tzinfo=timezone.utc), customer_id=4)
    assert event_from_dict(json.loads(json.dumps(event_to_dict(event)))) == event


@given(st.text())
def test_stable_ids_are_the_name_based_uuids_of_their_keys(key: str) -> None:
    assert events.stable_id(key) == str(uuid.uuid5(events._NAMESPACE, key))
