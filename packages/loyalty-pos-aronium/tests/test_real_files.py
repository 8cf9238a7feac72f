"""What real pos.db files do that a tidy one does not (docs/aronium.md, "Real files"): each
behaviour a named test on a pos.db shaped as a real one."""

from __future__ import annotations

import logging
import os
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest

from loyalty.cli.app import main
from loyalty.domain.errors import SettingsError
from loyalty.domain.settings import settings_from_dict
from loyalty_pos_aronium import open_adapter
from loyalty_pos_aronium.adapter import AroniumAdapter
from loyalty_pos_aronium.location import check_database
from loyalty_pos_aronium.location import find_database
from loyalty_pos_aronium.location import known_places
from loyalty_pos_aronium.testing import AroniumFixture
from loyalty_pos_aronium.testing import read_all


def events(adapter: AroniumAdapter) -> list:
    return [e for b in read_all(adapter) for e in b.events]


def kinds(event: object) -> tuple[str, str]:
    return type(event).__name__, event.document_id  # type: ignore[attr-defined]


def reasons(adapter: AroniumAdapter) -> dict[str, str]:
    return {s.document_id: s.reason for b in read_all(adapter) for s in b.skipped}


# ---- the walk-in customer ------------------------------------------------------------------


def test_the_walk_in_customer_is_never_a_loyalty_customer_by_default(aronium, engine, adapter):
    nimal = aronium.customer("Nimal")
    walk_in = aronium.sale(1)  # Aronium's seeded customer 1, 'Unknown'
    aronium.sale(nimal)

    report = engine.sync(adapter)

    assert report.sales_recorded == 1
    assert report.skipped_by_reason == {"no customer on the sale": 1}
    assert [s.document_id for s in report.skipped] == [walk_in]
    assert [c.customer.external_id for c in engine.customers()] == [str(nimal)]


def test_a_shop_can_make_customer_1_a_loyalty_customer(aronium):
    aronium.sale(1)
    settings = settings_from_dict({"pos": {"adapter": "aronium", "database": str(aronium.path)},
                                   "plugins": {"aronium": {"walk_in_customer": 0}}})
    adapter = open_adapter(settings)

    assert [e.external_customer_id for e in events(adapter)] == ["1"]
    adapter.close()


def test_a_walk_in_option_that_is_not_an_id_names_the_option(aronium):
    settings = settings_from_dict({"pos": {"adapter": "aronium", "database": str(aronium.path)},
                                   "plugins": {"aronium": {"walk_in_customer": "Unknown"}}})

    with pytest.raises(SettingsError, match=r"plugins\.aronium\.walk_in_customer: must be"):
        open_adapter(settings)


# ---- deleted documents and reused ids --------------------------------------------------------


def test_a_document_id_reused_after_the_newest_was_deleted_is_still_read(aronium):
    nimal = aronium.customer("Nimal")
    aronium.sale(nimal, [(1, 1)])
    newest = aronium.sale(nimal, [(2, 1)])
    adapter = AroniumAdapter(aronium.path, read_ahead=False)
    cursor = read_all(adapter)[-1].cursor
    aronium.delete_document(newest)  # items and payment go with it (ON DELETE CASCADE)
    replacement = aronium.sale(nimal, [(3, 1)])
    reused = aronium.connection.execute("SELECT Id FROM Document WHERE Number = ?",
                                        (replacement,)).fetchone()[0]

    later = [e for b in read_all(adapter, cursor=cursor) for e in b.events]

    assert reused == 2  # no AUTOINCREMENT: the deleted document's Id
    # Between edit scans too, the deleted one is reported (its points are taken back).
    assert [kinds(e) for e in later] == [("SaleDeleted", newest), ("SaleRecorded", replacement)]
    assert aronium.connection.execute("SELECT COUNT(*) FROM DocumentItem").fetchone()[0] == 2
    adapter.close()


def test_the_newest_document_deleted_without_a_new_one_moves_the_cursor_back(aronium):
    nimal = aronium.customer("Nimal")
    aronium.sale(nimal)
    newest = aronium.sale(nimal)
    adapter = AroniumAdapter(aronium.path, read_ahead=False)
    cursor = read_all(adapter)[-1].cursor
    aronium.delete_document(newest)

    assert [kinds(e) for b in read_all(adapter, cursor=cursor) for e in b.events] == \
        [("SaleDeleted", newest)]
    following = aronium.sale(nimal)
    assert [kinds(e) for b in read_all(adapter, cursor=cursor) for e in b.events] == \
        [("SaleDeleted", newest), ("SaleRecorded", following)]
    adapter.close()


# ---- the refund type -----------------------------------------------------------------------


