"""Birthdays: the day a customer's birthday points fall on, in any year.

A birthday keeps its day and month; Feb 29 falls on Feb 28 in a year without Feb 29, so a
leap-day customer gets their points every year, never twice and never not at all. The
birthday job gives the points of every birthday from the day after its last run up to today
(at most ``CATCH_UP_DAYS`` back): a PC that was off on a birthday gives them the next time it
runs, and once, since the award's key names the customer and the birthday's year.
"""

from __future__ import annotations

import calendar
from datetime import date
from datetime import timedelta


CATCH_UP_DAYS = 31
"""How far back a birthday run reaches for days it missed (a PC off for a holiday month)."""


def birthday_in(year: int, birthday: date) -> date:
    """The day ``birthday`` falls on in ``year``: its own day, Feb 28 for Feb 29 off leap years."""
    if birthday.month == 2 and birthday.day == 29 and not calendar.isleap(year):
        return date(year, 2, 28)
    return birthday.replace(year=year)


def birthdays_between(birthday: date, first: date, last: date) -> list[date]:
    """The days from ``first`` to ``last`` (inclusive) that ``birthday`` falls on, in order;
    none before the customer was born."""
    found = []
    for year in range(first.year, last.year + 1):
        day = birthday_in(year, birthday)
        if first <= day <= last and day > birthday:
            found.append(day)
    return found


def catch_up_from(last_run: date | None, today: date) -> date:
    """The first day a birthday run on ``today`` covers: the day after the last run (if it was
    within ``CATCH_UP_DAYS``), else today; a first run never looks back."""
    if last_run is None or last_run >= today:
        return today
    return max(last_run + timedelta(days=1), today - timedelta(days=CATCH_UP_DAYS))


def months_between(first: date, last: date) -> set[int]:
    """The months the days from ``first`` to ``last`` touch: what the ledger is asked for."""
    if (last - first).days >= 365:
        return set(range(1, 13))
    months, day = set(), first
    while day <= last:
        months.add(day.month)
        day = (day.replace(day=1) + timedelta(days=32)).replace(day=1)
    return months | {last.month}
