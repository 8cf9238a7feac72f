"""The one way this window builds a table: a Treeview with headings and a scrollbar."""

from __future__ import annotations

import tkinter as tk
from collections.abc import Sequence
from tkinter import ttk
from typing import Any
from typing import Literal


Anchor = Literal["nw", "n", "ne", "w", "center", "e", "sw", "s", "se"]

Column = tuple[str, str, int, Anchor, bool]
"""name, heading, width, anchor, stretch (whether it takes spare width)."""


def make_table(parent: tk.Misc, columns: Sequence[Column], **options: Any
               ) -> tuple[ttk.Treeview, ttk.Scrollbar]:
    """A table filling ``parent``; rows are added by the caller."""
    frame = ttk.Frame(parent)
    frame.pack(fill="both", expand=True)
    tree = ttk.Treeview(frame, columns=[c[0] for c in columns], show="headings", **options)
    for name, heading, width, anchor, stretch in columns:
        tree.heading(name, text=heading, anchor=anchor)
        tree.column(name, width=width, minwidth=40, anchor=anchor, stretch=stretch)
    scrollbar = ttk.Scrollbar(frame, orient="vertical", command=tree.yview)
    tree.configure(yscrollcommand=scrollbar.set)
    tree.pack(side="left", fill="both", expand=True)
    scrollbar.pack(side="right", fill="y")
    return tree, scrollbar


def row_texts(tree: ttk.Treeview) -> list[tuple[str, ...]]:
    """Every row's cells as the table shows them."""
    return [tuple(str(v) for v in tree.item(i, "values")) for i in tree.get_children()]
