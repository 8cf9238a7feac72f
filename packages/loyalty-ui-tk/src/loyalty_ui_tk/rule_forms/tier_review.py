"""The tier-downgrade form (``tier_review.enabled``, ``tier_review.months``) on the Rules page.

Stars fall when the points earned in the last ``months`` months are below the tier's
threshold (the daily ``tier_review`` job); the form sits under the star levels it lowers.
"""

from __future__ import annotations

from tkinter import ttk
from typing import TYPE_CHECKING


if TYPE_CHECKING:
    from loyalty_ui_tk.settings_tab import SettingsTab


def build_tier_review(tab: SettingsTab, page: ttk.Frame, first_row: int = 0) -> None:
    tab.section(page, first_row, "Stars can fall")
    tab.check(page, first_row + 1, "tier_review.enabled",
              "Lower a customer's stars when their recent points fall below the level")
    tab.entry(page, first_row + 2, "tier_review.months", "Recent (months)", width=6,
              hint="Points earned in this many months keep a customer's stars.")
