"""Dialogs of the 'All Customers' tab: add or edit a customer, adjust points, award the points
of an action (a review, an anniversary...), merge two, confirm a removal, and list what an
import refused.

Each dialog keeps no rule of its own: the engine checks, and its one-line error is shown in
the dialog, beside the buttons, with nothing changed. What the dialog can tell before the
engine is asked (a channel chosen without the key it needs, a customer who may exist
already) it says at once.
"""

from __future__ import annotations

import getpass
from datetime import date
import tkinter as tk
from collections.abc import Callable
from tkinter import ttk
from typing import TypeVar

from loyalty import MergeOutcome
from loyalty.domain.channels import missing_key
from loyalty.domain.errors import LoyaltyError
from loyalty.domain.errors import UnknownCustomer
from loyalty.domain.events import MembershipGranted
from loyalty.domain.records import Customer
from loyalty.domain.records import CustomerSummary
from loyalty.domain.rules.campaigns import ACTIONS
from loyalty.domain.settings import ActionPoints
from loyalty.engine import AccountView
from loyalty.engine import Engine
from loyalty_ui_tk.tables import Column
from loyalty_ui_tk.tables import make_table


W = TypeVar("W", bound=tk.Widget)
WRAP = 440
"""Width, in pixels, at which a dialog's messages wrap."""


def window_actor() -> str:
    """Who did it, as the points log's "By" shows it: the window and the computer's user."""
    try:
        user = getpass.getuser()
    except (OSError, KeyError, ImportError):
        return "ui"
    return f"ui:{user}"[:64]


class Dialog(tk.Toplevel):
    """A titled window over the main one with a body, an error line and buttons."""

    def __init__(self, master: tk.Misc, title: str) -> None:
        super().__init__(master)
        self.title(title)
        self.transient(master.winfo_toplevel())
        self.resizable(False, False)
        self.outer = ttk.Frame(self, padding=18)
        self.outer.pack(fill="both", expand=True)
        self.body = ttk.Frame(self.outer)
        self.body.pack(fill="both", expand=True)
        self.body.columnconfigure(1, weight=1)
        self.buttons = ttk.Frame(self.outer, padding=(0, 12, 0, 0))
        self.buttons.pack(fill="x")
        self.error_label = ttk.Label(self.outer, text="", style="Error.TLabel",
                                     wraplength=WRAP, justify="left")
        """Shown (above the buttons) only when there is something wrong to say."""
        self.bind("<Escape>", lambda e: self.destroy())

    def button(self, text: str, command: Callable[[], object], *, accent: bool = False
               ) -> ttk.Button:
        button = ttk.Button(self.buttons, text=text, command=command,
                            style="Accent.TButton" if accent else "TButton")
        button.pack(side="right", padx=(8, 0))
        return button

    def field(self, row: int, label: str, widget: W, *, stretch: bool = True) -> W:
        ttk.Label(self.body, text=label).grid(row=row, column=0, sticky="w", pady=4,
                                              padx=(0, 12))
        widget.grid(row=row, column=1, sticky="ew" if stretch else "w", pady=4)
        return widget

    def fail(self, error: LoyaltyError | str) -> None:
        self.error_label.configure(text=str(error))
        self.error_label.pack(fill="x", pady=(8, 0), before=self.buttons)


