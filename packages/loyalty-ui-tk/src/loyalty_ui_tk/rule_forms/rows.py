"""An editable list of rows for a list setting: campaigns, rewards, membership levels, points.

One line of inputs per row, a ✕ that removes the row and a button that adds one. It reads as
the list of tables the setting holds (``[{"id": "happy", "factor": "2", ...}]``), so the
settings' own validation checks it, and it places an error such as ``2.factor`` on that row's
input. Keys a row has but the table does not show (a level's ``categories``) are kept as they
were, so saving the form never loses them.
"""

from __future__ import annotations

import functools
import tkinter as tk
from collections.abc import Callable
from collections.abc import Mapping
from tkinter import ttk
from typing import TYPE_CHECKING
from typing import Any

import attrs

from loyalty.domain.settings import WEEKDAYS


if TYPE_CHECKING:
    from loyalty_ui_tk.settings_tab import SettingsTab


@attrs.frozen
class Column:
    """One input of every row."""

    key: str
    """The row's key it edits (``factor``)."""
    heading: str
    width: int = 10
    kind: str = "text"
    """``text``; ``optional`` (empty is None: no date); ``days`` (a weekday checkbox each);
    ``choice`` (a name from ``choices``, or a code typed in)."""
    choices: Callable[[], Mapping[str, str]] | None = None
    """For ``choice``: code by name, e.g. the POS's products."""


@attrs.define
class Row:
    values: dict[str, Any]
    """The row as it was written: what no column shows is kept from it."""
    variables: dict[str, Any]
    inputs: dict[str, tk.Widget]
    error: ttk.Label
    remove: ttk.Button | None = None
    """The ✕ that removes the row."""


class RowTable(ttk.Frame):
    """The rows of one list setting; bind it with ``bind_to``."""

    def __init__(self, parent: tk.Misc, tab: SettingsTab, columns: tuple[Column, ...], *,
                 add_text: str, blank: Mapping[str, Any]) -> None:
        super().__init__(parent)
        self.tab = tab
        self.columns = columns
        self.blank = dict(blank)
        """A new row's values."""
        self.rows: list[Row] = []
        self.body = ttk.Frame(self)
        self.body.pack(fill="x", anchor="w")
        ttk.Button(self, text=add_text, command=self.add_row).pack(anchor="w", pady=(6, 0))
        self.error = tab.error_label(self)
        self.error.configure(wraplength=700)
        self.error.pack(anchor="w")

    def bind_to(self, path: str, page: ttk.Frame) -> None:
        self.tab.bind_setting(path, self, page, self.error, self.read, self.write,
                              locate=self.locate, clear=self.clear)
        self.tab.tables[path] = self

    # ---- rows -------------------------------------------------------------------------------

    def write(self, rows: list[dict[str, Any]]) -> None:
        for child in self.body.winfo_children():
            child.destroy()
        self.rows = []
        for column, spec in enumerate(self.columns):
            ttk.Label(self.body, text=spec.heading, style="Muted.TLabel").grid(
                row=0, column=column, sticky="w", padx=(0, 8))
        for values in rows:
            self._add(values)

    def add_row(self) -> Row:
        """A new row with the blank values, its first input focused."""
        row = self._add(dict(self.blank))
        next(iter(row.inputs.values())).focus_set()
        return row

    def remove_row(self, row: Row) -> None:
        kept = [self._read_row(r) for r in self.rows if r is not row]
        self.write(kept)

    def _add(self, values: dict[str, Any]) -> Row:
        line = 1 + 2 * len(self.rows)
        variables: dict[str, Any] = {}
        inputs: dict[str, tk.Widget] = {}
        for column, spec in enumerate(self.columns):
            widget, variable = self._input(spec, values.get(spec.key))
            widget.grid(row=line, column=column, sticky="w", padx=(0, 8), pady=2)
            variables[spec.key], inputs[spec.key] = variable, widget
        error = self.tab.error_label(self.body)
        error.configure(wraplength=700)
        error.grid(row=line + 1, column=0, columnspan=len(self.columns) + 1, sticky="w")
        error.grid_remove()  # takes no room until it has something to say (``locate``)
        row = Row(dict(values), variables, inputs, error)
        row.remove = ttk.Button(self.body, text="✕", width=3,
                                command=functools.partial(self.remove_row, row))
        row.remove.grid(row=line, column=len(self.columns), sticky="w")
        self.rows.append(row)
        return row

    def _input(self, spec: Column, value: Any) -> tuple[tk.Widget, Any]:
        if spec.kind == "days":
            frame = ttk.Frame(self.body)
            chosen = set(value or ())
            days = {day: tk.BooleanVar(value=day in chosen) for day in WEEKDAYS}
            for day, ticked in days.items():
                ttk.Checkbutton(frame, text=day[:2].capitalize(), variable=ticked).pack(
                    side="left", padx=(0, 2))
            return frame, days
        var = tk.StringVar(value="" if value is None else str(value))
        if spec.kind == "choice":
            names = dict(spec.choices()) if spec.choices else {}
            by_code = {code: name for name, code in names.items()}
            var.set(by_code.get(var.get(), var.get()))
            return ttk.Combobox(self.body, textvariable=var, values=list(names),
                                width=spec.width), var
        return ttk.Entry(self.body, textvariable=var, width=spec.width), var

    # ---- reading ----------------------------------------------------------------------------

    def read(self) -> list[dict[str, Any]]:
        return [self._read_row(row) for row in self.rows]

    def _read_row(self, row: Row) -> dict[str, Any]:
        values = dict(row.values)
        for spec in self.columns:
            variable = row.variables[spec.key]
            if spec.kind == "days":
                values[spec.key] = [day for day, var in variable.items() if var.get()]
                continue
            text = variable.get().strip()
            if spec.kind == "choice" and spec.choices:
                text = dict(spec.choices()).get(text, text)
            values[spec.key] = None if spec.kind == "optional" and not text else text
        return values

    # ---- errors -----------------------------------------------------------------------------

    def locate(self, rest: str) -> tuple[tk.Widget, ttk.Label] | None:
        """``2.factor``: the factor input of the third row and that row's error label."""
        index, _, key = rest.partition(".")
        if not index.isdigit() or int(index) >= len(self.rows):
            return None
        row = self.rows[int(index)]
        row.error.grid()
        return row.inputs.get(key.split(".")[0], self), row.error

    def clear(self) -> None:
        for row in self.rows:
            row.error.configure(text="")
            row.error.grid_remove()
            for widget in row.inputs.values():
                self.tab.mark(widget, invalid=False)
