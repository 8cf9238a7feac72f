"""Messages the shop sends from the window: the Send message dialog and the notification log's
failures, filter and Retry, delivered through the real CallMeBot channels to a fake CallMeBot
server on this machine."""

from __future__ import annotations

import subprocess
import tkinter as tk
from collections.abc import Iterator

import pytest

from loyalty.domain.rules.audiences import Audience
from loyalty.domain.settings import Settings
from loyalty.engine import Engine
from loyalty.plugins.manager import Plugins
from loyalty_notify_callmebot.testing import FakeCallMeBot
from loyalty_notify_callmebot.testing import fake_callmebot
from loyalty_ui_tk.message_dialog import MessageDialog
from loyalty_ui_tk.notification_log import message_source


def callmebot_at(base_url: str) -> Settings:
    return Settings(plugins={"callmebot": {
        "base_url": base_url, "per_recipient_interval": 0, "min_interval": 0,
        "read_timeout": 2,
    }})


@pytest.fixture
def callmebot() -> Iterator[FakeCallMeBot]:
    with fake_callmebot() as server:
        yield server


@pytest.fixture
def settings(callmebot: FakeCallMeBot) -> Settings:
    return callmebot_at(callmebot.url("ok"))


@pytest.fixture
def plugins() -> Plugins:
    """The installed plugins: the real WhatsApp channel of loyalty-notify-callmebot."""
    return Plugins()


@pytest.fixture
def shop(engine: Engine, till, clock) -> dict[str, int]:
    """Ann bought today; Bo and Cy 90 days ago; Dee takes no messages."""
    ids = {name: engine.add_customer(name, phone=f"+9477123456{n}", platform="whatsapp",
                                     messaging_key=f"55501{n}").id
           for n, name in enumerate(("Ann", "Bo", "Cy"))}
    ids["Dee"] = engine.add_customer("Dee").id
    for name in ("Bo", "Cy", "Dee"):
        engine.record_sale(till.sale(ids[name], 10_000))
    clock.advance(days=90)
    engine.record_sale(till.sale(ids["Ann"], 50_000))
    engine.dispatcher().run_once()  # the 'you earned' messages are out of the way
    return ids


@pytest.fixture
def window(engine, shop, make_app):
    return make_app(engine, list_messages=message_source(engine))


def click(widget: tk.Misc, *, times: int = 1) -> None:
    """Click the middle of ``widget`` with the real mouse, as a person would."""
    x = widget.winfo_rootx() + widget.winfo_width() // 2
    y = widget.winfo_rooty() + widget.winfo_height() // 2
    subprocess.run(["xdotool", "mousemove", str(x), str(y), "click", "--repeat", str(times),
                    "--delay", "40", "1"], check=True)


def type_text(text: str) -> None:
    subprocess.run(["xdotool", "type", "--delay", "20", text], check=True)


def opened_dialog(app) -> MessageDialog | None:
    return next((w for w in app.root.winfo_children() if isinstance(w, MessageDialog)), None)


def custom(engine: Engine) -> list:
    return [m for m in engine.messages(None) if m.template == "custom"]


def test_a_message_to_inactive_customers_is_previewed_sent_once_and_delivered(
        window, engine, callmebot, until, pump):
    app = window
    app.notebook.select(app.messages)
    until(app, lambda: app.messages.compose_button.winfo_viewable())
    click(app.messages.compose_button)
    until(app, lambda: opened_dialog(app) is not None)
    dialog = opened_dialog(app)
    until(app, lambda: dialog.recipients_label.cget("text") == "3 recipients")

    until(app, lambda: dialog.inactive_check.winfo_viewable())
    click(dialog.inactive_check)  # with no sale in the last 60 days
    until(app, lambda: dialog.recipients_label.cget("text") == "2 recipients")
    click(dialog.text)
    subprocess.run(["xdotool", "key", "ctrl+End"], check=True)
    type_text("we miss you! {balance} points wait for you at {shop_name}.")
    until(app, lambda: dialog.sample_text.cget("text").endswith("at My Shop."))
    assert dialog.sample_label.cget("text") == "Bo will read:"
    assert dialog.sample_text.cget("text") == (
        "Hi Bo, we miss you! 100 points wait for you at My Shop.")
    assert dialog.send_button.cget("text") == "Send to 2 customers"

    click(dialog.send_button, times=2)  # a double click
    until(app, lambda: dialog.sent)
    pump(app, 0.5)
    assert len(custom(engine)) == 2
    assert "Queued 2 messages" in dialog.problem_label.cget("text")
    assert app.footer.cget("text").startswith("Queued 2 messages to everyone who takes "
                                              "messages with no sale in 60 days.")
    until(app, lambda: sum(row[5].startswith("Hi ") and "miss you" in row[5]
                           for row in app.messages.rows()) == 2)

    assert engine.dispatcher().run_once().sent == 2
    texts = sorted(r.params["text"] for r in callmebot.received if "miss you" in r.params["text"])
    assert texts == ["Hi Bo, we miss you! 100 points wait for you at My Shop.",
                     "Hi Cy, we miss you! 100 points wait for you at My Shop."]


