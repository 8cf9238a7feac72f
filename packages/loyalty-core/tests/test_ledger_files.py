"""The ledger holds customers' phones and keys: its files are the shop's account's alone."""

from __future__ import annotations

import sqlite3
import stat
import sys
from pathlib import Path

import pytest

from loyalty.domain.errors import LedgerError
from loyalty.engine import Engine


posix_only = pytest.mark.skipif(sys.platform == "win32",
                                reason="Windows uses the folder's ACL, not permission bits")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@posix_only
def test_a_new_ledger_and_its_folder_are_readable_by_the_owner_only(tmp_path):
    path = tmp_path / "shop" / "loyalty.db"
    with Engine(path) as engine:
        engine.add_customer("Nimal Perera", phone="+94771234567")
        assert {mode(p) for p in path.parent.glob("loyalty.db*")} == {0o600}  # -wal, -shm too
    assert mode(path.parent) == 0o700


def test_a_backup_is_a_consistent_copy_that_never_overwrites(tmp_path):
    with Engine(tmp_path / "loyalty.db") as engine:
        nimal = engine.add_customer("Nimal Perera")
        engine.adjust(nimal.id, 120, reason="opening balance")
        copy = engine.backup()
        assert copy.parent == tmp_path / "backups" and copy.name.startswith("loyalty-")
        with pytest.raises(LedgerError, match="exists already"):
            engine.backup(copy)
    with Engine(copy) as restored:
        assert restored.balance(nimal.id) == 120
    if sys.platform != "win32":
        assert mode(copy) == 0o600


def test_a_backup_holds_what_was_committed_while_another_connection_writes(tmp_path):
    with Engine(tmp_path / "loyalty.db") as engine:
        nimal = engine.add_customer("Nimal Perera")
        writer = sqlite3.connect(tmp_path / "loyalty.db", timeout=15)
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("UPDATE customers SET name = 'not committed' WHERE id = ?", (nimal.id,))
        copy = engine.backup(tmp_path / "copy.db")
        writer.rollback()
        writer.close()
    with Engine(copy) as restored:
        assert restored.customer(nimal.id).name == "Nimal Perera"


@pytest.mark.postgres
def test_a_ledger_on_a_database_server_is_backed_up_with_the_server_s_tools(
        postgres_ledger_url):
    with Engine(postgres_ledger_url) as engine, pytest.raises(LedgerError, match="pg_dump"):
        engine.backup()
