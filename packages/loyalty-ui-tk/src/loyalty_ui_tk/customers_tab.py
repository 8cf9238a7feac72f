"""The 'All Customers' tab: a search box and a table that filters as you type, and the
customers' own upkeep: add, edit, adjust or award points, merge, remove, import and export.

Built for 1,000,000 customers: each keystroke starts one query on the tab's search thread
asking the engine for the first page of matches (the ledger's search index answers in
milliseconds, so there is no pause to wait for the typing to stop), and stops the query of the
keystroke before (a ``ReadCancel``): a search waiting its turn never starts, one running is
interrupted in the database, so the last keystroke's search never waits behind one nobody will
see. Further pages load when the user scrolls near the end. The Tk thread only ever inserts a
page of rows, so typing stays smooth however large the ledger. Rows refresh by themselves when
the engine publishes events. A click on a heading sorts by that column in the ledger (numbers
as numbers); the ratings are drawn as pictures (``star_images``) so earned stars stand out in
every theme. Each row has a right-click menu; its dialogs are in ``customer_dialogs``.
"""

from __future__ import annotations

import functools
import tkinter as tk
from collections import Counter
from collections.abc import Callable
from collections.abc import Iterable
from pathlib import Path
from tkinter import filedialog
from tkinter import ttk


from loyalty import signals
from loyalty import ImportRefused
from loyalty import ImportReport
from loyalty import MergeOutcome
from loyalty import ReadCancel
from loyalty import ReadCancelled
from loyalty.domain.errors import LoyaltyError
from loyalty.domain.records import Customer
from loyalty.domain.wording import points_text
from loyalty.engine import AccountView
from loyalty.engine import Engine
from loyalty_ui_tk import themes
from loyalty_ui_tk.customer_dialogs import AdjustDialog
from loyalty_ui_tk.customer_dialogs import AwardDialog
from loyalty_ui_tk.customer_dialogs import ConfirmDialog
from loyalty_ui_tk.customer_dialogs import CustomerDialog
from loyalty_ui_tk.customer_dialogs import MergeDialog
from loyalty_ui_tk.customer_dialogs import ProblemsDialog
from loyalty_ui_tk.customer_dialogs import window_actor
from loyalty_ui_tk.star_images import star_image
from loyalty_ui_tk.tables import Column
from loyalty_ui_tk.tables import make_table
from loyalty_ui_tk.themes import Palette
from loyalty_ui_tk.ui_queue import UiQueue
from loyalty_ui_tk.ui_queue import Worker


FIRST_PAGE = 60
"""Rows a search reads first: more than a maximized window shows (a table that is not full asks
for more by itself), few enough that a keystroke's search and the table's refill take a few ms
(200 rows cost about 20 ms of CPU)."""
PAGE = 200
"""Rows read per query as the user scrolls."""
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
RATING = "#0"
"""The tree column, the one a Treeview draws pictures in: the stars."""
SORTS = {"id": "id", "name": "name", "points": "points", "value": "points",
         RATING: "stars", "platform": "platform"}
