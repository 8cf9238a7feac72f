"""The main window: a header, the 'All Customers', 'Settings', 'Notification log' and 'Jobs' tabs.

The window holds no business rule: every number it shows and every change it makes goes
through the engine. Reads run on a worker thread; engine signals (which may come from a
background sync thread) reach the widgets through the ``UiQueue``.

On a first start it shows the demo, whose customers live in a ledger of their own: a banner
says so and offers to start the real programme, which opens the shop's own ledger in the same
window (choosing the POS in Settings does the same). A long POS sync, the first one above all,
shows a progress bar above the status line.
"""

from __future__ import annotations

import functools
import logging
import sys
import threading
import tkinter as tk
from collections.abc import Callable
from collections.abc import Sequence
from tkinter import ttk

from loyalty import signals
from loyalty.domain.errors import LoyaltyError
from loyalty.domain.records import JobRun
from loyalty.domain.settings import Settings
from loyalty.engine import Engine
from loyalty.scheduler import run_jobs
from loyalty_ui_tk import themes
from loyalty_ui_tk.customers_tab import CustomersTab
from loyalty_ui_tk.jobs_tab import JobsTab
from loyalty_ui_tk.message_dialog import MessageDialog
from loyalty_ui_tk.notification_log import ListMessages
from loyalty_ui_tk.notification_log import NotificationLog
from loyalty_ui_tk.pay_dialog import PayDialog
from loyalty_ui_tk.points_log import PointsLog
from loyalty_ui_tk.reports_tab import ReportsTab
from loyalty_ui_tk.settings_tab import SettingsTab
from loyalty_ui_tk.ui_queue import UiQueue
from loyalty_ui_tk.ui_queue import Worker


log = logging.getLogger(__name__)

BackgroundTask = Callable[[Engine, threading.Event], None]
"""Work the window keeps running while open (a POS sync): runs in its own thread until the
event is set; its changes reach the table through the engine's signals."""

RealProgramme = Callable[[tk.Tk], "LoyaltyApp"]
"""Builds the window on the shop's own ledger in the given (demo's) Tk window."""

DEMO_TEXT = (
    "Made-up customers in a ledger of their own: try anything, your shop's customers never mix "
    "with them. To begin with your own, press 'Start my real programme' (or choose your POS's "
    "database in Settings › General).")

TITLE = "Loyalty Points Manager"


