"""The contract for notification channels (WhatsApp, Messenger, SMS, e-mail...)."""

from __future__ import annotations

from typing import Protocol

import attrs


@attrs.frozen
class Recipient:
    customer_id: int
    name: str
    key: str | None
    """The customer's key on this channel (CallMeBot API key, e-mail address...)."""
    phone: str | None = None


class DeliveryFailed(Exception):  # noqa: N818 - reads as what happened
    """A channel could not deliver. ``permanent`` failures are not retried."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class Channel(Protocol):
    name: str
    """What a customer's ``platform`` says to pick this channel (``whatsapp``)."""
    title: str
    """For people: ``WhatsApp``."""

    def send(self, recipient: Recipient, text: str) -> None:
        """Deliver ``text`` or raise :class:`DeliveryFailed`; never log secrets."""
        ...
