"""``loyalty sync`` and ``loyalty customers`` against a real pos.db."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from loyalty.cli.app import main


@pytest.fixture
def run(tmp_path: Path, capsys):  # noqa: ANN001, ANN201 - a helper returning (code, out, err)
    def loyalty(*args: str) -> tuple[int, str, str]:
        code = main(["--ledger", str(tmp_path / "ledger.db"),
                     "--settings", str(tmp_path / "settings.toml"), *args])
        out, err = capsys.readouterr()
        return code, out, err

    return loyalty


def test_sync_json_says_what_it_did_and_customers_show_their_aronium_id(aronium, run):
    nimal = aronium.customer("Nimal", code="key-1", phone="+94771234567")
    sale = aronium.sale(nimal, [(3, 2)])
    anonymous = aronium.sale(None)
    aronium.refund(sale, [(3, 1)])

    code, out, err = run("sync", "--pos-db", str(aronium.path), "--json")

    assert code == 0, err
    report = json.loads(out)
    assert {k: report[k] for k in ("adapter", "documents_read", "sales_recorded",
                                   "refunds_recorded", "points_awarded", "points_reversed",
                                   "skipped_count")} == {
        "adapter": "aronium", "documents_read": 3, "sales_recorded": 1, "refunds_recorded": 1,
        "points_awarded": 24, "points_reversed": 12, "skipped_count": 1,
    }
    assert report["skipped"] == [{"document_id": anonymous, "reason": "no customer on the sale"}]
    assert report["skipped_by_reason"] == {"no customer on the sale": 1}

    code, out, _ = run("customers", "--json")
    rows = {row["name"]: row for row in json.loads(out)}
    assert (rows["Nimal"]["external_id"], rows["Nimal"]["origin"]) == (str(nimal), "aronium")
    assert (rows["Nimal"]["points"], rows["Nimal"]["phone"]) == (12, "+94771234567")


def test_sync_reads_the_database_named_in_the_settings(aronium, run):
    aronium.sale(aronium.customer("Nimal"), [(3, 1)])
    run("settings", "set", "pos.adapter", "aronium")
    run("settings", "set", "pos.database", str(aronium.path))

    code, out, err = run("sync")

    assert code == 0, err
    assert "Read 1 documents: 1 sales and 0 refunds recorded" in out
    assert "12 points awarded" in out


def test_sync_without_a_pos_says_how_to_configure_one(run):
    code, _, err = run("sync", "--json")

    assert code == 1
    assert "No POS is configured to sync from." in err
    assert "pos.database" in err and "--pos-db" in err


def test_sync_of_a_wrong_file_names_it_and_never_prints_a_traceback(tmp_path, run):
    wrong = tmp_path / "notes.txt"
    wrong.write_text("hello")

    code, out, err = run("sync", "--pos-db", str(wrong))

    assert code == 1 and out == ""
    assert f"Aronium database {wrong}: this is not a SQLite database" in err
    assert "Traceback" not in err
