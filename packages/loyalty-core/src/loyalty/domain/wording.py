"""How a number of points is written for a person: ``1 point``, ``1,250 points``, ``+80``.

One place for the grouping (the shop's locale) and the singular, so the window, the CLI, the
statements and the replies to customers never say "1 points". Machine outputs (``--json``) and
the message templates' placeholders keep plain numbers.
"""

from __future__ import annotations

import functools

from babel.numbers import format_decimal


def format_points(points: int, locale: str = "en_US", *, signed: bool = False) -> str:
    """``1,250`` or, for an entry, ``+1,250`` / ``-80``, grouped as the shop's locale groups."""
    return format_decimal(points, format="+#,##0;-#,##0" if signed else "#,##0", locale=locale)


@functools.lru_cache(maxsize=8192)  # babel's grouping costs more than a table row's insert
def points_text(
    points: int, locale: str = "en_US", *, signed: bool = False, more: bool = False
) -> str:
    """``1 point``, ``1,250 points``, ``-1 point``; ``+250 points`` when ``signed``;
    ``1 more point`` / ``150 more points`` when ``more`` (what is missing for a goal)."""
    unit = "point" if abs(points) == 1 else "points"
    return f"{format_points(points, locale, signed=signed)} {'more ' * more}{unit}"
