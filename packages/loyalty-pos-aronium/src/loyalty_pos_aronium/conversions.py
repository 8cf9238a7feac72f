"""Aronium's stored values as the engine's: amounts in minor units, local times in UTC, items
as sale lines.

Pure functions, apart from the reading, because they carry the exactness: each fast path
here gives exactly what its ``Decimal`` or ``zoneinfo`` definition gives (tests/test_conversions.py
checks that with hypothesis), and they run once per document or item of a sync.
"""

from __future__ import annotations

from datetime import datetime
from datetime import timezone
from decimal import ROUND_HALF_UP
from decimal import Decimal
from decimal import InvalidOperation
from zoneinfo import ZoneInfo

from loyalty.domain.events import SaleLine


_LOCAL_ORIGIN = datetime(2000, 1, 1)
_UTC_ORIGIN = datetime(2000, 1, 1, tzinfo=timezone.utc)


def parse_local(text: object) -> datetime:
    """Aronium writes ``2026-01-05 09:01:00.123`` (sometimes with a ``T``) in local time."""
    return datetime.fromisoformat(str(text).strip().replace("T", " "))


def to_utc(local: datetime, zone: ZoneInfo | None) -> datetime:
    """``local.replace(tzinfo=zone).astimezone(timezone.utc)`` (a written offset gives way to
    the shop's zone), by arithmetic on the zone's offset, which costs a fraction of those two
    calls. Without a zone, a naive time is this computer's local time."""
    if zone is None:
        return local.astimezone(timezone.utc)
    if local.tzinfo is not None:
        local = local.replace(tzinfo=None)
    offset = zone.utcoffset(local)
    assert offset is not None  # a ZoneInfo has an offset for every naive time
    return _UTC_ORIGIN + (local - offset - _LOCAL_ORIGIN)


_FAST_LIMIT = 2**40
"""Minor amounts below this take the fast path: far beyond a till's totals, and small enough
that a float product is still within 2**-12 of the exact one."""
_NOT_A_TIE = 2**-10
"""How far from a half a float product must be to round it without Decimal (4 x its error)."""


def to_minor(value: object, scale: int) -> int | None:
    """``value`` as SQLite returned it, in minor units: ``Decimal(str(value)) * scale`` rounded
    half up (away from zero), or None when it is not a finite number of at most 28 digits.

    Aronium stores amounts as integers or binary floats. Their product with ``scale`` is then
    exact (an integer) or within 2**-12 of the exact decimal product (a float below 2**40), so
    rounding it gives the same integer unless it lies that close to a half (1.005 * 100 is
    100.49999999999999): those, and everything else, take the Decimal definition.
    """
    if type(value) is int:
        minor = value * scale
        if -_FAST_LIMIT < minor < _FAST_LIMIT:
            return minor
    elif type(value) is float:
        product = value * scale
        if -_FAST_LIMIT < product < _FAST_LIMIT:
            nearest = round(product)
            if abs(abs(product - nearest) - 0.5) > _NOT_A_TIE:
                return nearest
    amount = _decimal(value)
    if amount is None:
        return None
    try:
        return int((amount * scale).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    except InvalidOperation:  # more than 28 digits: no till ever took that much
        return None


def _decimal(value: object) -> Decimal | None:
    """``Decimal(str(value))``, or None when that is not a finite number."""
    if type(value) is int:
        return Decimal(value)  # the same digits and exponent as Decimal(str(value))
    if value is None:
        return None
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return amount if amount.is_finite() else None


def sale_line(item: tuple, scale: int) -> SaleLine:
    """``item``: a ``DocumentItem``'s ProductId, Quantity and TotalAfterDocumentDiscount, and its
    product's ProductGroupId and Name."""
    product, quantity, total, group, name = item
    minor = to_minor(total, scale)
    return SaleLine(
        product_id=str(product), quantity=_decimal(quantity) or Decimal(0),
        total_minor=max(minor or 0, 0),
        category_id=None if group is None else str(group),
        product_name=name if isinstance(name, str) else None,
    )


def line_key(item: tuple) -> tuple | None:
    """A dict key for what ``sale_line`` makes of ``item``: equal keys make equal
    lines. The values go with their types (1 and 1.0 make different lines); None (no sharing)
    when the product, group or name is a float, since 0.0 and -0.0 are equal but print apart."""
    product, quantity, total, group, name = item
    if type(product) is float or type(group) is float or type(name) is float:
        return None
    return item, (type(product), type(quantity), type(total), type(group), type(name))


def _leading_digits(number: str) -> str:
    digits = ""
    for char in number:
        if not char.isdigit():
            break
        digits += char
    return digits


def carries_year(number: str, year: int) -> bool:
    """``number`` starts with ``year`` (``26-200-000001`` or ``2026-...``), as Aronium's default
    pattern ``%YEAR%-%TYPE%-%COUNTER%`` writes it."""
    lead = _leading_digits(number)
    return lead in (f"{year % 100:02d}", str(year))


def document_key(number: str, year: int) -> str:
    """The ``document_id`` of a document: its ``Number``, with ``@YEAR`` added when the number
    does not start with its year. Aronium's counters restart each year, so a shop whose number
    pattern leaves ``%YEAR%`` out repeats every number yearly; numbers of the default pattern
    keep the key they always had."""
    return number if carries_year(number, year) else f"{number}@{year}"


def reference_names_year(reference: str) -> bool:
    """A refund's ``ReferenceDocumentNumber`` that starts with a year (2 or 4 digits) is the sale's
    key as it stands; any other must be looked up to know the sale's year."""
    return len(_leading_digits(reference)) in (2, 4)
