"""Keeping secrets out of logs and error columns.

A channel's key for a customer (a CallMeBot API key) travels in URLs and can come back inside
error messages. Everything the outbox stores or logs about a failure passes through
``redact`` first; a channel plugin can use the same function on its own log lines.
"""

from __future__ import annotations

import re
from collections.abc import Iterable


MASK = "***"

SECRET_PARAMS = ("apikey", "api_key", "key", "token", "password", "secret")
"""Query parameters whose values are hidden wherever they appear (``apikey=123456``)."""

PERSONAL_PARAMS = ("phone", "text", "user", "to", "recipient", "message")
"""Parameters that carry a customer's phone or a message's words: hidden in logs too."""


def _params(names: Iterable[str]) -> re.Pattern[str]:
    return re.compile(
        r"(?P<name>\b(?:" + "|".join(names) + r"))(?P<sep>=|%3D|:\s*)(?P<value>[^&\s\"'<>]+)",
        re.IGNORECASE,
    )


_PARAM = _params(SECRET_PARAMS)
_LOGGED_PARAM = _params(SECRET_PARAMS + PERSONAL_PARAMS)


def redact(text: str, secrets: Iterable[str | None] = (), *, personal: bool = False) -> str:
    """``text`` with every secret value and every ``apikey=...``-like parameter masked;
    ``personal`` masks phones and message text in URLs too (``phone=...&text=...``)."""
    for secret in sorted({s for s in secrets if s and s not in MASK}, key=len, reverse=True):
        while secret in text:  # again: masking can join the pieces of an overlapping copy
            text = text.replace(secret, MASK)
    pattern = _LOGGED_PARAM if personal else _PARAM
    return pattern.sub(lambda m: f"{m['name']}{m['sep']}{MASK}", text)
