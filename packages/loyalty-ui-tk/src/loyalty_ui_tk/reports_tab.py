"""The Reports tab: points issued, redeemed, expired and outstanding per month as a chart and a
table (with CSV export), the lucky draw history with a "Check" per draw, and a customer's
points statement saved as PDF or printed."""

from __future__ import annotations

import os
import re
import sys
import tempfile
import tkinter as tk
from collections.abc import Callable
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from tkinter import filedialog
from tkinter import ttk

from babel.numbers import format_decimal
from matplotlib.backends.backend_tkagg import FigureCanvasTkAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from loyalty.domain.errors import LoyaltyError
from loyalty.domain.records import DrawRecord
from loyalty.domain.statements import format_day
from loyalty.domain.wording import format_points
from loyalty.domain.wording import points_text
from loyalty.engine import Engine
from loyalty.services.draws import DrawCheck
from loyalty.services.reports import MonthFigures
from loyalty.services.reports import write_draws_csv
from loyalty.services.reports import write_monthly_csv
from loyalty.services.statement_pdf import write_statement_pdf
from loyalty_ui_tk.tables import Column
from loyalty_ui_tk.tables import make_table
from loyalty_ui_tk.tables import row_texts
from loyalty_ui_tk.themes import Palette
from loyalty_ui_tk.ui_queue import Worker


MONTHS = 12
"""Months the chart shows, up to this one."""

MONTH_COLUMNS: tuple[Column, ...] = (
    ("month", "Month", 110, "w", False),
    ("issued", "Issued", 90, "e", True),
    ("redeemed", "Redeemed", 90, "e", True),
    ("expired", "Expired", 90, "e", True),
    ("reversed", "Reversed", 90, "e", True),
    ("outstanding", "Outstanding", 100, "e", True),
    ("liability", "Liability", 120, "e", True),
)
DRAW_COLUMNS: tuple[Column, ...] = (
    ("slot", "Draw", 210, "w", False),
    ("drawn", "Drawn at", 140, "w", False),
    ("winner", "Winner (ID)", 110, "e", False),
    ("prize", "Prize", 70, "e", False),
    ("eligible", "Eligible", 70, "e", False),
    ("seed", "Seed", 190, "w", True),
    ("check", "Check", 150, "w", False),
)
NO_DRAWS = "none"
"""The placeholder row's id while there are no draws."""
STATEMENT_COLUMNS: tuple[Column, ...] = (
    ("date", "Date", 120, "w", False),
    ("reason", "Reason", 420, "w", True),
    ("points", "Points", 100, "e", False),
    ("balance", "Balance", 100, "e", False),
)
SERIES = (("issued", "Issued"), ("redeemed", "Redeemed"), ("expired", "Expired"))
REFRESH_MS = 60_000
"""How often the figures are read again while the tab is shown (also each time it is shown)."""
CUSTOMER_CHOICES = 30
"""Customers offered in the statement's list as the name is typed."""


