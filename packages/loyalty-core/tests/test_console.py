"""The command line on a shop's Windows console: any code page, any redirect, any name.

A Windows console (and a redirect to a file there) is often cp1252, not UTF-8; the POS's
customer names are whatever the cashier typed. These run the installed ``loyalty`` script
with the code page simulated through PYTHONIOENCODING, as a till's console would run it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from loyalty.domain.money import format_money
from loyalty.plugins.currencies import iso_currency


SCRIPT = Path(sys.executable).with_name("loyalty")


def loyalty(tmp_path: Path, *args: str, encoding: str = "cp1252") -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONIOENCODING": encoding, "LOYALTY_LEDGER": str(tmp_path / "l.db"),
           "LOYALTY_SETTINGS": str(tmp_path / "s.toml"), "COLUMNS": "120"}
    return subprocess.run([str(SCRIPT), *args], capture_output=True, env=env, timeout=120)


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    """The demo's ledger (``--demo``) with four demo customers and two whose names are not
    Latin."""
    assert loyalty(tmp_path, "settings", "set", "shop.currency", "LKR").returncode == 0
    assert loyalty(tmp_path, "demo", "--customers", "4").returncode == 0
    assert loyalty(tmp_path, "--demo", "customer", "add", "ශ්‍රියානි පෙරේරා").returncode == 0
    assert loyalty(tmp_path, "--demo", "customer", "add", "रमेश श्रेष्ठ").returncode == 0
    return tmp_path


@pytest.mark.slow
@pytest.mark.parametrize("command", [
    ("customers",), ("customers", "--search", "ශ්‍රී"), ("customer", "show", "5"), ("balance", "2"),
    ("history", "2"), ("report",), ("demo", "--customers", "4"),
])
def test_commands_that_print_names_stars_and_money_work_on_a_cp1252_console(shop, command):
    result = loyalty(shop, "--demo", *command)
    assert result.returncode == 0, result.stderr.decode("cp1252")
    assert b"Traceback" not in result.stderr
    result.stdout.decode("cp1252")  # every byte is the console's own


def test_a_console_that_cannot_show_stars_or_the_currency_sign_gets_readable_stand_ins(shop):
    out = loyalty(shop, "--demo", "customers").stdout.decode("cp1252")
    assert "*" in out and "★" not in out
    assert "??" in out  # a Sinhala name cannot be shown on cp1252: it is replaced, not fatal
    utf8 = loyalty(shop, "--demo", "customers", encoding="utf-8").stdout.decode("utf-8")
    assert "ශ්‍රියානි පෙරේරා" in utf8 and "රු." in utf8


def test_json_output_is_lossless_on_any_console(shop):
    rows = json.loads(loyalty(shop, "--demo", "customers", "--json").stdout.decode("cp1252"))
    assert {"ශ්‍රියානි පෙරේරා", "रमेश श्रेष्ठ"} <= {row["name"] for row in rows}


def test_names_with_terminal_escape_sequences_are_shown_escaped_never_sent(tmp_path):
    name = "Evil\x1b[2J\x1b]0;owned\x07 Name"
    added = loyalty(tmp_path, "customer", "add", name, encoding="utf-8")
    listed = loyalty(tmp_path, "customers", encoding="utf-8")
    for result in (added, listed):
        assert result.returncode == 0
        assert b"\x1b" not in result.stdout and b"\x07" not in result.stdout
        assert "Evil\\x1b[2J\\x1b]0;owned\\x07 Name" in result.stdout.decode("utf-8")


def test_a_command_that_only_reads_a_ledger_that_is_not_there_names_the_path(tmp_path):
    result = loyalty(tmp_path, "customers")
    assert result.returncode == 1
    assert result.stderr.decode().strip() == (
        f"Error: There is no ledger at {tmp_path / 'l.db'}. Check --ledger or LOYALTY_LEDGER "
        "(a typo?); a command that records something creates a new ledger there.")
    assert not (tmp_path / "l.db").exists()


def test_a_look_at_a_fresh_computer_s_programme_creates_no_ledger_so_the_window_shows_the_demo(
        tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("LOYALTY_LEDGER", "LOYALTY_DEMO")}
    env.update(HOME=str(tmp_path), XDG_DATA_HOME=str(tmp_path / "data"),
               LOCALAPPDATA=str(tmp_path / "data"), PYTHONIOENCODING="utf-8")
    result = subprocess.run([str(SCRIPT), "customers"], capture_output=True, env=env,
                            timeout=120)
    assert result.returncode == 1
    message = result.stderr.decode()
    assert message.startswith("Error: Your programme has no ledger yet (")
    assert "Try the demo with 'loyalty --demo customers'" in message
    assert list(tmp_path.rglob("*.db")) == []


def test_a_command_that_records_creates_the_ledger_and_says_where(tmp_path):
    result = loyalty(tmp_path, "customer", "add", "Ann")
    assert result.returncode == 0
    assert result.stderr.decode().strip() == f"Created a new ledger at {tmp_path / 'l.db'}."
    assert loyalty(tmp_path, "customers").stderr == b""


@pytest.mark.parametrize(("code", "symbol", "digits"), [
    ("LKR", "රු.", 2), ("PKR", "Rs", 2), ("NPR", "नेरू", 2), ("NGN", "₦", 2), ("INR", "₹", 2),
    ("BDT", "৳", 2), ("KES", "Ksh", 2), ("JPY", "¥", 0), ("KWD", "د.ك.\u200f", 3), ("USD", "$", 2),
])
def test_every_currency_comes_with_its_own_symbol_and_digits(code, symbol, digits):
    currency = iso_currency(code)
    assert currency is not None
    assert (currency.symbol, currency.minor_units) == (symbol, digits)


def test_a_currency_nobody_uses_today_is_not_offered():
    assert iso_currency("DEM") is None  # the Deutsche Mark
    assert iso_currency("XYZ") is None


def test_the_shop_can_write_the_currency_its_own_way(engine):
    engine.update_settings(engine.settings.__class__(shop=engine.settings.shop.__class__(
        currency="LKR", currency_symbol="Rs")))
    assert engine.currency.symbol == "Rs"
    assert engine.format_money(125_050) == "Rs 1,250.50"
    assert format_money(125_050, iso_currency("LKR")) == "රු.1,250.50"
