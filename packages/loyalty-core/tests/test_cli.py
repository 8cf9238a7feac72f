"""The ``loyalty`` command line, run for real on a ledger and settings file in ``tmp_path``:
every data command prints JSON with ``--json``, and a user error is one line and exit status 1,
never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from loyalty.cli.app import load_commands
from loyalty.cli.app import cli


@pytest.fixture(scope="module", autouse=True)
def commands() -> None:
    load_commands()


@pytest.fixture
def loyalty(tmp_path):
    """Run ``loyalty --ledger L --settings S ARGS``; returns click's Result."""
    runner = CliRunner()
    base = ["--ledger", str(tmp_path / "ledger.db"), "--settings", str(tmp_path / "s.toml")]

    def run(*args: str, ok: bool = True):
        result = runner.invoke(cli, [*base, *args], catch_exceptions=False)
        if ok:
            assert result.exit_code == 0, result.output
        return result

    return run


def as_json(result):
    return json.loads(result.stdout)


def assert_one_line_error(result, *words: str) -> None:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("Error: ")
    for word in words:
        assert word in lines[0]


@pytest.fixture
def customer(loyalty) -> int:
    return as_json(loyalty("customer", "add", "Nimal Perera", "--phone", "+94771234567",
                           "--json"))["id"]


def test_the_demo_fills_the_ledger_once_and_a_second_run_records_nothing(loyalty):
    first = loyalty("demo", "--customers", "5")
    assert "Recorded " in first.output and "(0 already there)" in first.output
    second = loyalty("demo", "--customers", "5")
    assert "Recorded 0 of" in second.output
    rows = as_json(loyalty("demo", "--customers", "5", "--json"))
    assert len(rows) == 5 and all(r["points"] >= 0 for r in rows)
    assert {"id", "name", "points", "value", "value_minor", "stars", "rating"} <= set(rows[0])


def test_the_demo_has_a_ledger_of_its_own_and_never_touches_the_shops(loyalty, tmp_path):
    shown = loyalty("demo")
    assert f"Demo ledger: {tmp_path / 'ledger-demo.db'}" in shown.output
    assert not (tmp_path / "ledger.db").exists()
    demo_rows = as_json(loyalty("--demo", "customers", "--search", "nim", "--json"))
    assert [r["name"] for r in demo_rows] == ["Nimal Perera"]
    assert "There is no ledger at" in loyalty("customers", ok=False).output  # the shop's


def test_demo_remove_hides_the_demo_customers_an_earlier_version_left_in_the_shops_ledger(
        loyalty, tmp_path):
    from loyalty.engine import Engine

    with Engine(tmp_path / "ledger.db") as earlier:
        earlier.record_demo(3)
        earlier.add_customer("Real Customer")
    removed = loyalty("demo", "--remove")
    assert f"Removed 3 demo customers from {tmp_path / 'ledger.db'}." in removed.output
    assert [r["name"] for r in as_json(loyalty("customers", "--json"))] == ["Real Customer"]
    assert as_json(loyalty("demo", "--remove", "--json")) == {"removed": []}


def test_customers_can_be_searched_by_name_phone_or_id(loyalty, customer):
    loyalty("customer", "add", "Ayesha Khan")
    assert [r["name"] for r in as_json(loyalty("customers", "--json"))] == [
        "Nimal Perera", "Ayesha Khan"]
    assert [r["name"] for r in as_json(loyalty("customers", "--search", "ayesha", "--json"))] == [
        "Ayesha Khan"]
    assert [r["id"] for r in as_json(loyalty("customers", "-s", "123456", "--json"))] == [customer]
    assert "Nimal Perera" in loyalty("customers", "--search", str(customer)).output
    assert "No customers match." in loyalty("customers", "--search", "zzz").output