@pytest.mark.parametrize(("code", "name"), [("220", "Refund"), ("221", "Refund"), ("225", "Returns")])
def test_the_refund_type_is_found_by_code_then_name_then_id_4(aronium, code, name):
    aronium.connection.execute("UPDATE DocumentType SET Code = ?, Name = ? WHERE Id = 4",
                               (code, name))
    nimal = aronium.customer("Nimal")
    sale = aronium.sale(nimal, [(3, 1)])
    aronium.connection.execute(
        "INSERT INTO Document (Number, UserId, Date, StockDate, Total, IsClockedOut, "
        "DocumentTypeId, WarehouseId, ReferenceDocumentNumber, DateCreated, DateUpdated, "
        "Discount, DiscountType, PaidStatus, DiscountApplyRule, ServiceType) VALUES "
        "('26-R-1', 1, '2026-01-05', '2026-01-05', 12, 0, 4, 1, ?, '2026-01-05 10:00:00', "
        "'2026-01-05 10:00:00', 0, 0, 2, 0, 1)", (sale,))
    adapter = AroniumAdapter(aronium.path, read_ahead=False)

    refunds = [e for e in events(adapter) if hasattr(e, "original_document_id")]

    assert [r.original_document_id for r in refunds] == [sale]
    assert adapter.warnings == ()
    adapter.close()


def test_without_a_refund_type_every_sync_says_so(aronium, engine, caplog):
    aronium.connection.execute("UPDATE DocumentType SET Code = '100', Name = 'Purchase' "
                               "WHERE Id = 4")
    for _ in range(2):
        caplog.clear()
        adapter = open_adapter(engine.settings)
        with caplog.at_level(logging.WARNING):
            engine.sync(adapter)
        adapter.close()
        assert "no Refund document type" in caplog.text
        assert "refunds are not read" in caplog.text


# ---- numbers without the year ----------------------------------------------------------------


def test_numbers_that_repeat_across_years_do_not_collide(tmp_path: Path):
    (tmp_path / "till").mkdir()
    aronium = AroniumFixture(tmp_path / "till" / "pos.db", now=datetime(2025, 12, 30, 9, 0))
    aronium.number_pattern("%TYPE%-%COUNTER%")
    nimal = aronium.customer("Nimal")
    last_year = aronium.sale(nimal, [(3, 1)])
    aronium.now = datetime(2026, 1, 2, 9, 0)
    this_year = aronium.sale(nimal, [(3, 2)])
    aronium.refund(this_year, [(3, 2)], customer_id=nimal)
    adapter = AroniumAdapter(aronium.path, read_ahead=False)

    found = events(adapter)

    assert last_year == this_year == "200-000001"
    assert [e.document_id for e in found] == ["200-000001@2025", "200-000001@2026",
                                              "220-000001@2026"]
    assert found[2].original_document_id == "200-000001@2026"
    adapter.close()
    aronium.close()


def test_numbers_with_the_year_keep_their_number_as_key(aronium):
    nimal = aronium.customer("Nimal")
    sale = aronium.sale(nimal)
    aronium.refund(sale, customer_id=nimal)
    adapter = AroniumAdapter(aronium.path, read_ahead=False)

    found = events(adapter)

    assert [e.document_id for e in found] == [sale, "26-220-000001"]
    assert found[1].original_document_id == sale
    adapter.close()


# ---- one bad document --------------------------------------------------------------------


def test_one_bad_document_never_stops_the_sync(aronium, engine, adapter):
    db = aronium.connection
    db.execute("PRAGMA writable_schema = ON")  # real files hold NULL numbers: allow one here
    db.execute("UPDATE sqlite_master SET sql = replace(sql, 'Number TEXT NOT NULL', "
               "'Number TEXT') WHERE name = 'Document'")
    db.execute("PRAGMA writable_schema = OFF")
    aronium.close()
    aronium = AroniumFixture.attach(aronium.path)
    nimal = aronium.customer("Nimal")
    huge = aronium.sale(nimal)
    aronium.connection.execute("UPDATE Document SET Total = 1e20 WHERE Number = ?", (huge,))
    ancient = aronium.sale(nimal)
    aronium.connection.execute("UPDATE Document SET DateCreated = '0001-01-01 00:00:00' "
                               "WHERE Number = ?", (ancient,))
    no_number = aronium.sale(nimal)
    aronium.connection.execute("UPDATE Document SET Number = NULL WHERE Number = ?", (no_number,))
    blob = aronium.sale(nimal)
    aronium.connection.execute("UPDATE Document SET Number = x'00ff' WHERE Number = ?", (blob,))
    blob_name = aronium.customer("x")
    aronium.connection.execute("UPDATE Customer SET Name = x'00ff' WHERE Id = ?", (blob_name,))
    good = [aronium.sale(nimal, [(3, 1)]), aronium.sale(blob_name, [(1, 1)])]

    report = engine.sync(adapter)

    assert report.sales_recorded == 2
    assert sorted(s.document_id for s in report.skipped) == sorted(
        [huge, ancient, "Id 3", "Id 4"])
    assert report.skipped_by_reason == {
        "its Total is too large for the ledger": 1,
        "its DateCreated is not a plausible date": 1,
        "it has no Number": 1,
        "its Number is not text": 1,
    }
    names = {c.customer.external_id: c.customer.name for c in engine.customers()}
    assert names[str(blob_name)] == f"#{blob_name}"
    assert len(good) == 2
    aronium.close()


