"""The notification log: what was sent to customers, what is waiting and what failed.

The messages come from a ``list_messages()`` callable (``message_source``: the core's outbox);
without one the tab says how to get notifications instead of showing an empty table.
Messages may be attrs objects or dicts; the columns read the usual field names.
"""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable
from collections.abc import Sequence
from datetime import datetime
from tkinter import ttk
from typing import Any

from loyalty import signals
from loyalty.engine import Engine
from loyalty_ui_tk.tables import Column
from loyalty_ui_tk.tables import make_table
from loyalty_ui_tk.tables import row_texts
from loyalty_ui_tk.themes import Palette
from loyalty_ui_tk.ui_queue import UiQueue
from loyalty_ui_tk.ui_queue import Worker


ListMessages = Callable[[], Sequence[Any]]

NOT_INSTALLED = (
    "Notifications are not installed.\n\n"
    "Install loyalty-notify-callmebot to send WhatsApp and Facebook Messenger messages\n"
    "when customers earn or spend points; every message sent will be listed here."
)

COLUMNS: tuple[Column, ...] = (
    ("when", "When", 140, "w", False),
    ("customer", "Customer", 170, "w", False),
    ("platform", "Platform", 130, "w", False),
    ("status", "Status", 90, "w", False),
    ("attempts", "Tries", 50, "e", False),
    ("text", "Message", 420, "w", True),
)


SHOWN = 500
"""Newest messages listed."""


def message_source(engine: Engine) -> ListMessages:
    """The newest messages of the engine's outbox."""

    def newest_first() -> list[Any]:
        return engine.messages(None, limit=SHOWN, newest_first=True)

    return newest_first


def _field(message: Any, *names: str) -> Any:
    for name in names:
        value = message.get(name) if isinstance(message, dict) else getattr(message, name, None)
        if value is not None:
            return value
    return ""


class NotificationLog(ttk.Frame):
    def __init__(self, parent: tk.Misc, engine: Engine, ui: UiQueue, worker: Worker,
                 list_messages: ListMessages | None) -> None:
        super().__init__(parent, padding=(14, 12))
        self.engine = engine
        self.ui = ui
        self.worker = worker
        self.list_messages = list_messages
        self._after: str | None = None
        self.notice: ttk.Label | None = None
        if list_messages is None:
            self.notice = ttk.Label(self, text=NOT_INSTALLED, style="Muted.TLabel",
                                    justify="center", anchor="center")
            self.notice.pack(fill="both", expand=True)
            self.tree = None
            return
        bar = ttk.Frame(self)
        bar.pack(fill="x", pady=(0, 10))
        ttk.Label(bar, text="Messages to customers, newest first",
                  style="Section.TLabel").pack(side="left")
        ttk.Button(bar, text="Refresh", command=self.reload).pack(side="right")
        self.status = ttk.Label(self, style="Muted.TLabel")
        self.status.pack(fill="x", pady=(8, 0), side="bottom")
        self.tree, _ = make_table(self, COLUMNS)
        signals.event_published.connect(self._on_event, weak=False)
        self.reload()

    @property
    def installed(self) -> bool:
        return self.list_messages is not None

    def apply_palette(self, p: Palette) -> None:
        if self.tree is not None:
            self.tree.tag_configure("failed", foreground=p.error)
            self.tree.tag_configure("sent", foreground=p.success)

    def reload(self) -> None:
        if self.list_messages is not None:
            self.worker.submit(self.list_messages, self._show)

    def _show(self, messages: Sequence[Any]) -> None:
        assert self.tree is not None
        self.tree.delete(*self.tree.get_children())
        for message in messages:
            when = _field(message, "sent_at", "created_at", "queued_at")
            if isinstance(when, datetime):
                when = when.astimezone().strftime("%Y-%m-%d %H:%M")
            status = str(_field(message, "status"))
            error = _field(message, "error", "last_error")
            text = str(_field(message, "text", "body"))
            platform = str(_field(message, "channel", "platform"))
            self.tree.insert("", "end", values=(
                when,
                _field(message, "customer_name", "name", "customer_id"),
                self.engine.platforms().get(platform, platform),
                status,
                _field(message, "attempts"),
                f"{text}  ⚠ {error}" if error else text,
            ), tags=(status.lower(),))
        failed = sum(str(_field(m, "status")).lower() == "failed" for m in messages)
        self.status.configure(
            text=f"{len(messages)} messages" + (f", {failed} failed" if failed else "")
            if messages else "No messages yet.")

    def rows(self) -> list[tuple[str, ...]]:
        return [] if self.tree is None else row_texts(self.tree)

    def _on_event(self, sender: type, *, engine: Engine, **_: object) -> None:
        if engine is self.engine:
            self.ui.post(self._reload_soon)

    def _reload_soon(self) -> None:
        if self._after is None:
            self._after = self.after(500, self._reload_now)

    def _reload_now(self) -> None:
        self._after = None
        self.reload()

    def disconnect(self) -> None:
        if self.tree is not None:
            signals.event_published.disconnect(self._on_event)
