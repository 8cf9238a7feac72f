"""The 'All Customers' tab: a search box and a table that filters as you type.

Built for 1,000,000 customers: each keystroke starts one query on the worker thread asking the
engine for the first page of matches (the ledger's search index answers in milliseconds, so
there is no pause to wait for the typing to stop); further pages load when the user scrolls
near the end. The Tk thread only ever inserts a page of rows, so typing stays
smooth however large the ledger. Rows refresh by themselves when the engine publishes events.
"""

from __future__ import annotations

import functools
import tkinter as tk
from collections.abc import Callable
from collections.abc import Iterable
from tkinter import ttk

from babel.numbers import format_decimal

from loyalty import signals
from loyalty.domain.errors import LoyaltyError
from loyalty.engine import AccountView
from loyalty.engine import Engine
from loyalty_ui_tk.tables import Column
from loyalty_ui_tk.tables import make_table
from loyalty_ui_tk.themes import Palette
from loyalty_ui_tk.ui_queue import UiQueue
from loyalty_ui_tk.ui_queue import Worker


PAGE = 200
"""Rows fetched per query; more load as the user scrolls."""
REFRESH_MS = 100
"""Gather change notifications this long, then refresh the rows they name in one go."""

COLUMNS: tuple[Column, ...] = (
    # name, heading, width, anchor, stretch
    ("id", "ID", 70, "e", False),
    ("name", "Customer Name", 260, "w", True),
    ("points", "Points", 130, "e", False),
    ("value", "Value", 110, "e", False),
    ("rating", "Rating", 120, "center", False),
    ("platform", "Platform", 180, "w", False),
    ("action", "Action", 90, "center", False),
)
PAY_TEXT = "Pay ›"


@functools.lru_cache(maxsize=8192)
def points_text(points: int, locale: str) -> str:
    """``1,250 points``; remembered, as babel's grouping costs more than the row's insert."""
    return f"{format_decimal(points, locale=locale)} points"


