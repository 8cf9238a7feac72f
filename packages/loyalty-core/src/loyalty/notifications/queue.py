"""Queuing messages in the outbox, inside the ledger transaction that causes them.

``queue_for_events`` is the engine's transaction hook: the messages a transaction's events call
for commit or roll back with its points. ``queue_message`` is what other use cases (the lucky
draw, expiry reminders) call to queue a message of any template inside their own transaction.

Customers whose platform is ``none`` or who have no key get nothing queued: there is no row
for a message that was never meant to be sent. Nothing is queued either while
``notifications.enabled`` is off.
"""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Sequence

import sqlalchemy as sa

from loyalty.domain.events import Event
from loyalty.domain.records import Message
from loyalty.domain.shop import Shop
from loyalty.domain.templates import PLACEHOLDERS
from loyalty.domain.templates import render
from loyalty.ledger import balances
from loyalty.ledger import customers
from loyalty.ledger import outbox
from loyalty.notifications.compose import common_values
from loyalty.notifications.compose import complete_values
from loyalty.notifications.compose import compose
from loyalty.notifications.compose import wants_messages


def queue_for_events(connection: sa.Connection, shop: Shop, events: Sequence[Event]) -> None:
    """The engine's transaction hook: queue the messages ``events`` call for, in this transaction.

    Runs inside every ledger write, so a POS sync of thousands of sales pays for it: customers
    and balances are read in one query, only the events of customers who take messages are
    looked at, and the messages are inserted in one batch.
    """
    settings = shop.settings
    if not settings.notifications.enabled:
        return
    ids = {customer_id for e in events
           if isinstance(customer_id := getattr(e, "customer_id", None), int)}
    people = customers.message_recipients(connection, ids)
    messages = []
    for event in events:
        customer_id = getattr(event, "customer_id", None)
        found = people.get(customer_id) if isinstance(customer_id, int) else None
        if found is None or not wants_messages(found[0], settings):
            continue
        message = compose(event, found[0], found[1], settings, shop.currency)
        if message is not None:
            messages.append((message, found[0]))
    outbox.enqueue_batch(connection, messages, now=shop.now())


def queue_message(
    connection: sa.Connection,
    shop: Shop,
    customer_id: int,
    template: str,
    values: Mapping[str, object],
    key: str,
) -> int | None:
    """Queue one message of ``template`` inside the caller's transaction.

    ``values`` override the common ones (name, balance, rating...), which are read from the
    ledger. ``key`` must name the occasion (``expiry-reminder/42/2026-02-01``): a second call
    with the same key queues nothing. Returns the outbox id, or None when nothing was queued
    (the customer has no platform or key, notifications are off, or the key was used).
    """
    if template not in PLACEHOLDERS:
        raise ValueError(f"no message template {template!r}; one of {', '.join(PLACEHOLDERS)}")
    settings = shop.settings
    customer = customers.get_customer(connection, customer_id)
    if not wants_messages(customer, settings):
        return None
    balance = balances.get_balance(connection, customer_id)
    merged = {**common_values(customer, balance, settings, shop.currency), **values}
    merged = complete_values(template, merged, settings, shop.currency)
    text = render(getattr(settings.notifications.templates, template), merged)
    ids = outbox.enqueue(
        connection, [(Message(key, customer_id, template, merged, text), customer)],
        now=shop.now(),
    )
    return ids[0] if ids else None
