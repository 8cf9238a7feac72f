"""Every way pos.db can fail to open is named: the path, the cause and what to do.

A file locked by Aronium needs a second process; those cases are in test_locking.py.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from pathlib import Path

import pytest

from loyalty_pos_aronium.adapter import AroniumAdapter
from loyalty_pos_aronium.connection import AroniumDatabaseError
from loyalty_pos_aronium.testing import AroniumFixture


def open_error(path: Path) -> AroniumDatabaseError:
    with pytest.raises(AroniumDatabaseError) as raised:
        AroniumAdapter(path)
    error = raised.value
    text = str(error)
    assert text.startswith(f"Aronium database {path}: "), text
    assert error.hint, "every error says what to do"
    assert "could not connect" not in text.lower()
    return error


def test_a_missing_file_says_where_aronium_keeps_it(tmp_path):
    error = open_error(tmp_path / "pos.db")

    assert error.kind == "missing"
    assert "no file at this path" in str(error)
    assert r"%LOCALAPPDATA%\Aronium\Data\pos.db" in str(error)


def test_a_missing_folder_is_named(tmp_path):
    error = open_error(tmp_path / "Aronium" / "Data" / "pos.db")

    assert error.kind == "missing"
    assert f"the folder {tmp_path / 'Aronium' / 'Data'} does not exist" in str(error)


def test_a_folder_points_at_the_pos_db_inside_it(tmp_path):
    AroniumFixture(tmp_path / "pos.db").close()

    error = open_error(tmp_path)

    assert error.kind == "folder"
    assert "is a folder, not a database file" in str(error)
    assert f"Use the file inside it: {tmp_path / 'pos.db'}" in str(error)


def test_a_file_that_is_not_sqlite_says_what_it_starts_with(tmp_path):
    path = tmp_path / "pos.db"
    path.write_text("Name,Points\nNimal,120\n")

    error = open_error(path)

    assert error.kind == "not_sqlite"
    assert "not a SQLite database (it starts with 'Name,Points" in str(error)


def test_an_empty_file_is_not_a_database(tmp_path):
    path = tmp_path / "pos.db"
    path.touch()

    error = open_error(path)

    assert (error.kind, error.cause) == ("not_sqlite", "this is not a SQLite database (it is empty)")


def test_another_program_s_sqlite_database_is_not_taken_for_aronium(tmp_path):
    path = tmp_path / "loyalty.db"
    with sqlite3.connect(path) as other:
        other.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
    other.close()

    error = open_error(path)

    assert error.kind == "not_aronium"
    assert "not Aronium's: it lacks the tables Customer, Document, DocumentType" in str(error)
    assert "(it has customers)" in str(error)


def test_another_aronium_version_names_the_missing_column_and_the_version(tmp_path):
    AroniumFixture(tmp_path / "pos.db", drop=["Document.ReferenceDocumentNumber"]).close()

    error = open_error(tmp_path / "pos.db")

    assert error.kind == "schema"
    assert "Aronium 1.38.2.0 has a different schema: Document.ReferenceDocumentNumber missing" \
        in str(error)
    assert "Update loyalty-pos-aronium" in str(error)


def _unreadable_by(user_id: int, path: Path) -> str:
    """Try to open ``path`` in a child process running as ``user_id``; return the error text.

    Root reads every file whatever its mode, so as root the permission case can only be
    seen by a process that really lacks the permission: fork, drop to that user, try.
    """
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        os.close(reader)
        try:
            os.setgid(user_id)
            os.setuid(user_id)
            AroniumAdapter(path)
            message = "opened"
        except AroniumDatabaseError as error:
            message = f"{error.kind}|{error}"
        except BaseException as error:  # noqa: BLE001 - reported to the parent
            message = f"crash|{error!r}"
        os.write(writer, message.encode())
        os._exit(0)
    os.close(writer)
    with os.fdopen(reader) as pipe:
        message = pipe.read()
    os.waitpid(pid, 0)
    return message


@pytest.fixture
def shared_folder() -> Path:
    """A folder every user may enter (pytest's tmp_path is private to its owner)."""
    folder = Path(tempfile.mkdtemp(prefix="aronium-perm-"))
    folder.chmod(0o755)
    yield folder
    for child in folder.iterdir():
        child.chmod(0o644)
        child.unlink()
    folder.rmdir()


def test_a_file_this_user_may_not_read_is_reported_as_a_permission_problem(shared_folder):
    path = shared_folder / "pos.db"
    AroniumFixture(path).close()
    path.chmod(0o000)

    if os.geteuid() == 0:
        kind, _, text = _unreadable_by(65534, path).partition("|")
    else:
        error = open_error(path)
        kind, text = error.kind, str(error)

    assert kind == "permission", text
    assert text.startswith(f"Aronium database {path}: this user has no permission to read it")
    assert "Give this Windows user read access" in text


def test_a_folder_this_user_may_not_enter_is_reported_as_a_permission_problem(shared_folder):
    inner = shared_folder / "Data"
    inner.mkdir()
    AroniumFixture(inner / "pos.db").close()
    inner.chmod(0o700)
    try:
        if os.geteuid() == 0:
            kind, _, text = _unreadable_by(65534, inner / "pos.db").partition("|")
        else:
            inner.chmod(0o000)
            error = open_error(inner / "pos.db")
            kind, text = error.kind, str(error)
    finally:
        inner.chmod(0o755)
        (inner / "pos.db").unlink()
        inner.rmdir()

    assert kind == "permission", text
    assert f"cannot look into {inner}" in text


def test_a_database_without_a_sales_document_type_is_refused(tmp_path):
    fixture = AroniumFixture(tmp_path / "pos.db")
    fixture.connection.execute("UPDATE DocumentType SET Code = '999' WHERE Code = '200'")
    fixture.close()

    error = open_error(tmp_path / "pos.db")

    assert error.kind == "schema"
    assert "its DocumentType table has no Sales type (Code 200)" in str(error)


def test_a_bad_busy_timeout_setting_names_the_setting(aronium):
    from loyalty.domain.errors import SettingsError
    from loyalty.domain.settings import settings_from_dict

    from loyalty_pos_aronium import open_adapter

    settings = settings_from_dict({"pos": {"adapter": "aronium", "database": str(aronium.path)},
                                   "plugins": {"aronium": {"busy_timeout": "soon"}}})

    with pytest.raises(SettingsError, match=r"plugins\.aronium\.busy_timeout: must be a number"):
        open_adapter(settings)


def test_windows_paths_become_uris_sqlite_accepts():
    from pathlib import PureWindowsPath

    from loyalty_pos_aronium.connection import sqlite_uri

    assert sqlite_uri(PureWindowsPath(r"C:\ProgramData\Aronium\SimplePos\pos #1.db")) == \
        "file:///C:/ProgramData/Aronium/SimplePos/pos%20%231.db"
    # a database on another till's shared folder: SQLite wants the server inside the path
    assert sqlite_uri(PureWindowsPath(r"\\till-2\Aronium\pos.db")) == "file:////till-2/Aronium/pos.db"