class CustomersTab(ttk.Frame):
    def __init__(
        self,
        parent: tk.Misc,
        engine: Engine,
        ui: UiQueue,
        worker: Worker,
        *,
        on_pay: Callable[[int], object],
        on_history: Callable[[int], object],
    ) -> None:
        super().__init__(parent, padding=(14, 12))
        self.engine = engine
        self.ui = ui
        self.worker = worker
        self.on_pay = on_pay
        self.on_history = on_history
        self.views: dict[str, AccountView] = {}
        """The loaded rows by Treeview item id (the customer id as text)."""
        self.has_more = False
        self.generation = 0
        """Bumped by every new search; results of an older one are dropped."""
        self.loading = False
        self._refresh_after: str | None = None
        self._reload_wanted = False
        self._changed_ids: set[int] = set()
        self._platforms = engine.platforms()
        self._editor: ttk.Combobox | None = None
        self._view_fractions: tuple[float | str, float | str] = ("0.0", "1.0")

        self._build()
        self._connect()
        self.reload()

    # ---- layout -----------------------------------------------------------------------------

    def _build(self) -> None:
        bar = ttk.Frame(self)
        bar.pack(fill="x", pady=(0, 10))
        ttk.Label(bar, text="Search customers", style="Section.TLabel").pack(side="left")
        self.search_var = tk.StringVar()
        self.search = ttk.Entry(bar, textvariable=self.search_var, width=36,
                                style="Search.TEntry")
        self.search.pack(side="left", padx=(10, 4))
        self.clear_button = ttk.Button(bar, text="✕", width=3, command=self.clear_search)
        self.clear_button.pack(side="left")
        ttk.Label(bar, text="name, phone or ID", style="Muted.TLabel").pack(side="left", padx=8)
        self.history_button = ttk.Button(bar, text="Points log", command=self._history_selected)
        self.history_button.pack(side="right")
        self.pay_button = ttk.Button(bar, text="Pay with points…", style="Accent.TButton",
                                     command=self._pay_selected)
        self.pay_button.pack(side="right", padx=(0, 8))
        self.search_var.trace_add("write", lambda *_: self.reload())

        self.status = ttk.Label(self, text="Loading customers…", style="Muted.TLabel")
        self.status.pack(fill="x", pady=(8, 0), side="bottom")
        self.tree, self.scrollbar = make_table(self, COLUMNS, selectmode="browse")
        self.tree.configure(yscrollcommand=self._scrolled)
        self.empty = ttk.Label(self.tree, text="", style="CardMuted.TLabel", anchor="center",
                               justify="center")

        self.tree.bind("<ButtonRelease-1>", self._clicked)
        self.tree.bind("<Double-1>", self._double_clicked)
        self.tree.bind("<Return>", lambda e: self._pay_selected())
        self.search.bind("<Down>", self._focus_table)
        self.search.bind("<Return>", self._search_entered)
        self.search.bind("<Escape>", lambda e: self.clear_search())

    def apply_palette(self, p: Palette) -> None:
        self.tree.tag_configure("odd", background=p.stripe)
        self.tree.tag_configure("even", background=p.surface)

    # ---- searching and loading --------------------------------------------------------------

    def clear_search(self) -> None:
        self.search_var.set("")
        self.search.focus_set()

    def reload(self, *, keep: bool = False) -> None:
        """Run the current search again; ``keep`` reloads as many rows (and the place) as now."""
        self.generation += 1
        generation = self.generation
        search = self.search_var.get().strip() or None
        limit = max(PAGE, len(self.views)) if keep else PAGE
        self.loading = True
        self.worker.submit(
            # A search the next keystroke has replaced before it started is not run.
            lambda: self.engine.accounts(search, limit=limit)
            if generation == self.generation else [],
            lambda rows: self._show(generation, rows, limit, replace=True, keep_place=keep),
            self._failed,
        )

    def load_more(self) -> None:
        if self.loading or not self.has_more:
            return
        generation = self.generation
        search = self.search_var.get().strip() or None
        offset = len(self.views)
        self.loading = True
        self.worker.submit(
            lambda: self.engine.accounts(search, limit=PAGE, offset=offset),
            lambda rows: self._show(generation, rows, PAGE, replace=False),
            self._failed,
        )

    def _failed(self, error: BaseException) -> None:
        """A search that failed (the ledger unreachable): say so; the next keystroke retries."""
        self.loading = False
        self.status.configure(text=f"Could not read the customers: {error}",
                              style="Error.TLabel")

    def _show(self, generation: int, rows: list[AccountView], limit: int, *, replace: bool,
              keep_place: bool = False) -> None:
        if generation != self.generation:
            return  # an older search; a newer one is on its way
        self.loading = False
        if replace:
            selected = self.tree.selection()
            top = self.tree.yview()[0] if keep_place else 0.0
            self._close_editor()
            self.tree.delete(*self.tree.get_children())
            self.views.clear()
        for view in rows:
            iid = str(view.customer.id)
            if iid in self.views:
                continue
            self.views[iid] = view
            tag = "odd" if len(self.views) % 2 else "even"
            self.tree.insert("", "end", iid=iid, values=self._cells(view), tags=(tag,))
        self.has_more = len(rows) == limit
        if replace:
            if selected and self.tree.exists(selected[0]):
                self.tree.selection_set(selected[0])
            self.tree.yview_moveto(top)  # a refresh keeps the cashier's place
        self._show_status()

    def _show_status(self) -> None:
        count = len(self.views)
        search = self.search_var.get().strip()
        if count == 0:
            text = (f"No customer matches “{search}”.\nClear the search to see everyone."
                    if search else "No customers yet.\nThey appear here when the POS is synced.")
            self.empty.configure(text=text)
            self.empty.place(relx=0.5, rely=0.4, anchor="center")
            self.status.configure(text="")
            return
        self.empty.place_forget()
        self.status.configure(style="Muted.TLabel")
        noun = "customer" if count == 1 else "customers"
        matching = f" matching “{search}”" if search else ""
        more = " (scroll down for more)" if self.has_more else ""
        self.status.configure(text=f"Showing {count:,} {noun}{matching}{more}. "
                                   "Double-click a customer for their points log.")

    def _scrolled(self, first: float | str, last: float | str) -> None:
        self.scrollbar.set(first, last)
        if (first, last) != self._view_fractions:  # the rows moved under the dropdown
            self._view_fractions = (first, last)
            self._close_editor()
        if float(last) > 0.9:
            self.load_more()

    # ---- rendering --------------------------------------------------------------------------

    def _cells(self, view: AccountView) -> tuple[object, ...]:
        locale = self.engine.settings.shop.locale
        platform = self._platforms.get(view.customer.platform, view.customer.platform)
        return (
            view.customer.id,
            view.customer.name,
            points_text(view.points, locale),
            view.value_text,
            view.rating,
            f"{platform}  ▾",
            PAY_TEXT,
        )

    def cell(self, customer_id: int, column: str) -> str:
        """What the table shows for a customer in a column (as text)."""
        names = [c[0] for c in COLUMNS]
        return str(self.tree.item(str(customer_id), "values")[names.index(column)])

    def visible_ids(self) -> list[int]:
        return [int(iid) for iid in self.tree.get_children()]

    # ---- live updates -----------------------------------------------------------------------

    def _connect(self) -> None:
        signals.event_published.connect(self._on_event, weak=False)
        signals.customers_changed.connect(self._on_customers, weak=False)
        signals.settings_changed.connect(self._on_settings, weak=False)

    def disconnect(self) -> None:
        signals.event_published.disconnect(self._on_event)
        signals.customers_changed.disconnect(self._on_customers)
        signals.settings_changed.disconnect(self._on_settings)

    # Receivers run in whichever thread committed: they only post to the Tk thread.

    def _on_event(self, sender: type, *, event: object, engine: Engine, **_: object) -> None:
        customer_id = getattr(event, "customer_id", None)
        if engine is self.engine and customer_id is not None:
            self.ui.post(lambda: self.rows_changed([customer_id], new_possible=False))

    def _on_customers(self, sender: object, *, customer_ids: Iterable[int] | None,
                      engine: Engine, **_: object) -> None:
        if engine is self.engine:
            ids = None if customer_ids is None else list(customer_ids)
            self.ui.post(lambda: self.rows_changed(ids, new_possible=True))

    def _on_settings(self, sender: object, *, engine: Engine, **_: object) -> None:
        if engine is self.engine:
            self.ui.post(self.settings_changed)

    def settings_changed(self) -> None:
        """Currency, value and rating may all read differently now."""
        self._platforms = self.engine.platforms()
        self._reload_wanted = True
        self._refresh_soon()

    def rows_changed(self, customer_ids: list[int] | None, *, new_possible: bool) -> None:
        """Refresh the named rows; a customer not shown may be new and match: search again."""
        if customer_ids is None or (
            new_possible and any(str(i) not in self.views for i in customer_ids)
        ):
            self._reload_wanted = True
        else:
            self._changed_ids.update(i for i in customer_ids if str(i) in self.views)
        self._refresh_soon()

    def _refresh_soon(self) -> None:
        if self._refresh_after is None:
            self._refresh_after = self.after(REFRESH_MS, self._refresh)

    def _refresh(self) -> None:
        self._refresh_after = None
        ids, self._changed_ids = sorted(self._changed_ids), set()
        if self._reload_wanted or len(ids) > PAGE:
            self._reload_wanted = False
            self.reload(keep=True)
            return
        if ids:
            self.worker.submit(lambda: [self.engine.account(i) for i in ids], self._update_rows)

    def _update_rows(self, views: list[AccountView]) -> None:
        for view in views:
            iid = str(view.customer.id)
            if iid in self.views and self.tree.exists(iid):
                self.views[iid] = view
                self.tree.item(iid, values=self._cells(view))

    # ---- clicks: platform, pay, points log --------------------------------------------------

    def _column_at(self, x: int) -> str | None:
        column = self.tree.identify_column(x)
        if not column.startswith("#") or column == "#0":
            return None
        index = int(column[1:]) - 1
        return COLUMNS[index][0] if index < len(COLUMNS) else None

    def _clicked(self, event: tk.Event) -> None:
        if self.tree.identify_region(event.x, event.y) != "cell":
            return
        iid = self.tree.identify_row(event.y)
        column = self._column_at(event.x)
        if not iid:
            return
        if column == "platform":
            self.edit_platform(int(iid), open_list=True)
        elif column == "action":
            self.on_pay(int(iid))

    def _double_clicked(self, event: tk.Event) -> str | None:
        iid = self.tree.identify_row(event.y)
        if iid and self._column_at(event.x) not in ("platform", "action"):
            self.on_history(int(iid))
            return "break"
        return None

    def _selected(self) -> int | None:
        selection = self.tree.selection()
        return int(selection[0]) if selection else None

    def _pay_selected(self) -> None:
        self._for_selected(self.on_pay, "Select a customer first, then press Pay.")

    def _history_selected(self) -> None:
        self._for_selected(self.on_history, "Select a customer first to see their points log.")

    def _for_selected(self, action: Callable[[int], object], hint: str) -> None:
        customer_id = self._selected()
        if customer_id is None:
            self.status.configure(text=hint)
        else:
            action(customer_id)

    def _search_entered(self, event: tk.Event) -> str:
        """Enter in the search box: pay for the one customer found, or go to the table."""
        if self.loading:
            return "break"  # the rows are not yet those of the text typed
        ids = self.visible_ids()
        if len(ids) == 1:
            self.tree.selection_set(str(ids[0]))
            self.on_pay(ids[0])
            return "break"
        return self._focus_table(event)

    def _focus_table(self, _: tk.Event) -> str:
        children = self.tree.get_children()
        if children:
            self.tree.focus_set()
            self.tree.selection_set(children[0])
            self.tree.focus(children[0])
        return "break"

    def edit_platform(self, customer_id: int, *, open_list: bool = False) -> ttk.Combobox:
        """Put the platform dropdown over the customer's Platform cell (and drop its list)."""
        self._close_editor()
        iid = str(customer_id)
        self.tree.see(iid)
        self.tree.update_idletasks()
        box = self.tree.bbox(iid, "platform")
        assert box, "see() has scrolled the cell into view"
        x, y, width, height = box
        titles = list(self._platforms.values())
        editor = ttk.Combobox(self.tree, values=titles, state="readonly")
        current = self.views[iid].customer.platform
        editor.set(self._platforms.get(current, current))
        editor.place(x=x, y=y, width=width, height=height)
        editor.bind("<<ComboboxSelected>>", lambda e: self._platform_chosen(customer_id))
        editor.bind("<Escape>", lambda e: self._close_editor())
        editor.bind("<FocusOut>", lambda e: self.after_idle(self._close_editor_unless_open))
        editor.focus_set()
        self._editor = editor
        if open_list:
            editor.update_idletasks()
            editor.tk.call("ttk::combobox::Post", editor)
        return editor

    def _close_editor_unless_open(self) -> None:
        editor = self._editor
        # The dropped list is Tk's own widget inside the editor: ask Tk, not tkinter.
        if editor is not None and str(self.tk.call("focus")).startswith(str(editor)):
            return
        self._close_editor()

    def _close_editor(self) -> None:
        if self._editor is not None:
            self._editor.destroy()
            self._editor = None

    def _platform_chosen(self, customer_id: int) -> None:
        assert self._editor is not None
        title = self._editor.get()
        self._close_editor()
        name = next(n for n, t in self._platforms.items() if t == title)
        self.set_platform(customer_id, name)

    def set_platform(self, customer_id: int, platform: str) -> None:
        """Send future messages for the customer through ``platform`` (``none`` for none)."""
        try:
            self.engine.update_customer(customer_id, platform=platform)
        except LoyaltyError as error:
            self.status.configure(text=str(error), style="Error.TLabel")
            return
        self.status.configure(
            text=f"Messages for {self.views[str(customer_id)].customer.name} now go by "
                 f"{self._platforms[platform]}." if platform != "none" else
                 f"No messages will be sent to {self.views[str(customer_id)].customer.name}.",
            style="Success.TLabel",
        )
        self.after(4000, lambda: self.status.configure(style="Muted.TLabel"))
