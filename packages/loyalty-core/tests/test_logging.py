"""The log file a shop can send: where it is, what reaches it, and what never does."""

from __future__ import annotations

import importlib.metadata
import logging
from pathlib import Path

import pytest
from click.testing import CliRunner

from loyalty.cli.app import cli
from loyalty.cli.app import load_commands
from loyalty.cli.logs import configure_logging


@pytest.fixture
def log_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "logs" / "loyalty.log"
    monkeypatch.setenv("LOYALTY_LOG_FILE", str(path))
    yield path
    logging.getLogger().handlers.clear()


def run(tmp_path: Path, *args: str) -> None:
    load_commands()
    result = CliRunner().invoke(cli, ["--ledger", str(tmp_path / "l.db"), "--settings",
                                      str(tmp_path / "s.toml"), *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output


def test_every_command_logs_to_one_rotating_file_at_the_chosen_level(tmp_path, log_file):
    run(tmp_path, "--log-level", "debug", "customer", "add", "Ann")
    logging.getLogger("loyalty.test").debug("a debug line")
    assert "DEBUG loyalty.test: a debug line" in log_file.read_text(encoding="utf-8")
    handlers = [h for h in logging.getLogger().handlers
                if isinstance(h, logging.handlers.RotatingFileHandler)]
    assert len(handlers) == 1 and handlers[0].maxBytes == 1_000_000


def test_the_level_comes_from_the_environment_too(tmp_path, log_file, monkeypatch):
    monkeypatch.setenv("LOYALTY_LOG_LEVEL", "ERROR")
    run(tmp_path, "customer", "add", "Ann")
    logging.getLogger("loyalty.test").warning("not wanted")
    logging.getLogger("loyalty.test").error("wanted")
    text = log_file.read_text(encoding="utf-8")
    assert "wanted" in text and "not wanted" not in text


def test_phones_keys_and_message_text_never_reach_the_log(log_file):
    configure_logging("DEBUG")
    # What urllib3 logs at DEBUG for a CallMeBot request, and an error that echoes the URL.
    logging.getLogger("urllib3.connectionpool").debug(
        'https://api.callmebot.com:443 "GET /whatsapp.php?phone=+94771234567&text=Hi+Nimal'
        '%2C+you+earned+25+points&apikey=123456 HTTP/1.1" 200 None')
    logging.getLogger("loyalty").error("delivery failed: %s", "phone=+94771234567 apikey=99")
    text = log_file.read_text(encoding="utf-8")
    for secret in ("+94771234567", "Hi+Nimal", "123456", "apikey=99"):
        assert secret not in text
    assert "phone=***&text=***&apikey=***" in text


def test_the_window_starts_without_a_console_window_on_windows():
    scripts = importlib.metadata.distribution("loyalty-ui-tk").entry_points
    assert [(e.group, e.name) for e in scripts if e.name == "loyalty-manager"] == [
        ("gui_scripts", "loyalty-manager")]
