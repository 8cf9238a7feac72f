"""The main window: a header, the 'All Customers', 'Settings', 'Notification log' and 'Jobs' tabs.

The window holds no business rule: every number it shows and every change it makes goes
through the engine. Reads run on a worker thread; engine signals (which may come from a
background sync thread) reach the widgets through the ``UiQueue``.
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

TITLE = "Loyalty Points Manager"


class LoyaltyApp:
    def __init__(
        self,
        engine: Engine,
        *,
        root: tk.Tk | None = None,
        list_messages: ListMessages | None = None,
        background_tasks: Sequence[BackgroundTask] = (),
    ) -> None:
        self.engine = engine
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

        # Styles first, so every widget is built in the themed look (a theme switched after
        # building leaves some, like the combobox arrow, without theirs); then again for the
        # widgets that colour themselves.
        self.apply_theme(engine.settings.appearance.theme)
        self._build(list_messages)
        self.apply_theme(engine.settings.appearance.theme)
        signals.settings_changed.connect(self._on_settings, weak=False)
        signals.job_ran.connect(self._on_job, weak=False)
        self.root.protocol("WM_DELETE_WINDOW", self.close)
        self.customers.search.focus_set()  # the cashier can type a name at once
        self.start_background_tasks()

    # ---- layout -----------------------------------------------------------------------------

    def _build(self, list_messages: ListMessages | None) -> None:
        header = ttk.Frame(self.root, style="Header.TFrame", padding=(20, 12))
        header.pack(fill="x")
        self.shop_label = ttk.Label(header, style="HeaderTitle.TLabel")
        self.shop_label.pack(side="left")
        self.rules_label = ttk.Label(header, style="HeaderInfo.TLabel")
        self.rules_label.pack(side="right")
        self.banner = ttk.Label(self.root, style="Banner.TLabel", text=(
            "These are demo customers, so you can try everything. To use your own, choose your "
            "POS and its database in Settings › General."))

        self.footer = ttk.Label(self.root, style="Muted.TLabel", padding=(16, 4, 16, 8))
        self.footer.pack(fill="x", side="bottom")
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
        if settings.pos.adapter is None and self._showing_demo():
            self.banner.pack(fill="x", after=self.shop_label.master)
        else:
            self.banner.pack_forget()

    def _showing_demo(self) -> bool:
        first = self.engine.customers(limit=1)
        return bool(first) and first[0].customer.origin == "demo"

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
        if old.pos != new.pos:
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

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        signals.settings_changed.disconnect(self._on_settings)
        signals.job_ran.disconnect(self._on_job)
        self.customers.disconnect()
        self.messages.disconnect()
        self.stop_background_tasks()
        self.ui.close()
        self.worker.close()
        for pending in self.root.tk.splitlist(self.root.tk.call("after", "info")):
            self.root.tk.call("after", "cancel", pending)  # no timer outlives the window
        self.root.destroy()


DELIVERY_INTERVAL = 10.0
"""Seconds between rounds of sending queued messages while the window is open."""
SYNC_INTERVAL = 1.0
"""Seconds between looks at the POS for new sales while the window is open."""


def default_background_tasks() -> list[BackgroundTask]:
    """What runs while the window is open: the jobs that run by themselves (the POS sync named
    by the settings, so every sale earns points by itself, the delivery of queued messages,
    expiry, membership refresh and the lucky draw), on APScheduler's clock."""
    return [
        functools.partial(run_jobs, every={"pos_sync": SYNC_INTERVAL,
                                           "messages": DELIVERY_INTERVAL}),
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
