"""The built-in currencies: every ISO 4217 currency in use today, from babel's CLDR data.

Each comes with its own symbol and digits: the symbol its own country writes (``₦`` for NGN,
``Rs`` for PKR, ``රු.`` for LKR, ``नेरू`` for NPR), found in the English locale of a country
that uses it when there is one, else in that country's main locale, else the code itself; the
digits are ISO's (0 for JPY, 3 for KWD). A shop can still write its own symbol in
``shop.currency_symbol``. Supplied through the same hook any currency plugin uses.

Looking up symbols loads locale data (about a second for all 150 currencies), so the hook
builds only the currency asked for when it is given a code, and each currency only once.
"""

from __future__ import annotations

import functools

from babel import Locale
from babel.core import UnknownLocaleError
from babel.core import get_global
from babel.numbers import get_currency_name
from babel.numbers import get_currency_precision
from babel.numbers import get_currency_symbol

from loyalty.domain.money import Currency
from loyalty.plugins.hookspecs import hookimpl


@functools.cache
def countries_by_currency() -> dict[str, tuple[str, ...]]:
    """Each currency that is legal tender somewhere today, with the countries that use it."""
    found: dict[str, list[str]] = {}
    for country, currencies in get_global("territory_currencies").items():
        for code, _start, end, tender in currencies:
            if end is None and tender:
                found.setdefault(code, []).append(country)
    return {code: tuple(countries) for code, countries in sorted(found.items())}


def own_symbol(code: str, countries: tuple[str, ...]) -> str:
    """The symbol people who use the currency write, or the code when CLDR has none."""
    symbol = get_currency_symbol(code, "en")
    if symbol != code:
        return symbol
    for country in countries:
        for name in (f"en_{country}", f"und_{country}"):
            try:
                symbol = get_currency_symbol(code, Locale.parse(name))
            except (UnknownLocaleError, ValueError):
                continue
            if symbol != code:
                return symbol
    return code


@functools.cache
def iso_currency(code: str) -> Currency | None:
    """The currency with this ISO code, or None if no country uses it today."""
    countries = countries_by_currency().get(code)
    if countries is None:
        return None
    return Currency(code, own_symbol(code, countries), get_currency_precision(code),
                    get_currency_name(code, locale="en"))


def iso_currencies() -> tuple[Currency, ...]:
    return tuple(c for code in countries_by_currency() if (c := iso_currency(code)) is not None)


@hookimpl
def loyalty_currencies(code: str | None = None) -> tuple[Currency, ...]:
    if code is not None:
        found = iso_currency(code)
        return (found,) if found is not None else ()
    return iso_currencies()
