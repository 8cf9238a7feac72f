"""A customer's points log: every change of their balance, newest first, updating live."""

from __future__ import annotations

import tkinter as tk
from tkinter import ttk
from zoneinfo import ZoneInfo


from loyalty import signals
from loyalty.engine import Engine
from loyalty.domain.records import Entry
from loyalty.domain.statements import kind_title
from loyalty_ui_tk.tables import Column
from loyalty_ui_tk.tables import make_table
from loyalty_ui_tk.tables import row_texts
from loyalty_ui_tk.themes import Palette
from loyalty_ui_tk.ui_queue import UiQueue


LIMIT = 500
"""Entries shown: the newest ones, newest first."""


COLUMNS: tuple[Column, ...] = (
    ("date", "Date", 130, "w", False),
    ("kind", "Type", 120, "w", False),
    ("points", "Points", 80, "e", False),
    ("reason", "Reason", 400, "w", True),  # a reason of about 60 characters
    ("source", "Document", 110, "w", False),
    ("actor", "By", 90, "w", False),
    ("expires", "Expires", 90, "w", False),
)


class PointsLog(tk.Toplevel):
    def __init__(self, master: tk.Misc, engine: Engine, ui: UiQueue, customer_id: int) -> None:
        super().__init__(master)
        self.engine = engine
        self.ui = ui
        self.customer_id = customer_id
        self.geometry("1080x520")
        self.minsize(700, 360)
        self.transient(master.winfo_toplevel())
        self._build()
        self.reload()
        signals.event_published.connect(self._on_event, weak=False)
        self.bind("<Escape>", lambda e: self.destroy())
        self.bind("<Destroy>", self._destroyed)

    def _build(self) -> None:
        outer = ttk.Frame(self, padding=16)
        outer.pack(fill="both", expand=True)
        head = ttk.Frame(outer, style="Card.TFrame", padding=(16, 12))
        head.pack(fill="x")
        head.columnconfigure(1, weight=1)
        self.name_label = ttk.Label(head, style="Card.TLabel", font="LoyaltyTitle")
        self.name_label.grid(row=0, column=0, sticky="w")
        self.stars_label = ttk.Label(head, style="Stars.TLabel")
        self.stars_label.grid(row=0, column=1, sticky="e")
        self.balance_label = ttk.Label(head, style="Big.TLabel")
        self.balance_label.grid(row=1, column=0, sticky="w", pady=(6, 0))
        self.next_label = ttk.Label(head, style="CardMuted.TLabel")
        self.next_label.grid(row=1, column=1, sticky="e")

        self.footer = ttk.Label(outer, style="Muted.TLabel")
        self.footer.pack(fill="x", pady=(8, 0), side="bottom")
        table = ttk.Frame(outer, padding=(0, 12, 0, 0))
        table.pack(fill="both", expand=True)
        self.tree, _ = make_table(table, COLUMNS)

    def apply_palette(self, p: Palette) -> None:
        self.tree.tag_configure("debit", foreground=p.error)

    def reload(self) -> None:
        view = self.engine.account(self.customer_id)
        entries = self.engine.history(self.customer_id, limit=LIMIT)
        locale = self.engine.settings.shop.locale
        self.title(f"Points log: {view.customer.name}")
        self.name_label.configure(text=f"{view.customer.name}  (ID {view.customer.id})")
        self.stars_label.configure(text=view.rating)
        self.balance_label.configure(
            text=f"{self.engine.points_text(view.points)} · {view.value_text}")
        if view.points_to_next is not None and view.next_stars is not None:
            self.next_label.configure(
                text=f"{self.engine.points_text(view.points_to_next, more=True)} to "
                     f"reach {view.next_stars} star{'s' * (view.next_stars != 1)}")
        else:
            self.next_label.configure(text="Top rating reached")
        self.tree.delete(*self.tree.get_children())
        for entry in sorted(entries, key=lambda e: (e.occurred_at, e.id), reverse=True):
            self.tree.insert("", "end", iid=str(entry.id), values=self._cells(entry),
                             tags=_tags(entry.points))
        count = len(entries)
        self.footer.configure(
            text=("No points yet." if not count else
                  f"{count} {'entry' if count == 1 else 'entries'}" + (f" (the newest {LIMIT})" if count == LIMIT else "")
                  + f"; lifetime earned {self.engine.points_text(view.lifetime_earned)}."))

    def _cells(self, entry: Entry) -> tuple[object, ...]:
        timezone = self.engine.settings.shop.timezone
        local = entry.occurred_at.astimezone(ZoneInfo(timezone) if timezone else None)
        when = f"{entry.business_date.isoformat()} {local.strftime('%H:%M')}"
        return (
            when,
            kind_title(entry.kind),
            f"{entry.points:+,}" if entry.points else "0",
            entry.reason,
            entry.source_id or "",
            entry.actor,
            entry.expires_on.isoformat() if entry.expires_on else "",
        )

    def rows(self) -> list[tuple[str, ...]]:
        return row_texts(self.tree)

    def _on_event(self, sender: type, *, event: object, engine: Engine, **_: object) -> None:
        if engine is self.engine and getattr(event, "customer_id", None) == self.customer_id:
            self.ui.post(self._reload_if_open)

    def _reload_if_open(self) -> None:
        if self.winfo_exists():
            self.reload()

    def _destroyed(self, event: tk.Event) -> None:
        if event.widget is self:
            signals.event_published.disconnect(self._on_event)


def _tags(points: int) -> tuple[str, ...]:
    """A debit shows in the error colour; an entry that moves no points (stars lowered, a
    refund of points already spent) in the plain one."""
    return ("credit",) if points > 0 else ("debit",) if points < 0 else ()
