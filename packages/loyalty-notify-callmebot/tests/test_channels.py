"""The CallMeBot channels against a local server that answers like CallMeBot."""

from __future__ import annotations

import logging

import pytest

from loyalty.domain.channels import DeliveryFailed
from loyalty.domain.channels import Recipient
from loyalty.domain.errors import SettingsError
from loyalty.domain.settings import Settings
from loyalty_notify_callmebot import loyalty_channels
from loyalty_notify_callmebot.channels import build_channels
from loyalty_notify_callmebot.options import Options


KEY = "7351924"
AMARA = Recipient(customer_id=3, name="Amara", key=KEY, phone="+94 77 123-4567")
TEXT = "Hi Ṣadé, you earned 15 points 🎉\nBalance: 40 points (Rs 0.40)."


def channel(base_url: str, name: str, read_timeout: float = 5.0):
    options = Options(base_url=base_url, connect_timeout=2, read_timeout=read_timeout,
                      per_recipient_interval=0, min_interval=0)
    return {c.name: c for c in build_channels(options)}[name]


def test_whatsapp_sends_phone_text_and_key_the_way_callmebot_reads_them(callmebot):
    channel(callmebot.url("ok"), "whatsapp").send(AMARA, TEXT)
    [request] = callmebot.received
    assert request.path == "/whatsapp.php"
    assert request.params == {"phone": "+94771234567", "text": TEXT, "apikey": KEY}


def test_names_emoji_and_newlines_are_percent_encoded_as_utf8(callmebot):
    channel(callmebot.url("ok"), "whatsapp").send(AMARA, TEXT)
    raw = callmebot.received[0].raw_query
    assert "phone=%2B94771234567" in raw
    assert "%E1%B9%A2ad%C3%A9" in raw  # Ṣadé
    assert "%F0%9F%8E%89" in raw  # 🎉
    assert "%0ABalance" in raw  # the newline
    assert " " not in raw and "\n" not in raw


@pytest.mark.parametrize(("name", "path", "params"), [
    ("signal", "/signal/send.php", {"phone": "+94771234567", "apikey": KEY, "text": "Hi"}),
    ("messenger", "/facebook/send.php", {"apikey": KEY, "text": "Hi"}),
    ("telegram", "/text.php", {"user": KEY, "text": "Hi"}),
])
def test_each_channel_calls_its_own_endpoint(callmebot, name, path, params):
    channel(callmebot.url("ok"), name).send(AMARA, "Hi")
    [request] = callmebot.received
    assert (request.path, request.params) == (path, params)


def test_an_invalid_key_answered_with_status_200_is_a_permanent_failure(callmebot):
    with pytest.raises(DeliveryFailed) as failure:
        channel(callmebot.url("bad-key"), "whatsapp").send(AMARA, TEXT)
    assert failure.value.permanent
    assert "APIKey is invalid" in str(failure.value)
    assert "<b>" not in str(failure.value) and KEY not in str(failure.value)


def test_too_many_requests_is_transient_and_pauses_the_channel(callmebot):
    with pytest.raises(DeliveryFailed) as failure:
        channel(callmebot.url("busy"), "whatsapp").send(AMARA, TEXT)
    assert not failure.value.permanent
    assert failure.value.retry_after == 900


def test_a_server_error_is_transient(callmebot):
    with pytest.raises(DeliveryFailed) as failure:
        channel(callmebot.url("broken"), "telegram").send(AMARA, TEXT)
    assert not failure.value.permanent and "HTTP 500" in str(failure.value)


def test_a_refused_connection_is_transient_and_hides_the_key(refused_url):
    with pytest.raises(DeliveryFailed) as failure:
        channel(refused_url, "whatsapp").send(AMARA, TEXT)
    assert not failure.value.permanent
    assert "cannot reach CallMeBot" in str(failure.value) and KEY not in str(failure.value)


def test_a_slow_answer_is_not_retried_because_the_message_may_have_gone(callmebot):
    with pytest.raises(DeliveryFailed) as failure:
        channel(callmebot.url("slow"), "whatsapp", read_timeout=0.3).send(AMARA, TEXT)
    assert failure.value.permanent
    assert "may have been sent" in str(failure.value)
    assert len(callmebot.received) == 1


def test_an_unrecognised_answer_is_not_taken_for_success(callmebot):
    with pytest.raises(DeliveryFailed) as failure:
        channel(callmebot.url("odd"), "messenger").send(AMARA, TEXT)
    assert failure.value.permanent and "Something changed" in str(failure.value)


def test_a_reworded_success_text_can_be_configured(callmebot):
    options = Options(base_url=callmebot.url("odd"), per_recipient_interval=0, min_interval=0,
                      success_texts={"messenger": "Something changed"})
    {c.name: c for c in build_channels(options)}["messenger"].send(AMARA, TEXT)


def test_whatsapp_without_a_phone_number_fails_without_calling(callmebot):
    keyless = Recipient(customer_id=4, name="Bo", key=KEY, phone=None)
    with pytest.raises(DeliveryFailed, match="needs the customer's phone number") as failure:
        channel(callmebot.url("ok"), "whatsapp").send(keyless, TEXT)
    assert failure.value.permanent and callmebot.received == []


def test_api_keys_never_reach_the_logs(callmebot, caplog):
    with caplog.at_level(logging.DEBUG):
        channel(callmebot.url("ok"), "whatsapp").send(AMARA, TEXT)
        with pytest.raises(DeliveryFailed):
            channel(callmebot.url("bad-key"), "signal").send(AMARA, TEXT)
    assert "whatsapp.php" in caplog.text  # the HTTP library did log the request...
    assert KEY not in caplog.text  # ...without the key
    assert "apikey=***" in caplog.text


def test_options_come_from_the_plugins_settings_table(callmebot):
    settings = Settings(plugins={"callmebot": {"base_url": callmebot.url("ok"),
                                               "read_timeout": 12}})
    channels = {c.name: c for c in loyalty_channels(settings)}
    assert set(channels) == {"whatsapp", "messenger", "telegram", "signal"}
    assert channels["whatsapp"].options.read_timeout == 12.0
    assert channels["whatsapp"].options.base_url == callmebot.url("ok")


def test_a_misspelt_option_is_refused_by_its_name():
    with pytest.raises(SettingsError, match=r"plugins\.callmebot\.base_ulr"):
        loyalty_channels(Settings(plugins={"callmebot": {"base_ulr": "http://x"}}))


def test_a_negative_timeout_is_refused_by_its_name():
    with pytest.raises(SettingsError, match=r"plugins\.callmebot\.read_timeout"):
        loyalty_channels(Settings(plugins={"callmebot": {"read_timeout": -1}}))