# ---- WAL mode ------------------------------------------------------------------------------


def pos_files(path: Path) -> list[str]:
    return sorted(name for name in os.listdir(path.parent) if name.startswith("pos.db"))


def _wal(path: Path) -> None:
    connection = sqlite3.connect(path)
    assert connection.execute("PRAGMA journal_mode = WAL").fetchone()[0] == "wal"
    connection.close()


def test_a_wal_mode_pos_db_is_read_without_leaving_wal_or_shm_files(aronium, engine, adapter):
    nimal = aronium.customer("Nimal")
    aronium.sale(nimal)
    aronium.close()
    adapter.close()
    _wal(aronium.path)
    before = pos_files(aronium.path)
    assert before == ["pos.db"]

    adapter = open_adapter(engine.settings)
    report = engine.sync(adapter)
    adapter.close()

    assert report.sales_recorded == 1
    assert pos_files(aronium.path) == before


def test_a_wal_mode_pos_db_that_aronium_has_open_is_read_through_its_wal(aronium, engine, adapter):
    aronium.close()
    adapter.close()
    _wal(aronium.path)
    adapter = open_adapter(engine.settings)
    assert adapter.immutable
    till = AroniumFixture.attach(aronium.path)  # Aronium starts: its -wal and -shm appear
    nimal = till.customer("Nimal")
    sale = till.sale(nimal)

    report = engine.sync(adapter)

    assert report.sales_recorded == 1 and not adapter.immutable
    assert sale.startswith("26-200-")
    adapter.close()
    till.close()


def test_an_edit_aronium_has_not_checkpointed_yet_is_found_by_a_newly_opened_adapter(
        aronium, engine, adapter):
    nimal = aronium.customer("Nimal")
    sale = aronium.sale(nimal, [(3, 1)])
    aronium.close()
    adapter.close()
    _wal(aronium.path)
    till = AroniumFixture.attach(aronium.path)  # Aronium runs: commits go to its -wal
    till.connection.execute("PRAGMA wal_autocheckpoint = 0")
    first = open_adapter(engine.settings)
    assert engine.sync(first).sales_recorded == 1
    first.close()

    till.edit_document(sale, total="20")  # in the -wal only: the main file is unchanged
    again = open_adapter(engine.settings)
    report = engine.sync(again)
    again.close()
    till.close()

    assert report.sales_revised == 1


# ---- finding pos.db and refusing a wrong one ------------------------------------------------


def test_first_run_finds_pos_db_in_localappdata_first(tmp_path: Path):
    local = tmp_path / "Local"
    data = tmp_path / "ProgramData"
    env = {"LOCALAPPDATA": str(local), "PROGRAMDATA": str(data)}
    for base in (local / "Aronium" / "Data", data / "Aronium" / "SimplePos"):
        base.mkdir(parents=True)
        (base / "pos.db").write_bytes(b"")

    assert known_places(env)[:2] == [local / "Aronium" / "Data" / "pos.db",
                                     data / "Aronium" / "SimplePos" / "pos.db"]
    assert find_database(env) == local / "Aronium" / "Data" / "pos.db"
    (local / "Aronium" / "Data" / "pos.db").unlink()
    assert find_database(env) == data / "Aronium" / "SimplePos" / "pos.db"


def test_check_database_accepts_aronium_and_refuses_others_in_one_line(aronium, tmp_path: Path):
    check_database(aronium.path)
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE customers (id)").connection.close()

    for path, cause in ((tmp_path / "nope.db", "no file at this path"),
                        (tmp_path, "this is a folder"),
                        (other, "is not Aronium's")):
        with pytest.raises(SettingsError, match=cause) as raised:
            check_database(path)
        assert raised.value.field == "pos.database"
        assert "\n" not in str(raised.value)


def test_settings_set_pos_database_refuses_a_path_that_is_not_aronium(aronium, tmp_path, capsys):
    def loyalty(*args: str) -> tuple[int, str, str]:
        code = main(["--ledger", str(tmp_path / "ledger.db"),
                     "--settings", str(tmp_path / "settings.toml"), *args])
        out, err = capsys.readouterr()
        return code, out, err

    assert loyalty("settings", "set", "pos.adapter", "aronium")[0] == 0
    code, out, err = loyalty("settings", "set", "pos.database", str(tmp_path / "missing.db"))
    assert code != 0 and "pos.database" in err and "no file at this path" in err
    assert "missing.db" not in loyalty("settings", "show", "pos.database")[1]
    code, out, err = loyalty("settings", "set", "pos.database", str(aronium.path))
    assert code == 0, err

