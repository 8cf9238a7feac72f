"""The ledger as files on the till: created readable by the shop's account only, and backed up.

The ledger holds customers' phones and messaging keys. On Linux and macOS a new ledger file is
created 0600 in a folder created 0700 (SQLite gives its ``-wal`` and ``-shm`` files the ledger's
own permissions); backups likewise. On Windows the permission bits do not apply: the default
folder, ``%LOCALAPPDATA%``, is already readable only by the user (and administrators), so keep
the ledger and its backups under it or in a folder with the same access.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from pathlib import Path


PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700


def make_private_folder(path: Path) -> None:
    """Create ``path`` (and its parents) if missing; the folder itself only for its owner."""
    if not path.is_dir():
        path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_FOLDER)


def create_private_file(path: Path) -> bool:
    """Create an empty file only its owner can read, unless one is there; True if created.

    An empty file is an empty SQLite database, so the ledger can be created this way first and
    then opened: SQLite keeps the permissions of the file it finds.
    """
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    except FileExistsError:
        return False
    os.close(descriptor)
    return True


def backup_sqlite(source: Path, target: Path) -> Path:
    """A consistent copy of the SQLite ledger ``source`` at ``target``, taken while tills keep
    writing (SQLite's online backup), readable by the owner only."""
    make_private_folder(target.parent)
    if target.exists():
        raise FileExistsError(target)
    create_private_file(target)
    with closing(sqlite3.connect(source)) as origin, closing(sqlite3.connect(target)) as copy:
        origin.backup(copy)
    return target