def test_a_customer_without_messages_is_told_in_the_dialog_and_cannot_be_sent_to(
        window, shop, until):
    dialog = window.send_message_to(shop["Dee"])
    until(window, lambda: dialog.problem_label.cget("text").startswith("Dee takes no messages"))
    assert dialog.recipients_label.cget("text") == "No recipients"
    assert dialog.customer_name.cget("text") == "Dee"
    assert dialog.send_button.instate(["disabled"])
    dialog.customer_var.set(str(shop["Ann"]))
    until(window, lambda: dialog.recipients_label.cget("text") == "1 recipient")
    assert dialog.customer_name.cget("text") == "Ann"
    assert dialog.send_button.instate(["!disabled"])


def test_a_bad_placeholder_is_named_before_sending(window, until):
    dialog = window.send_message_to(None)
    dialog.set_message("Hi {name}")
    until(window, lambda: "unknown placeholder {name}" in dialog.problem_label.cget("text"))
    assert dialog.send_button.instate(["disabled"])
    assert not dialog.confirm()


def test_the_log_says_why_a_message_failed_filters_and_retries(
        window, engine, shop, callmebot, until):
    app = window
    engine.update_settings(callmebot_at(callmebot.url("bad-key")))
    engine.send_custom_message(Audience(), "Hi {customer_name}", key="t")
    assert engine.dispatcher().run_once().failed == 3
    app.notebook.select(app.messages)
    app.messages.reload()
    until(app, lambda: sum(row[3] == "failed" for row in app.messages.rows()) == 3)
    failed = [row for row in app.messages.rows() if row[3] == "failed"]
    assert all(row[6] == "CallMeBot answered HTTP 200: APIKey is invalid. Please check that "
               "the apikey *** is correct." for row in failed)
    assert all("55501" not in row[6] for row in failed)  # the key is masked
    assert all(row[5].startswith("Hi ") for row in failed)

    app.messages.filter_box.set("Failed")
    app.messages.filter_box.event_generate("<<ComboboxSelected>>")
    until(app, lambda: len(app.messages.rows()) == 3)
    assert app.messages.status.cget("text") == "3 failed messages"
    assert app.messages.retry_button.instate(["disabled"])  # nothing selected yet

    engine.update_settings(callmebot_at(callmebot.url("ok")))  # the shop fixed the account
    tree = app.messages.tree
    first = tree.get_children()[0]
    until(app, lambda: tree.bbox(first, "customer"))
    x, y, _, height = tree.bbox(first, "customer")
    subprocess.run(["xdotool", "mousemove", str(tree.winfo_rootx() + x + 10),
                    str(tree.winfo_rooty() + y + height // 2), "click", "1"], check=True)
    until(app, lambda: app.messages.retry_button.instate(["!disabled"]))
    click(app.messages.retry_button)
    until(app, lambda: len(app.messages.rows()) == 2)
    assert app.footer.cget("text").startswith("Retried 1 message. Sent 1")
    click(app.messages.retry_all_button)
    until(app, lambda: app.messages.status.cget("text") == "No failed messages.")
    assert app.footer.cget("text").startswith("Retried 2 messages. Sent 2")
    app.messages.show_only("Sent")
    until(app, lambda: sum(row[5] == "Hi Ann" for row in app.messages.rows()) == 1)
    assert sum(r.params["text"].startswith("Hi ") for r in callmebot.received
               if r.path == "/whatsapp.php") >= 3

