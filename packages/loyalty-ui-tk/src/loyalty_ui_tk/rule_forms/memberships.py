"""The 'Memberships' page: levels (Silver, Gold...) reached by points, with a discount.

Each row is a ``memberships.levels`` entry, lowest first: id, name, the points earned within
``memberships.window_days`` that reach it (its price in points), the discount it gives (shown
and taken off in the Pay dialog) and how many days it lasts. A level may give its discount on
some product groups (``categories``) and products only: each is a button that opens a picker
of the POS's groups or products by name (the Products page's ``CatalogueChoices``), or of typed
codes where the POS cannot list them. The Pay dialog then names such a discount but takes
none off, as it cannot tell which of a bill's items it covers.
"""

from __future__ import annotations

from tkinter import ttk
from typing import TYPE_CHECKING

from loyalty_ui_tk.rule_forms.product_points import CatalogueChoices
from loyalty_ui_tk.rule_forms.rows import Column
from loyalty_ui_tk.rule_forms.rows import RowTable


if TYPE_CHECKING:
    from loyalty_ui_tk.settings_tab import SettingsTab


def build_memberships(tab: SettingsTab, page: ttk.Frame) -> None:
    choices = CatalogueChoices(tab)
    tab.section(page, 0, "Memberships")
    ttk.Label(page, text="A customer who earns a level's points within the window below holds "
              "it for its days, with its discount on every bill (the Pay dialog takes it "
              "off). Lowest level first. To give a level's discount on some product groups or "
              "products only, choose them in its row: the Pay dialog then names the discount "
              "for the cashier to give on those items, and takes nothing off the bill.", style="Muted.TLabel", wraplength=800,
              justify="left").grid(row=1, column=0, columnspan=3, sticky="w", pady=(0, 4))
    table = RowTable(page, tab, (
        Column("id", "Id", 10),
        Column("name", "Name", 14),
        Column("threshold", "Points to reach", 9),
        Column("discount_percent", "Discount %", 7),
        Column("valid_days", "Lasts (days)", 7),
        Column("categories", "Only on groups", 16, "codes", choices.groups, empty="Any"),
        Column("products", "Only on products", 16, "codes", choices.products, empty="Any"),
    ), add_text="Add a level", blank={"id": "", "name": "", "threshold": "",
                                      "discount_percent": "0", "valid_days": "365",
                                      "categories": [], "products": []})
    choices.offer(page, 2, [table])
    table.grid(row=3, column=0, columnspan=3, sticky="nw")
    table.bind_to("memberships.levels", page)
    tab.entry(page, 4, "memberships.window_days", "Points count for (days)", width=8,
              hint="Points earned in this many days before today count toward a level.")
