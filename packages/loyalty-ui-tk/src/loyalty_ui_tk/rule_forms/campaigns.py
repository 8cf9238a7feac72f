"""The 'Campaigns' page: happy hours and campaign dates (``campaigns.multipliers``).

Each row multiplies the points of the sales in its window: an id (named in the points log as
``campaign:<id>``), a factor (2 doubles), the weekdays (none ticked: every day), the hours
(``start`` to ``end``, ``24:00`` for midnight) and the dates (empty: no start or no end).
"""

from __future__ import annotations

from tkinter import ttk
from typing import TYPE_CHECKING

from loyalty_ui_tk.rule_forms.rows import Column
from loyalty_ui_tk.rule_forms.rows import RowTable


if TYPE_CHECKING:
    from loyalty_ui_tk.settings_tab import SettingsTab


COLUMNS = (
    Column("id", "Name (id)", 14),
    Column("factor", "Multiplier", 6),
    Column("days", "Weekdays (none: every day)", kind="days"),
    Column("start", "From", 6),
    Column("end", "Until", 6),
    Column("from_date", "First day", 11, "optional"),
    Column("to_date", "Last day", 11, "optional"),
)
BLANK: dict[str, object] = {"id": "", "factor": "2", "days": [], "start": "00:00", "end": "24:00",
         "from_date": None, "to_date": None}


def build_campaigns(tab: SettingsTab, page: ttk.Frame) -> None:
    tab.section(page, 0, "Campaigns and happy hours")
    ttk.Label(page, text="Multiply the points of sales made in a window of time: a multiplier "
              "of 2 doubles them. Hours are shop time (24:00 is midnight); dates are like "
              "2026-12-24, empty for no start or no end.", style="Muted.TLabel",
              wraplength=900, justify="left").grid(row=1, column=0, columnspan=3, sticky="w",
                                                   pady=(0, 8))
    table = RowTable(page, tab, COLUMNS, add_text="Add a campaign", blank=BLANK)
    table.grid(row=2, column=0, columnspan=3, sticky="nw")
    table.bind_to("campaigns.multipliers", page)
