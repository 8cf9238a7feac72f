"""The notification log: what was sent to customers, what is waiting and what failed, and why.

The messages come from a ``list_messages(statuses)`` callable (``message_source``: the core's
outbox); without one the tab says how to get notifications instead of showing an empty table.
Messages may be attrs objects or dicts; the columns read the usual field names. A status
filter narrows the list; Retry (the selected messages, or all failed ones) gives failed
messages a fresh set of attempts and delivers them at once; "Send message…" opens the dialog
for a message the shop writes itself.
"""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable
from collections.abc import Sequence
from datetime import datetime
from tkinter import ttk
from typing import Any

from loyalty import signals
from loyalty.domain.records import JobRun
from loyalty.engine import Engine
from loyalty_ui_tk.tables import Column
from loyalty_ui_tk.tables import make_table
from loyalty_ui_tk.tables import row_texts
from loyalty_ui_tk.themes import Palette
from loyalty_ui_tk.ui_queue import UiQueue
from loyalty_ui_tk.ui_queue import Worker


ListMessages = Callable[[Sequence[str] | None], Sequence[Any]]
"""The newest messages with one of the given statuses (all when None)."""

NOT_INSTALLED = (
    "Notifications are not installed.\n\n"
    "Install loyalty-notify-callmebot to send WhatsApp and Facebook Messenger messages\n"
    "when customers earn or spend points; every message sent will be listed here."
)

COLUMNS: tuple[Column, ...] = (
    ("when", "When", 125, "w", False),
    ("customer", "Customer", 130, "w", False),
    ("platform", "Platform", 150, "w", False),
    ("status", "Status", 65, "w", False),
    ("attempts", "Tries", 55, "e", False),
    ("text", "Message", 260, "w", True),
    ("error", "Why it failed", 270, "w", True),
)

FILTERS: dict[str, tuple[str, ...] | None] = {
    "All": None,
    "Waiting": ("pending", "sending"),
    "Sent": ("sent",),
    "Failed": ("failed",),
}
"""The status filter's choices and the outbox statuses each shows."""

SHOWN = 500
"""Newest messages listed."""


def message_source(engine: Engine) -> ListMessages:
    """The newest messages of the engine's outbox."""

    def newest_first(statuses: Sequence[str] | None = None) -> list[Any]:
        return engine.messages(statuses, limit=SHOWN, newest_first=True)

    return newest_first


def _field(message: Any, *names: str) -> Any:
    for name in names:
        value = message.get(name) if isinstance(message, dict) else getattr(message, name, None)
        if value is not None:
            return value
    return ""


def _one_line(text: str) -> str:
    return " ".join(text.split())


