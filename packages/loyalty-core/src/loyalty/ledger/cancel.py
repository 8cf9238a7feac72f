"""Stopping a read from another thread when its answer is no longer wanted.

A window searching as the user types starts a read per keystroke; the read of an older
keystroke should stop at once rather than finish a page nobody will see. ``ReadCancel`` is
handed to the read and ``cancel()``-ed from any thread: the statement running is interrupted by
its driver (SQLite's ``sqlite3.Connection.interrupt()``; psycopg's ``Connection.cancel_safe()``,
``cancel()`` before psycopg 3.2; a driver with none of them lets it finish), and no further
statement of the read starts. The read then raises ``ReadCancelled`` and changes nothing:
reads are read-only.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa

from loyalty.domain.errors import ReadCancelled


class ReadCancel:
    """A token that stops the read it is given to; ``cancel()`` is safe from any thread,
    before the read starts (it never starts), while it runs, or after (a no-op)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cancelled = False
        self._interrupt: Callable[[], object] | None = None

    @property
    def cancelled(self) -> bool:
        return self._cancelled

    def cancel(self) -> None:
        """Stop the read: its running statement now, and every statement after it.

        Returns at once (it is called from the window's thread at every keystroke): the
        driver's interrupt runs on a short-lived thread, as psycopg's is a round trip to the
        server (about 3 ms on the same machine with ``cancel()``, which holds the GIL).
        """
        with self._lock:
            self._cancelled = True
            running = self._interrupt is not None
        if running:
            threading.Thread(target=self._interrupt_running, name="loyalty-read-cancel",
                             daemon=True).start()

    def _interrupt_running(self) -> None:
        with self._lock:  # held while interrupting: the connection is still the read's
            if self._interrupt is not None:
                self._interrupt()

    def check(self) -> None:
        """Raise ``ReadCancelled`` if the read was cancelled (between two steps of work)."""
        if self._cancelled:
            raise ReadCancelled()

    @contextmanager
    def watching(self, connection: sa.Connection) -> Iterator[None]:
        """Let ``cancel()`` interrupt ``connection`` while the block runs; a cancelled read
        raises ``ReadCancelled`` instead of the driver's error or its result."""
        self.check()
        raw = connection.connection.dbapi_connection
        interrupt = (getattr(raw, "interrupt", None) or getattr(raw, "cancel_safe", None)
                     or getattr(raw, "cancel", None))  # sqlite3, psycopg 3.2+, psycopg

        def before_statement(*_: object) -> None:
            self.check()

        sa.event.listen(connection, "before_cursor_execute", before_statement)
        with self._lock:
            self._interrupt = interrupt
        try:
            yield
        except sa.exc.DBAPIError:
            if self._cancelled:
                raise ReadCancelled() from None
            raise
        finally:
            with self._lock:  # no interrupt can reach the connection once it is given back
                self._interrupt = None
            sa.event.remove(connection, "before_cursor_execute", before_statement)
        self.check()
