"""The e-mail channel against a real local SMTP server."""

from __future__ import annotations

import pytest

from loyalty.domain.channels import DeliveryFailed
from loyalty.domain.channels import Recipient
from loyalty.domain.settings import Settings
from loyalty_notify_email import EmailChannel
from loyalty_notify_email import SmtpOptions


CHIOMA = Recipient(customer_id=1, name="Chioma Ọkafọ", key="chioma@example.ng")
TEXT = "Hi Chioma Ọkafọ, you earned 15 points 🎉\nBalance: 40 points."


def channel(server) -> EmailChannel:
    return EmailChannel(SmtpOptions(host=server.host, port=server.port,
                                    sender="shop@example.ng", subject="Your points"))


def test_a_message_arrives_as_written_at_the_customers_address(smtp_server):
    channel(smtp_server).send(CHIOMA, TEXT)
    [mail] = smtp_server.mailbox.messages
    assert mail["To"] == "Chioma Ọkafọ <chioma@example.ng>"
    assert (mail["From"], mail["Subject"]) == ("shop@example.ng", "Your points")
    assert mail.get_content().replace("\r\n", "\n").rstrip("\n") == TEXT  # SMTP sends CRLF


def test_a_refused_address_is_a_permanent_failure(smtp_server):
    nobody = Recipient(customer_id=2, name="Nobody", key="nobody@example.ng")
    with pytest.raises(DeliveryFailed, match="refused") as failure:
        channel(smtp_server).send(nobody, TEXT)
    assert failure.value.permanent


def test_a_key_that_is_not_an_address_fails_without_connecting(closed_port):
    with pytest.raises(DeliveryFailed, match="not an e-mail address") as failure:
        EmailChannel(SmtpOptions(port=closed_port)).send(
            Recipient(customer_id=3, name="X", key="12345"), TEXT)
    assert failure.value.permanent


def test_a_mail_server_that_is_down_is_a_transient_failure(closed_port):
    with pytest.raises(DeliveryFailed, match="cannot reach") as failure:
        EmailChannel(SmtpOptions(host="127.0.0.1", port=closed_port, timeout=2)).send(
            CHIOMA, TEXT)
    assert not failure.value.permanent


@pytest.fixture
def settings(smtp_server) -> Settings:
    return Settings(plugins={"email": {"host": smtp_server.host, "port": smtp_server.port}})


def test_a_sale_sends_an_email_through_the_outbox(engine, till, smtp_server):
    customer = engine.add_customer("Chioma Ọkafọ", platform="email",
                                   messaging_key="chioma@example.ng").id
    engine.record_sale(till.sale(customer, 1500))
    assert engine.dispatcher().run_once().sent == 1
    [mail] = smtp_server.mailbox.messages
    assert "you earned 15 points" in mail.get_content()


def test_a_misspelt_option_is_refused_by_its_name():
    from loyalty.domain.errors import SettingsError
    from loyalty_notify_email import loyalty_channels

    with pytest.raises(SettingsError, match=r"plugins\.email\.prot"):
        loyalty_channels(Settings(plugins={"email": {"prot": 25}}))

def test_the_tutorial_shows_the_code_that_these_tests_run():
    from pathlib import Path

    import loyalty_notify_email

    root = Path(__file__).resolve().parents[3]
    tutorial = (root / "docs" / "writing-a-channel.md").read_text(encoding="utf-8")
    for source in (Path(loyalty_notify_email.__file__), Path(__file__).with_name("conftest.py")):
        assert source.read_text(encoding="utf-8").strip() in tutorial, f"{source.name} changed"
