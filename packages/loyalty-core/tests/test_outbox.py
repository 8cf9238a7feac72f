"""The outbox: messages commit with their points, are delivered once, retried, and stay visible."""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from loyalty.domain.channels import DeliveryFailed
from loyalty.domain.errors import LedgerError
from loyalty.engine import Engine
from loyalty.ledger import outbox
from loyalty.notifications.dispatcher import RetryPolicy
from loyalty.notifications.queue import queue_message
from loyalty.plugins.manager import Plugins
from loyalty.testing.notifications import ChannelPlugin
from loyalty.testing.notifications import RecordingChannel


@pytest.fixture
def inbox() -> RecordingChannel:
    return RecordingChannel()


@pytest.fixture
def plugins(inbox: RecordingChannel) -> Plugins:
    return Plugins(load_installed=False, extra=[ChannelPlugin([inbox])])


@pytest.fixture
def amara(engine: Engine) -> int:
    return engine.add_customer("Amara Okafor", phone="+2348012345678", platform="inbox",
                               messaging_key="key-amara-771").id


def messages(engine: Engine, statuses=None) -> list[outbox.OutboxMessage]:
    with engine.db.connect() as conn:
        return outbox.listing(conn, statuses)


# ---- Queuing with the ledger change ---------------------------------------------------------


def test_a_sale_queues_its_message_in_the_same_transaction(engine, till, amara):
    engine.record_sale(till.sale(amara, 1500))
    [message] = messages(engine)
    assert message.status == "pending"
    assert message.template == "points_earned"
    assert message.text == ("Hi Amara Okafor, you earned 15 points at My Shop. "
                            "Balance: 15 points ($0.15).")


def test_a_rolled_back_sale_leaves_no_message(engine, till, amara):
    def refuse(connection, events):
        raise LedgerError("the till lost power")

    engine.add_transaction_hook(refuse)
    with pytest.raises(LedgerError):
        engine.record_sale(till.sale(amara, 1500))
    assert engine.balance(amara) == 0
    assert messages(engine) == []


def test_a_replayed_sale_queues_nothing_more(engine, till, amara):
    sale = till.sale(amara, 1500)
    engine.record_sale(sale)
    assert engine.record_sale(sale).status == "duplicate"
    assert len(messages(engine)) == 1


def test_customers_without_a_platform_or_key_get_nothing_queued(engine, till):
    quiet = engine.add_customer("No Phone").id
    keyless = engine.add_customer("No Key", platform="inbox").id
    engine.record([till.sale(quiet, 1500), till.sale(keyless, 1500)])
    assert messages(engine) == []


def test_no_message_is_queued_while_notifications_are_off(engine, till, amara):
    from loyalty.domain.settings import with_setting

    engine.update_settings(with_setting(engine.settings, "notifications.enabled", False))
    engine.record_sale(till.sale(amara, 1500))
    assert messages(engine) == []


def test_reaching_a_new_level_queues_a_congratulation_too(engine, till, amara):
    engine.record_sale(till.sale(amara, 10_000))  # 100 points: the first star
    assert [m.template for m in messages(engine)] == ["points_earned", "tier_raised"]
    assert messages(engine)[1].text == (
        "Congratulations Amara Okafor! You are now a ★☆☆☆☆ customer at My Shop.")


def test_a_customer_at_the_top_level_gets_the_top_level_message(engine, till, amara):
    engine.record_sale(till.sale(amara, 500_000))  # 5000 points: five stars
    engine.record_sale(till.sale(amara, 1000))
    last = messages(engine)[-1]
    assert last.template == "points_earned_max_level"
    assert "as one of our top customers you earned 40 points" in last.text  # 10 + 30 bonus


def test_paying_with_points_queues_points_spent_with_their_value(engine, till, amara):
    engine.record_sale(till.sale(amara, 50_000))
    engine.redeem(amara, 300, key="pay-1")
    spent = messages(engine)[-1]
    assert spent.template == "points_spent"
    assert spent.text.startswith("Hi Amara Okafor, you paid with 300 points at My Shop.")


def test_queue_message_queues_once_per_key_inside_the_callers_transaction(engine, amara):
    values = {"expiring_points": 120, "expiry_date": "2026-02-01"}
    with engine.db.begin() as conn:
        first = queue_message(conn, engine.shop, amara, "points_expiring", values, "expiry/1")
        again = queue_message(conn, engine.shop, amara, "points_expiring", values, "expiry/1")
    assert first is not None and again is None
    [message] = messages(engine)
    assert message.text == ("Hi Amara Okafor, 120 of your points at My Shop expire on "
                            "2026-02-01. Use them before then!")


