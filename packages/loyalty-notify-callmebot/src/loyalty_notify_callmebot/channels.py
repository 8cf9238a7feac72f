"""The four CallMeBot channels: WhatsApp, Facebook Messenger, Telegram and Signal.

What the customer's ``messaging_key`` is depends on the channel: the API key CallMeBot sent
them on WhatsApp, Messenger and Signal (the phone number comes from the customer record), and
their ``@username`` (or phone) on Telegram, which needs no key.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import attrs
import requests

from loyalty.domain.channels import DeliveryFailed
from loyalty.domain.channels import Recipient
from loyalty_notify_callmebot import api
from loyalty_notify_callmebot.options import Options
from loyalty_notify_callmebot.throttle import Throttle


log = logging.getLogger(__name__)


def international_phone(recipient: Recipient, title: str) -> str:
    """The customer's phone as ``+<digits>``; spaces, dashes and brackets dropped."""
    raw = (recipient.phone or "").strip()
    digits = "".join(ch for ch in raw if ch.isdigit())
    if not digits:
        raise DeliveryFailed(
            f"{title} needs the customer's phone number; add it with "
            f"'loyalty customer set {recipient.customer_id} --phone +<country code><number>'",
            permanent=True,
        )
    return ("+" if raw.startswith(("+", "00")) else "") + digits.removeprefix(
        "00" if raw.startswith("00") else "")


def _key(recipient: Recipient, title: str) -> str:
    if not recipient.key:
        raise DeliveryFailed(f"the customer has no {title} key", permanent=True)
    return recipient.key.strip()


def whatsapp_params(recipient: Recipient, text: str) -> dict[str, str]:
    return {"phone": international_phone(recipient, "WhatsApp"), "text": text,
            "apikey": _key(recipient, "WhatsApp")}


def signal_params(recipient: Recipient, text: str) -> dict[str, str]:
    return {"phone": international_phone(recipient, "Signal"),
            "apikey": _key(recipient, "Signal"), "text": text}


def messenger_params(recipient: Recipient, text: str) -> dict[str, str]:
    return {"apikey": _key(recipient, "Messenger"), "text": text}


def telegram_params(recipient: Recipient, text: str) -> dict[str, str]:
    return {"user": _key(recipient, "Telegram"), "text": text}


@attrs.define
class CallMeBotChannel:
    """One CallMeBot endpoint as a :class:`loyalty.domain.channels.Channel`."""

    name: str
    title: str
    params: Callable[[Recipient, str], dict[str, str]]
    options: Options
    session: requests.Session
    throttle: Throttle

    def send(self, recipient: Recipient, text: str) -> None:
        params = self.params(recipient, text)
        self.throttle.wait(f"{self.name}:{recipient.customer_id}")
        answer = api.call(
            self.session, self.options.base_url.rstrip("/") + api.PATHS[self.name], self.name,
            params, timeout=(self.options.connect_timeout, self.options.read_timeout),
            success_text=self.options.success_texts.get(self.name),
            throttle_pause=self.options.throttle_pause,
        )
        if answer.outcome == "sent":
            log.info("%s message to customer %d accepted by CallMeBot", self.title,
                     recipient.customer_id)
            return
        raise DeliveryFailed(answer.detail, permanent=answer.outcome == "permanent",
                             retry_after=answer.retry_after, recipient_only=True)


CHANNELS = (
    ("whatsapp", "WhatsApp", whatsapp_params),
    ("messenger", "Facebook Messenger", messenger_params),
    ("telegram", "Telegram", telegram_params),
    ("signal", "Signal", signal_params),
)


def build_channels(
    options: Options, *, session: requests.Session | None = None,
    throttle: Throttle | None = None,
) -> list[CallMeBotChannel]:
    """The four channels sharing one HTTP session and one throttle (they share one host)."""
    if session is None:
        session = requests.Session()
        session.headers["User-Agent"] = "loyalty-notify-callmebot"
    if throttle is None:
        throttle = Throttle(options.per_recipient_interval, options.min_interval)
    return [CallMeBotChannel(name, title, params, options, session, throttle)
            for name, title, params in CHANNELS]