class CustomerDialog(Dialog):
    """Add a customer (``customer`` None) or edit one: name, phone, channel and its key,
    birthday (for the birthday points); editing also shows the running membership and grants
    a level by hand."""

    def __init__(self, master: tk.Misc, engine: Engine, customer: Customer | None = None, *,
                 on_saved: Callable[[Customer, bool], object] | None = None) -> None:
        super().__init__(master, f"Edit {customer.name}" if customer else "Add a customer")
        self.engine = engine
        self.customer = customer
        self.on_saved = on_saved
        self.platforms = engine.platforms()
        self.saved: Customer | None = None
        self.granted: MembershipGranted | None = None
        """The membership granted from this dialog, if one was."""
        self.similar: list[CustomerSummary] = []
        """Customers who may be the one being added, shown before adding them."""

        self.name_var = tk.StringVar(value=customer.name if customer else "")
        self.phone_var = tk.StringVar(value=customer.phone or "" if customer else "")
        self.platform_var = tk.StringVar(value=self.platforms.get(
            customer.platform if customer else "none", "None"))
        self.key_var = tk.StringVar(value=customer.messaging_key or "" if customer else "")
        self.name_entry = self.field(0, "Name", ttk.Entry(self.body, textvariable=self.name_var,
                                                          width=36))
        self.phone_entry = self.field(1, "Phone", ttk.Entry(
            self.body, textvariable=self.phone_var, width=36))
        self.platform_box = self.field(2, "Messages by", ttk.Combobox(
            self.body, textvariable=self.platform_var, values=list(self.platforms.values()),
            state="readonly", width=34))
        self.key_entry = self.field(3, "Key on that channel", ttk.Entry(
            self.body, textvariable=self.key_var, width=36))
        self.key_hint = ttk.Label(self.body, text="", style="Muted.TLabel", wraplength=WRAP,
                                  justify="left")
        self.key_hint.grid(row=4, column=0, columnspan=2, sticky="w")
        born = customer.birthday if customer else None
        self.birthday_var = tk.StringVar(value=born.isoformat() if born else "")
        self.birthday_entry = self.field(5, "Birthday", ttk.Entry(
            self.body, textvariable=self.birthday_var, width=12), stretch=False)
        ttk.Label(self.body, text="YYYY-MM-DD, e.g. 1990-05-17; empty if not known. Birthday "
                  "points fall on its day.", style="Muted.TLabel", wraplength=WRAP,
                  justify="left").grid(row=6, column=0, columnspan=2, sticky="w")
        self.similar_label = ttk.Label(self.body, text="", style="Error.TLabel",
                                       wraplength=WRAP, justify="left")
        if customer is not None:
            self._membership_rows(customer, first_row=8)
        self.save_button = self.button("Add customer" if customer is None else "Save",
                                       self.save, accent=True)
        self.cancel_button = self.button("Cancel", self.destroy)
        for var in (self.platform_var, self.key_var):
            var.trace_add("write", lambda *_: self._check_key())
        for var in (self.name_var, self.phone_var):
            var.trace_add("write", lambda *_: self._forget_similar())
        self.bind("<Return>", lambda e: self.save())
        self._check_key()
        self.name_entry.focus_set()

    def _membership_rows(self, customer: Customer, first_row: int) -> None:
        """The running membership, and a level to grant by hand (staff, a VIP) with a reason."""
        ttk.Separator(self.body).grid(row=first_row, column=0, columnspan=2, sticky="ew",
                                      pady=(10, 4))
        self.membership_label = self.field(first_row + 1, "Membership", ttk.Label(
            self.body, text="", wraplength=WRAP - 120, justify="left"))
        self.level_ids = {level.name: level.id
                          for level in self.engine.settings.memberships.levels}
        grant = ttk.Frame(self.body)
        self.level_var = tk.StringVar(value=next(iter(self.level_ids), ""))
        self.level_box = ttk.Combobox(grant, textvariable=self.level_var, state="readonly",
                                      values=list(self.level_ids), width=16)
        self.level_box.pack(side="left")
        self.grant_button = ttk.Button(grant, text="Grant", command=self.grant)
        self.grant_button.pack(side="left", padx=(8, 0))
        self.field(first_row + 2, "Grant a level", grant, stretch=False)
        self.grant_reason_var = tk.StringVar()
        self.grant_reason_entry = self.field(first_row + 3, "Reason for the grant", ttk.Entry(
            self.body, textvariable=self.grant_reason_var, width=36))
        hint = ("From today for the level's length, e.g. for staff or a VIP; the reason and who "
                "granted it are kept." if self.level_ids else
                "No membership levels yet: add them in Settings, Memberships.")
        ttk.Label(self.body, text=hint, style="Muted.TLabel", wraplength=WRAP,
                  justify="left").grid(row=first_row + 4, column=0, columnspan=2, sticky="w")
        self.grant_reason_entry.bind("<Return>", self._grant_on_enter)
        if not self.level_ids:
            for widget in (self.level_box, self.grant_button, self.grant_reason_entry):
                widget.configure(state="disabled")
        self._show_membership()

    def _grant_on_enter(self, event: tk.Event) -> str:
        """Enter in the reason grants; it does not also save and close the dialog."""
        self.grant()
        return "break"

    def _show_membership(self) -> None:
        assert self.customer is not None
        held = self.engine.membership(self.customer.id)
        text = "None running." if held is None else held.describe()
        if held is not None and held.reason is not None:
            text += f" Granted by {held.granted_by}: {held.reason}."
        self.membership_label.configure(text=text)

    def grant(self) -> None:
        """Grant the chosen level now (not on Save): the engine refuses what it must."""
        assert self.customer is not None
        reason = self.grant_reason_var.get().strip()
        self.grant_reason_entry.configure(style="TEntry" if reason else "Invalid.TEntry")
        try:
            granted = self.engine.grant_membership(
                self.customer.id, self.level_ids.get(self.level_var.get(), self.level_var.get()),
                reason=reason, actor=window_actor())
        except LoyaltyError as error:
            self.fail(error)
            return
        self.error_label.pack_forget()
        self.grant_reason_var.set("")
        self._show_membership()
        self.granted = granted

    @property
    def platform(self) -> str:
        title = self.platform_var.get()
        return next((n for n, t in self.platforms.items() if t == title), "none")

    def _check_key(self) -> None:
        """Say at once that the chosen channel needs a key, not when a message fails."""
        problem = missing_key(self.platform, self.key_var.get())
        if problem:
            title = self.platforms.get(self.platform, self.platform)
            self.key_hint.configure(
                text=f"{title} needs the customer's key on it; without one no message is "
                     "sent. Type the key, or choose None.", style="Error.TLabel")
            self.key_entry.configure(style="Invalid.TEntry")
        else:
            self.key_hint.configure(text="The key the channel gave the customer (CallMeBot: "
                                         "their API key).", style="Muted.TLabel")
            self.key_entry.configure(style="TEntry")

    def _forget_similar(self) -> None:
        if self.similar:
            self.similar = []
            self.similar_label.grid_remove()
            self.save_button.configure(text="Add customer")

    def values(self) -> dict[str, object]:
        """What the form holds, as the engine takes it; a birthday that is no date raises."""
        return {"name": self.name_var.get(), "phone": self.phone_var.get().strip() or None,
                "platform": self.platform, "messaging_key": self.key_var.get().strip() or None,
                "birthday": self.birthday()}

    def birthday(self) -> date | None:
        text = self.birthday_var.get().strip()
        self.birthday_entry.configure(style="TEntry")
        if not text:
            return None
        try:
            return date.fromisoformat(text)
        except ValueError:
            self.birthday_entry.configure(style="Invalid.TEntry")
            raise LoyaltyError(f"The birthday {text!r} is not a date.",
                               hint="Type it as YYYY-MM-DD, e.g. 1990-05-17, or leave it "
                                    "empty.") from None

    def save(self) -> None:
        try:
            values = self.values()
            if self.customer is None:
                if not self.similar:
                    self.similar = self.engine.similar_customers(
                        str(values["name"] or ""), values["phone"])  # type: ignore[arg-type]
                    if self.similar:
                        self._show_similar()
                        return
                name = str(values.pop("name") or "")
                customer = self.engine.add_customer(name, **values)  # type: ignore[arg-type]
            else:
                customer = self.engine.update_customer(self.customer.id, **values)
        except LoyaltyError as error:
            self.fail(error)
            return
        self.saved = customer
        if self.on_saved is not None:
            self.on_saved(customer, self.customer is None)
        self.destroy()

    def _show_similar(self) -> None:
        lines = [f"• {s.customer.name} (ID {s.customer.id}"
                 + (f", phone {s.customer.phone}" if s.customer.phone else "")
                 + f", {self.engine.points_text(s.balance.points)})" for s in self.similar[:5]]
        more = len(self.similar) - len(lines)
        self.similar_label.configure(
            text="This may be a customer you have already:\n" + "\n".join(lines)
                 + (f"\n…and {more} more." if more > 0 else "")
                 + "\nAdd anyway, or Cancel and use the one above.")
        self.similar_label.grid(row=7, column=0, columnspan=2, sticky="w", pady=(8, 0))
        self.save_button.configure(text="Add anyway")


