"""``loyalty outbox``: listing, sending and retrying from the command line."""

from __future__ import annotations

import json

import pytest

from loyalty.cli.app import main
from loyalty.engine import Engine
from loyalty.plugins.manager import Plugins
from loyalty.testing.notifications import ChannelPlugin
from loyalty.testing.notifications import RecordingChannel


@pytest.fixture
def plugins() -> Plugins:
    # The shop's engine knows a channel 'inbox' that the command line will not find installed.
    return Plugins(load_installed=False, extra=[ChannelPlugin([RecordingChannel()])])


@pytest.fixture
def shop(engine: Engine, till, tmp_path, monkeypatch) -> Engine:
    customer = engine.add_customer("Bilal", platform="inbox", messaging_key="secret-990").id
    engine.record_sale(till.sale(customer, 2500))
    monkeypatch.setenv("LOYALTY_LEDGER", engine.db.url.render_as_string(hide_password=False))
    monkeypatch.setenv("LOYALTY_SETTINGS", str(tmp_path / "settings.toml"))
    return engine


def run(capsys, *args: str) -> tuple[int, str]:
    code = main(list(args))
    return code, capsys.readouterr().out


def test_outbox_lists_pending_messages_without_their_keys(shop, capsys):
    code, out = run(capsys, "outbox", "--json")
    [row] = json.loads(out)
    assert code == 0
    assert (row["status"], row["customer_name"], row["channel"]) == ("pending", "Bilal", "inbox")
    assert "secret-990" not in out


def test_outbox_send_fails_a_message_whose_channel_is_missing_and_lists_it(shop, capsys):
    code, out = run(capsys, "outbox", "send")
    assert code == 0 and "failed 1" in out
    code, out = run(capsys, "outbox", "--json")
    [row] = json.loads(out)
    assert row["status"] == "failed" and "no channel named 'inbox'" in row["last_error"]


def test_outbox_retry_gives_failed_messages_another_go(shop, capsys):
    run(capsys, "outbox", "send")
    code, out = run(capsys, "outbox", "retry", "--json")
    result = json.loads(out)
    assert code == 0
    assert result["retried"] == [1] and result["report"]["failed"] == 1


def test_sent_messages_are_listed_only_with_all(shop, capsys):
    assert shop.dispatcher().run_once().sent == 1
    assert "outbox is empty" in run(capsys, "outbox")[1]
    [row] = json.loads(run(capsys, "outbox", "--all", "--json")[1])
    assert row["status"] == "sent"
