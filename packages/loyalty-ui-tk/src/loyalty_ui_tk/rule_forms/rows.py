"""An editable list of rows for a list setting: campaigns, rewards, membership levels, points.

One line of inputs per row, a ✕ that removes the row and a button that adds one. It reads as
the list of tables the setting holds (``[{"id": "happy", "factor": "2", ...}]``), so the
settings' own validation checks it, and it places an error such as ``2.factor`` on that row's
input. Keys a row has but the table does not show are kept as they were, so saving the form
never loses them. A list in a row (a level's product groups) is a button naming what it holds;
it opens a ``CodesPicker`` to choose them by name or type their codes.
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
from loyalty_ui_tk import themes


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
    ``choice`` (a name from ``choices``, or a code typed in); ``codes`` (a list of those,
    chosen in a ``CodesPicker``)."""
    choices: Callable[[], Mapping[str, str]] | None = None
    """For ``choice`` and ``codes``: code by name, e.g. the POS's products."""
    empty: str = ""
    """For ``codes``: what the button says while the list is empty."""


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
        self.picker: CodesPicker | None = None
        """The picker a ``codes`` button opened last."""
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
        if spec.kind == "codes":
            codes = CodesVar([str(code) for code in value or ()])
            button = ttk.Button(self.body, width=spec.width)
            codes.show = functools.partial(self._name_codes, button, spec)
            button.configure(command=functools.partial(self.pick, spec, codes, button))
            codes.set(codes.get())
            return button, codes
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

    def _name_codes(self, button: ttk.Button, spec: Column, codes: list[str]) -> None:
        """The button reads the names of what the list holds, or ``spec.empty``."""
        names = _names_by_code(spec)
        shown = [names.get(code, code) for code in codes]
        text = ", ".join(shown[:2]) + (f" +{len(shown) - 2}" if len(shown) > 2 else "")
        button.configure(text=(text or spec.empty) + " …")

    def pick(self, spec: Column, codes: CodesVar, button: ttk.Button) -> CodesPicker:
        """Open the picker of one row's list under its button; Done writes the list back."""
        row = next(r for r in self.rows if codes in r.variables.values())
        name = row.variables["name"].get().strip() if "name" in row.variables else ""
        title = f"{name} · {spec.heading}" if name else spec.heading
        self.picker = picker = CodesPicker(self, self.tab, spec, codes.get(), codes.set,
                                           title=title)
        picker.update_idletasks()
        window = self.winfo_toplevel()  # under the button, but inside the window
        right = window.winfo_rootx() + window.winfo_width() - picker.winfo_reqwidth()
        bottom = window.winfo_rooty() + window.winfo_height() - picker.winfo_reqheight()
        x = min(button.winfo_rootx(), right)
        y = min(button.winfo_rooty() + button.winfo_height(), bottom)
        picker.geometry(f"+{max(x, 0)}+{max(y, 0)}")
        return picker

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
            if spec.kind == "codes":
                values[spec.key] = variable.get()
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


def _names_by_code(spec: Column) -> dict[str, str]:
    """The name each code is chosen by (``Drinks``, without the code it is shown with)."""
    by_name = dict(spec.choices()) if spec.choices else {}
    return {code: name.rsplit("  [", 1)[0] for name, code in by_name.items()}


class CodesVar:
    """The codes of one row's list, as the table reads them; ``show`` renames its button."""

    def __init__(self, codes: list[str]) -> None:
        self.codes = list(codes)
        self.show: Callable[[list[str]], None] = lambda codes: None

    def get(self) -> list[str]:
        return list(self.codes)

    def set(self, codes: list[str]) -> None:
        self.codes = list(codes)
        self.show(self.codes)


class CodesPicker(tk.Toplevel):
    """Choose a list of codes by name (the POS's products or groups), or type a code the list
    lacks; each chosen one has a ✕. Done gives the list back, Cancel or Escape drops it."""

    def __init__(self, master: tk.Misc, tab: SettingsTab, spec: Column, codes: list[str],
                 on_done: Callable[[list[str]], None], *, title: str = "") -> None:
        super().__init__(master)
        self.title(title or spec.heading)
        self.transient(master.winfo_toplevel())
        self.resizable(False, False)
        self.spec = spec
        self.codes = list(codes)
        self.on_done = on_done
        self.names = dict(spec.choices()) if spec.choices else {}
        frame = ttk.Frame(self, padding=18)
        frame.pack(fill="both", expand=True)
        ttk.Label(frame, text=title or spec.heading, style="Section.TLabel").pack(anchor="w")
        self.chosen = ttk.Frame(frame)
        self.chosen.pack(fill="x", anchor="w", pady=(6, 6))
        line = ttk.Frame(frame)
        line.pack(fill="x", anchor="w")
        self.box = ttk.Combobox(line, values=list(self.names), width=36)
        self.box.pack(side="left")
        ttk.Button(line, text="Add", command=self.add).pack(side="left", padx=(6, 0))
        ttk.Label(frame, text="Choose by name, or type a code the list lacks." if self.names
                  else "Type a code (the POS's id) and press Add.", style="Muted.TLabel").pack(
            anchor="w", pady=(4, 0))
        buttons = ttk.Frame(frame, padding=(0, 12, 0, 0))
        buttons.pack(fill="x")
        ttk.Button(buttons, text="Done", style="Accent.TButton", command=self.done).pack(
            side="right", padx=(8, 0))
        ttk.Button(buttons, text="Cancel", command=self.destroy).pack(side="right")
        self.box.bind("<Return>", lambda e: self.add())
        self.bind("<Escape>", lambda e: self.destroy())
        themes.recolour(self, tab.palette)
        self._show()
        self.box.focus_set()

    def _show(self) -> None:
        for child in self.chosen.winfo_children():
            child.destroy()
        by_code = {code: name for name, code in self.names.items()}
        if not self.codes:
            ttk.Label(self.chosen, text="None chosen.", style="Muted.TLabel").grid(
                row=0, column=0, sticky="w")
        for row, code in enumerate(self.codes):
            ttk.Label(self.chosen, text=by_code.get(code, code)).grid(
                row=row, column=0, sticky="w", padx=(0, 8), pady=1)
            ttk.Button(self.chosen, text="✕", width=3,
                       command=functools.partial(self.remove, code)).grid(row=row, column=1)

    def add(self) -> None:
        text = self.box.get().strip()
        code = self.names.get(text, text)
        if code and code not in self.codes:
            self.codes.append(code)
            self._show()
        self.box.set("")

    def remove(self, code: str) -> None:
        self.codes.remove(code)
        self._show()

    def done(self) -> None:
        self.on_done(self.codes)
        self.destroy()