class AdjustDialog(Dialog):
    """Add or remove points by hand, with the reason the points log shows."""

    def __init__(self, master: tk.Misc, engine: Engine, view: AccountView, *,
                 on_done: Callable[[str], object] | None = None) -> None:
        super().__init__(master, f"Adjust points: {view.customer.name}")
        self.engine = engine
        self.view = view
        self.on_done = on_done
        self.done = False
        ttk.Label(self.body, text=f"{view.customer.name} has {engine.points_text(view.points)}.",
                  style="Section.TLabel").grid(row=0, column=0, columnspan=2, sticky="w",
                                               pady=(0, 8))
        self.points_var = tk.StringVar()
        self.reason_var = tk.StringVar()
        self.points_entry = self.field(1, "Points (+ to add, − to take)", ttk.Entry(
            self.body, textvariable=self.points_var, width=12, justify="right"), stretch=False)
        self.reason_entry = self.field(2, "Reason (required)", ttk.Entry(
            self.body, textvariable=self.reason_var, width=36))
        ttk.Label(self.body, text="The reason and who adjusted are kept in the points log.",
                  style="Muted.TLabel").grid(row=3, column=0, columnspan=2, sticky="w")
        self.save_button = self.button("Adjust", self.save, accent=True)
        self.button("Cancel", self.destroy)
        self.bind("<Return>", lambda e: self.save())
        self.points_entry.focus_set()

    def save(self) -> None:
        text = self.points_var.get().strip().replace(",", "").replace("−", "-")
        try:
            points = int(text)
        except ValueError:
            self.points_entry.configure(style="Invalid.TEntry")
            self.fail(LoyaltyError(f"Points {text!r} is not a whole number.",
                                   hint="Type e.g. 100 to add or -100 to take away."))
            return
        if not self.reason_var.get().strip():
            self.reason_entry.configure(style="Invalid.TEntry")
            self.fail(LoyaltyError("An adjustment needs a reason.",
                                   hint="Say why, e.g. 'points from the old card'."))
            return
        try:
            event = self.engine.adjust(self.view.customer.id, points,
                                       reason=self.reason_var.get(), actor=window_actor())
        except LoyaltyError as error:
            self.fail(error)
            return
        self.done = True
        if self.on_done is not None:
            self.on_done(f"{self.view.customer.name}: "
                         f"{self.engine.points_text(points, signed=True)} "
                         f"({event.reason}); balance {event.balance:,}.")
        self.destroy()


