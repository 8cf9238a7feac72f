"""WhatsApp, Messenger, Telegram and Signal messages through CallMeBot.

Installed, it offers four channels a customer's ``platform`` can name: ``whatsapp``,
``messenger``, ``telegram`` and ``signal``. Options live in ``[plugins.callmebot]``
(see ``options.Options``). API keys are kept out of every log line: the plugin filters the
HTTP library's debug log, which would otherwise print the request URL with the key.
"""

from __future__ import annotations

import logging
import threading

from loyalty.plugins.hookspecs import hookimpl
from loyalty.domain.redaction import redact
from loyalty.plugins.options import plugin_options
from loyalty.domain.settings import Settings
from loyalty_notify_callmebot.channels import CallMeBotChannel
from loyalty_notify_callmebot.channels import build_channels
from loyalty_notify_callmebot.options import Options


class RedactSecrets(logging.Filter):
    """Masks ``apikey=...`` in every record that passes; installed on the loggers that see URLs."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        safe = redact(message)
        if safe != message:
            record.msg, record.args = safe, ()
        return True


LOGGERS_WITH_URLS = ("urllib3.connectionpool", "requests", __name__)


def install_log_filter() -> None:
    for name in LOGGERS_WITH_URLS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactSecrets) for f in logger.filters):
            logger.addFilter(RedactSecrets())


install_log_filter()

_built: dict[Options, list[CallMeBotChannel]] = {}
_lock = threading.Lock()


@hookimpl
def loyalty_channels(settings: Settings | None) -> list[CallMeBotChannel]:
    """The four channels, configured from ``settings.plugins['callmebot']``.

    The same options give the same channel objects, so the throttle remembers recent sends.
    """
    options = plugin_options(Options, settings, "callmebot")
    with _lock:
        if options not in _built:
            _built[options] = build_channels(options)
        return _built[options]
