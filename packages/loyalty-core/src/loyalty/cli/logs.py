"""One logging set-up for the command line and the window: a log file the shop can send.

Records at the chosen level (``--log-level`` or ``LOYALTY_LOG_LEVEL``, INFO by default) go to
``loyalty.log`` in the platform's log folder (on Windows ``%LOCALAPPDATA%\\loyalty\\Logs``),
kept to five files of 1 MB, so a windowed app that fails leaves a trace; warnings and errors
also go to stderr when there is one (a windowed app has none). API keys, phone numbers and
message text in URLs are masked in every line, whichever library logged it.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
from pathlib import Path

import platformdirs

from loyalty.cli.paths import APP_NAME
from loyalty.domain.redaction import redact


LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
LOG_FILE_ENV = "LOYALTY_LOG_FILE"
"""Names another log file (tests, or a shop that keeps logs elsewhere)."""
_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class Redacting(logging.Filter):
    """Masks secrets and personal data in a record's final text."""

    def filter(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        masked = redact(text, personal=True)
        if masked != text:
            record.msg, record.args = masked, None
        return True


def log_file() -> Path:
    named = os.environ.get(LOG_FILE_ENV)
    if named:
        return Path(named)
    return platformdirs.user_log_path(APP_NAME, appauthor=False) / "loyalty.log"


def configure_logging(level: str = "INFO") -> Path | None:
    """Install the file and stderr handlers on the root logger (again: replaces them).

    Returns the log file, or None when it cannot be written (logging then goes on without it).
    """
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, "loyalty", False)]:
        root.removeHandler(handler)
        handler.close()
    handlers: list[logging.Handler] = []
    path = log_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        to_file = logging.handlers.RotatingFileHandler(
            path, maxBytes=1_000_000, backupCount=4, encoding="utf-8", delay=True)
        to_file.setLevel(level)
        handlers.append(to_file)
    except OSError:
        written: Path | None = None
    else:
        written = path
    to_stderr = logging.StreamHandler()
    to_stderr.setLevel(max(logging.WARNING, logging.getLevelName(level)))
    handlers.append(to_stderr)
    for handler in handlers:
        handler.setFormatter(logging.Formatter(_FORMAT))
        handler.addFilter(Redacting())
        handler.loyalty = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    root.setLevel(level)
    # Migrations say what they check on every start; worth a line only when debugging.
    logging.getLogger("alembic").setLevel(level if level == "DEBUG" else "WARNING")
    return written