def test_queue_message_refuses_an_unknown_template(engine, amara):
    with engine.db.begin() as conn, pytest.raises(ValueError, match="points_expiring"):
        queue_message(conn, engine.shop, amara, "birthday", {}, "b/1")


# ---- Delivery -------------------------------------------------------------------------------


def test_the_dispatcher_delivers_due_messages_and_marks_them_sent(engine, till, amara, inbox,
                                                                   clock):
    engine.record_sale(till.sale(amara, 1500))
    report = engine.dispatcher().run_once()
    assert report.sent == 1
    [(recipient, _)] = inbox.sent
    assert (recipient.name, recipient.key, recipient.phone) == (
        "Amara Okafor", "key-amara-771", "+2348012345678")
    [message] = messages(engine, ["sent"])
    assert message.sent_at == clock.now and message.attempts == 1
    assert engine.dispatcher().run_once().sent == 0


def test_a_transient_failure_is_retried_after_the_backoff(engine, till, amara, inbox, clock):
    engine.record_sale(till.sale(amara, 1500))
    inbox.fail_with(DeliveryFailed("service unavailable"))
    dispatcher = engine.dispatcher()
    assert dispatcher.run_once().retrying == 1
    [message] = messages(engine)
    assert message.status == "pending"
    assert message.next_attempt_at == clock.now + timedelta(seconds=30)
    assert message.last_error == "service unavailable"
    clock.advance(seconds=29)
    assert dispatcher.run_once().sent == 0
    clock.advance(seconds=1)
    assert dispatcher.run_once().sent == 1
    assert messages(engine, ["sent"])[0].attempts == 2


def test_the_backoff_grows_with_each_attempt(engine):
    policy = RetryPolicy()
    delays = [policy.delay_after(n).total_seconds() for n in range(1, 6)]
    assert delays == [30, 60, 120, 240, 480]


def test_after_the_last_attempt_a_message_stays_visible_as_failed(engine, till, amara, inbox,
                                                                  clock):
    engine.record_sale(till.sale(amara, 1500))
    policy = RetryPolicy(max_attempts=3)
    inbox.fail_with(*(DeliveryFailed(f"busy {n}") for n in range(3)))
    dispatcher = engine.dispatcher(policy=policy)
    for _ in range(3):
        dispatcher.run_once()
        clock.advance(hours=2)
    [message] = messages(engine)
    assert (message.status, message.attempts, message.last_error) == ("failed", 3, "busy 2")
    assert dispatcher.run_once().sent == 0
    assert inbox.sent == []


def test_a_permanent_failure_is_not_retried(engine, till, amara, inbox, clock):
    engine.record_sale(till.sale(amara, 1500))
    inbox.fail_with(DeliveryFailed("APIKey is invalid", permanent=True))
    assert engine.dispatcher().run_once().failed == 1
    clock.advance(days=1)
    assert engine.dispatcher().run_once().sent == 0
    assert messages(engine)[0].status == "failed"


def test_retrying_failed_messages_delivers_them(engine, till, amara, inbox):
    engine.record_sale(till.sale(amara, 1500))
    inbox.fail_with(DeliveryFailed("APIKey is invalid", permanent=True))
    engine.dispatcher().run_once()
    [failed] = messages(engine)
    assert engine.retry_messages([failed.id]) == [failed.id]
    assert engine.dispatcher().run_once().sent == 1
    assert messages(engine, ["sent"])[0].last_error is None


def test_a_message_for_a_channel_that_is_not_installed_fails_visibly(engine, till, amara):
    engine.record_sale(till.sale(amara, 1500))
    with engine.db.begin() as conn:  # the customer's channel plugin was uninstalled since
        conn.execute(sa.text("UPDATE outbox SET channel = 'pigeon'"))
    assert engine.dispatcher().run_once().failed == 1
    assert "no channel named 'pigeon' is installed" in messages(engine)[0].last_error