AWARD_TITLES = {
    "register": "Welcome bonus",
    "referral": "Bringing a new customer",
    "birthday": "Birthday",
    "anniversary": "Anniversary",
    "review": "A review",
    "appointment": "An appointment",
}
"""How the Award dialog names each action of ``campaigns.actions`` (``rules.campaigns``)."""
AWARD_ASKS = {"referral": "The new customer's ID",
              "review": "Which review (its number or date)",
              "appointment": "Which appointment (its number or date)"}
"""What an action needs to be awarded once: the referred customer, or the occasion's id."""


def action_points(action: str, rules: ActionPoints) -> tuple[int, int]:
    """The points an action gives the customer, and (a referral) the customer they brought."""
    if action == "referral":
        return rules.referral_referrer, rules.referral_referred
    return getattr(rules, action), 0


class AwardDialog(Dialog):
    """Give the points set in Settings, Bonuses for one action (``loyalty award``): the actions
    that give points are listed; each is given once per occasion (the engine's key), so a
    second click on the same review gives nothing more and says so."""

    def __init__(self, master: tk.Misc, engine: Engine, view: AccountView, *,
                 on_done: Callable[[str], object] | None = None) -> None:
        super().__init__(master, f"Award points: {view.customer.name}")
        self.engine = engine
        self.view = view
        self.on_done = on_done
        self.awarded = False
        rules = engine.settings.campaigns.actions
        self.offered = [action for action in ACTIONS if any(action_points(action, rules))]
        ttk.Label(self.body, text=f"{view.customer.name} has {engine.points_text(view.points)}."
                  " Award points for:", style="Section.TLabel").grid(
            row=0, column=0, columnspan=2, sticky="w", pady=(0, 6))
        self.action_var = tk.StringVar(value=next(iter(self.offered), ""))
        self.choices: dict[str, ttk.Radiobutton] = {}
        for row, action in enumerate(self.offered, start=1):
            self.choices[action] = ttk.Radiobutton(
                self.body, text=self._describe(action, rules), value=action,
                variable=self.action_var, command=self._chosen)
            self.choices[action].grid(row=row, column=0, columnspan=2, sticky="w", pady=2)
        below = len(self.offered) + 1
        self.ask_var = tk.StringVar(value="")
        self.ask_label = ttk.Label(self.body, textvariable=self.ask_var)
        self.ask_label.grid(row=below, column=0, sticky="w", pady=(10, 4), padx=(0, 12))
        self.which_var = tk.StringVar()
        self.which_entry = ttk.Entry(self.body, textvariable=self.which_var, width=24)
        self.which_entry.grid(row=below, column=1, sticky="w", pady=(10, 4))
        ttk.Label(self.body, text="Points for an occasion are given once: the same birthday, "
                  "review or new customer twice gives nothing more. The points log says who "
                  "gave them." if self.offered else
                  "No action gives points yet: set them in Settings, Bonuses.",
                  style="Muted.TLabel", wraplength=WRAP, justify="left").grid(
            row=below + 1, column=0, columnspan=2, sticky="w", pady=(6, 0))
        self.award_button = self.button("Award", self.award, accent=True)
        self.button("Cancel", self.destroy)
        self.bind("<Return>", lambda e: self.award())
        if not self.offered:
            self.award_button.configure(state="disabled")
        self._chosen()

    def _describe(self, action: str, rules: ActionPoints) -> str:
        mine, theirs = action_points(action, rules)
        text = f"{AWARD_TITLES[action]}: {self.engine.points_text(mine)}"
        if action == "referral":
            text += f" (the new customer gets {self.engine.points_text(theirs)})"
        elif action in ("birthday", "anniversary"):
            text += ", once a year"
        elif action == "register":
            text += ", once (else on the first sale)"
        return text

    def _chosen(self) -> None:
        """Ask for what the action needs (the new customer, the review), or nothing."""
        asks = AWARD_ASKS.get(self.action_var.get())
        self.ask_var.set(asks or "")
        self.which_entry.configure(style="TEntry")
        if asks:
            self.which_entry.grid()
            self.which_entry.focus_set()
        else:
            self.which_var.set("")
            self.which_entry.grid_remove()

    def choose(self, action: str) -> None:
        self.choices[action].invoke()

    def award(self) -> None:
        action, which = self.action_var.get(), self.which_var.get().strip()
        if not action:
            return
        if action in AWARD_ASKS and not which:
            self.which_entry.configure(style="Invalid.TEntry")
            self.fail(LoyaltyError(f"Fill in '{AWARD_ASKS[action]}' first.",
                                   hint="It makes sure one occasion is awarded once."))
            return
        referred = None
        if action == "referral":
            try:
                referred = int(which.lstrip("#"))
            except ValueError:
                self.which_entry.configure(style="Invalid.TEntry")
                self.fail(LoyaltyError(f"The customer ID {which!r} is not a number.",
                                       hint="Type the new customer's ID, e.g. 21 (the ID "
                                            "column of All Customers)."))
                return
            if referred == self.view.customer.id:
                self.which_entry.configure(style="Invalid.TEntry")
                self.fail(LoyaltyError(f"{self.view.customer.name} cannot bring themselves.",
                                       hint="Type the ID of the new customer they brought."))
                return
        try:
            outcome = self.engine.award(
                self.view.customer.id, action, referred=referred,
                ref=which if action in ("review", "appointment") else None, actor=window_actor())
        except UnknownCustomer as error:  # the new customer's ID: say where IDs are shown
            self.which_entry.configure(style="Invalid.TEntry")
            self.fail(LoyaltyError(error.message, hint="The ID column of All Customers shows "
                                                       "each customer's."))
            return
        except LoyaltyError as error:
            self.fail(error)
            return
        if not outcome.awarded:
            self.fail(f"{AWARD_TITLES[action]} was awarded before, so nothing was given again.")
            return
        self.awarded = True
        if self.on_done is not None:
            self.on_done("; ".join(
                f"{self._customer_name(event.customer_id)}: "
                f"{self.engine.points_text(event.points, signed=True)} ({event.reason}), "
                f"balance {event.balance:,}" for event in outcome.awarded) + ".")
        self.destroy()

    def _customer_name(self, customer_id: int) -> str:
        if customer_id == self.view.customer.id:
            return self.view.customer.name
        return self.engine.customer(customer_id).name