class NotificationLog(ttk.Frame):
    def __init__(self, parent: tk.Misc, engine: Engine, ui: UiQueue, worker: Worker,
                 list_messages: ListMessages | None, *,
                 on_compose: Callable[[], object] | None = None,
                 on_done: Callable[[str], object] | None = None) -> None:
        super().__init__(parent, padding=(14, 12))
        self.engine = engine
        self.ui = ui
        self.worker = worker
        self.list_messages = list_messages
        self.on_done = on_done
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
        if on_compose is not None:
            self.compose_button = ttk.Button(bar, text="Send message…", style="Accent.TButton",
                                             command=on_compose)
            self.compose_button.pack(side="right")
        ttk.Button(bar, text="Refresh", command=self.reload).pack(side="right", padx=(0, 8))
        self.filter = tk.StringVar(value="All")
        box = ttk.Combobox(bar, textvariable=self.filter, values=list(FILTERS),
                           state="readonly", width=9)
        box.pack(side="right", padx=(0, 8))
        box.bind("<<ComboboxSelected>>", lambda e: self.reload())
        self.filter_box = box
        ttk.Label(bar, text="Show").pack(side="right", padx=(0, 6))

        foot = ttk.Frame(self)
        foot.pack(fill="x", pady=(8, 0), side="bottom")
        self.status = ttk.Label(foot, style="Muted.TLabel")
        self.status.pack(side="left")
        self.retry_all_button = ttk.Button(foot, text="Retry all failed",
                                           command=self.retry_all_failed)
        self.retry_all_button.pack(side="right")
        self.retry_button = ttk.Button(foot, text="Retry selected", command=self.retry_selected)
        self.retry_button.pack(side="right", padx=(0, 8))
        self.detail = ttk.Label(self, style="Muted.TLabel", justify="left")
        self.detail.pack(fill="x", pady=(8, 0), side="bottom")
        self.detail.bind("<Configure>",
                         lambda e: self.detail.configure(wraplength=max(200, e.width - 8)))
        self.tree, _ = make_table(self, COLUMNS)
        self.tree.bind("<<TreeviewSelect>>", lambda e: self._selected())
        self._failed: set[str] = set()
        self._details: dict[str, str] = {}
        signals.event_published.connect(self._on_event, weak=False)
        self.reload()

    @property
    def installed(self) -> bool:
        return self.list_messages is not None

    def apply_palette(self, p: Palette) -> None:
        if self.tree is not None:
            self.tree.tag_configure("failed", foreground=p.error)
            self.tree.tag_configure("sent", foreground=p.success)

    def show_only(self, choice: str) -> None:
        """Choose a status filter (``All``, ``Waiting``, ``Sent``, ``Failed``) and list again."""
        self.filter.set(choice)
        self.reload()

    def reload(self) -> None:
        if self.list_messages is not None:
            listing, statuses = self.list_messages, FILTERS[self.filter.get()]
            self.worker.submit(lambda: listing(statuses), self._show)

    def _show(self, messages: Sequence[Any]) -> None:
        assert self.tree is not None
        selected = set(self.tree.selection())
        self.tree.delete(*self.tree.get_children())
        self._failed = set()
        self._details = {}
        for index, message in enumerate(messages):
            when = _field(message, "sent_at", "created_at", "queued_at")
            if isinstance(when, datetime):
                when = when.astimezone().strftime("%Y-%m-%d %H:%M")
            status = str(_field(message, "status")).lower()
            platform = str(_field(message, "channel", "platform"))
            message_id = _field(message, "id")
            iid = str(message_id) if message_id != "" else f"row-{index}"
            self.tree.insert("", "end", iid=iid, values=(
                when,
                _field(message, "customer_name", "name", "customer_id"),
                self.engine.platforms().get(platform, platform),
                status,
                _field(message, "attempts"),
                _one_line(str(_field(message, "text", "body"))),
                _one_line(str(_field(message, "error", "last_error"))) if status == "failed"
                else "",
            ), tags=(status,))
            if status == "failed":
                self._failed.add(iid)
            self._details[iid] = str(_field(message, "text", "body")) + (
                f"\nWhy it failed: {_field(message, 'error', 'last_error')}"
                if status == "failed" else "")
        self.tree.selection_set([iid for iid in selected if self.tree.exists(iid)])
        failed = len(self._failed)
        shown = self.filter.get()
        what = "messages" if shown == "All" else f"{shown.lower()} messages"
        self.status.configure(
            text=f"{len(messages)} {what}" + (f", {failed} failed" if failed and shown == "All"
                                              else "")
            if messages else ("No messages yet." if shown == "All" else f"No {what}."))
        self._selected()

    def _selected(self) -> None:
        """Show the selected message whole (the columns cut long ones), and what Retry can do."""
        assert self.tree is not None
        chosen = self.tree.selection()
        self.detail.configure(text=self._details.get(chosen[0], "") if len(chosen) == 1
                              else "Select a message to read it whole.")
        self._update_buttons()

    def _update_buttons(self) -> None:
        if self.tree is None:
            return
        chosen = self._failed.intersection(self.tree.selection())
        self.retry_button.state(["!disabled"] if chosen else ["disabled"])
        self.retry_all_button.state(["!disabled"])  # failed ones may be filtered out

    def rows(self) -> list[tuple[str, ...]]:
        return [] if self.tree is None else row_texts(self.tree)

    # ---- retry ------------------------------------------------------------------------------

    def retry_selected(self) -> None:
        """Retry the selected failed messages."""
        if self.tree is None:
            return
        ids = [int(iid) for iid in self._failed.intersection(self.tree.selection())
               if iid.isdigit()]
        if ids:
            self._retry(ids)

    def retry_all_failed(self) -> None:
        """Retry every failed message, shown or not."""
        self._retry(None)

    def _retry(self, ids: list[int] | None) -> None:
        self.retry_button.state(["disabled"])
        self.retry_all_button.state(["disabled"])

        def retry_and_deliver() -> tuple[list[int], JobRun | None]:
            retried = self.engine.retry_messages(ids)
            return retried, (self.engine.run_job("messages") if retried else None)

        self.worker.submit(retry_and_deliver, self._retried, on_error=self._retry_failed)

    def _retried(self, done: tuple[list[int], JobRun | None]) -> None:
        retried, run = done
        if not retried:
            text = "No failed messages to retry."
        else:
            text = f"Retried {len(retried)} message{'s' * (len(retried) != 1)}."
            if run is not None:
                text += f" {run.result}"
        if self.on_done is not None:
            self.on_done(text)
        self.reload()

    def _retry_failed(self, error: BaseException) -> None:
        if self.on_done is not None:
            self.on_done(f"Could not retry: {error}")
        self.reload()

    # ---- following the engine ---------------------------------------------------------------

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
