"""Hand work from any thread to the Tk thread.

Tk widgets may only be touched from the thread that created them, but the engine publishes
its signals in whichever thread committed (a background sync, a query worker). Those threads
``post`` a callable here; the Tk thread runs it on its next poll.
"""

from __future__ import annotations

import functools
import logging
import queue
import tkinter as tk
from collections.abc import Callable
from typing import TypeVar


log = logging.getLogger(__name__)

POLL_MS = 30
AWAITED_POLL_MS = 4
"""The poll while a ``Worker``'s answer is awaited: a search's rows are shown within a few ms of
being read, not up to ``POLL_MS`` later (a quarter of the keystroke-to-rows goal of 50 ms)."""

T = TypeVar("T")


class UiQueue:
    """A thread-safe mailbox the Tk main loop empties every ``POLL_MS`` milliseconds."""

    def __init__(self, root: tk.Misc) -> None:
        self._root = root
        self._queue: queue.SimpleQueue[Callable[[], object]] = queue.SimpleQueue()
        self._after: str | None = None
        self._closed = False
        self._awaited = 0
        self._poll()

    def post(self, work: Callable[[], object]) -> None:
        """Run ``work()`` in the Tk thread soon; safe to call from any thread, also after close."""
        if not self._closed:
            self._queue.put(work)

    def expect(self) -> None:
        """An answer is on its way (from a ``Worker``): poll often until ``received``."""
        self._awaited += 1
        if self._awaited == 1 and self._after is not None and not self._closed:
            self._root.after_cancel(self._after)
            self._after = self._root.after(AWAITED_POLL_MS, self._poll)

    def received(self) -> None:
        self._awaited -= 1

    def run_pending(self) -> int:
        """Run everything posted so far (in the Tk thread); returns how many ran."""
        ran = 0
        while True:
            try:
                work = self._queue.get_nowait()
            except queue.Empty:
                return ran
            ran += 1
            try:
                work()
            except Exception:
                log.exception("UI work posted from another thread failed")

    def _poll(self) -> None:
        self._after = None  # no timer pending while the work runs (``expect`` may be called)
        if self._closed:
            return
        self.run_pending()
        self._after = self._root.after(AWAITED_POLL_MS if self._awaited else POLL_MS,
                                       self._poll)

    def close(self) -> None:
        self._closed = True
        if self._after is not None:
            try:
                self._root.after_cancel(self._after)
            except tk.TclError:
                pass


class Worker:
    """One background thread for reads, so a slow query never freezes the window.

    ``submit(job, then)`` runs ``job()`` off the Tk thread and ``then(result)`` back on it;
    an exception goes to ``on_error`` (also on the Tk thread). One thread keeps the reads in
    the order they were asked for.
    """

    def __init__(self, ui: UiQueue, on_error: Callable[[BaseException], object]) -> None:
        from concurrent.futures import ThreadPoolExecutor

        self._ui = ui
        self._on_error = on_error
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="loyalty-ui-read")
        self._pending = 0

    @property
    def busy(self) -> bool:
        return self._pending > 0

    def submit(self, job: Callable[[], T], then: Callable[[T], object],
               on_error: Callable[[BaseException], object] | None = None) -> None:
        """Run ``job`` off the Tk thread; ``on_error`` replaces the worker's error handler."""
        self._pending += 1
        self._ui.expect()
        failed = on_error or self._on_error

        def run() -> None:
            try:
                result = job()
            except BaseException as error:  # noqa: BLE001 - reported in the window
                # partial, not a lambda: ``error`` is unbound when the except block ends
                self._ui.post(functools.partial(self._done, failed, error))
            else:
                self._ui.post(functools.partial(self._done, then, result))

        self._pool.submit(run)

    def _done(self, callback: Callable[[T], object], value: T) -> None:
        self._pending -= 1
        self._ui.received()
        callback(value)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
