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
LIMITED_KEY = "5550999"
"""The key the fake CallMeBot's ``/limited`` answers HTTP 429 to (see conftest.py)."""


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


def test_an_error_page_that_quotes_the_success_text_is_not_taken_for_a_sent_message(
        engine, till, nimal, callmebot):
    engine.update_settings(configured(callmebot.url("quoting")))
    engine.record_sale(till.sale(nimal, 500))
    assert engine.dispatcher().run_once().sent == 0
    [message] = rows(engine)
    assert message.status == "failed" and "not valid" in message.last_error


def test_an_address_that_is_not_a_web_address_is_refused_when_it_is_set(engine, tmp_path,
                                                                           capsys):
    settings_file = tmp_path / "s.toml"
    save_settings(engine.settings, settings_file)
    code = main(["--ledger", str(tmp_path / "l.db"), "--settings", str(settings_file),
                 "settings", "set", "plugins.callmebot.base_url", "file:///etc/passwd"])
    err = capsys.readouterr().err.strip()
    assert code == 1 and len(err.splitlines()) == 1
    assert "plugins.callmebot.base_url" in err and "http:// or https://" in err
    assert "file:///etc/passwd" not in settings_file.read_text(encoding="utf-8")


def test_a_rate_limited_recipient_waits_while_the_channel_serves_everyone_else(
        engine, till, nimal, callmebot):
    engine.update_settings(configured(callmebot.url("limited")))
    ayesha = engine.add_customer("Ayesha Khan", phone="+92 300 555 0999", platform="whatsapp",
                                 messaging_key=LIMITED_KEY).id
    engine.record_sale(till.sale(ayesha, 500))
    engine.record_sale(till.sale(ayesha, 700))
    engine.record_sale(till.sale(nimal, 900))
    report = engine.dispatcher().run_once()
    assert report.sent == 1 and report.skipped_channels == {}
    by_customer = {(m.customer_id, m.status) for m in rows(engine)}
    assert by_customer == {(nimal, "sent"), (ayesha, "pending")}
    ayesha_messages = [m for m in rows(engine) if m.customer_id == ayesha]
    assert len(ayesha_messages) == 2
    assert len({m.next_attempt_at for m in ayesha_messages}) == 1  # both wait the same pause


def test_a_server_that_echoes_the_url_leaves_no_phone_key_or_text_in_the_error(
        engine, till, nimal, callmebot):
    engine.update_settings(configured(callmebot.url("echo")))
    engine.record_sale(till.sale(nimal, 7_550))
    engine.dispatcher().run_once()
    [message] = rows(engine)
    assert message.status == "failed" and "Bad request" in message.last_error
    for private in (KEY, "94715550123", "Nimal", "earned"):
        assert private not in message.last_error

