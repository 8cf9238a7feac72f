"""The Settings pages for every rule beyond earning and stars, as forms instead of JSON.

Each module builds one page with the ``SettingsTab``'s building blocks (``entry``, ``check``,
``rows.RowTable`` for lists), binding each input to its dotted setting path, so a page
validates and saves exactly as the General page does: the settings' own validators check every
value, a bad one is shown in red beside its input and nothing is saved.
"""

from __future__ import annotations

from collections.abc import Callable
from tkinter import ttk
from typing import TYPE_CHECKING

from loyalty_ui_tk.rule_forms.bonuses import build_bonuses
from loyalty_ui_tk.rule_forms.campaigns import build_campaigns
from loyalty_ui_tk.rule_forms.memberships import build_memberships
from loyalty_ui_tk.rule_forms.product_points import build_product_points
from loyalty_ui_tk.rule_forms.rewards import build_rewards


if TYPE_CHECKING:
    from loyalty_ui_tk.settings_tab import SettingsTab


RULE_FORMS: tuple[tuple[str, Callable[[SettingsTab, ttk.Frame], None]], ...] = (
    ("Bonuses", build_bonuses),
    ("Campaigns", build_campaigns),
    ("Products", build_product_points),
    ("Rewards", build_rewards),
    ("Memberships", build_memberships),
)
"""Page title and builder of each rule form, in the order of the Settings pages."""
