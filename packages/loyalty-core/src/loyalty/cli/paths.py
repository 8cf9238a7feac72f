"""Where the ledger and settings live by default: the user's data and config folders.

On Windows that is ``%LOCALAPPDATA%\\loyalty`` (writable without admin rights, unlike the
program's own folder); on Linux ``~/.local/share/loyalty`` and ``~/.config/loyalty``.
The demo has a ledger of its own beside the shop's (``loyalty-demo.db``), so its customers
never mix with the real ones.
"""

from __future__ import annotations

from pathlib import Path

import platformdirs


APP_NAME = "loyalty"
DEMO_SUFFIX = "-demo"


def default_ledger_path() -> Path:
    return platformdirs.user_data_path(APP_NAME, appauthor=False) / "loyalty.db"


def default_settings_path() -> Path:
    return platformdirs.user_config_path(APP_NAME, appauthor=False) / "settings.toml"


def demo_ledger_path(ledger: str) -> Path:
    """The demo's own ledger for the shop's ``ledger``: a file beside it (``loyalty.db`` ->
    ``loyalty-demo.db``); for a server's database, the file in the user's data folder."""
    from loyalty.ledger.database import ledger_file  # late: keeps ``loyalty --help`` fast

    path = ledger_file(ledger)
    if path is None:
        path = default_ledger_path()
    return path.with_name(f"{path.stem}{DEMO_SUFFIX}{path.suffix}")


def real_programme_started(ledger: str) -> bool:
    """Whether the shop's own ledger is there: a server's database always is; a file once the
    shop started its real programme (or anything else wrote to it)."""
    from loyalty.ledger.database import ledger_file

    path = ledger_file(ledger)
    return path is None or path.exists()
