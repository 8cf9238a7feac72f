"""The 'Settings' tab: General, Rules, the rule forms, Notifications, Lucky Draw, Appearance.

Every input is bound to a dotted setting path (``earning.points_per_unit``). 'Update
Settings' hands each value to the core's ``with_setting``, which validates it; a problem
comes back as a ``SettingsError`` naming the path, and the message is shown next to that
input. Only when every value is valid does the engine save them, all at once.

The pages for the other rules (expiry and bonuses, campaigns, product points, coupons and
rewards, memberships) are built by ``loyalty_ui_tk.rule_forms`` with the same building blocks,
so they validate and save the same way.
"""

from __future__ import annotations

import functools
import tkinter as tk
from collections.abc import Callable
from collections.abc import Collection
from tkinter import filedialog
from tkinter import ttk
from typing import Any

import attrs

from loyalty.domain.errors import LoyaltyError
from loyalty.domain.errors import SettingsError
from loyalty.domain.settings import THEMES
from loyalty.domain.settings import WEEKDAYS
from loyalty.domain.settings import Settings
from loyalty.domain.settings import get_setting
from loyalty.domain.settings import with_setting
from loyalty.domain.templates import DESCRIPTIONS
from loyalty.domain.templates import PLACEHOLDERS
from loyalty.engine import Engine
from loyalty_ui_tk.rule_forms import RULE_FORMS
from loyalty_ui_tk.rule_forms.tier_review import build_tier_review
from loyalty_ui_tk.rule_forms.rows import RowTable
from loyalty_ui_tk.scrolling import ScrollingFrame
from loyalty_ui_tk.themes import Palette
from loyalty_ui_tk.themes import palette


CONFIRMATION_MS = 3500
"""How long 'Settings saved' stays."""

TEMPLATE_TITLES = {
    "points_earned": "Points earned message",
    "points_spent": "Points spent message",
    "tier_raised": "Rating level increased message",
    "tier_lowered": "Rating level lowered message (empty: none sent)",
    "points_earned_max_level": "Points earned message (max level customer)",
    "draw_won": "Lucky draw won message",
    "points_expiring": "Points about to expire message",
}
NO_POS = "None (no POS)"


def _text_of(text: tk.Text) -> str:
    return text.get("1.0", "end-1c")


def _set_text(text: tk.Text, value: str) -> None:
    text.delete("1.0", "end")
    text.insert("1.0", value)


@attrs.define
class Binding:
    """One input: how to read it for ``with_setting``, how to fill it, where its error goes."""

    path: str
    read: Callable[[], Any]
    write: Callable[[Any], None]
    widget: tk.Widget
    error: ttk.Label
    page: ttk.Frame
    locate: Callable[[str], tuple[tk.Widget, ttk.Label] | None] | None = None
    """For a list of rows: the input and error label of the rest of a path (``2.factor``)."""
    clear: Callable[[], None] | None = None
    """For a list of rows: take every row's error away."""


