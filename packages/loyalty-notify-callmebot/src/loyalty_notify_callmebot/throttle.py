"""Pacing requests to CallMeBot: a minimum interval per recipient and overall.

CallMeBot has no published limits; users report a 15-minute lock after several messages
within a second. So by default one request per second at most, and five seconds between two
messages to the same person. Waiting happens here (in the dispatcher's thread), not by
failing the message, so a short wait never uses up an attempt.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import attrs


@attrs.define
class Throttle:
    per_recipient: float = 5.0
    """Seconds between two requests for the same recipient."""
    overall: float = 1.0
    """Seconds between any two requests."""
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    _last_any: float | None = None
    _last: dict[str, float] = attrs.Factory(dict)
    _lock: threading.Lock = attrs.Factory(threading.Lock)

    def wait(self, recipient: str) -> float:
        """Block until a request for ``recipient`` may go; returns the seconds waited.

        Holds the lock while sleeping, so concurrent senders queue up instead of bursting.
        """
        with self._lock:
            now = self.clock()
            ready = now
            if self._last_any is not None:
                ready = max(ready, self._last_any + self.overall)
            if recipient in self._last:
                ready = max(ready, self._last[recipient] + self.per_recipient)
            waited = ready - now
            if waited > 0:
                self.sleep(waited)
            self._last_any = ready
            self._last[recipient] = ready
            self._forget_before(ready - self.per_recipient)
            return max(waited, 0.0)

    def _forget_before(self, moment: float) -> None:
        for key in [k for k, at in self._last.items() if at < moment]:
            del self._last[key]
