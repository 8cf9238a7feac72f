"""Where Aronium keeps ``pos.db`` on this computer, and whether a path is one.

First run should not ask a shop owner to dig through hidden folders: ``find_database`` looks in
the places public readers of real files use, the most common first (docs/aronium.md, "Real
files"). ``check_database`` is what ``loyalty settings set pos.database`` and the window call
before saving a path: it refuses, in one line, a path that is not an Aronium database.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from loyalty.domain.errors import SettingsError
from loyalty_pos_aronium.connection import AroniumDatabaseError
from loyalty_pos_aronium.connection import open_readonly


def known_places(environ: Mapping[str, str] | None = None) -> list[Path]:
    """Where public readers of real files find ``pos.db``, most common first:
    ``%LOCALAPPDATA%\\Aronium\\Data`` (8+ repositories, 2023-2026), then ProgramData's
    SimplePos (one), then ``%APPDATA%``, ``C:\\Aronium`` and Program Files (installer scripts)."""
    env = os.environ if environ is None else environ
    places = []
    if env.get("LOCALAPPDATA"):
        places.append(Path(env["LOCALAPPDATA"], "Aronium", "Data", "pos.db"))
    elif env.get("USERPROFILE"):
        places.append(Path(env["USERPROFILE"], "AppData", "Local", "Aronium", "Data", "pos.db"))
    places.append(Path(env.get("PROGRAMDATA") or r"C:\ProgramData", "Aronium", "SimplePos", "pos.db"))
    if env.get("APPDATA"):
        places.append(Path(env["APPDATA"], "Aronium", "Data", "pos.db"))
    places.append(Path("C:\\", "Aronium", "Data", "pos.db"))
    for program_files in ("PROGRAMFILES", "PROGRAMFILES(X86)"):
        folder = env.get(program_files) or (
            r"C:\Program Files" if program_files == "PROGRAMFILES" else r"C:\Program Files (x86)")
        places.append(Path(folder, "Aronium", "Data", "pos.db"))
    return list(dict.fromkeys(places))


def find_database(environ: Mapping[str, str] | None = None) -> Path | None:
    """The first known place that holds a file, or None (on a computer without Aronium)."""
    return next((place for place in known_places(environ) if place.is_file()), None)


def check_database(path: str | Path) -> None:
    """Refuse ``path`` for ``pos.database`` unless it is an Aronium database this adapter reads:
    a ``SettingsError`` whose one line says why (missing, a folder, not SQLite, another
    program's). Opens the file read-only for a moment and never changes it."""
    try:
        open_readonly(path, busy_timeout=1.0).close()
    except AroniumDatabaseError as error:
        if error.kind == "locked":
            return  # Aronium is writing: the path itself is fine
        raise SettingsError("pos.database", f"{error.path}: {error.cause}",
                            hint=error.hint) from None
