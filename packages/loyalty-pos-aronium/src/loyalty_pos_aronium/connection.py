"""Opening Aronium's ``pos.db`` read-only, and saying exactly why it could not be opened.

The file belongs to the POS: it is opened with SQLite's ``mode=ro`` URI (no write can reach
it, not even a journal) and ``PRAGMA query_only``. A file in WAL mode whose ``-wal`` file is
absent (Aronium is not running) is opened ``immutable``, because even a ``mode=ro`` connection
creates ``pos.db-wal`` and ``pos.db-shm`` beside it and leaves them (``untouched_wal``). While Aronium writes, SQLite's busy handler
waits up to ``busy_timeout`` seconds for the lock. Every failure becomes an
``AroniumDatabaseError`` naming the path, the cause and what to do; "could not connect to
database" is never the whole story.
"""

from __future__ import annotations

import errno
import hashlib
import os
import sqlite3
from pathlib import Path

from loyalty.domain.errors import LoyaltyError
from loyalty_pos_aronium import schema


SQLITE_HEADER = b"SQLite format 3\x00"
DEFAULT_BUSY_TIMEOUT = 10.0
"""Seconds to wait for Aronium to finish a write before reporting the file as locked."""

WHERE_ARONIUM_KEEPS_IT = (
    r"Aronium keeps it in C:\ProgramData\Aronium\SimplePos\pos.db or "
    r"%LOCALAPPDATA%\Aronium\Data\pos.db, depending on the version"
)


class AroniumDatabaseError(LoyaltyError):
    """The POS database cannot be read; ``kind`` says why, for programs."""

    def __init__(self, path: Path | str, kind: str, cause: str, hint: str) -> None:
        super().__init__(f"Aronium database {path}: {cause}.", hint=hint)
        self.path = str(path)
        self.kind = kind
        self.cause = cause


def missing(path: Path) -> AroniumDatabaseError:
    folder = path.parent
    cause = "no file at this path" if folder.is_dir() else f"the folder {folder} does not exist"
    return AroniumDatabaseError(
        path, "missing", cause,
        f"Set pos.database (or --pos-db) to Aronium's pos.db; {WHERE_ARONIUM_KEEPS_IT}.",
    )


def is_folder(path: Path) -> AroniumDatabaseError:
    inside = path / "pos.db"
    hint = (f"Use the file inside it: {inside}." if inside.is_file()
            else "Choose the pos.db file itself, not the folder that holds it.")
    return AroniumDatabaseError(path, "folder", "this is a folder, not a database file", hint)


def no_permission(path: Path, detail: str = "") -> AroniumDatabaseError:
    cause = "this user has no permission to read it" + (f" ({detail})" if detail else "")
    return AroniumDatabaseError(
        path, "permission", cause,
        "Give this Windows user read access to the file and its folder (Properties > "
        "Security), or run the loyalty app as the user that runs Aronium.",
    )


def started_writing(path: Path) -> AroniumDatabaseError:
    return AroniumDatabaseError(
        path, "locked", "Aronium started writing to it while it was being read",
        "Nothing was recorded from this read; sync again (loyalty watch does by itself).",
    )


def locked(path: Path, seconds: float) -> AroniumDatabaseError:
    return AroniumDatabaseError(
        path, "locked",
        f"the file stayed locked by another program (most likely Aronium saving a sale) "
        f"for {seconds:g} s",
        "Try again in a moment; if it stays locked, finish or cancel the sale open in Aronium, "
        "or restart Aronium.",
    )


def not_sqlite(path: Path, first_bytes: bytes) -> AroniumDatabaseError:
    shown = first_bytes[:16].decode("latin-1").replace("\x00", "")
    what = "it is empty" if not first_bytes else f"it starts with {shown!r}"
    return AroniumDatabaseError(
        path, "not_sqlite", f"this is not a SQLite database ({what})",
        f"Choose Aronium's pos.db; {WHERE_ARONIUM_KEEPS_IT}.",
    )


def not_aronium(path: Path, report: schema.SchemaReport) -> AroniumDatabaseError:
    tables = ", ".join(sorted(report.tables)[:6]) or "no tables at all"
    return AroniumDatabaseError(
        path, "not_aronium",
        f"this SQLite database is not Aronium's: it lacks the tables "
        f"{', '.join(report.missing_tables)} (it has {tables})",
        f"Choose Aronium's pos.db, not another program's database; {WHERE_ARONIUM_KEEPS_IT}.",
    )


def other_version(path: Path, report: schema.SchemaReport, version: str | None) -> AroniumDatabaseError:
    absent = [*report.missing_tables, *report.missing_columns]
    release = f"Aronium {version}" if version else "this Aronium version"
    return AroniumDatabaseError(
        path, "schema",
        f"{release} has a different schema: {', '.join(absent)} missing",
        "Update loyalty-pos-aronium (pip install -U loyalty-pos-aronium); if that does not help, "
        "report the Aronium version so the adapter can learn its schema.",
    )


