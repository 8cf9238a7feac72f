"""A frame that scrolls vertically, for pages taller than a small screen."""

from __future__ import annotations

import tkinter as tk
from tkinter import ttk
from typing import Any

from loyalty_ui_tk.themes import Palette


_LIVE: set[ScrollingFrame] = set()
"""The scrolling frames not yet destroyed: the one wheel binding of a window asks each."""
WHEEL_EVENTS = ("<MouseWheel>", "<Button-4>", "<Button-5>")


def _wheel_anywhere(event: tk.Event) -> None:
    for frame in list(_LIVE):
        frame._wheel(event)


def _bind_wheel_once(root: tk.Misc) -> None:
    """One wheel binding per window, made on its root (which outlives every page): a page
    rebuilt (leaving the demo) must not leave bindings that call its destroyed widgets."""
    if getattr(root, "_loyalty_wheel_bound", False):
        return
    for sequence in WHEEL_EVENTS:
        root.bind_all(sequence, _wheel_anywhere, add="+")
    root._loyalty_wheel_bound = True  # type: ignore[attr-defined]


class ScrollingFrame(ttk.Frame):
    """Put widgets in ``.content``; a scrollbar appears when they are taller than the frame."""

    def __init__(self, parent: tk.Misc, **options: Any) -> None:
        super().__init__(parent)
        self.canvas = tk.Canvas(self, highlightthickness=0, borderwidth=0)
        self.scrollbar = ttk.Scrollbar(self, orient="vertical", command=self.canvas.yview)
        self.canvas.configure(yscrollcommand=self._scrolled)
        self.content = ttk.Frame(self.canvas, **options)
        self._window = self.canvas.create_window(0, 0, window=self.content, anchor="nw")
        self.canvas.pack(side="left", fill="both", expand=True)
        self.content.bind("<Configure>", self._content_resized)
        self.canvas.bind("<Configure>", self._canvas_resized)
        _LIVE.add(self)
        self.bind("<Destroy>", self._destroyed, add="+")
        _bind_wheel_once(self.nametowidget("."))  # the application's root

    def _destroyed(self, event: tk.Event) -> None:
        if event.widget is self:
            _LIVE.discard(self)

    def apply_palette(self, p: Palette) -> None:
        self.canvas.configure(background=p.background)

    def _content_resized(self, _: tk.Event) -> None:
        self.canvas.configure(scrollregion=self.canvas.bbox("all"))

    def _canvas_resized(self, event: tk.Event) -> None:
        self.canvas.itemconfigure(self._window, width=event.width)

    def _scrolled(self, first: float | str, last: float | str) -> None:
        self.scrollbar.set(first, last)
        if float(first) <= 0 and float(last) >= 1:
            self.scrollbar.pack_forget()
        elif not self.scrollbar.winfo_ismapped():
            self.scrollbar.pack(side="right", fill="y", before=self.canvas)

    def _wheel(self, event: tk.Event) -> None:
        """Scroll when the pointer is over this frame and there is something to scroll."""
        if not self.scrollbar.winfo_ismapped():
            return
        widget = self.winfo_containing(event.x_root, event.y_root)
        if widget is None or not str(widget).startswith(str(self)):
            return
        if isinstance(widget, tk.Text):
            return  # a text area scrolls itself
        step = -1 if getattr(event, "num", 0) == 4 or getattr(event, "delta", 0) > 0 else 1
        self.canvas.yview_scroll(step, "units")
