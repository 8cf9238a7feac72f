"""Opening the ledger database: SQLite by default, any SQLAlchemy URL (PostgreSQL) for chains.

SQLite is tuned for a till: WAL so the UI reads while a sync writes, a busy timeout so two
processes wait for each other instead of failing, and ``BEGIN IMMEDIATE`` for writes so two
writers serialise at the start of a transaction instead of deadlocking half-way.
"""

from __future__ import annotations

import logging
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
import tenacity
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from loyalty.domain.errors import LedgerError
from loyalty.ledger.files import create_private_file
from loyalty.ledger.files import make_private_folder


log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 15_000
CACHE_KIB = 64 * 1024
WAL_CHECKPOINT_PAGES = 16_384
"""Pages (of 4 KiB) the write-ahead log may hold before a commit copies them into the ledger
file; SQLite's default is 1,000. Each batch of a first POS sync rewrites thousands of the same
balance and index pages, and copying them at every commit (with two fsyncs each time) cost a
1,000,000-document sync about 5 s of 58 (bench/aronium_sync.py). A till's small transactions
fill 64 MB only after thousands of sales."""
MIGRATION_LOCK = 0x10_7A17  # PostgreSQL advisory lock key held while migrating


def ledger_url(value: str | Path) -> str:
    """Accept a SQLAlchemy URL or a plain file path (the common case on a till)."""
    text = str(value)
    if "://" in text:
        return text
    return f"sqlite:///{Path(text).expanduser().resolve()}"


def _sqlite_path(url: sa.URL) -> Path | None:
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


def ledger_file(value: str | Path) -> Path | None:
    """The file of a SQLite ledger given as a path or URL; None for a server's database."""
    return _sqlite_path(sa.make_url(ledger_url(value)))


def create_database_engine(url: str | Path) -> sa.Engine:
    """An Engine for the ledger; raises ``LedgerError`` naming the problem and the fix."""
    parsed = sa.make_url(ledger_url(url))
    path = _sqlite_path(parsed)
    if path is not None:
        if path.is_dir():
            raise LedgerError(
                f"The ledger path {path} is a folder.",
                hint="Give a file name inside it, e.g. " + str(path / "loyalty.db"),
            )
        try:
            make_private_folder(path.parent)
            create_private_file(path)
        except OSError as exc:
            raise LedgerError(
                f"Cannot create the folder for the ledger {path}: {exc.strerror}.",
                hint="Choose a folder you can write to with --ledger or LOYALTY_LEDGER.",
            ) from None
    kwargs: dict = {}
    if parsed.get_backend_name() == "sqlite":
        kwargs["connect_args"] = {"timeout": BUSY_TIMEOUT_MS / 1000}
    elif parsed.get_backend_name() == "postgresql":
        kwargs["pool_pre_ping"] = True
    try:
        engine = sa.create_engine(parsed, **kwargs)
    except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError, ImportError) as exc:
        raise LedgerError(
            f"Cannot use the ledger URL {parsed.render_as_string(hide_password=True)}: {exc}",
            hint="Use a file path, sqlite:///PATH or postgresql+psycopg://USER@HOST/DB "
            "(install loyalty-core[postgres] for PostgreSQL).",
        ) from None
    if engine.dialect.name == "sqlite":
        _tune_sqlite(engine)
    return engine


def _tune_sqlite(engine: sa.Engine) -> None:
    @sa.event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves, below
        cursor = dbapi_connection.cursor()
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # 64 MB of page cache instead of SQLite's 2 MB: a POS sync updates balances and
        # per-customer indexes all over the file, and pages that stay cached are not re-read.
        cursor.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
        cursor.execute(f"PRAGMA wal_autocheckpoint={WAL_CHECKPOINT_PAGES}")
        # Once copied, the log file is cut back to that size rather than staying as big as the
        # biggest transaction ever made it.
        cursor.execute(f"PRAGMA journal_size_limit={WAL_CHECKPOINT_PAGES * 4096}")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def on_begin(connection: sa.Connection) -> None:
        readonly = connection.get_execution_options().get("readonly", False)
        connection.exec_driver_sql("BEGIN" if readonly else "BEGIN IMMEDIATE")


