"""The Jobs tab: the jobs that run by themselves while the window is open, each with its last
and next run, its last result and a "Run now" button: the same list as ``loyalty jobs``."""

from __future__ import annotations

import functools
import tkinter as tk
from collections.abc import Callable
from collections.abc import Sequence
from datetime import datetime
from tkinter import ttk

from loyalty.domain.records import JobRun
from loyalty.engine import Engine
from loyalty.services.jobs import JobStatus
from loyalty_ui_tk.ui_queue import Worker


HEADINGS = ("Job", "Schedule", "Last run", "Result", "Next run", "")
REFRESH_MS = 5000
"""How often the list is read again while the window is open."""


def when(moment: datetime | None) -> str:
    return moment.astimezone().strftime("%a %d %b %H:%M") if moment is not None else ""


def next_run_text(status: JobStatus) -> str:
    if not status.enabled:
        return "off"
    if status.continuous:
        return "while open"
    return "now" if status.due else when(status.next_run)


class JobsTab(ttk.Frame):
    def __init__(self, parent: tk.Misc, engine: Engine, worker: Worker,
                 on_done: Callable[[str], None]) -> None:
        super().__init__(parent, padding=(14, 12))
        self.engine = engine
        self.worker = worker
        self.on_done = on_done
        ttk.Label(self, text="Jobs that run by themselves while this window is open",
                  style="Section.TLabel").pack(anchor="w", pady=(0, 10))
        self.grid_frame = ttk.Frame(self)
        self.grid_frame.pack(fill="x")
        self.grid_frame.columnconfigure(3, weight=1)
        self.cells: dict[str, list[ttk.Label]] = {}
        self.buttons: dict[str, ttk.Button] = {}
        for column, heading in enumerate(HEADINGS):
            ttk.Label(self.grid_frame, text=heading, style="Muted.TLabel").grid(
                row=0, column=column, sticky="w", padx=(0, 16), pady=(0, 6))
        note = ttk.Label(self, style="Muted.TLabel", justify="left", text=(
            "A job due while the computer was off runs once when the window opens. With the "
            "window and 'loyalty watch' open together, or two tills, each job still runs once."
        ))
        note.pack(anchor="w", fill="x", pady=(14, 0))
        # Wrap to the tab's width, so the note is whole in a small window too.
        note.bind("<Configure>", lambda e: note.configure(wraplength=max(200, e.width - 8)))
        self._after: str | None = None
        self.reload()

    def reload(self) -> None:
        self.worker.submit(self.engine.jobs, self._show)

    def _show(self, listed: Sequence[JobStatus]) -> None:
        for row, status in enumerate(listed, start=1):
            if status.name not in self.cells:
                self.cells[status.name] = [
                    ttk.Label(self.grid_frame, wraplength=380 if column == 3 else 0)
                    for column in range(5)]
                for column, label in enumerate(self.cells[status.name]):
                    label.grid(row=row, column=column, sticky="w", padx=(0, 16), pady=3)
                button = ttk.Button(self.grid_frame, text="Run now",
                                    command=functools.partial(self.run_now, status.name))
                button.grid(row=row, column=5, sticky="e", pady=3)
                self.buttons[status.name] = button
            last = status.last
            texts = (status.title, status.schedule,
                     when(last.finished_at) if last else
                     ("nothing to do yet" if status.continuous and status.enabled else "never"),
                     last.result if last else "", next_run_text(status))
            for label, text in zip(self.cells[status.name], texts):
                label.configure(text=text)
            self.cells[status.name][3].configure(
                style="Error.TLabel" if last and last.status == "failed" else "TLabel")
            self.buttons[status.name].state(["!disabled"] if status.enabled else ["disabled"])
        if self._after is None:
            self._after = self.after(REFRESH_MS, self._refresh)

    def _refresh(self) -> None:
        self._after = None
        self.reload()

    def run_now(self, name: str) -> None:
        """The "Run now" button: run the job on the worker, then show what it did."""
        self.buttons[name].state(["disabled"])
        self.worker.submit(lambda: self.engine.run_job(name), self._ran)

    def _ran(self, run: JobRun | None) -> None:
        if run is not None:
            self.on_done(f"{run.result}")
        self.reload()

    def rows(self) -> list[tuple[str, ...]]:
        return [tuple(str(label.cget("text")) for label in labels)
                for labels in self.cells.values()]
