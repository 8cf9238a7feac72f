"""Printing results: rich tables for people, ``--json`` for scripts."""

from __future__ import annotations

import json
from collections.abc import Callable
from collections.abc import Sequence
from typing import Any

import attrs
import click
from rich.console import Console
from rich.table import Table

from loyalty.domain.events import Event
from loyalty.domain.serialization import event_to_dict
from loyalty.domain.serialization import get_converter


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
    click.echo(json.dumps(to_plain(data), indent=2, ensure_ascii=False))


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
        table.add_row(*("" if cell is None else str(cell) for cell in row))
    console().print(table)


def emit(as_json: bool, data: Any, human: Callable[[], None]) -> None:
    """Print ``data`` as JSON or call ``human`` to print it for people."""
    if as_json:
        print_json(data)
    else:
        human()