MERGE_COLUMNS: tuple[Column, ...] = (
    ("id", "ID", 60, "e", False),
    ("name", "Customer Name", 200, "w", True),
    ("phone", "Phone", 130, "w", False),
    ("points", "Points", 90, "e", False),
)


class MergeDialog(Dialog):
    """Pick the other customer (the one entered twice) and merge them into this one."""

    def __init__(self, master: tk.Misc, engine: Engine, keep: Customer, *,
                 on_done: Callable[[MergeOutcome], object] | None = None) -> None:
        super().__init__(master, f"Merge into {keep.name}")
        self.engine = engine
        self.keep = keep
        self.on_done = on_done
        self.outcome: MergeOutcome | None = None
        ttk.Label(self.body, text=f"Find the customer to merge into {keep.name} (ID {keep.id}):",
                  style="Section.TLabel").grid(row=0, column=0, columnspan=2, sticky="w")
        self.search_var = tk.StringVar()
        self.search = self.field(1, "Search", ttk.Entry(self.body, textvariable=self.search_var,
                                                        width=36))
        table = ttk.Frame(self.body, height=200)
        table.grid(row=2, column=0, columnspan=2, sticky="nsew", pady=(6, 0))
        self.tree, _ = make_table(table, MERGE_COLUMNS, selectmode="browse", height=7)
        ttk.Label(self.body, wraplength=WRAP, justify="left", style="Muted.TLabel", text=(
            "Their points, lifetime points, sales, coupons and memberships move to "
            f"{keep.name}; the other customer is removed, and both points logs say so.")
        ).grid(row=3, column=0, columnspan=2, sticky="w", pady=(8, 0))
        self.merge_button = self.button("Merge", self.merge, accent=True)
        self.button("Cancel", self.destroy)
        self.search_var.trace_add("write", lambda *_: self.find())
        self.tree.bind("<<TreeviewSelect>>", lambda e: self._chosen())
        self.find()
        self.search.focus_set()

    def find(self) -> None:
        found = [v for v in self.engine.accounts(self.search_var.get().strip() or None,
                                                  limit=50) if v.customer.id != self.keep.id]
        self.tree.delete(*self.tree.get_children())
        for view in found:
            c = view.customer
            self.tree.insert("", "end", iid=str(c.id),
                             values=(c.id, c.name, c.phone or "", f"{view.points:,}"))
        self._chosen()

    def choose(self, customer_id: int) -> None:
        self.tree.selection_set(str(customer_id))
        self._chosen()

    def _chosen(self) -> None:
        selection = self.tree.selection()
        if selection:
            name = self.tree.item(selection[0], "values")[1]
            self.merge_button.configure(text=f"Merge {name} into {self.keep.name}",
                                        state="normal")
        else:
            self.merge_button.configure(text="Merge", state="disabled")

    def merge(self) -> None:
        selection = self.tree.selection()
        if not selection:
            self.fail("Pick the customer to merge first.")
            return
        try:
            self.outcome = self.engine.merge_customers(self.keep.id, int(selection[0]),
                                                       actor=window_actor())
        except LoyaltyError as error:
            self.fail(error)
            return
        if self.on_done is not None:
            self.on_done(self.outcome)
        self.destroy()


