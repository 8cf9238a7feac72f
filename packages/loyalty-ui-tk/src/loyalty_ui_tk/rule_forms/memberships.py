"""The 'Memberships' page: levels (Silver, Gold...) reached by points, with a discount.

Each row is a ``memberships.levels`` entry, lowest first: id, name, the points earned within
``memberships.window_days`` that reach it (its price in points), the discount it gives (shown
and taken off in the Pay dialog) and how many days it lasts. A level's product or category
limits, set on the command line, are kept as they are.
"""

from __future__ import annotations

from tkinter import ttk
from typing import TYPE_CHECKING

from loyalty_ui_tk.rule_forms.rows import Column
from loyalty_ui_tk.rule_forms.rows import RowTable


if TYPE_CHECKING:
    from loyalty_ui_tk.settings_tab import SettingsTab


LEVEL_COLUMNS = (
    Column("id", "Id", 10),
    Column("name", "Name", 18),
    Column("threshold", "Points to reach", 10),
    Column("discount_percent", "Discount %", 8),
    Column("valid_days", "Lasts (days)", 8),
)


def build_memberships(tab: SettingsTab, page: ttk.Frame) -> None:
    tab.section(page, 0, "Memberships")
    ttk.Label(page, text="A customer who earns a level's points within the window below holds "
              "it for its days, with its discount on every bill (the Pay dialog takes it "
              "off). Lowest level first.", style="Muted.TLabel", wraplength=800,
              justify="left").grid(row=1, column=0, columnspan=3, sticky="w", pady=(0, 4))
    table = RowTable(page, tab, LEVEL_COLUMNS, add_text="Add a level",
                     blank={"id": "", "name": "", "threshold": "", "discount_percent": "0",
                            "valid_days": "365"})
    table.grid(row=2, column=0, columnspan=3, sticky="nw")
    table.bind_to("memberships.levels", page)
    tab.entry(page, 3, "memberships.window_days", "Points count for (days)", width=8,
              hint="Points earned in this many days before today count toward a level.")
