"""A channel that keeps what it is given, for tests of the outbox and of code that queues.

It is a real plugin (registered through ``loyalty_channels``), not a mock: the dispatcher
finds it by name like any installed channel. ``fail_with`` scripts the next sends' failures.
"""

from __future__ import annotations

import threading

import attrs

from loyalty.domain.channels import DeliveryFailed
from loyalty.domain.channels import Recipient
from loyalty.plugins.hookspecs import hookimpl
from loyalty.domain.settings import Settings


@attrs.define
class RecordingChannel:
    name: str = "inbox"
    title: str = "Test inbox"
    sent: list[tuple[Recipient, str]] = attrs.Factory(list)
    failures: list[BaseException] = attrs.Factory(list)
    """Raised by the next sends, first one first; empty means success."""
    _lock: threading.Lock = attrs.Factory(threading.Lock)

    def fail_with(self, *failures: BaseException) -> None:
        self.failures.extend(failures)

    def send(self, recipient: Recipient, text: str) -> None:
        with self._lock:
            if self.failures:
                raise self.failures.pop(0)
            self.sent.append((recipient, text))

    def texts(self) -> list[str]:
        return [text for _, text in self.sent]


@attrs.define
class ChannelPlugin:
    """Registers channels with a ``Plugins``: ``Plugins(extra=[ChannelPlugin([channel])])``."""

    channels: list[object]

    @hookimpl
    def loyalty_channels(self, settings: Settings | None) -> list[object]:
        return list(self.channels)


__all__ = ["ChannelPlugin", "DeliveryFailed", "RecordingChannel"]
