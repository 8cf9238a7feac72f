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
    """A channel could not deliver. ``permanent`` failures are not retried.

    ``retry_after`` (seconds) asks the dispatcher to send nothing more on this channel for
    that long, e.g. when the service says it is throttling us; with ``recipient_only`` the
    pause holds only this recipient's messages (a service that limits each recipient's key).
    """

    def __init__(
        self, message: str, *, permanent: bool = False, retry_after: float | None = None,
        recipient_only: bool = False,
    ) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.retry_after = retry_after
        self.recipient_only = recipient_only


class Channel(Protocol):
    name: str
    """What a customer's ``platform`` says to pick this channel (``whatsapp``)."""
    title: str
    """For people: ``WhatsApp``."""

    def send(self, recipient: Recipient, text: str) -> None:
        """Deliver ``text`` or raise :class:`DeliveryFailed`; never log secrets."""
        ...


def missing_key(platform: str, messaging_key: str | None) -> str | None:
    """Why messages cannot reach a customer on ``platform`` (no key there), or None: said
    where the platform is chosen, not when the first message fails."""
    if platform != "none" and not (messaging_key or "").strip():
        return f"{platform} needs the customer's key on it; without one no message is sent."
    return None
