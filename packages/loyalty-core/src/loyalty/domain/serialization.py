"""The one cattrs converter for events and settings.

Decimals travel as strings (``"0.5"``, never a float), times as ISO 8601 in UTC, dates as
``YYYY-MM-DD``. Events are tagged with their ``kind`` so a stream of mixed events round-trips.
"""

from __future__ import annotations

import functools
from datetime import date
from datetime import datetime
from decimal import Decimal
from decimal import InvalidOperation
from typing import Any

import cattrs
from cattrs.preconf.json import make_converter

from loyalty.domain.events import EVENT_TYPES
from loyalty.domain.events import Event


def _structure_decimal(value: Any, _: type) -> Decimal:
    if isinstance(value, bool):
        raise ValueError(f"expected a number, got {value!r}")
    if isinstance(value, float):
        value = repr(value)
    try:
        result = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(f"expected a number, got {value!r}") from None
    if not result.is_finite():
        raise ValueError(f"expected a finite number, got {value!r}")
    return result


def _structure_int(value: Any, _: type) -> int:
    if isinstance(value, bool):
        raise ValueError(f"expected a whole number, got {value!r}")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    raise ValueError(f"expected a whole number, got {value!r}")


def _structure_bool(value: Any, _: type) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in {"true", "yes", "on", "1"}:
        return True
    if isinstance(value, str) and value.strip().lower() in {"false", "no", "off", "0"}:
        return False
    raise ValueError(f"expected true or false, got {value!r}")


def _structure_date(value: Any, _: type) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValueError(f"expected a date like 2026-12-24, got {value!r}") from None


@functools.cache
def get_converter() -> cattrs.Converter:
    """The converter every module uses; built once."""
    converter = make_converter(detailed_validation=True)
    converter.register_unstructure_hook(Decimal, str)
    converter.register_structure_hook(Decimal, _structure_decimal)
    converter.register_structure_hook(int, _structure_int)
    converter.register_structure_hook(bool, _structure_bool)
    converter.register_unstructure_hook(datetime, lambda v: v.isoformat())
    converter.register_structure_hook(
        datetime, lambda v, _: v if isinstance(v, datetime) else datetime.fromisoformat(v)
    )
    converter.register_unstructure_hook(date, lambda v: v.isoformat())
    converter.register_structure_hook(date, _structure_date)
    return converter


def event_to_dict(event: Event) -> dict[str, Any]:
    """A JSON-ready dict of the event, tagged with its ``kind``."""
    return {"kind": event.kind, **get_converter().unstructure(event, type(event))}


def event_from_dict(data: dict[str, Any]) -> Event:
    payload = dict(data)
    kind = payload.pop("kind")
    try:
        cls = EVENT_TYPES[kind]
    except KeyError:
        raise ValueError(f"unknown event kind {kind!r}; known: {sorted(EVENT_TYPES)}") from None
    return get_converter().structure(payload, cls)
