"""From a sale to a WhatsApp message: engine, outbox, dispatcher and a CallMeBot-like server."""

from __future__ import annotations

import json

import pytest

from loyalty.cli.app import main
from loyalty.domain.settings import Settings
from loyalty.domain.settings import save_settings
from loyalty.engine import Engine
from loyalty.ledger import outbox


KEY = "5550123"


def configured(base_url: str) -> Settings:
    return Settings(plugins={"callmebot": {
        "base_url": base_url, "per_recipient_interval": 0, "min_interval": 0,
        "read_timeout": 2,
    }})


@pytest.fixture
def settings(callmebot) -> Settings:
    return configured(callmebot.url("ok"))


@pytest.fixture
def nimal(engine: Engine) -> int:
    return engine.add_customer("Nimal Perera", phone="+94 71 555 0123", platform="whatsapp",
                               messaging_key=KEY).id


def rows(engine: Engine) -> list[outbox.OutboxMessage]:
    with engine.db.connect() as conn:
        return outbox.listing(conn, None)


def test_a_sale_reaches_the_customer_on_whatsapp(engine, till, nimal, callmebot):
    engine.record_sale(till.sale(nimal, 7_550))
    assert engine.dispatcher().run_once().sent == 1
    [request] = callmebot.received
    assert request.params == {
        "phone": "+94715550123", "apikey": KEY,
        "text": "Hi Nimal Perera, you earned 75 points at My Shop. "
                "Balance: 75 points ($0.75).",
    }
    assert [m.status for m in rows(engine)] == ["sent"]


def test_a_rejected_key_leaves_a_failed_message_without_the_key(engine, till, nimal, callmebot):
    engine.update_settings(configured(callmebot.url("bad-key")))
    engine.record_sale(till.sale(nimal, 500))
    assert engine.dispatcher().run_once().failed == 1
    [message] = rows(engine)
    assert message.status == "failed" and "APIKey is invalid" in message.last_error
    assert KEY not in message.last_error


def test_an_unreachable_service_keeps_the_message_for_later(engine, till, nimal, refused_url,
                                                            clock, callmebot):
    engine.update_settings(configured(refused_url))
    engine.record_sale(till.sale(nimal, 500))
    assert engine.dispatcher().run_once().retrying == 1
    assert rows(engine)[0].status == "pending"
    engine.update_settings(configured(callmebot.url("ok")))
    clock.advance(minutes=1)
    assert engine.dispatcher().run_once().sent == 1


def test_loyalty_outbox_send_delivers_from_the_command_line(engine, till, nimal, callmebot,
                                                            tmp_path, monkeypatch, capsys):
    engine.record_sale(till.sale(nimal, 500))
    settings_path = tmp_path / "cli-settings.toml"
    save_settings(engine.settings, settings_path)
    monkeypatch.setenv("LOYALTY_LEDGER", str(engine.db.url.database))
    monkeypatch.setenv("LOYALTY_SETTINGS", str(settings_path))
    assert main(["outbox", "send", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["sent"] == 1
    assert len(callmebot.received) == 1
