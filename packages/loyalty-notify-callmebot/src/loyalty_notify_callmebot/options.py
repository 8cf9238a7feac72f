"""The plugin's settings, from ``[plugins.callmebot]`` in the shop's settings file
(read with ``loyalty.plugins.options.plugin_options``)."""

from __future__ import annotations

import urllib.parse

import attrs

from loyalty_notify_callmebot.api import DEFAULT_BASE_URL
from loyalty_notify_callmebot.api import THROTTLE_PAUSE


def _seconds(instance: object, attribute: attrs.Attribute, value: float) -> None:
    if value < 0:
        raise ValueError(f"must be zero or more seconds (got {value})")


def _web_address(instance: object, attribute: attrs.Attribute, value: str) -> None:
    parts = urllib.parse.urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"must be an http:// or https:// address (got {value!r}); "
                         f"the default is {DEFAULT_BASE_URL}")


@attrs.frozen
class Options:
    base_url: str = attrs.field(default=DEFAULT_BASE_URL, validator=_web_address)
    """Where CallMeBot's API is; tests point it at a local server."""
    connect_timeout: float = attrs.field(default=5.0, converter=float, validator=_seconds)
    read_timeout: float = attrs.field(default=30.0, converter=float, validator=_seconds)
    per_recipient_interval: float = attrs.field(default=5.0, converter=float, validator=_seconds)
    min_interval: float = attrs.field(default=1.0, converter=float, validator=_seconds)
    throttle_pause: float = attrs.field(default=THROTTLE_PAUSE, converter=float,
                                        validator=_seconds)
    """How long to leave CallMeBot alone after it says we send too much."""
    success_texts: dict[str, str] = attrs.field(factory=dict, converter=dict, hash=False)
    """Override the text that means 'sent', per channel, should CallMeBot reword it."""