class LoyaltyApp:
    def __init__(
        self,
        engine: Engine,
        *,
        root: tk.Tk | None = None,
        list_messages: ListMessages | None = None,
        background_tasks: Sequence[BackgroundTask] = (),
        real_programme: RealProgramme | None = None,
    ) -> None:
        self.engine = engine
        self.real_programme = real_programme
        """Given: this window shows the demo, and this opens the shop's own ledger."""
        self.successor: LoyaltyApp | None = None
        """The window on the shop's own ledger, once the demo was left."""
        self.root = root if root is not None else tk.Tk(className="LoyaltyManager")
        self.root.title(TITLE)
        self.root.geometry("1120x740")
        self.root.minsize(900, 600)
        themes.setup_fonts(self.root)
        self.palette = themes.palette(engine.settings.appearance.theme)
        self.ui = UiQueue(self.root)
        self.worker = Worker(self.ui, self.show_error)
        self.background_tasks = list(background_tasks)
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self.closed = False
        self._syncing = False
        self._old_demo: list[int] = []
        """Demo customers an earlier version left in the shop's ledger (offered for removal)."""

        # Styles first, so every widget is built in the themed look (a theme switched after
        # building leaves some, like the combobox arrow, without theirs); then again for the
        # widgets that colour themselves.
        self.apply_theme(engine.settings.appearance.theme)
        self._build(list_messages)
        self.apply_theme(engine.settings.appearance.theme)
        signals.settings_changed.connect(self._on_settings, weak=False)
        signals.job_ran.connect(self._on_job, weak=False)
        signals.sync_progress.connect(self._on_sync_progress, weak=False)
        self.root.protocol("WM_DELETE_WINDOW", self.close)
        self.customers.search.focus_set()  # the cashier can type a name at once
        self.start_background_tasks()
        if real_programme is None:
            self.worker.submit(engine.old_demo_customers, self._offer_to_remove_old_demo)

    # ---- layout -----------------------------------------------------------------------------

    def _build(self, list_messages: ListMessages | None) -> None:
        header = ttk.Frame(self.root, style="Header.TFrame", padding=(20, 12))
        header.pack(fill="x")
        self.shop_label = ttk.Label(header, style="HeaderTitle.TLabel")
        self.shop_label.pack(side="left")
        self.rules_label = ttk.Label(header, style="HeaderInfo.TLabel")
        self.rules_label.pack(side="right")
        self.banner = ttk.Frame(self.root, style="Banner.TFrame", padding=(12, 6))
        self.banner_button = ttk.Button(self.banner, text="Start my real programme",
                                        style="Accent.TButton",
                                        command=lambda: self.root.after(0, self.leave_demo))
        self.banner_button.pack(side="right", padx=(12, 0))
        self.banner_title = ttk.Label(self.banner, style="BannerTitle.TLabel", padding=(10, 0),
                                      text="This is the demo")
        self.banner_title.pack(anchor="w")
        self.banner_text = ttk.Label(self.banner, style="Banner.TLabel", text=DEMO_TEXT,
                                     padding=(10, 0), wraplength=780, justify="left")
        self.banner_text.pack(anchor="w", fill="x")

        self.footer = ttk.Label(self.root, style="Muted.TLabel", padding=(16, 4, 16, 8))
        self.footer.pack(fill="x", side="bottom")
        self.progress = ttk.Frame(self.root, padding=(16, 6, 16, 0))
        self.progress_label = ttk.Label(self.progress)
        self.progress_label.pack(side="left")
        self.progress_bar = ttk.Progressbar(self.progress, mode="determinate")
        self.progress_bar.pack(side="left", fill="x", expand=True, padx=(12, 0))
        self.notebook = ttk.Notebook(self.root)
        self.notebook.pack(fill="both", expand=True, padx=10, pady=(8, 0))
        self.customers = CustomersTab(self.notebook, self.engine, self.ui, self.worker,
                                      on_pay=self.open_pay, on_history=self.open_history,
                                      app=self)
        self.settings = SettingsTab(self.notebook, self.engine, on_theme=self.apply_theme,
                                    on_saved=self._saved)
        self.messages = NotificationLog(self.notebook, self.engine, self.ui, self.worker,
                                        list_messages, on_compose=self.send_message_to,
                                        on_done=self.say)
        self.notebook.add(self.customers, text="All Customers")
        self.notebook.add(self.settings, text="Settings")
        self.jobs = JobsTab(self.notebook, self.engine, self.worker, on_done=self.say)
        self.notebook.add(self.messages, text="Notification log")
        self.notebook.add(self.jobs, text="Jobs")
        self.reports = ReportsTab(self.notebook, self.engine, self.worker, on_done=self.say)
        self.notebook.add(self.reports, text="Reports")
        self._show_header()

    def _show_header(self) -> None:
        settings = self.engine.settings
        self.shop_label.configure(text=f"{settings.shop.name} · {TITLE}")
        one = self.engine.format_money(self.engine.currency.scale)
        earn, worth = settings.earning.points_per_unit, settings.redemption.points_per_unit
        self.rules_label.configure(
            text=f"Earn {earn} point{'s' * (earn != 1)} per {one} spent  ·  "
                 f"{worth} point{'s' * (worth != 1)} pay {one}")
        self.root.title(f"{TITLE}: {settings.shop.name}")
        if self.real_programme is not None or self._old_demo:
            self.banner.pack(fill="x", after=self.shop_label.master)
        else:
            self.banner.pack_forget()

    # ---- the demo ---------------------------------------------------------------------------

    def leave_demo(self) -> LoyaltyApp:
        """Close the demo and show the shop's own ledger in this window: the real programme
        starts (the demo's ledger stays as it was, for ``loyalty --demo``)."""
        if self.real_programme is None:
            raise RuntimeError("this window does not show the demo")
        if self.successor is not None:  # pressed twice before the first press was handled
            return self.successor
        root = self.root
        self.close(keep_window=True)
        self.successor = self.real_programme(root)
        if self.successor.engine.settings.pos.adapter:
            self.successor.say("Your own programme has started: your POS's sales are read now.")
        else:
            self.successor.say("Your own programme has started. Choose your POS in Settings › "
                               "General, or add your customers.")
        return self.successor

    def _offer_to_remove_old_demo(self, ids: list[int]) -> None:
        """The shop's ledger still holds an earlier version's demo customers: offer to hide
        them, in the demo's banner."""
        if not ids or self.closed:
            return
        self._old_demo = ids
        self.banner_title.configure(text="Demo customers from an earlier version")
        self.banner_text.configure(text=(
            f"Your ledger still holds the {len(ids)} demo customers an earlier version put in "
            "it. They earn nothing from your POS; removing them hides them from every list "
            "(their points log stays)."))
        self.banner_button.configure(text="Remove demo customers", command=self.remove_old_demo)
        self._show_header()

    def remove_old_demo(self) -> None:
        """Hide the earlier version's demo customers; the banner goes."""
        def done(ids: list[int]) -> None:
            self._old_demo = []
            self._show_header()
            self.customers.reload()  # the rows go, not just their numbers
            self.say(f"Removed {len(ids)} demo customers.")

        self.banner_button.state(["disabled"])
        self.worker.submit(self.engine.remove_old_demo_customers, done)

    @property
    def current(self) -> LoyaltyApp:
        """The window's live app: this one, or the one on the shop's ledger after the demo."""
        return self if self.successor is None else self.successor.current

    # ---- themes and settings ----------------------------------------------------------------

    def apply_theme(self, name: str) -> None:
        self.palette = themes.apply_theme(self.root, name)

    def _on_settings(self, sender: object, *, engine: Engine, **_: object) -> None:
        if engine is self.engine:
            self.ui.post(self._settings_changed)

    def _on_job(self, sender: object, *, run: JobRun | None, error: LoyaltyError | None,
                engine: Engine, **_: object) -> None:
        """A job that ran by itself: a failure is shown in the footer, every run in Jobs."""
        if engine is not self.engine:
            return
        if error is not None:
            self.ui.post(functools.partial(self.show_error, error))
        elif run is not None and run.status == "failed":
            self.ui.post(functools.partial(self.show_error, LoyaltyError(run.result)))
        self.ui.post(self.jobs.reload)
        if run is not None and run.job == "messages":
            self.ui.post(self.messages.reload)  # delivered: the log shows them sent

    def _settings_changed(self) -> None:
        self._show_header()
        self.settings.load(self.engine.settings)  # changed elsewhere: never save stale values
        self.apply_theme(self.engine.settings.appearance.theme)

    def _saved(self, old: Settings, new: Settings) -> None:
        if old.pos != new.pos and self.real_programme is not None and new.pos.adapter:
            self.root.after(0, self.leave_demo)  # a POS chosen: its sales go to the real ledger
        elif old.pos != new.pos:
            self.reload_data()

    def reload_data(self) -> None:
        """The POS changed: restart what reads it and show the customers afresh."""
        self.stop_background_tasks()
        self.customers.reload()
        self.start_background_tasks()
        self.say("Settings saved; customers reloaded.")

    # ---- dialogs ----------------------------------------------------------------------------

    def open_pay(self, customer_id: int) -> PayDialog:
        dialog = PayDialog(self.root, self.engine, customer_id, on_done=self.say)
        self._place(dialog)
        return dialog

    def open_history(self, customer_id: int) -> PointsLog:
        window = PointsLog(self.root, self.engine, self.ui, customer_id)
        self._place(window)
        return window

    def send_message_to(self, customer_id: int | None = None) -> MessageDialog:
        """The "Send message" dialog, for one customer (a row's menu) or, with None, a
        segment."""

        def sent(summary: str) -> None:
            self.say(summary)
            self.messages.reload()

        dialog = MessageDialog(self.root, self.engine, self.worker, customer_id=customer_id,
                               on_sent=sent)
        self._place(dialog)
        return dialog

    def _place(self, window: tk.Toplevel) -> None:
        """Theme a new window and centre it over the main one."""
        themes.recolour(window, self.palette)
        window.update_idletasks()
        x = self.root.winfo_rootx() + (self.root.winfo_width() - window.winfo_reqwidth()) // 2
        y = self.root.winfo_rooty() + (self.root.winfo_height() - window.winfo_reqheight()) // 3
        window.geometry(f"+{max(x, 0)}+{max(y, 0)}")

    def say(self, text: str) -> None:
        self.footer.configure(text=text, style="Muted.TLabel")

    def show_error(self, error: BaseException) -> None:
        if isinstance(error, LoyaltyError):
            self.footer.configure(text=str(error), style="Error.TLabel")
        else:
            log.error("unexpected error", exc_info=error)
            self.footer.configure(text=f"Something went wrong: {error}", style="Error.TLabel")

    # ---- background work --------------------------------------------------------------------

    def _on_sync_progress(self, sender: object, *, done: int, total: int | None,
                          finished: bool, engine: Engine, **_: object) -> None:
        if engine is self.engine:
            self.ui.post(functools.partial(self.show_sync_progress, done, total, finished))

    def show_sync_progress(self, done: int, total: int | None, finished: bool) -> None:
        """A long sync's progress above the status line; gone when it ends."""
        if finished or not total:
            if self._syncing:
                self.progress.pack_forget()
                self._syncing = False
            return
        share = min(done, total) / total
        self.progress_bar.configure(maximum=total, value=min(done, total))
        self.progress_label.configure(
            text=f"Reading your POS: {done:,} of {total:,} sales ({share:.0%})")
        if not self._syncing:
            self.progress.pack(fill="x", side="bottom", before=self.notebook)
            self._syncing = True

    def start_background_tasks(self) -> None:
        self._stop = threading.Event()
        self._threads = []
        for task in self.background_tasks:
            thread = threading.Thread(target=self._run_task, args=(task, self._stop),
                                      name=f"loyalty-ui-{getattr(task, '__name__', 'task')}",
                                      daemon=True)
            thread.start()
            self._threads.append(thread)

    def _run_task(self, task: BackgroundTask, stop: threading.Event) -> None:
        try:
            task(self.engine, stop)
        except Exception as error:  # noqa: BLE001 - shown in the window, never a crash
            self.ui.post(functools.partial(self.show_error, error))

    def stop_background_tasks(self, timeout: float = 5.0) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout)
        self._threads = []

    # ---- running ----------------------------------------------------------------------------

    def pump(self) -> None:
        """Process pending window events and posted work once (tests and scripts)."""
        self.root.update()
        self.ui.run_pending()
        self.root.update_idletasks()

    def mainloop(self) -> None:
        self.root.mainloop()

    def close(self, *, keep_window: bool = False) -> None:
        """Stop everything the window runs; ``keep_window`` empties it for another ledger."""
        if self.successor is not None:
            self.successor.close()
        if self.closed:
            return
        self.closed = True
        signals.settings_changed.disconnect(self._on_settings)
        signals.job_ran.disconnect(self._on_job)
        signals.sync_progress.disconnect(self._on_sync_progress)
        self.customers.disconnect()
        self.messages.disconnect()
        self.stop_background_tasks()
        self.ui.close()
        self.worker.close()
        for pending in self.root.tk.splitlist(self.root.tk.call("after", "info")):
            self.root.tk.call("after", "cancel", pending)  # no timer outlives the window
        if keep_window:
            for child in self.root.winfo_children():
                child.destroy()
        else:
            self.root.destroy()