def test_a_customer_can_be_shown_changed_and_removed(loyalty, customer):
    shown = as_json(loyalty("customer", "show", str(customer), "--json"))
    assert (shown["points"], shown["next_stars"], shown["points_to_next"]) == (0, 1, 100)
    loyalty("customer", "set", str(customer), "--name", "Nimal P.")
    assert as_json(loyalty("customer", "show", str(customer), "--json"))["name"] == "Nimal P."
    loyalty("customer", "remove", str(customer))
    assert as_json(loyalty("customers", "--json")) == []


def test_a_sale_earns_points_and_the_balance_shows_them(loyalty, customer):
    sale = as_json(loyalty("sale", str(customer), "12.34", "--document", "D1", "--json"))
    assert (sale["status"], sale["points"]) == ("recorded", 12)
    assert sale["events"][0]["customer_id"] == customer
    again = loyalty("sale", str(customer), "12.34", "--document", "D1")
    assert "already recorded; nothing changed" in again.output
    balance = as_json(loyalty("balance", str(customer), "--json"))
    assert (balance["points"], balance["value"], balance["value_minor"]) == (12, "$0.12", 12)
    assert "Nimal Perera: 12 points, worth $0.12" in loyalty("balance", str(customer)).output


def test_a_refund_takes_points_back(loyalty, customer):
    loyalty("sale", str(customer), "100", "--document", "D1")
    refund = as_json(loyalty("refund", "D1", "25", "--json"))
    assert refund["points"] == -25
    assert "-25 points" in loyalty("refund", "D1", "25").output
    assert as_json(loyalty("balance", str(customer), "--json"))["points"] == 50


def test_refunding_an_unknown_document_is_a_one_line_error(loyalty, customer):
    assert_one_line_error(loyalty("refund", "NOPE", "1", ok=False), "No sale NOPE")


def test_history_lists_every_entry(loyalty, customer):
    loyalty("sale", str(customer), "100", "--document", "D1")
    loyalty("redeem", str(customer), "30", "--reason", "soap")
    history = as_json(loyalty("history", str(customer), "--json"))
    assert [(e["kind"], e["points"]) for e in history] == [("earn", 100), ("redeem", -30)]
    assert history[0]["business_date"] == history[0]["occurred_at"][:10]
    assert "soap" in loyalty("history", str(customer)).output
    assert len(as_json(loyalty("history", str(customer), "--limit", "1", "--json"))) == 1


def test_redeeming_spends_points(loyalty, customer):
    loyalty("sale", str(customer), "100")
    event = as_json(loyalty("redeem", str(customer), "40", "--json"))
    assert (event["kind"], event["points"], event["balance"]) == ("points_redeemed", -40, 60)
    assert "Redeemed 10 points worth $0.10; 50 points left." in loyalty(
        "redeem", str(customer), "10").output


def test_redeeming_too_many_points_is_a_one_line_error(loyalty, customer):
    loyalty("sale", str(customer), "10")
    result = loyalty("redeem", str(customer), "11", ok=False)
    assert_one_line_error(result, "has 10 points; 11 were asked", "Redeem at most 10")
    assert as_json(loyalty("balance", str(customer), "--json"))["points"] == 10


def test_an_unknown_customer_is_a_one_line_error(loyalty, customer):
    assert_one_line_error(loyalty("balance", "42", ok=False), "No customer with id 42")


def test_paying_a_bill_with_points_says_what_is_left_for_cash(loyalty, customer):
    loyalty("sale", str(customer), "300")
    paid = as_json(loyalty("pay", str(customer), "5", "--points", "200", "--json"))
    assert paid["plan"] == {"points": 200, "covered_minor": 200, "cash_minor": 300}
    assert paid["event"]["balance"] == 100