def _alembic_config(connection: sa.Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", "loyalty.ledger:migrations")
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    config = Config()
    config.set_main_option("script_location", "loyalty.ledger:migrations")
    head = ScriptDirectory.from_config(config).get_current_head()
    assert head is not None, "the ledger's migrations have a head"
    return head


def current_revision(engine: sa.Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def migrate(engine: sa.Engine) -> None:
    """Bring the schema to the newest revision; a no-op when it is already there."""
    if current_revision(engine) == head_revision():
        return
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as connection:
        if sqlite:
            # SQLite changes a table by copying it (Alembic's batch mode); with foreign keys
            # enforced, dropping the old copy of a referenced table fails. The pragma only
            # takes effect outside a transaction, so it goes straight to the driver.
            _driver_execute(connection, "PRAGMA foreign_keys=OFF")
        try:
            with connection.begin():
                if connection.dialect.name == "postgresql":
                    # Tills started together: one migrates, the others wait here and then
                    # find the schema at head (SQLite's BEGIN IMMEDIATE makes them take turns).
                    connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
                command.upgrade(_alembic_config(connection), "head")
                if sqlite and connection.exec_driver_sql("PRAGMA foreign_key_check").first():
                    raise LedgerError(
                        f"Upgrading the ledger {engine.url} would break links between its "
                        "tables; nothing was changed.",
                        hint="Report this with the ledger file; keep using the older version.",
                    )
        finally:
            if sqlite:
                _driver_execute(connection, "PRAGMA foreign_keys=ON")


def _driver_execute(connection: sa.Connection, statement: str) -> None:
    """Run a statement on the DB-API connection itself, outside any SQLAlchemy transaction."""
    driver = connection.connection.dbapi_connection
    assert driver is not None, "an open connection has its driver connection"
    cursor = driver.cursor()
    try:
        cursor.execute(statement)
    finally:
        cursor.close()


# PostgreSQL gives up one transaction of two that wait for each other (deadlock_detected,
# serialization_failure); a unique_violation means another till committed the same key between
# this transaction's read and its insert. Run again, each is resolved: the retry waits its turn
# or sees the other till's row as a duplicate.
TRANSIENT_SQLSTATES = frozenset({"40P01", "40001", "23505"})
WRITE_ATTEMPTS = 5


def is_transient(error: BaseException) -> bool:
    return isinstance(error, sa.exc.DBAPIError) and \
        getattr(error.orig, "sqlstate", None) in TRANSIENT_SQLSTATES


def retry_transient() -> tenacity.Retrying:
    """Attempts of one write transaction: ``for attempt in retry_transient(): with attempt:``."""
    return tenacity.Retrying(
        retry=tenacity.retry_if_exception(is_transient),
        stop=tenacity.stop_after_attempt(WRITE_ATTEMPTS),
        wait=tenacity.wait_random_exponential(multiplier=0.05, max=1.0),
        before_sleep=tenacity.before_sleep_log(log, logging.INFO),
        reraise=True,
    )


@contextmanager
def translate_errors(engine: sa.Engine) -> Iterator[None]:
    """Turn driver errors into ``LedgerError`` that say what is wrong with which database."""
    try:
        yield
    except sa.exc.DatabaseError as exc:
        message, hint = _explain(engine, exc)
        raise LedgerError(message, hint=hint or None) from None
    except OverflowError:  # SQLite's driver: an int beyond 64 bits, which a bound missed
        raise LedgerError("A number is too large for the ledger; nothing was changed.",
                          hint="Check the amounts and ids given.") from None



@contextmanager
def transaction(engine: sa.Engine) -> Iterator[sa.Connection]:
    """One short transaction outside a unit of work (the outbox's claims and results), with
    its driver errors explained like every other ledger error."""
    with translate_errors(engine), engine.begin() as connection:
        yield connection


def _explain(engine: sa.Engine, exc: sa.exc.DBAPIError) -> tuple[str, str]:
    where = engine.url.render_as_string(hide_password=True)
    text = " ".join(str(exc.orig).split())  # one line: the CLI prints errors as one
    lowered = text.lower()
    if "out of range" in lowered:  # PostgreSQL: a number beyond its column
        return ("A number is too large for the ledger; nothing was changed.",
                "Check the amounts and ids given.")
    if "locked" in lowered or "busy" in lowered:
        return (
            f"The ledger {where} stayed locked by another program for "
            f"{BUSY_TIMEOUT_MS // 1000} s.",
            "Close other 'loyalty' windows or commands, or try again.",
        )
    if "not a database" in lowered or "file is encrypted" in lowered:
        return (
            f"The ledger {where} is not a SQLite database.",
            "Point --ledger at the loyalty database file, or at a new file to create one.",
        )
    if "unable to open" in lowered or "readonly" in lowered or "read-only" in lowered:
        return (
            f"Cannot write the ledger {where}: {text}.",
            "Check that the file and its folder can be written by this user.",
        )
    if "could not connect" in lowered or "connection refused" in lowered:
        return (
            f"Cannot reach the ledger server {where}: {text.strip()}.",
            "Check that PostgreSQL is running and the URL's host, port and database are right.",
        )
    return (f"The ledger {where} failed: {text.strip()}.", "")


@contextmanager
def fresh_postgres_schema(server_url: str) -> Iterator[str]:
    """A new empty schema on a PostgreSQL server, as a ledger URL whose search_path is that
    schema; dropped afterwards. Everything (Alembic's version table too) lands in the schema,
    so tests (or a trial run) never see each other's rows."""
    name = f"test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"CREATE SCHEMA {name}")
        url = sa.make_url(server_url).update_query_dict({"options": f"-csearch_path={name}"})
        try:
            yield url.render_as_string(hide_password=False)
        finally:
            with admin.connect() as conn:
                conn.exec_driver_sql(f"DROP SCHEMA {name} CASCADE")
    finally:
        admin.dispose()