"""The ledger's sort of each column a click on its heading sorts by (value goes with points)."""
HEADINGS = {c[0]: c[1] for c in COLUMNS if c[0] != "rating"} | {RATING: "Rating"}
SHOWN = [c[0] for c in COLUMNS if c[0] != "rating"]
"""The columns shown after the stars (the rating's text stays in the row, unshown)."""
MENU = ("Pay…", "Points log", "Edit…", "Adjust points…", "Award points for…", "Merge…",
        "Send message…", "Remove…")


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
        app: object | None = None,
    ) -> None:
        super().__init__(parent, padding=(14, 12))
        self.engine = engine
        self.ui = ui
        self.worker = worker
        self.searcher = Worker(ui, self._failed)
        """The searches' own thread: a keystroke's search never waits behind another tab's
        read (a report, the jobs), an import or an export on ``worker``."""
        self.on_pay = on_pay
        self.on_history = on_history
        self.app = app
        """The window (its ``send_message_to`` opens the message dialog, where there is one)."""
        self.views: dict[str, AccountView] = {}
        """The loaded rows by Treeview item id (the customer id as text)."""
        self.has_more = False
        self.generation = 0
        """Bumped by every new search; results of an older one are dropped."""
        self._cancel = ReadCancel()
        """Stops the reads of the current search; the next search cancels it."""
        self.searches: Counter[str] = Counter()
        """How the searches ended: ``shown``; ``skipped`` (replaced before it started);
        ``stopped`` (replaced while it ran); ``late`` (replaced once read, not shown)."""
        self.loading = False
        self._refresh_after: str | None = None
        self._reload_wanted = False
        self._changed_ids: set[int] = set()
        self._platforms = engine.platforms()
        self._editor: ttk.Combobox | None = None
        self._view_fractions: tuple[float | str, float | str] = ("0.0", "1.0")
        self.sort_column: str | None = None
        """The column the rows are sorted by (None: by id, as added)."""
        self.descending = False
        self.total: int | None = None
        """Customers in the programme, counted when the rows are read afresh."""
        self._palette = themes.palette(engine.settings.appearance.theme)
        self._stars: dict[int, tk.PhotoImage] = {}
        self.menu: tk.Menu | None = None
        self.dialog: tk.Toplevel | None = None
        """The dialog opened last (add, edit, adjust, merge, remove, an import's bad rows)."""

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
        self.add_button = ttk.Button(bar, text="Add customer…", command=self.open_add)
        self.add_button.pack(side="right", padx=(0, 8))
        self.search_var.trace_add("write", lambda *_: self.reload())

        footer = ttk.Frame(self)
        footer.pack(fill="x", pady=(8, 0), side="bottom")
        self.export_button = ttk.Button(footer, text="Export CSV…", command=self.choose_export)
        self.export_button.pack(side="right")
        self.import_button = ttk.Button(footer, text="Import CSV…", command=self.choose_import)
        self.import_button.pack(side="right", padx=(0, 8))
        self.status = ttk.Label(footer, text="Loading customers…", style="Muted.TLabel")
        self.status.pack(side="left", fill="x", expand=True)
        self.tree, self.scrollbar = make_table(self, COLUMNS, selectmode="browse")
        self.tree.configure(yscrollcommand=self._scrolled, show=("tree", "headings"),
                            displaycolumns=SHOWN)
        self.tree.column(RATING, width=112, minwidth=60, stretch=False, anchor="w")
        for column in HEADINGS:
            self.tree.heading(column, text=HEADINGS[column],
                              command=functools.partial(self.sort_by, column))
        self.empty = ttk.Label(self.tree, text="", style="CardMuted.TLabel", anchor="center",
                               justify="center")

        self.tree.bind("<ButtonRelease-1>", self._clicked)
        self.tree.bind("<Double-1>", self._double_clicked)
        self.tree.bind("<Return>", lambda e: self._pay_selected())
        self.tree.bind("<Button-3>", self._right_clicked)
        self.tree.bind("<Shift-F10>", lambda e: self._menu_for_selected())
        for key in ("<Menu>", "<App>"):  # the menu key: its name on X11, on Windows
            try:
                self.tree.bind(key, lambda e: self._menu_for_selected())
            except tk.TclError:
                pass  # not a key of this windowing system
        self.search.bind("<Down>", self._focus_table)
        self.search.bind("<Return>", self._search_entered)
        self.search.bind("<Escape>", lambda e: self.clear_search())

    def apply_palette(self, p: Palette) -> None:
        self.tree.tag_configure("odd", background=p.stripe)
        self.tree.tag_configure("even", background=p.surface)
        self._palette = p
        self._redraw_stars()

    def _redraw_stars(self) -> None:
        """New pictures of the ratings (another theme, or another number of levels)."""
        self._stars.clear()
        for iid, view in self.views.items():
            self.tree.item(iid, image=self.stars_image(view.stars))

    def stars_image(self, stars: int) -> tk.PhotoImage:
        """The rating picture of ``stars`` in this theme, drawn once."""
        if stars not in self._stars:
            self._stars[stars] = star_image(self, stars, self.engine.max_stars,
                                            self._palette.star, self._palette.muted)
        return self._stars[stars]

    # ---- searching and loading --------------------------------------------------------------

    def clear_search(self) -> None:
        self.search_var.set("")
        self.search.focus_set()

    def reload(self, *, keep: bool = False) -> None:
        """Run the current search again; ``keep`` reloads as many rows (and the place) as now."""
        self.generation += 1
        generation = self.generation
        self._cancel.cancel()  # the older search stops where it is
        cancel = self._cancel = ReadCancel()
        search = self.search_var.get().strip() or None
        limit = max(FIRST_PAGE, len(self.views)) if keep else FIRST_PAGE
        sort, descending = self._sort()
        count = keep or self.total is None
        self.loading = True

        def read() -> tuple[list[AccountView], int | None] | None:
            if cancel.cancelled:
                return None  # the next keystroke replaced it before its turn
            rows = self.engine.accounts(search, limit=limit, sort=sort, descending=descending,
                                        cancel=cancel)
            return rows, self.engine.customer_count() if count else None

        def show(found: tuple[list[AccountView], int | None] | None) -> None:
            if found is None:
                self.searches["skipped"] += 1
                return
            if generation != self.generation:
                self.searches["late"] += 1
                return
            rows, total = found
            if total is not None:
                self.total = total
            self.searches["shown"] += 1
            self._show(generation, rows, limit, replace=True, keep_place=keep)

        self.searcher.submit(read, show)

    def _sort(self) -> tuple[str | None, bool]:
        return (None if self.sort_column is None else SORTS[self.sort_column]), self.descending

    def sort_by(self, column: str) -> None:
        """Sort by ``column`` (a click on its heading); a second click reverses the order."""
        if column not in SORTS:
            return
        if self.sort_column == column:
            self.descending = not self.descending
        else:
            self.sort_column, self.descending = column, False
        for name, text in HEADINGS.items():
            arrow = (" ▼" if self.descending else " ▲") if name == column else ""
            self.tree.heading(name, text=text + arrow)
        self.reload()

    def load_more(self) -> None:
        if self.loading or not self.has_more:
            return
        generation = self.generation
        search = self.search_var.get().strip() or None
        offset = len(self.views)
        sort, descending = self._sort()
        cancel = self._cancel
        self.loading = True
        self.searcher.submit(
            lambda: self.engine.accounts(search, limit=PAGE, offset=offset, sort=sort,
                                         descending=descending, cancel=cancel),
            lambda rows: self._show(generation, rows, PAGE, replace=False),
        )

    def _failed(self, error: BaseException) -> None:
        """A search that failed (the ledger unreachable): say so; the next keystroke retries."""
        if isinstance(error, ReadCancelled):
            self.searches["stopped"] += 1  # a newer search replaced it; its rows are coming
            return
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
            self.tree.insert("", "end", iid=iid, values=self._cells(view), tags=(tag,),
                             image=self.stars_image(view.stars))
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
        total = self.total if self.total is not None else count
        noun = "customer" if total == 1 else "customers"
        if search:
            shown = (f"Showing {count:,} {'customer' if count == 1 else 'customers'} "
                     f"matching “{search}” (of {total:,})")
        else:
            shown = f"Showing {count:,} of {total:,} {noun}"
        more = " (scroll down for more)" if self.has_more else ""
        self.status.configure(text=f"{shown}{more}. Double-click a customer for their points "
                                   "log; right-click for more.")

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
        """Stop following the engine and searching: the window closes."""
        signals.event_published.disconnect(self._on_event)
        signals.customers_changed.disconnect(self._on_customers)
        signals.settings_changed.disconnect(self._on_settings)
        self._cancel.cancel()
        self.searcher.close()

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
        self._stars.clear()  # the number of star levels may have changed
        self._reload_wanted = True
        self._refresh_soon()

    def rows_changed(self, customer_ids: list[int] | None, *, new_possible: bool) -> None:
        """Refresh the named rows; a customer not shown may be new and match: search again."""
        if new_possible:
            self.total = None  # added or removed: count again
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

    def customers_changed(self) -> None:
        """Customers were added, removed or merged here: count and read the rows again."""
        self.total = None
        self.rows_changed(None, new_possible=True)

    def _update_rows(self, views: list[AccountView]) -> None:
        for view in views:
            iid = str(view.customer.id)
            if iid in self.views and self.tree.exists(iid):
                self.views[iid] = view
                self.tree.item(iid, values=self._cells(view), image=self.stars_image(view.stars))

    # ---- clicks: platform, pay, points log --------------------------------------------------

    def _column_at(self, x: int) -> str | None:
        column = self.tree.identify_column(x)
        if not column.startswith("#") or column == "#0":
            return None
        index = int(column[1:]) - 1
        return SHOWN[index] if index < len(SHOWN) else None

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

    # ---- the row menu -----------------------------------------------------------------------

    def _right_clicked(self, event: tk.Event) -> str | None:
        iid = self.tree.identify_row(event.y)
        if not iid:
            return None
        self.tree.selection_set(iid)
        self.tree.focus(iid)
        self.row_menu(int(iid)).tk_popup(event.x_root, event.y_root)
        return "break"

    def _menu_for_selected(self) -> str:
        customer_id = self._selected()
        if customer_id is not None:
            box = self.tree.bbox(str(customer_id))
            x, y = (box[0] + 40, box[1] + box[3]) if box else (40, 40)
            self.row_menu(customer_id).tk_popup(self.tree.winfo_rootx() + x,
                                                self.tree.winfo_rooty() + y)
        return "break"

    def row_menu(self, customer_id: int) -> tk.Menu:
        """The menu of one customer's row: Pay, Points log, Edit, Adjust, Award points for,
        Merge, Send message, Remove."""
        if self.menu is not None:
            self.menu.destroy()
        menu = self.menu = tk.Menu(self, tearoff=False)
        actions: dict[str, Callable[[int], object]] = {
            "Pay…": self.on_pay, "Points log": self.on_history, "Edit…": self.open_edit,
            "Adjust points…": self.open_adjust, "Award points for…": self.open_award,
            "Merge…": self.open_merge,
            "Send message…": self.send_message, "Remove…": self.confirm_remove,
        }
        for label in MENU:
            if label in ("Edit…", "Remove…"):
                menu.add_separator()
            menu.add_command(label=label, command=functools.partial(actions[label], customer_id))
        if getattr(self.app, "send_message_to", None) is None:
            menu.entryconfigure("Send message…", state="disabled")
        themes.recolour(menu, self._palette)
        return menu

    # ---- customers' upkeep ------------------------------------------------------------------

    def _place(self, window: tk.Toplevel) -> None:
        """Theme a dialog and put it over the window, a little above the middle."""
        self.dialog = window
        themes.recolour(window, self._palette)
        top = self.winfo_toplevel()
        window.update_idletasks()
        x = top.winfo_rootx() + (top.winfo_width() - window.winfo_reqwidth()) // 2
        y = top.winfo_rooty() + (top.winfo_height() - window.winfo_reqheight()) // 3
        window.geometry(f"+{max(x, 0)}+{max(y, 0)}")

    def say(self, text: str, style: str = "Success.TLabel") -> None:
        """Tell what was done in the window's footer (the row count below the table is
        rewritten by every refresh), or below the table in a tab on its own."""
        footer = getattr(self.app, "footer", None)
        (footer or self.status).configure(text=text, style=style)

    def open_add(self) -> CustomerDialog:
        """The Add customer dialog; it asks first if the customer may exist already."""
        dialog = CustomerDialog(self, self.engine, on_saved=self._saved)
        self._place(dialog)
        return dialog

    def open_edit(self, customer_id: int) -> CustomerDialog:
        dialog = CustomerDialog(self, self.engine, self.engine.customer(customer_id),
                                on_saved=self._saved)
        self._place(dialog)
        return dialog

    def _saved(self, customer: Customer, added: bool) -> None:
        self.say(f"Added {customer.name} (ID {customer.id})." if added
                 else f"Saved {customer.name}.")
        if added:
            self.customers_changed()

    def open_adjust(self, customer_id: int) -> AdjustDialog:
        dialog = AdjustDialog(self, self.engine, self.engine.account(customer_id),
                              on_done=self.say)
        self._place(dialog)
        return dialog

    def open_award(self, customer_id: int) -> AwardDialog:
        """Give the points of an action set in Settings, Bonuses (a review, an anniversary)."""
        dialog = AwardDialog(self, self.engine, self.engine.account(customer_id),
                             on_done=self.say)
        self._place(dialog)
        return dialog

    def open_merge(self, customer_id: int) -> MergeDialog:
        """Merge another customer (picked in the dialog) into this one."""
        dialog = MergeDialog(self, self.engine, self.engine.customer(customer_id),
                             on_done=self._merged)
        self._place(dialog)
        return dialog

    def _merged(self, outcome: MergeOutcome) -> None:
        self.say(outcome.summary())
        self.customers_changed()

    def send_message(self, customer_id: int) -> None:
        send = getattr(self.app, "send_message_to", None)
        if callable(send):
            send(customer_id)

    def confirm_remove(self, customer_id: int) -> ConfirmDialog:
        """Ask before removing a customer."""
        customer = self.engine.customer(customer_id)
        dialog = ConfirmDialog(
            self, f"Remove {customer.name}?",
            f"Remove {customer.name} (ID {customer.id}) from the lists? They earn no more "
            "points; their points log is kept.", "Remove",
            functools.partial(self.remove_customer, customer_id))
        self._place(dialog)
        return dialog

    def remove_customer(self, customer_id: int) -> None:
        try:
            customer = self.engine.remove_customer(customer_id)
        except LoyaltyError as error:
            self.say(str(error), "Error.TLabel")
            return
        self.say(f"Removed {customer.name}; their points log is kept.")
        self.customers_changed()

    # ---- files ------------------------------------------------------------------------------

    def choose_import(self) -> None:
        path = filedialog.askopenfilename(
            parent=self, title="Import customers from a CSV file",
            filetypes=[("CSV files", "*.csv"), ("All files", "*.*")])
        if path:
            self.import_file(Path(path))

    def choose_export(self) -> None:
        path = filedialog.asksaveasfilename(
            parent=self, title="Export customers to a CSV file", defaultextension=".csv",
            initialfile="customers.csv", filetypes=[("CSV files", "*.csv")])
        if path:
            self.export_file(Path(path))

    def import_file(self, path: Path) -> None:
        """Import a customers CSV on the worker thread; bad rows are listed in a dialog."""
        self.say(f"Importing {path.name}…", "Muted.TLabel")
        self.worker.submit(lambda: self.engine.import_customers(path, actor=window_actor()),
                           lambda report: self._imported(path, report),
                           lambda error: self._import_failed(path, error))

    def _imported(self, path: Path, report: ImportReport) -> None:
        self.say(report.summary(path.name))
        self.customers_changed()

    def _import_failed(self, path: Path, error: BaseException) -> None:
        self.say(str(error), "Error.TLabel")
        if isinstance(error, ImportRefused):
            self._place(ProblemsDialog(self, f"Cannot import {path.name}", str(error),
                                       error.problems))

    def export_file(self, path: Path) -> None:
        """Write every customer to a CSV file, on the worker thread."""
        self.say(f"Exporting to {path.name}…", "Muted.TLabel")
        self.worker.submit(lambda: self.engine.export_customers(path),
                           lambda count: self.say(f"Exported {count:,} customers to {path}."),
                           lambda error: self.say(str(error), "Error.TLabel"))