def explain(path: Path, exc: sqlite3.Error, busy_timeout: float) -> AroniumDatabaseError:
    """Turn what SQLite said into the error a shop owner can act on."""
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return locked(path, busy_timeout)
    if "not a database" in text or "encrypted" in text:
        return not_sqlite(path, _head(path))
    if "readonly" in text or "read-only" in text:
        return AroniumDatabaseError(
            path, "locked",
            "a write that crashed left a journal that only Aronium may roll back",
            "Open Aronium once (it repairs the file), then try again.",
        )
    if "unable to open" in text:
        return diagnose_path(path) or no_permission(path, str(exc))
    return AroniumDatabaseError(path, "sqlite", f"SQLite refused to read it ({exc})",
                                "Check that the file is Aronium's pos.db and not damaged.")


def _head(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            return handle.read(len(SQLITE_HEADER))
    except OSError:
        return b""


def diagnose_path(path: Path) -> AroniumDatabaseError | None:
    """What is wrong with the file before SQLite sees it: missing, a folder, unreadable, not SQLite."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return missing(path)
    except PermissionError as exc:
        return no_permission(path, f"cannot look into {path.parent}: {exc.strerror}")
    except OSError as exc:
        if exc.errno == errno.ENOTDIR:
            return missing(path)
        raise
    if os.path.isdir(path) or (info.st_mode & 0o170000) == 0o040000:
        return is_folder(path)
    try:
        with path.open("rb") as handle:
            head = handle.read(len(SQLITE_HEADER))
    except PermissionError as exc:
        return no_permission(path, exc.strerror or "")
    if head != SQLITE_HEADER:
        return not_sqlite(path, head)
    return None


def sqlite_uri(path: Path) -> str:
    """``file:`` URI of an absolute path; a Windows share (``\\\\till\\Aronium\\pos.db``) keeps
    its server in the path, since SQLite refuses a URI authority other than localhost."""
    uri = path.as_uri()
    if uri.startswith("file://") and not uri.startswith("file:///"):
        return "file:////" + uri.removeprefix("file://")
    return uri


def wal_file(path: Path) -> Path:
    return path.with_name(path.name + "-wal")


def untouched_wal(path: Path) -> bool:
    """The file is in WAL mode (header bytes 18 and 19 are 2) and no ``-wal`` file is beside it:
    no program has it open, everything is in the main file, and a normal read-only open would
    create ``-wal`` and ``-shm`` files (SQLite 3.40 does; tests/test_real_files.py checks)."""
    try:
        with path.open("rb") as handle:
            header = handle.read(20)
    except OSError:
        return False
    return header[:16] == SQLITE_HEADER and header[18:20] == b"\x02\x02" and not wal_file(path).exists()


def shm_file(path: Path) -> Path:
    return path.with_name(path.name + "-shm")


_STAMPED = ((b"", 100), (b"-wal", 32), (b"-shm", 48))
"""The files of a database and the bytes of each that a commit changes: the main file's header
(its change counter, at offset 24, counts every commit outside WAL mode), the ``-wal`` header
(its salts change each time the log restarts from its start) and the ``-shm`` file's first
wal-index header (``mxFrame``, the last frame a reader sees, grows with every commit)."""


def change_stamp(path: Path) -> str:
    """A short text that any commit to the file changes: the bytes of ``_STAMPED`` of the file
    and its ``-wal`` and ``-shm``, each file's size and modification time (read through the
    open file, which is current on Windows too), hashed. Equal stamps taken before two reads
    mean nothing was committed between them, without reading a row; a checkpoint may change
    the stamp with nothing new (which only costs a scan)."""
    digest = hashlib.blake2b(digest_size=12)
    for suffix, length in _STAMPED:
        try:
            with path.with_name(path.name + suffix.decode()).open("rb") as handle:
                head = handle.read(length)
                info = os.fstat(handle.fileno())
        except FileNotFoundError:
            digest.update(b"-" + suffix)
            continue
        except OSError:  # unreadable now: a stamp that matches no other, so nothing is assumed
            digest.update(os.urandom(16))
            continue
        digest.update(b"%s%d:%d:" % (suffix, info.st_size, info.st_mtime_ns) + head)
    return digest.hexdigest()


def open_readonly(path: Path | str, *, busy_timeout: float = DEFAULT_BUSY_TIMEOUT,
                  immutable: bool = False) -> sqlite3.Connection:
    """Open ``path`` read-only and check it is an Aronium database this adapter can read;
    ``immutable``: take no locks and open no ``-wal``/``-shm`` (for an ``untouched_wal`` file,
    whose every read must then check ``change_stamp`` did not change)."""
    path = Path(path).expanduser()
    problem = diagnose_path(path)
    if problem is not None:
        raise problem
    uri = f"{sqlite_uri(path.resolve())}?mode=ro" + ("&immutable=1" if immutable else "")
    try:
        connection = sqlite3.connect(uri, uri=True, timeout=busy_timeout, isolation_level=None,
                                     check_same_thread=False)
    except sqlite3.Error as exc:
        raise explain(path, exc, busy_timeout) from None
    try:
        connection.execute("PRAGMA query_only = 1")
        report = schema.inspect(connection)
        if not report.is_aronium:
            raise not_aronium(path, report)
        if not report.complete:
            raise other_version(path, report, schema.aronium_version(connection))
    except sqlite3.Error as exc:
        connection.close()
        raise explain(path, exc, busy_timeout) from None
    except AroniumDatabaseError:
        connection.close()
        raise
    return connection
