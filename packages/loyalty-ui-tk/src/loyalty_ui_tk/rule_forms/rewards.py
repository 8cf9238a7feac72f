"""The 'Rewards' page: the reward catalogue, and turning points into coupons.

Coupons: ``coupons.enabled``, the points a coupon costs per 1 unit of its value
(``coupons.points_per_unit``), the fewest points a coupon costs (``minimum_points``) and how
long it can be used (``valid_days``, 0 for ever). The catalogue (``rewards.catalogue``): one row
per reward, with its id, name, price in points and a description.
"""

from __future__ import annotations

from tkinter import ttk
from typing import TYPE_CHECKING

from loyalty_ui_tk.rule_forms.rows import Column
from loyalty_ui_tk.rule_forms.rows import RowTable


if TYPE_CHECKING:
    from loyalty_ui_tk.settings_tab import SettingsTab


REWARD_COLUMNS = (
    Column("id", "Id", 12),
    Column("name", "Name", 24),
    Column("points", "Price (points)", 10),
    Column("description", "Description", 40),
)


def build_rewards(tab: SettingsTab, page: ttk.Frame) -> None:
    tab.section(page, 0, "Reward catalogue")
    ttk.Label(page, text="What customers can take for their points; the id names the reward "
              "in the points log.", style="Muted.TLabel").grid(
        row=1, column=0, columnspan=3, sticky="w", pady=(0, 4))
    table = RowTable(page, tab, REWARD_COLUMNS, add_text="Add a reward",
                     blank={"id": "", "name": "", "points": "", "description": ""})
    table.grid(row=2, column=0, columnspan=3, sticky="nw")
    table.bind_to("rewards.catalogue", page)

    tab.section(page, 3, "Coupons")
    tab.check(page, 4, "coupons.enabled", "Customers can turn points into coupons")
    tab.entry(page, 5, "coupons.points_per_unit", "Points per 1 of value", width=8,
              hint="What a coupon costs: 100 makes a coupon worth 5 cost 500 points.")
    tab.entry(page, 7, "coupons.minimum_points", "Fewest points for a coupon", width=8)
    tab.entry(page, 8, "coupons.valid_days", "Valid for (days)", width=8,
              hint="Days a coupon can be used after it is issued; 0: it never expires.")