class SettingsTab(ttk.Frame):
    def __init__(
        self,
        parent: tk.Misc,
        engine: Engine,
        *,
        on_theme: Callable[[str], object],
        on_saved: Callable[[Settings, Settings], object],
    ) -> None:
        super().__init__(parent, padding=(14, 12))
        self.engine = engine
        self.on_theme = on_theme
        self.on_saved = on_saved
        self.bindings: dict[str, Binding] = {}
        self.errors: dict[str, str] = {}
        """The problems shown now, by setting path."""
        self.tables: dict[str, RowTable] = {}
        """The list settings edited as rows (``campaigns.multipliers``), by path."""
        self._confirm_after: str | None = None
        self.palette = palette(engine.settings.appearance.theme)
        self.currencies = engine.plugins.currencies()
        self.adapters = engine.plugins.pos_adapters()

        bar = ttk.Frame(self, padding=(0, 10, 0, 0))
        bar.pack(fill="x", side="bottom")
        self.pages = ttk.Notebook(self, style="Sub.TNotebook")
        self.pages.pack(fill="both", expand=True)
        self.general = self.add_page("General")
        self.rules = self.add_page("Rules")
        self.rule_pages: dict[str, ttk.Frame] = {
            title: self.add_page(title) for title, _ in RULE_FORMS}
        """The pages of ``rule_forms``, by title."""
        self.notifications = self.add_page("Notifications")
        self.draw = self.add_page("Lucky Draw")
        self.appearance = self.add_page("Appearance")
        self._build_general()
        self._build_rules()
        for title, build in RULE_FORMS:
            content = self.scrolled(self.rule_pages[title])
            content.columnconfigure(2, weight=1)
            build(self, content)
        self._build_notifications()
        self._build_draw()
        self._build_appearance()

        self.save_button = ttk.Button(bar, text="Update Settings", style="Accent.TButton",
                                      command=self.update_settings)
        self.save_button.pack(side="right")
        self.status = ttk.Label(bar, text="", style="Muted.TLabel")
        self.status.pack(side="left")
        self.load(engine.settings)
        self.found_database: str | None = None
        """The POS database found on this computer and offered on a first run, if any."""
        self.offer_found_database()

    # ---- building blocks --------------------------------------------------------------------

    def add_page(self, title: str) -> ttk.Frame:
        page = ttk.Frame(self.pages, padding=(18, 16))
        self.pages.add(page, text=title)
        page.columnconfigure(2, weight=1)
        return page

    def scrolled(self, page: ttk.Frame) -> ttk.Frame:
        """The inside of a page that scrolls when it is taller than the window."""
        scrolling = ScrollingFrame(page)
        scrolling.pack(fill="both", expand=True)
        page.configure(padding=(18, 16, 4, 4))
        return scrolling.content

    def error_label(self, parent: tk.Misc) -> ttk.Label:
        return ttk.Label(parent, text="", style="Error.TLabel", wraplength=300, justify="left")

    def page_of(self, widget: tk.Misc) -> ttk.Frame:
        tabs = set(self.pages.tabs())
        page: tk.Misc | None = widget
        while page is not None and str(page) not in tabs:
            page = page.master
        if not isinstance(page, ttk.Frame):
            raise LookupError(f"{widget} is on no page of the settings")
        return page

    def bind_setting(
        self, path: str, widget: tk.Widget, page: ttk.Frame, error: ttk.Label,
        read: Callable[[], Any], write: Callable[[Any], None], *,
        locate: Callable[[str], tuple[tk.Widget, ttk.Label] | None] | None = None,
        clear: Callable[[], None] | None = None,
    ) -> Binding:
        """Tie an input to a setting path; ``read`` may raise ``SettingsError`` itself."""
        binding = Binding(path, read, write, widget, error, self.page_of(page), locate, clear)
        self.bindings[path] = binding
        return binding

    def row(self, page: ttk.Frame, row: int, label: str | tk.StringVar, widget: tk.Widget,
             hint: str = "") -> ttk.Label:
        """Label, input and (in the third column) its error or hint."""
        text = {"textvariable": label} if isinstance(label, tk.StringVar) else {"text": label}
        ttk.Label(page, **text).grid(row=row, column=0, sticky="w", padx=(0, 12), pady=5)
        widget.grid(row=row, column=1, sticky="w", pady=5)
        error = self.error_label(page)
        error.grid(row=row, column=2, sticky="w", padx=(12, 0))
        if hint:
            ttk.Label(page, text=hint, style="Muted.TLabel", wraplength=340,
                      justify="left").grid(
                row=row + 1, column=1, columnspan=2, sticky="w", pady=(0, 6))
        return error

    def entry(self, page: ttk.Frame, row: int, path: str, label: str | tk.StringVar,
               width: int = 14, hint: str = "", optional: bool = False) -> ttk.Entry:
        """A text input for a setting; ``optional`` ones store None when left empty."""
        var = tk.StringVar()
        entry = ttk.Entry(page, textvariable=var, width=width)
        error = self.row(page, row, label, entry, hint)

        def read() -> Any:
            text = var.get().strip()
            return None if optional and not text else text

        self.bind_setting(path, entry, page, error, read,
                          lambda value: var.set("" if value is None else str(value)))
        return entry

    def check(self, page: ttk.Frame, row: int, path: str, text: str) -> ttk.Checkbutton:
        var = tk.BooleanVar()
        check = ttk.Checkbutton(page, text=text, variable=var)
        check.grid(row=row, column=0, columnspan=2, sticky="w", pady=5)
        error = self.error_label(page)
        error.grid(row=row, column=2, sticky="w")
        self.bind_setting(path, check, page, error, var.get, lambda value: var.set(bool(value)))
        return check

    def section(self, page: ttk.Frame, row: int, title: str) -> None:
        ttk.Label(page, text=title, style="Section.TLabel").grid(
            row=row, column=0, columnspan=3, sticky="w", pady=(12 if row else 0, 4))

    # ---- General ----------------------------------------------------------------------------

    def _build_general(self) -> None:
        page = self.scrolled(self.general)  # under the demo's banner it is taller than a laptop
        page.columnconfigure(2, weight=1)
        self.section(page, 0, "Point of sale")
        adapter_titles = [NO_POS] + [a.title for a in self.adapters.values()]
        self.adapter_var = tk.StringVar()
        adapter = ttk.Combobox(page, textvariable=self.adapter_var, values=adapter_titles,
                               state="readonly", width=30)
        error = self.row(page, 1, "POS system", adapter)
        self.bind_setting("pos.adapter", adapter, page, error, self._read_adapter,
                          self._write_adapter)

        path_frame = ttk.Frame(page)
        self.database_var = tk.StringVar()
        self.database_entry = ttk.Entry(path_frame, textvariable=self.database_var, width=48)
        self.database_entry.pack(side="left")
        ttk.Button(path_frame, text="Browse...", command=self.browse_database).pack(
            side="left", padx=(6, 0))
        error = self.row(page, 2, "Database path", path_frame,
                          hint="The POS's database file, e.g. Aronium's pos.db. "
                               "Customers and sales are read from it; it is never changed.")
        self.bind_setting("pos.database", self.database_entry, page, error,
                          lambda: self.database_var.get().strip() or None,
                   lambda value: self.database_var.set(value or ""))

        self.section(page, 4, "Shop")
        self.entry(page, 5, "shop.name", "Shop name", width=32,
                    hint="Used in messages as {shop_name}.")
        self.currency_var = tk.StringVar()
        labels = [self._currency_label(code) for code in sorted(self.currencies)]
        currency = ttk.Combobox(page, textvariable=self.currency_var, values=labels,
                                state="readonly", width=30)
        error = self.row(page, 7, "Currency", currency)
        self.bind_setting("shop.currency", currency, page, error,
                          lambda: self.currency_var.get().split()[0],
                   lambda code: self.currency_var.set(self._currency_label(code)))
        self.currency_var.trace_add("write", lambda *_: self._currency_changed())

        self.section(page, 9, "Points ledger")
        ledger = self.engine.db.url.render_as_string(hide_password=True)
        ttk.Label(page, text=ledger.removeprefix("sqlite:///"), style="Muted.TLabel").grid(
            row=10, column=0, columnspan=3, sticky="w")
        ttk.Label(page, text="Where every customer's points are kept (set with --ledger or "
                  "LOYALTY_LEDGER). Back this file up.", style="Muted.TLabel").grid(
            row=11, column=0, columnspan=3, sticky="w")

    def _currency_label(self, code: str) -> str:
        currency = self.currencies.get(code)
        return f"{code}  {currency.symbol}  {currency.name}" if currency else code

    def _read_adapter(self) -> str | None:
        title = self.adapter_var.get()
        return next((n for n, a in self.adapters.items() if a.title == title), None)

    def _write_adapter(self, name: str | None) -> None:
        adapter = self.adapters.get(name) if name else None
        self.adapter_var.set(adapter.title if adapter else (name or NO_POS))

    def offer_found_database(self) -> None:
        """On a first run (no database set), fill in the POS database found where the POS
        keeps it (``PosAdapterType.find_database``); saved only with 'Update Settings'."""
        pos = self.engine.settings.pos
        if pos.database:
            return
        chosen = [self.adapters[pos.adapter]] if pos.adapter in self.adapters else \
            list(self.adapters.values())
        for adapter in chosen:
            found = adapter.find_database() if adapter.find_database else None
            if found:
                self.found_database = str(found)
                self.adapter_var.set(adapter.title)
                self.database_var.set(self.found_database)
                self._say(f"Found the {adapter.title} database at {found}: 'Update Settings' "
                          "to sync from it.", "Muted.TLabel")
                return

    def _check_database(self, old: Settings, new: Settings) -> dict[str, str]:
        """The POS's own check of a new database path (``PosAdapterType.check_database``),
        as ``loyalty settings set pos.database`` makes it: a problem by setting path."""
        pos = new.pos
        if not (pos.adapter and pos.database) or (pos.adapter, pos.database) == (
                old.pos.adapter, old.pos.database):
            return {}
        adapter = self.adapters.get(pos.adapter)
        if adapter is None or adapter.check_database is None:
            return {}
        try:
            adapter.check_database(pos.database)
        except SettingsError as error:
            return {error.field: error.problem}
        return {}

    def browse_database(self) -> None:
        chosen = filedialog.askopenfilename(
            parent=self, title="Choose the POS database file",
            filetypes=[("Database files", "*.db *.sqlite *.sqlite3"), ("All files", "*.*")],
        )
        if chosen:
            self.database_var.set(chosen)

    def _symbol(self) -> str:
        code = self.currency_var.get().split()[0] if self.currency_var.get() else ""
        currency = self.currencies.get(code)
        return currency.symbol if currency else code

    def _currency_changed(self) -> None:
        """The Rules labels name the currency chosen, before it is even saved."""
        symbol = self._symbol()
        self.earn_label.set(f"Points per 1 {symbol}")
        self.threshold_label.set(f"Payment threshold ({symbol})")
        self.worth_label.set(f"Points worth 1 {symbol} when paying")

    # ---- Rules ------------------------------------------------------------------------------

    def _build_rules(self) -> None:
        inside = self.scrolled(self.rules)  # earning, paying and the stars: taller than a laptop
        page = ttk.Frame(inside)
        page.grid(row=0, column=0, sticky="nw")
        page.columnconfigure(2, weight=1)
        inside.columnconfigure(1, weight=1)
        rating = ttk.Frame(inside, padding=(36, 0, 0, 0))
        rating.grid(row=0, column=1, sticky="nw")
        self.earn_label = tk.StringVar(value="Points per 1")
        self.threshold_label = tk.StringVar(value="Payment threshold")
        self.worth_label = tk.StringVar(value="Points worth 1")
        self.section(page, 0, "Earning points")
        self.entry(page, 1, "earning.points_per_unit", self.earn_label,
                    hint="Points a customer earns for each unit of currency spent.")
        self.entry(page, 3, "earning.payment_threshold", self.threshold_label,
                    hint="Sales below this amount earn no points.")
        self.section(page, 5, "Paying with points")
        self.entry(page, 6, "redemption.points_per_unit", self.worth_label,
                    hint="What points are worth: the 'Value' column and the Pay dialog use it.")
        self.entry(page, 8, "redemption.minimum_balance", "Minimum balance to pay",
                    hint="A customer needs at least this many points before paying with them.")

        page = rating
        self.section(page, 0, "Customer rating (stars)")
        ttk.Label(page, text="Lifetime points earned give a customer stars; each level can "
                  "add bonus points to every sale.", style="Muted.TLabel", wraplength=420,
                  justify="left").grid(row=1, column=0, columnspan=3, sticky="w", pady=(0, 8))
        self.tiers_frame = ttk.Frame(page)
        self.tiers_frame.grid(row=11, column=0, columnspan=3, sticky="w")
        buttons = ttk.Frame(page)
        buttons.grid(row=12, column=0, columnspan=3, sticky="w", pady=(8, 0))
        ttk.Button(buttons, text="Add a level", command=self.add_tier).pack(side="left")
        ttk.Button(buttons, text="Remove the top level", command=self.remove_tier).pack(
            side="left", padx=(6, 0))
        self.tiers_error = self.error_label(page)
        self.tiers_error.grid(row=13, column=0, columnspan=3, sticky="w")
        self.tier_rows: list[tuple[int, tk.StringVar, tk.StringVar, ttk.Entry, ttk.Entry,
                                   ttk.Label]] = []
        self.bind_setting("tiers", self.tiers_frame, page, self.tiers_error, self._read_tiers,
                          self._write_tiers, locate=self._tier_error_target,
                          clear=self._clear_tier_errors)
        build_tier_review(self, page, first_row=14)

    def _write_tiers(self, tiers: list[dict[str, Any]]) -> None:
        for child in self.tiers_frame.winfo_children():
            child.destroy()
        self.tier_rows = []
        for column, heading in enumerate(("Level", "Points for X stars", "Points to add")):
            ttk.Label(self.tiers_frame, text=heading, style="Muted.TLabel").grid(
                row=0, column=column, sticky="w", padx=(0, 14))
        maximum = max((tier["stars"] for tier in tiers), default=0)
        for tier in tiers:
            self._add_tier_row(tier["stars"], tier["threshold"], tier["points_to_add"], maximum)

    def _add_tier_row(self, stars: int, threshold: object, points_to_add: object,
                      maximum: int) -> None:
        row = len(self.tier_rows) + 1
        ttk.Label(self.tiers_frame, text=f"{'★' * stars}{'☆' * (maximum - stars)}",
                  style="TierStars.TLabel").grid(row=row, column=0, sticky="w", padx=(0, 14))
        threshold_var = tk.StringVar(value=str(threshold))
        add_var = tk.StringVar(value=str(points_to_add))
        threshold_entry = ttk.Entry(self.tiers_frame, textvariable=threshold_var, width=12)
        threshold_entry.grid(row=row, column=1, sticky="w", padx=(0, 14), pady=2)
        add_entry = ttk.Entry(self.tiers_frame, textvariable=add_var, width=12)
        add_entry.grid(row=row, column=2, sticky="w", padx=(0, 14), pady=2)
        error = self.error_label(self.tiers_frame)
        error.grid(row=row, column=3, sticky="w")
        self.tier_rows.append((stars, threshold_var, add_var, threshold_entry, add_entry, error))

    def _read_tiers(self) -> list[dict[str, Any]]:
        return [{"stars": stars, "threshold": t.get().strip(), "points_to_add": a.get().strip()}
                for stars, t, a, *_ in self.tier_rows]

    def add_tier(self) -> None:
        tiers = self._read_tiers()
        stars = tiers[-1]["stars"] + 1 if tiers else 1
        self._write_tiers(tiers + [{"stars": stars, "threshold": "", "points_to_add": "0"}])
        self.tier_rows[-1][3].focus_set()

    def remove_tier(self) -> None:
        self._write_tiers(self._read_tiers()[:-1])

    def _tier_error_target(self, rest: str) -> tuple[tk.Widget, ttk.Label] | None:
        """``2.threshold`` (of ``tiers.2.threshold``) is the threshold input of the third level."""
        parts = rest.split(".")
        if parts[0].isdigit() and int(parts[0]) < len(self.tier_rows):
            _, _, _, threshold, add, error = self.tier_rows[int(parts[0])]
            return (add if parts[-1] == "points_to_add" else threshold), error
        return None

    def _clear_tier_errors(self) -> None:
        for _, _, _, threshold, add, error in self.tier_rows:
            error.configure(text="")
            self.mark(threshold, invalid=False)
            self.mark(add, invalid=False)

    # ---- Notifications ----------------------------------------------------------------------

    def _build_notifications(self) -> None:
        page = self.scrolled(self.notifications)
        page.columnconfigure(0, weight=1, uniform="template")
        page.columnconfigure(1, weight=1, uniform="template")
        var = tk.BooleanVar()
        check = ttk.Checkbutton(page, text="Send messages to customers (by the platform chosen "
                                "for each customer in 'All Customers')", variable=var)
        check.grid(row=0, column=0, columnspan=2, sticky="w", pady=(0, 8))
        error = self.error_label(page)
        self.bind_setting("notifications.enabled", check, page, error, var.get,
                          lambda value: var.set(bool(value)))
        self.template_texts: dict[str, tk.Text] = {}
        for index, name in enumerate(PLACEHOLDERS):
            cell = ttk.Frame(page, padding=(0, 0, 14 if index % 2 == 0 else 0, 8))
            cell.grid(row=1 + index // 2, column=index % 2, sticky="nsew")
            cell.columnconfigure(1, weight=1)
            ttk.Label(cell, text=TEMPLATE_TITLES.get(name, name), style="Section.TLabel").grid(
                row=0, column=0, columnspan=2, sticky="w")
            text = tk.Text(cell, height=3, width=40, wrap="word", relief="flat",
                           highlightthickness=1, padx=6, pady=4, undo=True, font="TkTextFont")
            text.grid(row=1, column=0, columnspan=2, sticky="ew", pady=(3, 3))
            menu_button = ttk.Menubutton(cell, text="⬇ Insert Placeholder")
            menu = tk.Menu(menu_button, tearoff=False)
            for placeholder in PLACEHOLDERS[name]:
                menu.add_command(
                    label=f"{{{placeholder}}}  {DESCRIPTIONS.get(placeholder, '')}",
                    command=functools.partial(self.insert_placeholder, text, placeholder))
            menu_button["menu"] = menu
            menu_button.grid(row=2, column=0, sticky="nw")
            error = self.error_label(cell)
            error.configure(wraplength=300)
            error.grid(row=2, column=1, sticky="w", padx=(10, 0))
            self.template_texts[name] = text
            self.bind_setting(f"notifications.templates.{name}", text, page, error,
                              functools.partial(_text_of, text),
                              functools.partial(_set_text, text))

    @staticmethod
    def insert_placeholder(text: tk.Text, placeholder: str) -> None:
        """Insert ``{placeholder}`` where the cursor is, and keep the cursor after it."""
        text.insert("insert", f"{{{placeholder}}}")
        text.focus_set()

    # ---- Lucky Draw -------------------------------------------------------------------------

    def _build_draw(self) -> None:
        page = self.draw
        self.check(page, 0, "draw.enabled", "Run the lucky draw")
        ttk.Label(page, text="On a chosen day, one customer who bought recently wins the "
                  "prize points and gets a 'You won!' message.", style="Muted.TLabel").grid(
            row=1, column=0, columnspan=3, sticky="w", pady=(0, 8))
        days = ttk.Frame(page)
        day_vars = {day: tk.BooleanVar() for day in WEEKDAYS}
        for day, var in day_vars.items():
            ttk.Checkbutton(days, text=day[:3].capitalize(), variable=var).pack(
                side="left", padx=(0, 8))
        error = self.row(page, 2, "Days", days)

        def tick(chosen: Collection[str]) -> None:
            for day, var in day_vars.items():
                var.set(day in chosen)

        self.bind_setting("draw.days", days, page, error,
                          lambda: [d for d, v in day_vars.items() if v.get()], tick)
        self.entry(page, 3, "draw.time", "Time of the draw", width=8,
                    hint="Shop time, like 18:00.")
        self.entry(page, 5, "draw.prize_points", "Prize (points)")
        self.entry(page, 6, "draw.eligible_days", "Bought within (days)",
                    hint="Only customers who bought in the last this many days can win.")

    # ---- Appearance -------------------------------------------------------------------------

    def _build_appearance(self) -> None:
        page = self.appearance
        self.theme_var = tk.StringVar()
        theme = ttk.Combobox(page, textvariable=self.theme_var, values=list(THEMES),
                             state="readonly", width=16)
        error = self.row(page, 0, "Theme", theme, hint="Changes the colours at once; "
                          "'Update Settings' keeps them for next time.")
        self.bind_setting("appearance.theme", theme, page, error, self.theme_var.get,
                          self.theme_var.set)
        theme.bind("<<ComboboxSelected>>", lambda e: self.on_theme(self.theme_var.get()))
        swatches = ttk.Frame(page)
        swatches.grid(row=2, column=0, columnspan=3, sticky="w", pady=(10, 0))
        for column, name in enumerate(THEMES):
            self._swatch(swatches, name).grid(row=0, column=column, padx=(0, 12))
        self.section(page, 3, "Payments")
        self.check(page, 4, "pos.keyboard_emulation",
                    "Enable keyboard emulation for payments")
        ttk.Label(page, text="After a points payment is confirmed, the amount is typed into "
                  "the POS. Make sure the POS payment field is active before confirming.",
                  style="Muted.TLabel", wraplength=640, justify="left").grid(
            row=5, column=0, columnspan=3, sticky="w")

    def _swatch(self, parent: tk.Misc, name: str) -> tk.Canvas:
        """A small picture of a theme; clicking it chooses the theme."""
        p = palette(name)
        canvas = tk.Canvas(parent, width=128, height=84, highlightthickness=0, cursor="hand2")
        canvas.create_rectangle(0, 0, 127, 83, fill=p.background, outline=p.border)
        canvas.create_rectangle(0, 0, 127, 18, fill=p.accent, outline=p.accent)
        canvas.create_rectangle(10, 26, 118, 58, fill=p.surface, outline=p.border)
        canvas.create_line(18, 36, 90, 36, fill=p.text, width=3)
        canvas.create_line(18, 48, 70, 48, fill=p.muted, width=3)
        canvas.create_text(64, 72, text=name, fill=p.text, font="LoyaltyBold")
        canvas.bind("<Button-1>", lambda e: self.theme_chosen(name))
        return canvas

    def apply_palette(self, p: Palette) -> None:
        self.palette = p

    def mark(self, widget: tk.Widget, *, invalid: bool) -> None:
        """Give an input a red border (``Invalid.TEntry``, a red frame on text), or take it away."""
        if isinstance(widget, ttk.Entry):  # a Combobox is an Entry too
            kind = widget.winfo_class()
            widget.configure(style=f"Invalid.{kind}" if invalid else kind)
        elif isinstance(widget, tk.Text):
            widget.configure(highlightthickness=2 if invalid else 1,
                             highlightbackground=self.palette.error if invalid
                             else self.palette.border)

    # ---- load and save ----------------------------------------------------------------------

    def load(self, settings: Settings) -> None:
        for path, binding in self.bindings.items():
            binding.write(get_setting(settings, path))
        self._currency_changed()
        self.show_errors({})

    def theme_chosen(self, name: str) -> None:
        """Choose a theme as if from the dropdown."""
        self.theme_var.set(name)
        self.on_theme(name)

    def update_settings(self) -> bool:
        """Validate every input; save all of them only if all are valid."""
        old = self.engine.settings
        new = old
        errors: dict[str, str] = {}
        for path, binding in self.bindings.items():
            value = None
            try:
                value = binding.read()
                new = with_setting(new, path, value)
            except SettingsError as error:
                errors.update(self._each_problem(new, path, value)
                              or {error.field: error.problem})
        if not errors:
            errors = self._check_database(old, new)
        if not errors:
            try:
                self.engine.update_settings(new)
            except SettingsError as error:
                errors[error.field] = error.problem
            except LoyaltyError as error:
                self._say(str(error), "Error.TLabel")
                return False
        self.show_errors(errors)
        if errors:
            count = len(errors)
            self._say(f"Nothing was saved: fix the {count} value{'s' * (count > 1)} "
                      "marked in red.", "Error.TLabel")
            return False
        self._say("✓ Settings saved.", "Success.TLabel")
        self.load(new)
        self.on_saved(old, new)
        return True

    @staticmethod
    def _each_problem(settings: Settings, path: str, value: Any) -> dict[str, str]:
        """The problem of every row of a list or table setting, each row checked on its own,
        so all the bad rows are red at once (the settings name only the first); empty when each
        row is fine alone and the problem is between rows (an id used twice)."""
        rows: list[tuple[str, str, list[Any] | dict[str, Any]]]
        if isinstance(value, list):  # row i alone is row 0 of a list of one
            rows = [(f"{path}.{index}", f"{path}.0", [item]) for index, item in enumerate(value)]
        elif isinstance(value, dict):
            rows = [(f"{path}.{key}", f"{path}.{key}", {key: item}) for key, item in value.items()]
        else:
            return {}
        problems: dict[str, str] = {}
        for where, alone, single in rows:
            try:
                with_setting(settings, path, single)
            except SettingsError as error:
                if error.field == alone or error.field.startswith(alone + "."):
                    problems[where + error.field.removeprefix(alone)] = error.problem
        return problems

    def show_errors(self, errors: dict[str, str]) -> None:
        """Show each problem next to its input; select the page of the first one."""
        self.errors = dict(errors)
        for binding in self.bindings.values():
            binding.error.configure(text="")
            self.mark(binding.widget, invalid=False)
            if binding.clear is not None:
                binding.clear()
        first_page = None
        for path, problem in errors.items():
            widget, label, page = self.error_target(path)
            label.configure(text=problem)
            self.mark(widget, invalid=True)
            first_page = first_page or page
        if first_page is not None:
            self.pages.select(first_page)

    def error_target(self, path: str) -> tuple[tk.Widget, ttk.Label, ttk.Frame]:
        """The input a problem with ``path`` belongs to, its error label and its page."""
        owner = max((p for p in self.bindings if path == p or path.startswith(p + ".")),
                    key=len, default=None)
        if owner is None:
            return self.save_button, self.status, self.general
        binding = self.bindings[owner]
        if path != owner and binding.locate is not None:
            found = binding.locate(path.removeprefix(owner + "."))
            if found is not None:
                return found[0], found[1], binding.page
        return binding.widget, binding.error, binding.page

    def _say(self, text: str, style: str) -> None:
        self.status.configure(text=text, style=style)
        if self._confirm_after is not None:
            self.after_cancel(self._confirm_after)
            self._confirm_after = None
        if style == "Success.TLabel":
            self._confirm_after = self.after(CONFIRMATION_MS, self._clear_status)

    def _clear_status(self) -> None:
        self._confirm_after = None
        self.status.configure(text="")