def test_adjusting_takes_negative_numbers_and_needs_a_reason(loyalty, customer):
    added = as_json(loyalty("adjust", str(customer), "50", "--reason", "opening", "--json"))
    assert (added["points"], added["balance"]) == (50, 50)
    assert "balance 30" in loyalty("adjust", str(customer), "-20", "--reason", "typo").output
    missing = loyalty("adjust", str(customer), "5", ok=False)
    assert missing.exit_code == 2 and "Missing option '--reason'" in missing.output
    assert_one_line_error(loyalty("adjust", str(customer), "-31", "--reason", "x", ok=False),
                          "has 30 points")


def test_rebuilding_balances_reports_what_it_checked(loyalty, customer):
    loyalty("sale", str(customer), "100")
    report = as_json(loyalty("rebuild-balances", "--json"))
    assert report == {"customers": 1, "corrected": [], "problems": []}
    assert "Checked 1 customers; corrected 0." in loyalty("rebuild-balances").output


def test_settings_are_shown_and_set_by_dotted_key(loyalty, tmp_path):
    assert as_json(loyalty("settings", "show", "--json"))["earning"]["points_per_unit"] == "1"
    assert loyalty("settings", "set", "earning.points_per_unit", "100").output.strip() == (
        'earning.points_per_unit = "100"')
    assert loyalty("settings", "show", "earning.points_per_unit").output.strip() == "100"
    assert as_json(loyalty("settings", "show", "tiers", "--json"))[0]["threshold"] == 100
    assert loyalty("settings", "path").output.strip() == str(tmp_path / "s.toml")
    assert 'points_per_unit = "100"' in (tmp_path / "s.toml").read_text(encoding="utf-8")


@pytest.mark.parametrize(("key", "value", "words"), [
    ("earning.points_per_unit", "-1", "earning.points_per_unit: must not be negative"),
    ("earning.payment_threshold", "lots", "earning.payment_threshold: expected a number"),
    ("tiers", '[{"stars":1,"threshold":500},{"stars":2,"threshold":100}]',
     "tiers: thresholds must increase"),
    ("shop.currency", "XYZ", "shop.currency: no installed plugin offers 'XYZ'"),
    ("earning.nope", "1", "earning.nope: is not a setting"),
])
def test_a_bad_setting_is_one_line_naming_the_field_and_nothing_is_saved(
    loyalty, tmp_path, key, value, words
):
    assert_one_line_error(loyalty("settings", "set", key, value, ok=False), words)
    assert not (tmp_path / "s.toml").exists()


def test_settings_change_how_sales_earn(loyalty, customer):
    loyalty("settings", "set", "earning.points_per_unit", "100")
    assert as_json(loyalty("sale", str(customer), "12.34", "--json"))["points"] == 1234


def test_an_amount_with_too_many_decimals_is_refused(loyalty, customer):
    assert_one_line_error(loyalty("sale", str(customer), "12.345", ok=False),
                          "more than 2 decimal places")


def test_plugins_lists_the_installed_plugins_as_json(loyalty):
    data = as_json(loyalty("plugins", "--json"))
    names = {p["name"] for p in data["plugins"]}
    assert "loyalty.currencies" in names
    assert "USD" in data["currencies"]
    assert {"pos_adapters", "channels", "frontends"} <= set(data)
    assert "loyalty.currencies" in loyalty("plugins").output


def test_a_ledger_path_that_is_a_folder_is_a_one_line_error(tmp_path):
    result = CliRunner().invoke(cli, ["--ledger", str(tmp_path), "--settings",
                                      str(tmp_path / "s.toml"), "customers"])
    assert_one_line_error(result, "is a folder")


def test_the_installed_loyalty_script_prints_errors_without_a_traceback(tmp_path):
    script = Path(sys.executable).with_name("loyalty")
    result = subprocess.run(
        [str(script), "--ledger", str(tmp_path / "l.db"), "--settings", str(tmp_path / "s.toml"),
         "redeem", "1", "5"], capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        f"Created a new ledger at {tmp_path / 'l.db'}.",
        "Error: No customer with id 1. List customers with 'loyalty customers --search NAME'."]
