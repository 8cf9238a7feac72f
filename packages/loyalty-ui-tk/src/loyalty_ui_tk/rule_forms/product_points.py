"""The 'Products' page: extra points per unit sold of a product or of a product group.

``earning.product_points`` and ``earning.category_points`` are keyed by the POS's ids. Where
the POS adapter can list its products and groups (``PosAdapterType.catalogue``, read-only),
they are chosen by name; otherwise, or for one the list lacks, the code is typed. The list is
read when the page is first shown, and again when it is shown after the POS changed, so
opening the window never waits on the POS.
"""

from __future__ import annotations

import tkinter as tk
from tkinter import ttk
from typing import TYPE_CHECKING
from typing import Any

from loyalty.domain.errors import LoyaltyError
from loyalty.domain.errors import SettingsError
from loyalty.domain.pos import PosCatalogue
from loyalty.domain.pos import PosItem
from loyalty_ui_tk.rule_forms.rows import Column
from loyalty_ui_tk.rule_forms.rows import RowTable


if TYPE_CHECKING:
    from loyalty_ui_tk.settings_tab import SettingsTab


class CatalogueChoices:
    """The POS's products and groups by name, read when the page is shown and on 'Reload'."""

    def __init__(self, tab: SettingsTab) -> None:
        self.tab = tab
        self.catalogue = PosCatalogue()
        self.note = tk.StringVar()
        self.read_from: tuple[str | None, str | None] | None = None
        """The POS (adapter, database) the list was read from; None before the first read."""

    def stale(self) -> bool:
        pos = self.tab.engine.settings.pos
        return self.read_from != (pos.adapter, pos.database)

    def load(self) -> None:
        settings = self.tab.engine.settings
        self.read_from = (settings.pos.adapter, settings.pos.database)
        adapter = self.tab.adapters.get(settings.pos.adapter or "")
        self.catalogue = PosCatalogue()
        if adapter is None:
            self.note.set("No POS is chosen (General page): type the product and group codes.")
            return
        if adapter.catalogue is None:
            self.note.set(f"{adapter.title} cannot list its products: type their codes.")
            return
        try:
            self.catalogue = adapter.catalogue(settings)
        except LoyaltyError as error:
            self.note.set(f"Could not read the products of {adapter.title} ({error}): "
                          "type their codes, or fix the POS on the General page and reload.")
            return
        self.note.set(f"{len(self.catalogue.products)} products and "
                      f"{len(self.catalogue.groups)} groups from {adapter.title}: choose by "
                      "name, or type a code.")

    def offer(self, page: ttk.Frame, row: int, tables: list[RowTable]) -> None:
        """On ``page``: the line saying what was read, with 'Reload from the POS'; the list is
        read (and ``tables`` rewritten with it) when the page is shown after the POS changed."""
        bar = ttk.Frame(page)
        bar.grid(row=row, column=0, columnspan=3, sticky="w", pady=(4, 8))
        ttk.Label(bar, textvariable=self.note, style="Muted.TLabel", wraplength=760,
                  justify="left").pack(side="left")

        def reload() -> None:
            self.load()
            for table in tables:
                table.write(table.read())

        ttk.Button(bar, text="Reload from the POS", command=reload).pack(side="left",
                                                                        padx=(10, 0))
        own_page = str(self.tab.page_of(page))

        def shown(event: object) -> None:
            if self.tab.pages.select() == own_page and self.stale():
                reload()

        self.tab.pages.bind("<<NotebookTabChanged>>", shown, add="+")

    def products(self) -> dict[str, str]:
        return _by_label(self.catalogue.products)

    def groups(self) -> dict[str, str]:
        return _by_label(self.catalogue.groups)


def _by_label(items: tuple[PosItem, ...]) -> dict[str, str]:
    """Code by the name shown; the code follows the name, as two products may share one."""
    return {f"{item.name}  [{item.id}]": item.id for item in items}


def build_product_points(tab: SettingsTab, page: ttk.Frame) -> None:
    choices = CatalogueChoices(tab)
    tab.section(page, 0, "Points for products and groups")
    ttk.Label(page, text="Extra points for each unit sold, on top of the points for the amount "
              "spent.", style="Muted.TLabel").grid(row=1, column=0, columnspan=3, sticky="w")
    tables: list[RowTable] = []
    choices.offer(page, 2, tables)
    for column, (path, heading, items) in enumerate((
            ("earning.product_points", "Product", choices.products),
            ("earning.category_points", "Product group", choices.groups))):
        frame = ttk.Frame(page, padding=(0 if column == 0 else 30, 0, 0, 0))
        frame.grid(row=3, column=column, sticky="nw")
        table = RowTable(frame, tab, (Column("code", heading, 34, "choice", items),
                                      Column("points", "Points per unit", 8)),
                         add_text=f"Add a {heading.lower()}", blank={"code": "", "points": ""})
        table.pack(anchor="w")
        _bind_points(tab, table, path, page)
        tables.append(table)


def _bind_points(tab: SettingsTab, table: RowTable, path: str, page: ttk.Frame) -> None:
    """The table edits a dict of points by code: a row is one code, no code is listed twice."""

    def read() -> dict[str, Any]:
        points: dict[str, Any] = {}
        for number, row in enumerate(table.read(), start=1):
            code, value = row["code"], row["points"]
            if not code and not value:
                continue
            if not code:
                raise SettingsError(path, f"row {number} has points but no product or code")
            if code in points:
                raise SettingsError(f"{path}.{code}", "is listed twice")
            points[code] = value
        return points

    def write(points: dict[str, Any]) -> None:
        table.write([{"code": code, "points": value} for code, value in points.items()])

    def locate(code: str) -> tuple[tk.Widget, ttk.Label] | None:
        read_rows = table.read()
        matching = [i for i, row in enumerate(read_rows) if row["code"] == code]
        return table.locate(f"{matching[-1]}.points") if matching else None

    tab.bind_setting(path, table, page, table.error, read, write, locate=locate,
                     clear=table.clear)
    tab.tables[path] = table
