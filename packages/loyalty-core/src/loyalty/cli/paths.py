"""Where the ledger and settings live by default: the user's data and config folders.

On Windows that is ``%LOCALAPPDATA%\\loyalty`` (writable without admin rights, unlike the
program's own folder); on Linux ``~/.local/share/loyalty`` and ``~/.config/loyalty``.
"""

from __future__ import annotations

from pathlib import Path

import platformdirs


APP_NAME = "loyalty"


def default_ledger_path() -> Path:
    return platformdirs.user_data_path(APP_NAME, appauthor=False) / "loyalty.db"


def default_settings_path() -> Path:
    return platformdirs.user_config_path(APP_NAME, appauthor=False) / "settings.toml"
