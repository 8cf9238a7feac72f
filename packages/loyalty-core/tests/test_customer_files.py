"""Customers to and from CSV: all or nothing, one line per bad row, Excel's UTF-8 too."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from loyalty.domain.errors import ImportRefused
from loyalty.domain.errors import LoyaltyError
from loyalty.testing.plugin import assert_ledger_consistent


def write(path: Path, text: str, *, bom: bool = False) -> Path:
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


def test_an_excel_file_imports_customers_with_opening_balances_as_adjustments(engine, tmp_path):
    file = write(tmp_path / "old.csv", "Name,Phone,Platform,Key,Points\r\n"
                 "Nimal Perera,077 123 4567,none,,\"1,250\"\r\nŚiva,,,,0\r\n,,,,\r\n", bom=True)
    report = engine.import_customers(file)
    assert (report.customers, report.points) == (2, 1250)
    nimal, siva = (s.customer for s in engine.customers())
    assert (nimal.name, nimal.phone, siva.name) == ("Nimal Perera", "077 123 4567", "Śiva")
    assert engine.balance(nimal.id) == 1250
    [entry] = engine.history(nimal.id)
    assert (entry.kind, entry.reason) == ("adjust", "Opening balance (import old.csv)")
    assert engine.history(siva.id) == []
    assert_ledger_consistent(engine)


def test_one_bad_row_imports_nothing_and_every_bad_row_is_named(engine, tmp_path):
    file = write(tmp_path / "bad.csv", "name,platform,key,points\nAnn,,,10\n,,,\n"
                 "Bob,,,ten\nCarol,pigeon,,\nDan,,,-5\n ,,,3\nEve,whatsapp,,\n")
    with pytest.raises(ImportRefused) as refused:
        engine.import_customers(file)
    assert refused.value.problems == [
        "row 4: points 'ten' is not a whole number. Write the opening balance as digits, "
        "e.g. 250.",
        "row 5: no messaging platform called 'pigeon'. Use one of email, messenger, none, "
        "signal, telegram, whatsapp.",
        "row 6: points -5 is negative. An opening balance is 0 or more.",
        "row 7: The customer's name is empty. Give the customer's name.",
        "row 8: whatsapp needs the customer's key on it; without one no message is sent. "
        "Give the key in the 'key' column, or platform none.",
    ]
    assert "5 bad rows in bad.csv; nothing was imported" in str(refused.value)
    assert engine.customers() == []


def test_a_file_without_a_name_column_is_refused(engine, tmp_path):
    with pytest.raises(LoyaltyError, match="no 'name' column"):
        engine.import_customers(write(tmp_path / "x.csv", "phone\n0771\n"))


def test_an_export_imports_back_the_same_customers_and_points(engine, tmp_path, till):
    ann = engine.add_customer("Ann, \"the baker\"", phone="0771", birthday=date(1990, 5, 17))
    engine.record_sale(till.sale(ann.id, 12_300))
    bob = engine.add_customer("Bob")
    assert engine.export_customers(tmp_path / "out.csv") == 2
    raw = (tmp_path / "out.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # so Excel on Windows reads it as UTF-8
    text = raw.decode("utf-8-sig")
    assert text.splitlines()[0] == "id,name,phone,platform,key,points,birthday,stars"
    engine.remove_customer(ann.id)
    engine.remove_customer(bob.id)
    engine.import_customers(tmp_path / "out.csv")
    copied = engine.customers()[-2].customer
    assert copied.name == "Ann, \"the baker\"" and engine.balance(copied.id) == 123
    assert copied.birthday == date(1990, 5, 17)


def test_a_birthday_that_is_not_a_date_is_a_bad_row(engine, tmp_path):
    with pytest.raises(ImportRefused) as refused:
        engine.import_customers(write(tmp_path / "b.csv", "name,birthday\nAnn,1990-13-01\n"
                                                          "Bob,1985-02-28\n"))
    assert refused.value.problems == [
        "row 2: birthday '1990-13-01' is not a date. Write it as YYYY-MM-DD, e.g. 1990-05-17, "
        "or leave it empty."]
    assert engine.customers() == []


def test_the_cli_imports_and_exports_and_lists_bad_rows_on_stderr(engine, loyalty_cli, tmp_path):
    good = write(tmp_path / "good.csv", "name,points\nAnn,5\n")
    assert loyalty_cli("customers", "import", good).out.strip() == \
        "Imported 1 customers from good.csv with 5 opening points."
    bad = loyalty_cli("customers", "import", write(tmp_path / "bad.csv", "name,points\n,5\n"))
    assert bad.code == 1
    assert bad.err.splitlines()[0] == "row 2: The customer's name is empty. Give the " \
        "customer's name."
    assert "1 bad row in bad.csv; nothing was imported" in bad.err
    out = loyalty_cli("customers", "export", tmp_path / "all.csv")
    assert out.code == 0 and "Exported 1 customers" in out.out
    assert loyalty_cli("customers", "--limit", "1").code == 0


def test_a_file_imported_twice_adds_nothing_the_second_time(engine, tmp_path):
    path = write(tmp_path / "cards.csv", "name,phone,points\nAnn,077 123-4567,40\nBob,,5\n")
    engine.import_customers(path)
    with pytest.raises(ImportRefused) as refused:
        engine.import_customers(path)
    assert refused.value.problems == [
        "row 2: Ann, phone 077 123-4567, is customer 1 already. Leave the row out (or merge "
        "the two after importing it by hand).",
        "row 3: Bob is customer 2 already. Leave the row out (or merge the two after "
        "importing it by hand)."]
    assert [(s.customer.name, s.balance.points) for s in engine.customers()] == \
        [("Ann", 40), ("Bob", 5)]


def test_the_same_person_twice_in_one_file_is_a_bad_row(engine, tmp_path):
    with pytest.raises(ImportRefused) as refused:
        engine.import_customers(write(tmp_path / "twice.csv",
                                      "name,phone\nAnn,0771234567\nANN ,077 123 4567\n"))
    assert refused.value.problems == [
        "row 3: ANN, phone 077 123 4567, is row 2 again. Leave one of them out."]
    assert engine.customers() == []