class ConfirmDialog(Dialog):
    """Ask before doing something that cannot be undone from the window."""

    def __init__(self, master: tk.Misc, title: str, question: str, action: str,
                 on_yes: Callable[[], object]) -> None:
        super().__init__(master, title)
        ttk.Label(self.body, text=question, wraplength=WRAP, justify="left").grid(
            row=0, column=0, columnspan=2, sticky="w")
        self.on_yes = on_yes
        self.yes_button = self.button(action, self.yes, accent=True)
        self.no_button = self.button("Cancel", self.destroy)
        self.no_button.focus_set()  # Enter on a removal keeps the customer

    def yes(self) -> None:
        self.destroy()
        self.on_yes()


class ProblemsDialog(Dialog):
    """One line per problem (an import's bad rows), selectable to copy."""

    def __init__(self, master: tk.Misc, title: str, summary: str, problems: list[str]) -> None:
        super().__init__(master, title)
        ttk.Label(self.body, text=summary, style="Section.TLabel", wraplength=WRAP,
                  justify="left").grid(row=0, column=0, columnspan=2, sticky="w")
        self.text = tk.Text(self.body, width=70, height=min(12, max(3, len(problems))),
                            wrap="word", relief="flat", borderwidth=8)
        self.text.insert("1.0", "\n".join(problems))
        self.text.configure(state="disabled")
        self.text.grid(row=1, column=0, columnspan=2, sticky="nsew", pady=(8, 0))
        self.button("Close", self.destroy, accent=True)