def test_a_channel_that_asks_for_a_pause_gets_one(engine, till, amara, inbox, clock):
    engine.record([till.sale(amara, 1500), till.sale(amara, 2500)])
    inbox.fail_with(DeliveryFailed("too many requests", retry_after=900))
    dispatcher = engine.dispatcher()
    report = dispatcher.run_once()
    assert (report.retrying, report.sent) == (1, 0)
    assert report.skipped_channels == {"inbox": clock.now + timedelta(seconds=900)}
    assert engine.dispatcher().run_once().sent == 0  # a restarted dispatcher keeps the pause
    clock.advance(seconds=900)
    assert dispatcher.run_once().sent == 2


def test_errors_and_logs_never_show_the_customers_key(engine, till, amara, inbox, caplog):
    engine.record_sale(till.sale(amara, 1500))
    inbox.fail_with(DeliveryFailed(
        "GET /whatsapp.php?phone=1&apikey=key-amara-771 said: key key-amara-771 is invalid",
        permanent=True))
    with caplog.at_level(logging.DEBUG):
        engine.dispatcher().run_once()
    error = messages(engine)[0].last_error
    assert "key-amara-771" not in error and "apikey=***" in error
    assert "key-amara-771" not in caplog.text and "failed for good" in caplog.text


# ---- Crashes and concurrency ----------------------------------------------------------------


def test_two_dispatchers_never_claim_the_same_message(engine, till, amara, clock):
    engine.record_sale(till.sale(amara, 1500))
    with engine.db.begin() as conn:
        [candidate] = outbox.due(conn, clock.now, max_attempts=6)
    lease = clock.now + timedelta(minutes=5)
    with engine.db.begin() as conn:
        first = outbox.claim(conn, candidate, now=clock.now, lease_until=lease)
    with engine.db.begin() as conn:
        second = outbox.claim(conn, candidate, now=clock.now, lease_until=lease)
    assert first is not None and second is None


def test_dispatchers_in_parallel_send_each_message_once(engine, till, amara, inbox):
    engine.record([till.sale(amara, 500 + n) for n in range(12)])  # 60 points: no new star
    workers = [threading.Thread(target=engine.dispatcher().run_once) for _ in range(3)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert len(inbox.sent) == 12
    assert len(set(inbox.texts())) == 12


def test_a_message_left_sending_by_a_crash_is_retried_after_its_lease(engine, till, amara,
                                                                      inbox, clock):
    engine.record_sale(till.sale(amara, 1500))
    with engine.db.begin() as conn:  # a dispatcher claims it, then the program dies
        [candidate] = outbox.due(conn, clock.now, max_attempts=6)
        outbox.claim(conn, candidate, now=clock.now, lease_until=clock.now + timedelta(minutes=5))
    dispatcher = engine.dispatcher()
    clock.advance(minutes=4)
    assert dispatcher.run_once().sent == 0
    clock.advance(minutes=1)
    assert dispatcher.run_once().sent == 1
    assert messages(engine, ["sent"])[0].attempts == 2


def test_an_interrupted_last_attempt_is_failed_not_repeated(engine, till, amara, inbox, clock):
    engine.record_sale(till.sale(amara, 1500))
    with engine.db.begin() as conn:
        [candidate] = outbox.due(conn, clock.now, max_attempts=1)
        outbox.claim(conn, candidate, now=clock.now, lease_until=clock.now + timedelta(minutes=5))
    clock.advance(minutes=10)
    engine.dispatcher(policy=RetryPolicy(max_attempts=1)).run_once()
    [message] = messages(engine)
    assert message.status == "failed" and "interrupted" in message.last_error
    assert inbox.sent == []


def test_run_dispatcher_delivers_in_the_background_until_stopped(engine, till, amara, inbox):
    engine.record_sale(till.sale(amara, 1500))
    stop = threading.Event()
    worker = threading.Thread(target=engine.deliver_messages, args=(stop, 0.05))
    worker.start()
    try:
        for _ in range(100):
            if inbox.sent:
                break
            stop.wait(0.05)
    finally:
        stop.set()
        worker.join(timeout=5)
    assert not worker.is_alive()
    assert len(inbox.sent) == 1


def test_a_retry_uses_the_key_the_customer_has_now(engine, till, amara, inbox):
    engine.record_sale(till.sale(amara, 1500))
    inbox.fail_with(DeliveryFailed("APIKey is invalid", permanent=True))
    engine.dispatcher().run_once()
    engine.update_customer(amara, messaging_key="key-amara-new")
    engine.retry_messages()
    engine.dispatcher().run_once()
    [(recipient, _)] = inbox.sent
    assert recipient.key == "key-amara-new"
