"""The Pay dialog: pay a bill (or part of it) with a customer's points.

The engine decides everything: what the points are worth, how a bill splits between points
and cash, and whether a redemption is allowed. The dialog shows the plan as the cashier
types and records the payment on Confirm. It makes one idempotency key when it opens, so a
double click on Confirm (or a retry after an error) redeems once.

A member's discount (``memberships.levels``' ``discount_percent``) is shown on the card and
taken off the bill before the points pay it, by the domain's rule for a bill known only by its
total (``rules.memberships.bill_discount_minor``).

With keyboard emulation on, the confirmed amount is typed into the POS by the POS adapter:
the window steps aside first so the POS's payment field has the keyboard again.
"""

from __future__ import annotations

import tkinter as tk
import uuid
from collections.abc import Callable
from tkinter import ttk


from loyalty.domain.errors import LoyaltyError
from loyalty.domain.money import to_major
from loyalty.domain.money import to_minor
from loyalty.domain.rules.memberships import bill_discount_minor
from loyalty.engine import AccountView
from loyalty.engine import Engine


EMULATION_DELAY_MS = 400
"""Time for the POS window to get the keyboard back before the amount is typed."""


class PayDialog(tk.Toplevel):
    def __init__(
        self,
        master: tk.Misc,
        engine: Engine,
        customer_id: int,
        *,
        on_done: Callable[[str], object] | None = None,
    ) -> None:
        super().__init__(master)
        self.engine = engine
        self.customer_id = customer_id
        self.on_done = on_done
        self.key = f"ui-pay/{uuid.uuid4()}"
        """One key per dialog: confirming twice redeems once."""
        self.paid = False
        self.typed: str | None = None
        self.view: AccountView = engine.account(customer_id)
        self.membership = engine.membership(customer_id)
        """The customer's running membership, whose discount comes off the bill."""
        self.title(f"Pay with points: {self.view.customer.name}")
        self.transient(master.winfo_toplevel())
        self.resizable(False, False)
        self._build()
        self.bind("<Escape>", lambda e: self.destroy())
        self.bind("<Return>", lambda e: self.confirm())
        self.amount.focus_set()
        self._update_plan()

    def _build(self) -> None:
        outer = ttk.Frame(self, padding=18)
        outer.pack(fill="both", expand=True)
        currency = self.engine.currency

        card = ttk.Frame(outer, style="Card.TFrame", padding=(16, 12))
        card.pack(fill="x")
        card.columnconfigure(1, weight=1)
        ttk.Label(card, text=self.view.customer.name, style="Card.TLabel",
                  font="LoyaltyTitle").grid(row=0, column=0, sticky="w")
        ttk.Label(card, text=self.view.rating, style="Stars.TLabel").grid(
            row=0, column=1, sticky="e")
        ttk.Label(card, text="Balance", style="CardMuted.TLabel").grid(
            row=1, column=0, sticky="w", pady=(8, 0))
        ttk.Label(card, text="Worth", style="CardMuted.TLabel").grid(
            row=1, column=1, sticky="e", pady=(8, 0))
        self.balance_label = ttk.Label(
            card, text=self.engine.points_text(self.view.points),
            style="Big.TLabel")
        self.balance_label.grid(row=2, column=0, sticky="w")
        self.value_label = ttk.Label(card, text=self.view.value_text, style="Big.TLabel")
        self.value_label.grid(row=2, column=1, sticky="e")
        self.member_label = ttk.Label(card, text=self._member_text(), style="CardMuted.TLabel",
                                      wraplength=380, justify="left")
        if self.membership is not None:
            self.member_label.grid(row=3, column=0, columnspan=2, sticky="w", pady=(8, 0))

        form = ttk.Frame(outer, padding=(0, 14, 0, 0))
        form.pack(fill="x")
        form.columnconfigure(1, weight=1)
        self.mode = tk.StringVar(value="amount")
        ttk.Radiobutton(form, text=f"Bill amount ({currency.symbol})", value="amount",
                        variable=self.mode, command=self._mode_changed).grid(
            row=0, column=0, sticky="w", pady=4)
        self.amount_var = tk.StringVar()
        self.amount = ttk.Entry(form, textvariable=self.amount_var, width=14, justify="right")
        self.amount.grid(row=0, column=1, sticky="w", padx=(10, 0))
        ttk.Radiobutton(form, text="Points to use", value="points", variable=self.mode,
                        command=self._mode_changed).grid(row=1, column=0, sticky="w", pady=4)
        self.points_var = tk.StringVar()
        self.points = ttk.Entry(form, textvariable=self.points_var, width=14, justify="right",
                                state="disabled")
        self.points.grid(row=1, column=1, sticky="w", padx=(10, 0))
        ttk.Label(form, text="Points pay what they can of the bill; the rest is paid in cash.",
                  style="Muted.TLabel").grid(row=2, column=0, columnspan=2, sticky="w",
                                             pady=(4, 0))
        self.amount_var.trace_add("write", lambda *_: self._update_plan())
        self.points_var.trace_add("write", lambda *_: self._update_plan())

        self.plan_label = ttk.Label(outer, text="", style="Section.TLabel", wraplength=420,
                                    justify="left")
        self.plan_label.pack(fill="x", pady=(14, 0))
        self.error_label = ttk.Label(outer, text="", style="Error.TLabel", wraplength=420,
                                     justify="left")
        self.error_label.pack(fill="x", pady=(4, 0))

        buttons = ttk.Frame(outer, padding=(0, 14, 0, 0))
        buttons.pack(fill="x")
        self.confirm_button = ttk.Button(buttons, text="Confirm payment", style="Accent.TButton",
                                         command=self.confirm)
        self.confirm_button.pack(side="right")
        self.cancel_button = ttk.Button(buttons, text="Cancel", command=self.destroy)
        self.cancel_button.pack(side="right", padx=(0, 8))

    # ---- input ------------------------------------------------------------------------------

    def _mode_changed(self) -> None:
        by_amount = self.mode.get() == "amount"
        self.amount.configure(state="normal" if by_amount else "disabled")
        self.points.configure(state="disabled" if by_amount else "normal")
        (self.amount if by_amount else self.points).focus_set()
        self._update_plan()

    def set_amount(self, text: str) -> None:
        self.mode.set("amount")
        self._mode_changed()
        self.amount_var.set(text)

    def set_points(self, text: str) -> None:
        self.mode.set("points")
        self._mode_changed()
        self.points_var.set(text)

    def _member_text(self) -> str:
        if self.membership is None:
            return ""
        level = self.membership.level
        until = self.membership.held.expires_on.isoformat()
        if level.categories or level.products:
            return (f"{level.name} member until {until}: {level.discount_percent}% off some "
                    "products only, so none is taken off here; give it at the till.")
        return f"{level.name} member until {until}: {level.discount_percent}% off the bill."

    def bill(self) -> tuple[int, int]:
        """The bill typed and the member's discount on it, in minor units."""
        bill = to_minor(self.amount_var.get().strip(), self.engine.currency)
        if self.membership is None or bill <= 0:
            return bill, 0
        return bill, bill_discount_minor(bill, self.membership.level)

    def _points_asked(self) -> int:
        text = self.points_var.get().strip().replace(",", "")
        if not text.isdigit():
            raise LoyaltyError(f"'{text}' is not a number of points.",
                               hint="Enter a whole number, like 500.")
        return int(text)

    def _update_plan(self) -> None:
        if self.paid:
            return
        self.error_label.configure(text="")
        try:
            self.plan_label.configure(text=self._describe_plan())
        except LoyaltyError as error:
            self.plan_label.configure(text="")
            self.error_label.configure(text=str(error))

    def _describe_plan(self) -> str:
        if self.mode.get() == "amount":
            if not self.amount_var.get().strip():
                return "Enter the bill amount to see what the points pay."
            bill, discount = self.bill()
            plan = self.engine.plan_payment(self.customer_id, bill - discount)
            text = ""
            if discount and self.membership is not None:
                text = (f"{self.membership.level.name} discount "
                        f"{self.engine.format_money(discount)}: the bill is "
                        f"{self.engine.format_money(bill - discount)}. ")
            text += (f"{self.engine.points_text(plan.points)} pay "
                     f"{self.engine.format_money(plan.covered_minor)}.")
            if plan.cash_minor:
                text += f" Take {self.engine.format_money(plan.cash_minor)} in cash."
            return text
        if not self.points_var.get().strip():
            return "Enter how many points to use."
        points = self._points_asked()
        return (f"{self.engine.points_text(points)} pay "
                f"{self.engine.format_money(self.engine.value_of(points))}.")

    # ---- confirm ----------------------------------------------------------------------------

    def confirm(self) -> bool:
        """Record the payment; True when it is recorded (now or by an earlier click)."""
        if self.paid:
            return True
        by_amount = self.mode.get() == "amount"
        if not (self.amount_var if by_amount else self.points_var).get().strip():
            self.error_label.configure(text="Enter the bill amount first." if by_amount
                                       else "Enter how many points to use first.")
            return False
        try:
            if by_amount:
                bill, discount = self.bill()
                covered = self.engine.pay(self.customer_id, bill - discount, actor="ui",
                                          key=self.key).plan.covered_minor
            else:
                event = self.engine.redeem(self.customer_id, self._points_asked(), actor="ui",
                                           key=self.key)
                covered = event.value_minor
        except LoyaltyError as error:
            self.error_label.configure(text=str(error))
            self.bell()
            return False
        self.paid = True
        self.view = self.engine.account(self.customer_id)
        points = self.engine.points_text(self.view.points)
        summary = (f"Paid {self.engine.format_money(covered)} with points. "
                   f"{self.view.customer.name} has {points} left "
                   f"({self.view.value_text}).")
        self.balance_label.configure(text=points)
        self.value_label.configure(text=self.view.value_text)
        self.plan_label.configure(text=summary, style="Success.TLabel")
        self.error_label.configure(text="")
        self.confirm_button.configure(state="disabled")
        self.cancel_button.configure(text="Close")
        self.cancel_button.focus_set()
        if self.on_done is not None:
            self.on_done(summary)
        self._type_into_pos(str(to_major(covered, self.engine.currency)))
        return True

    def _type_into_pos(self, amount_text: str) -> None:
        """Keyboard emulation: step aside so the POS has the keyboard, then type the amount."""
        settings = self.engine.settings
        if not settings.pos.keyboard_emulation or settings.pos.adapter is None:
            return
        try:
            adapter = self.engine.plugins.pos_adapter(settings.pos.adapter)
        except LoyaltyError as error:
            self.error_label.configure(text=f"Type {amount_text} into the POS yourself: {error}")
            return
        pay = adapter.pay
        if pay is None:
            self.error_label.configure(
                text=f"{adapter.title} cannot be typed into; enter {amount_text} in the POS.")
            return
        self.withdraw()
        self.master.winfo_toplevel().iconify()

        def type_it() -> None:
            try:
                pay(settings, amount_text)
            except Exception as error:  # noqa: BLE001 - any failure: tell the cashier
                self.master.winfo_toplevel().deiconify()
                self.deiconify()
                self.error_label.configure(
                    text=f"Could not type {amount_text} into {adapter.title} ({error}). "
                         "Enter it in the POS yourself.")
                return
            self.typed = amount_text
            self.destroy()

        self.after(EMULATION_DELAY_MS, type_it)