def default_background_tasks() -> list[BackgroundTask]:
    """What runs while the window is open: the jobs that run by themselves (the POS sync named
    by the settings, so every sale earns points by itself, the delivery of queued messages,
    expiry, membership refresh and the lucky draw), on APScheduler's clock."""
    return [
        run_jobs,  # each at its schedule's pace (loyalty.domain.rules.schedule.JOBS)
    ]


def make_dpi_aware() -> None:
    """On Windows, draw at the screen's real resolution: without this a scaled screen (125%,
    150%) shows the window stretched and blurry. Elsewhere Tk already does."""
    if sys.platform == "win32":
        import ctypes

        try:
            ctypes.windll.shcore.SetProcessDpiAwareness(1)  # per monitor, Windows 8.1 and later
        except (AttributeError, OSError):
            ctypes.windll.user32.SetProcessDPIAware()  # Windows 7


def run(engine: Engine, *, list_messages: ListMessages | None = None,
        background_tasks: Sequence[BackgroundTask] | None = None) -> None:
    """Open the window on ``engine`` and return when the shop owner closes it."""
    from loyalty_ui_tk.notification_log import message_source

    make_dpi_aware()
    app = LoyaltyApp(
        engine,
        list_messages=list_messages if list_messages is not None else message_source(engine),
        background_tasks=(background_tasks if background_tasks is not None
                          else default_background_tasks()),
    )
    app.mainloop()
    app.close()


def run_demo(engine: Engine, open_real: Callable[[], Engine]) -> None:
    """Open the window on the demo's ``engine``; leaving the demo shows the ledger that
    ``open_real`` opens, in the same window. Nothing runs by itself in the demo: it reads no
    POS and sends no message."""
    from loyalty_ui_tk.notification_log import message_source

    def real_programme(root: tk.Tk) -> LoyaltyApp:
        real = open_real()
        return LoyaltyApp(real, root=root, list_messages=message_source(real),
                          background_tasks=default_background_tasks())

    make_dpi_aware()
    app = LoyaltyApp(engine, list_messages=message_source(engine),
                     real_programme=real_programme)
    app.mainloop()
    app.close()