def first_month(today: date, months: int = MONTHS) -> date:
    """The first day of the month ``months - 1`` months before ``today``'s."""
    index = today.year * 12 + today.month - 1 - (months - 1)
    return date(index // 12, index % 12 + 1, 1)


def print_pdf(path: Path) -> str:
    """Send a PDF to the default printer. Windows only (``os.startfile(path, "print")``, the
    PDF viewer's print verb); elsewhere say where the file is, to print from a PDF viewer."""
    if sys.platform == "win32":
        try:
            os.startfile(path, "print")  # type: ignore[attr-defined]  # noqa: S606
        except OSError:
            # No PDF program with a "print" command (Edge as the PDF viewer has none): open
            # the PDF instead, for the shop to print it from there.
            os.startfile(path)  # type: ignore[attr-defined]  # noqa: S606
            return f"No program here prints PDFs directly; opened {path} to print it from there."
        return f"Sent the statement to the printer ({path.name})."
    return f"Printing from the window works on Windows; open {path} to print it."


class ReportsTab(ttk.Frame):
    def __init__(self, parent: tk.Misc, engine: Engine, worker: Worker,
                 on_done: Callable[[str], object]) -> None:
        super().__init__(parent, padding=(14, 10))
        self.engine = engine
        self.worker = worker
        self.on_done = on_done
        self.months: list[MonthFigures] = []
        self.draws: list[DrawRecord] = []
        self.checks: dict[str, DrawCheck] = {}
        self.palette: Palette | None = None
        self._after: str | None = None
        self._build()
        self.bind("<Map>", lambda e: self.reload())

    # ---- layout -------------------------------------------------------------------------

    def _build(self) -> None:
        self.status = ttk.Label(self, style="Error.TLabel")
        self.status.pack(fill="x", side="bottom", pady=(6, 0))
        self.pages = ttk.Notebook(self)
        self.pages.pack(fill="both", expand=True)
        self.monthly = ttk.Frame(self.pages, padding=(12, 10))
        self.draws_page = ttk.Frame(self.pages, padding=(12, 10))
        self.statements = ttk.Frame(self.pages, padding=(12, 10))
        self.pages.add(self.monthly, text="Points per month")
        self.pages.add(self.draws_page, text="Lucky draws")
        self.pages.add(self.statements, text="Statements")
        self._build_monthly(self.monthly)
        self._build_draws(self.draws_page)
        self._build_statement(self.statements)

    def _build_monthly(self, frame: ttk.Frame) -> None:
        head = ttk.Frame(frame)
        head.pack(fill="x")
        ttk.Label(head, text=f"Points issued, redeemed, expired and outstanding over the last "
                  f"{MONTHS} months", style="Section.TLabel").pack(side="left")
        self.export_button = ttk.Button(head, text="Export CSV…", command=self.export_months)
        self.export_button.pack(side="right")
        self.figure = Figure(figsize=(9, 2.45), dpi=96, layout="constrained")
        self.axes = self.figure.add_subplot()
        self.canvas = FigureCanvasTkAgg(self.figure, master=frame)
        self.canvas.get_tk_widget().pack(fill="x", pady=(6, 8))
        self.month_table, _ = make_table(frame, MONTH_COLUMNS, height=6)

    def _build_draws(self, frame: ttk.Frame) -> None:
        head = ttk.Frame(frame)
        head.pack(fill="x", pady=(0, 4))
        ttk.Label(head, text="Lucky draws", style="Section.TLabel").pack(side="left")
        self.export_draws_button = ttk.Button(head, text="Export CSV…",
                                              command=self.export_draws)
        self.export_draws_button.pack(side="right")
        self.check_button = ttk.Button(head, text="Check", command=self.check_selected)
        self.check_button.pack(side="right", padx=(0, 6))
        note = ttk.Label(frame, style="Muted.TLabel", justify="left", text=(
            "Each draw keeps its seed and the customers who could win. Check chooses the "
            "winner again from them with the seed, and asks the ledger whether the same "
            "customers were eligible."))
        note.pack(anchor="w", fill="x", pady=(8, 0), side="bottom")
        note.bind("<Configure>", lambda e: note.configure(wraplength=max(200, e.width - 8)))
        self.draw_table, _ = make_table(frame, DRAW_COLUMNS, selectmode="browse")

    def _build_statement(self, frame: ttk.Frame) -> None:
        ttk.Label(frame, text="Points statement", style="Section.TLabel").pack(
            anchor="w", pady=(0, 6))
        ttk.Label(frame, text="Customer (type a name, phone or ID):").pack(anchor="w")
        self.customer_var = tk.StringVar()
        self.customer_box = ttk.Combobox(frame, textvariable=self.customer_var, width=50)
        self.customer_box.pack(anchor="w", pady=(2, 8))
        self.customer_box.bind("<KeyRelease>", lambda e: self._offer_customers())
        self.customer_box.bind("<<ComboboxSelected>>", lambda e: self.show_statement())
        self.customer_box.bind("<Return>", lambda e: self.show_statement())
        buttons = ttk.Frame(frame)
        buttons.pack(fill="x")
        self.pdf_button = ttk.Button(buttons, text="Save PDF…", command=self.save_statement)
        self.pdf_button.pack(side="left")
        self.print_button = ttk.Button(buttons, text="Print", command=self.print_statement)
        self.print_button.pack(side="left", padx=(6, 0))
        note = ttk.Label(frame, style="Muted.TLabel", justify="left", text=(
            "The statement lists the opening balance, every entry with its date, reason and "
            "points, and the closing balance with its worth in the shop's currency. "
            "Print sends it to the default printer on Windows; elsewhere it says where the PDF "
            "is, to print from a PDF viewer."))
        note.pack(anchor="w", fill="x", pady=(8, 8))
        note.bind("<Configure>", lambda e: note.configure(wraplength=max(200, e.width - 8)))
        self.statement_title = ttk.Label(frame, style="Section.TLabel")
        self.statement_title.pack(anchor="w", pady=(0, 4))
        self.statement_table, _ = make_table(frame, STATEMENT_COLUMNS)

    def apply_palette(self, p: Palette) -> None:
        self.palette = p
        self._draw_chart()

    # ---- monthly figures ----------------------------------------------------------------

    def reload(self) -> None:
        """Read the figures, draws and customers again (on the worker), then show them."""
        since = first_month(self.engine.shop.today())
        self.worker.submit(
            lambda: (self.engine.monthly_figures(since=since), self.engine.draw_history()),
            self._show)
        if self._after is None:
            self._after = self.after(REFRESH_MS, self._refresh)
        if not self.customer_box.cget("values"):
            self._offer_customers()

    def _refresh(self) -> None:
        self._after = None
        if self.winfo_viewable():
            self.reload()

    def _show(self, read: tuple[list[MonthFigures], list[DrawRecord]]) -> None:
        self.months, self.draws = read
        locale = self.engine.settings.shop.locale
        self.month_table.delete(*self.month_table.get_children())
        for m in reversed(self.months):
            self.month_table.insert("", "end", values=(
                m.month.strftime("%b %Y"),
                *(format_decimal(v, locale=locale) for v in
                  (m.issued, m.redeemed, m.expired, m.reversed, m.outstanding)),
                m.liability_text))
        self._draw_chart()
        chosen = self.draw_table.selection()
        self.draw_table.delete(*self.draw_table.get_children())
        for d in self.draws:
            self.draw_table.insert("", "end", iid=d.slot, values=self._draw_cells(d))
        self.draw_table.selection_set([s for s in chosen if self.draw_table.exists(s)])
        if not self.draws:
            self.draw_table.insert("", "end", iid=NO_DRAWS, values=(  # the hint in the wide cell
                "No draws yet.", "", "", "", "", "Turn the draw on in Settings › Lucky Draw."))

    def _draw_chart(self) -> None:
        """Bars of points issued, redeemed and expired per month and a line of the points
        outstanding at each month's end: months on x, points on y."""
        p, ax = self.palette, self.axes
        ax.clear()
        text, muted = (p.text, p.muted) if p else ("#1f2933", "#6b7280")
        background = p.background if p else "#f4f5f7"
        surface = p.surface if p else "#ffffff"
        self.figure.set_facecolor(background)
        ax.set_facecolor(surface)
        for spine in ax.spines.values():
            spine.set_color(muted)
        ax.tick_params(colors=text, labelsize=8)
        moved = any(m.issued or m.redeemed or m.expired or m.outstanding for m in self.months)
        if not moved:
            ax.set_xticks([])
            ax.set_yticks([])
            ax.text(0.5, 0.5, "No points have moved yet: the chart fills in with the first "
                    "sale.", ha="center", va="center", color=muted, transform=ax.transAxes)
            self.canvas.draw_idle()
            return
        positions = list(range(len(self.months)))
        width = 0.26
        colours = ("#2f6fde", "#1e9e6a", "#d9822b")
        for index, ((field, label), colour) in enumerate(zip(SERIES, colours)):
            ax.bar([x + (index - 1) * width for x in positions],
                   [getattr(m, field) for m in self.months], width, label=label, color=colour)
        ax.plot(positions, [m.outstanding for m in self.months], color="#7b3fbf", marker="o",
                markersize=3, label="Outstanding")
        ax.set_xticks(positions, [m.month.strftime("%b\n%Y") if i == 0 or m.month.month == 1
                                  else m.month.strftime("%b")
                                  for i, m in enumerate(self.months)])
        ax.set_xlim(-0.6, len(positions) - 0.4)
        ax.set_ylim(bottom=0)
        ax.yaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
        locale = self.engine.settings.shop.locale
        ax.yaxis.set_major_formatter(lambda v, _: format_decimal(int(v), locale=locale))
        ax.set_ylabel("Points", color=text, fontsize=9)
        ax.grid(axis="y", alpha=0.3)
        legend = ax.legend(loc="upper left", fontsize=8, ncols=4, frameon=False)
        for entry in legend.get_texts():
            entry.set_color(text)
        self.canvas.draw_idle()

    def export_months(self, path: Path | None = None) -> Path | None:
        """The "Export CSV…" button: the monthly figures to a CSV file."""
        path = path or self._ask_path("loyalty-months.csv", "CSV file", ".csv")
        if path is None:
            return None
        try:
            with path.open("w", encoding="utf-8-sig", newline="") as out:  # BOM: for Excel
                write_monthly_csv(self.months, self.engine.currency, out)
        except OSError as error:
            self._say(f"Cannot write {path}: {error.strerror or error}.", error=True)
            return None
        self._say(f"Saved the monthly figures to {path}.")
        return path

    def export_draws(self, path: Path | None = None) -> Path | None:
        """The draws' "Export CSV…" button: the draw history with seeds."""
        path = path or self._ask_path("loyalty-draws.csv", "CSV file", ".csv")
        if path is None:
            return None
        try:
            with path.open("w", encoding="utf-8-sig", newline="") as out:  # BOM: for Excel
                write_draws_csv(self.draws, out)
        except OSError as error:
            self._say(f"Cannot write {path}: {error.strerror or error}.", error=True)
            return None
        self._say(f"Saved the draw history to {path}.")
        return path

    # ---- draws --------------------------------------------------------------------------

    def _draw_cells(self, d: DrawRecord) -> tuple[str, ...]:
        check = self.checks.get(d.slot)
        verdict = "" if check is None else ("✓ matches" if check.ok else "✗ does not match")
        locale = self.engine.settings.shop.locale
        return (d.slot + (" (late)" if d.late else ""),
                self.engine.shop.local(d.drawn_at).strftime("%Y-%m-%d %H:%M"),
                "" if d.winner_customer_id is None else str(d.winner_customer_id),
                format_decimal(d.prize_points, locale=locale), str(len(d.eligible)),
                str(d.seed), verdict)

    def check_selected(self) -> None:
        """The "Check" button: re-derive the selected draw's winner from its seed."""
        chosen = [s for s in self.draw_table.selection() if s != NO_DRAWS]
        if not chosen:
            self._say("Choose a draw to check.", error=True)
            return
        slot = chosen[0]
        self.worker.submit(lambda: self.engine.recheck_draw(slot), self._checked)

    def _checked(self, check: DrawCheck) -> None:
        record = check.record
        self.checks[record.slot] = check
        if self.draw_table.exists(record.slot):
            self.draw_table.item(record.slot, values=self._draw_cells(record))
        if check.ok:
            self._say(f"Draw {record.slot}: the seed gives the recorded winner, and the "
                      "ledger still makes the same customers eligible.")
        else:
            why = [] if check.winner_follows_from_seed else ["the seed gives another winner"]
            if not check.eligible_matches_ledger:
                why.append("the ledger now makes other customers eligible")
            self._say(f"Draw {record.slot} does not match: {' and '.join(why)}.", error=True)

    # ---- statements ---------------------------------------------------------------------

    def _offer_customers(self) -> None:
        text = self.customer_var.get().strip()
        if re.search(r"· ID \d+$", text):
            return
        accounts = self.engine.accounts(text or None, limit=CUSTOMER_CHOICES)
        self.customer_box.configure(
            values=[f"{a.customer.name} · ID {a.customer.id}" for a in accounts])

    def chosen_customer(self) -> int | None:
        """The customer the statement is for: a choice from the list, or an ID typed."""
        text = self.customer_var.get().strip()
        found = re.search(r"(?:· ID )?(\d+)$", text)
        return int(found.group(1)) if found else None

    def show_statement(self) -> None:
        """Show the chosen customer's statement in the tab, as the PDF will list it."""
        customer_id = self.chosen_customer()
        if customer_id is None:
            return
        try:
            statement = self.engine.statement(customer_id)
        except LoyaltyError as error:
            self._say(str(error), error=True)
            return
        locale = statement.locale

        def points(value: int, signed: bool = False) -> str:
            return format_points(value, locale, signed=signed)

        self.statement_title.configure(
            text=f"{statement.customer_name} (ID {statement.customer_id}): "
                 f"{points_text(statement.closing, locale)}, worth "
                 f"{statement.closing_value_text}")
        table = self.statement_table
        table.delete(*table.get_children())
        table.insert("", "end", values=("", "Opening balance", "", points(statement.opening)))
        for line in statement.lines:
            table.insert("", "end", values=(format_day(line.day, locale), line.description,
                                            points(line.points, True), points(line.balance)))
        table.insert("", "end", values=("", "Closing balance", "", points(statement.closing)))

    def save_statement(self, path: Path | None = None, *,
                       then: Callable[[Path], object] | None = None) -> Path | None:
        """The "Save PDF…" button: the chosen customer's statement as a PDF file, written on
        the worker (the first one loads the fonts: a second or two); ``then(path)`` after."""
        customer_id = self.chosen_customer()
        if customer_id is None:
            self._say("Choose a customer for the statement first.", error=True)
            return None
        try:
            statement = self.engine.statement(customer_id)
        except LoyaltyError as error:
            self._say(str(error), error=True)
            return None
        if path is None:
            safe = re.sub(r"\W+", "-", statement.customer_name).strip("-") or "customer"
            path = self._ask_path(f"statement-{customer_id}-{safe}.pdf", "PDF file", ".pdf")
            if path is None:
                return None
        target = path

        def saved(problems: list[str]) -> None:
            self._say(" ".join([f"Saved {statement.customer_name}'s statement to {target}.",
                                *problems]), error=bool(problems))
            if then is not None:
                then(target)

        def failed(error: BaseException) -> None:
            if isinstance(error, OSError):
                self._say(f"Cannot write {target}: {error.strerror or error}.", error=True)
            else:
                self._say(str(error), error=True)

        self._say(f"Writing {statement.customer_name}'s statement…")
        self.worker.submit(lambda: write_statement_pdf(statement, target), saved, failed)
        return path

    def print_statement(self) -> Path | None:
        """The "Print" button: the statement to a temporary PDF, then to the printer."""
        folder = Path(tempfile.mkdtemp(prefix="loyalty-statement-"))
        return self.save_statement(folder / "statement.pdf",
                                   then=lambda path: self._say(print_pdf(path)))

    # ---- helpers ------------------------------------------------------------------------

    def _ask_path(self, name: str, kind: str, suffix: str) -> Path | None:
        chosen = filedialog.asksaveasfilename(
            parent=self, initialfile=name, defaultextension=suffix,
            filetypes=[(kind, f"*{suffix}"), ("All files", "*.*")])
        return Path(chosen) if chosen else None

    def _say(self, text: str, *, error: bool = False) -> None:
        """An error stays in the tab, in red; other news goes to the window's footer."""
        self.status.configure(text=text if error else "")
        if not error:
            self.on_done(text)

    def month_rows(self) -> Sequence[tuple[str, ...]]:
        return row_texts(self.month_table)

    def draw_rows(self) -> Sequence[tuple[str, ...]]:
        return row_texts(self.draw_table)
