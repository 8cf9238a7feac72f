"""Printing results: rich tables for people, ``--json`` for scripts.

Text from outside (customer names from a POS, reasons, documents) is shown with control
characters escaped, so a name can never move the cursor, clear the screen or inject rich
markup. Consoles that are not UTF-8 (a Windows code page such as cp1252, or a redirect to a
file there) get a readable stand-in for what they cannot show, never a UnicodeEncodeError.
"""

from __future__ import annotations

import codecs
import json
import sys
import unicodedata
from collections.abc import Callable
from collections.abc import Sequence
from typing import Any

import attrs
import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from loyalty.domain.events import Event
from loyalty.domain.serialization import event_to_dict
from loyalty.domain.serialization import get_converter


STAND_INS = {
    "★": "*", "☆": "-", "—": "-", "–": "-", "−": "-", "…": "...", "’": "'", "‘": "'",
    "“": '"', "”": '"', "₹": "Rs", "₨": "Rs", "₦": "N", "₵": "GHS", "৳": "Tk", "₱": "P",
    "₫": "d", "₩": "W", "₺": "TL", "₴": "UAH", "₽": "RUB", "₪": "ILS", "₸": "KZT",
}
"""What a console that cannot show a symbol prints instead (stars, currency signs, dashes)."""

FALLBACK_ERRORS = "loyalty-stand-in"


def _stand_in(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    bad = error.object[error.start:error.end]
    return "".join(STAND_INS.get(char, "?") for char in bad), error.end


codecs.register_error(FALLBACK_ERRORS, _stand_in)


def make_streams_safe() -> None:
    """Let stdout and stderr print anything on any console: what the encoding cannot show
    becomes a stand-in (``*`` for a star, ``Rs`` for ₹, ``?`` otherwise)."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and not _is_utf(stream):
            reconfigure(errors=FALLBACK_ERRORS)


def _is_utf(stream: object) -> bool:
    encoding = getattr(stream, "encoding", None) or ""
    return codecs.lookup(encoding).name.startswith("utf") if encoding else False


BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
"""Direction overrides, which can make a name read as something else; joiners (ZWJ, ZWNJ) are
kept, since Sinhala and Devanagari names need them."""


def printable(text: object) -> str:
    """``text`` with control characters (escape sequences, bells, line breaks, direction
    overrides) shown escaped, as ``\x1b``."""
    value = str(text)
    if value.isprintable():
        return value
    return "".join(
        char.encode("unicode_escape").decode("ascii")
        if unicodedata.category(char) in ("Cc", "Zl", "Zp") or char in BIDI_CONTROLS else char
        for char in value)


json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")


def to_plain(value: Any) -> Any:
    """Records and events as JSON-ready data (dates as ISO text, decimals as text).

    Events go through ``event_to_dict`` (tagged with their ``kind``, all their fields) even
    inside another record: unstructuring by the declared type would print an ``Outcome``'s
    events as bare ``Event``s with only a time and an id.
    """
    if isinstance(value, Event):
        return event_to_dict(value)
    if attrs.has(type(value)):
        return {f.name: to_plain(getattr(value, f.name)) for f in attrs.fields(type(value))}
    if isinstance(value, list | tuple):
        return [to_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: to_plain(v) for k, v in value.items()}
    return get_converter().unstructure(value)


def print_json(data: Any) -> None:
    """JSON, lossless on every console: non-ASCII is escaped where stdout is not UTF-8."""
    ascii_only = not _is_utf(sys.stdout)
    click.echo(json.dumps(to_plain(data), indent=2, ensure_ascii=ascii_only))


def console() -> Console:
    return Console(highlight=False, soft_wrap=False)


def print_table(
    title: str | None,
    columns: Sequence[str | tuple[str, str]],
    rows: Sequence[Sequence[Any]],
    *,
    empty: str = "Nothing to show.",
) -> None:
    """A table; a column given as ``(name, "right")`` is right-aligned (numbers)."""
    if not rows:
        click.echo(empty)
        return
    table = Table(title=title, title_justify="left")
    for column in columns:
        name, justify = (column, "left") if isinstance(column, str) else column
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for row in rows:
        table.add_row(*(Text("" if cell is None else printable(cell)) for cell in row))
    console().print(table)


def emit(as_json: bool, data: Any, human: Callable[[], None]) -> None:
    """Print ``data`` as JSON or call ``human`` to print it for people."""
    if as_json:
        print_json(data)
    else:
        human()
