"""The 'Bonuses' page: when points expire, and the points given beyond purchases.

Expiry (``expiry.mode``, ``expiry.days``, ``expiry.remind_days_before``); the welcome bonus
(``campaigns.actions.register``, given on a new customer's first sale); referral points for
both sides (``campaigns.actions.referral_referrer`` and ``referral_referred``); birthday points
(``campaigns.actions.birthday``, given on the day); the comeback bonus
(``campaigns.comeback.points`` after ``inactive_days`` without a sale); and the points given by
hand, with 'Award points for…' on a customer's row (``customer_dialogs.AwardDialog``) or
``loyalty award``: an anniversary (once a year), a review and an appointment (once each).
0 switches one off.
"""

from __future__ import annotations

import tkinter as tk
from tkinter import ttk
from typing import TYPE_CHECKING


if TYPE_CHECKING:
    from loyalty_ui_tk.settings_tab import SettingsTab


EXPIRY_MODES = {
    "never": "Never",
    "days": "A number of days after they are earned",
    "end_of_month": "At the end of the month",
    "end_of_year": "At the end of the year",
}
"""``expiry.mode`` values and how the form names them."""


def build_bonuses(tab: SettingsTab, page: ttk.Frame) -> None:
    left = ttk.Frame(page)
    left.grid(row=0, column=0, sticky="nw")
    left.columnconfigure(2, weight=1)
    right = ttk.Frame(page, padding=(36, 0, 0, 0))
    right.grid(row=0, column=1, sticky="nw")
    right.columnconfigure(2, weight=1)
    page.columnconfigure(1, weight=1)

    tab.section(left, 0, "Points expire")
    mode_var = tk.StringVar()
    mode = ttk.Combobox(left, textvariable=mode_var, values=list(EXPIRY_MODES.values()),
                        state="readonly", width=34)
    error = tab.row(left, 1, "When", mode)
    names = {title: name for name, title in EXPIRY_MODES.items()}
    tab.bind_setting("expiry.mode", mode, left, error,
                     lambda: names.get(mode_var.get(), mode_var.get()),
                     lambda value: mode_var.set(EXPIRY_MODES.get(value, value)))
    tab.entry(left, 2, "expiry.days", "Days points last", width=8,
              hint="When points expire a number of days after they are earned.")
    tab.entry(left, 4, "expiry.remind_days_before", "Remind (days before)", width=8,
              hint="The 'points about to expire' message goes this many days before; "
                   "0 sends none.")

    tab.section(left, 6, "Comeback bonus")
    tab.entry(left, 7, "campaigns.comeback.points", "Bonus points", width=8,
              hint="Given on the first sale of a customer who had not bought for a while; "
                   "0 switches it off.")
    tab.entry(left, 9, "campaigns.comeback.inactive_days", "Away for (days)", width=8)
    tab.section(left, 11, "Anniversary")
    tab.entry(left, 12, "campaigns.actions.anniversary", "Points", width=8,
              hint="Once a year, for the day a customer joined (or their wedding day): give "
                   "them with 'Award points for…' on the customer's row in All Customers.")

    tab.section(right, 0, "Welcome bonus")
    tab.entry(right, 1, "campaigns.actions.register", "Points", width=8,
              hint="Given once, on a new customer's first sale; 0 switches it off.")
    tab.section(right, 3, "Referral")
    tab.entry(right, 4, "campaigns.actions.referral_referrer", "Referrer gets", width=8,
              hint="Points for the customer who brought a new one.")
    tab.entry(right, 6, "campaigns.actions.referral_referred", "New customer gets", width=8,
              hint="Points for the new customer who was brought.")
    tab.section(right, 8, "Birthday")
    tab.entry(right, 9, "campaigns.actions.birthday", "Points", width=8,
              hint="Given on the customer's birthday, once a year; 0 switches it off.")
    tab.section(right, 11, "Reviews and appointments")
    tab.entry(right, 12, "campaigns.actions.review", "For a review", width=8,
              hint="For a review a customer writes of the shop, once per review: give them "
                   "with 'Award points for…' on the customer's row.")
    tab.entry(right, 14, "campaigns.actions.appointment", "For an appointment", width=8,
              hint="For an appointment kept (a fitting, a treatment), once per appointment, "
                   "the same way; 0 switches either off.")
