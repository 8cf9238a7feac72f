"""Custom messages: the shop writes one text, to one customer or a segment, sees how many it
reaches and how it reads for one of them, and queues it in the outbox like every message.

The text is a template with the placeholders every message offers (``{customer_name}``,
``{balance}``, ``{rating}``...), rendered per recipient. Each message's outbox key is
``custom/<send key>/<customer id>``, so sending with the same key again (a double click, a
command run twice) queues nothing for those already queued.
"""

from __future__ import annotations

import hashlib

import attrs
import sqlalchemy as sa

from loyalty.domain.errors import LoyaltyError
from loyalty.domain.rules import audiences
from loyalty.domain.rules.audiences import Audience
from loyalty.domain.shop import Shop
from loyalty.domain.templates import CUSTOM
from loyalty.domain.templates import TemplateError
from loyalty.domain.templates import check_template
from loyalty.ledger import customers as customer_rows
from loyalty.ledger import memberships as membership_rows
from loyalty.ledger import outbox
from loyalty.ledger.unit_of_work import UnitOfWork
from loyalty.notifications.compose import compose_custom


KEY_LENGTH = 200
"""The longest send key (the outbox key adds the template and the customer id)."""


@attrs.frozen
class MessagePreview:
    """What sending would do: how many it reaches, and the text one of them would read."""

    audience: Audience
    description: str
    recipients: int
    sample_name: str | None
    """The recipient the sample is rendered for (the first by id)."""
    sample_text: str | None
    problem: str | None
    """Why the text cannot be sent as it is, or why nobody is reached; None when all is well."""


@attrs.frozen
class MessagesQueued:
    """What a send queued: new messages, and those an earlier send with the same key queued."""

    audience: Audience
    description: str
    recipients: int
    queued: int
    key: str

    @property
    def already_queued(self) -> int:
        return self.recipients - self.queued

    def summary(self) -> str:
        text = f"Queued {self.queued} message{'s' * (self.queued != 1)} to {self.description}."
        if self.already_queued:
            text += (f" {self.already_queued} had it queued already by the same send, "
                     "so they get it once.")
        return text


def check_text(text: str) -> str:
    """The text, trimmed, if it can be sent; else a ``LoyaltyError`` naming the fix."""
    text = text.strip()
    if not text:
        raise LoyaltyError("The message is empty.", hint="Type the text to send.")
    try:
        check_template(CUSTOM, text)
    except TemplateError as error:
        raise LoyaltyError(f"The message cannot be sent: {error}.") from None
    return text


def check_audience(shop: Shop, audience: Audience) -> None:
    found = audiences.problems(audience, shop.max_stars, shop.settings.memberships.levels)
    if found:
        message, hint = found[0]
        raise LoyaltyError(message, hint=hint)


def default_key(shop: Shop, audience: Audience, text: str) -> str:
    """The same text to the same audience on the same business day: one send."""
    digest = hashlib.sha256(f"{audience!r}\n{text.strip()}".encode()).hexdigest()[:16]
    return f"{shop.today().isoformat()}/{digest}"


def recipients(shop: Shop, conn: sa.Connection, audience: Audience) -> list[int]:
    """The ids of the customers who take messages and are in the audience today."""
    if not shop.settings.notifications.enabled:
        return []
    rows = customer_rows.message_candidates(conn, audience.customer_id)
    held = membership_rows.held(conn) if audience.membership is not None else {}
    candidates = [audiences.Candidate(customer_id, stars, last_sale,
                                      tuple(held.get(customer_id, ())))
                  for customer_id, stars, last_sale in rows]
    return audiences.select(audience, candidates, shop.today(),
                            shop.settings.memberships.levels)


def _nobody(shop: Shop, conn: sa.Connection, audience: Audience) -> str:
    """Why an audience reaches nobody, in words that say what to do."""
    if not shop.settings.notifications.enabled:
        return "Notifications are off; turn them on in Settings › Notifications."
    if audience.customer_id is not None:
        customer = customer_rows.get_customer(conn, audience.customer_id)
        if customer.removed_at is not None:
            return f"{customer.name} was removed from the programme."
        return (f"{customer.name} takes no messages: give them a platform (WhatsApp, "
                "Messenger...) and their key first.")
    if audience.conditions():
        return f"Nobody matches: {audience.describe()}."
    return "No customer takes messages yet: give customers a platform and key first."


def preview(shop: Shop, conn: sa.Connection, audience: Audience, text: str) -> MessagePreview:
    """How many the message reaches and how it reads for the first of them; a problem with
    the text or the audience is reported in ``problem``, not raised."""
    check_audience(shop, audience)
    reached = recipients(shop, conn, audience)
    problems = [] if reached else [_nobody(shop, conn, audience)]
    sample_name = sample_text = None
    try:
        checked = check_text(text)
    except LoyaltyError as error:
        problems.append(str(error))
    else:
        if reached:
            customer, balance = customer_rows.message_recipients(conn, {reached[0]})[reached[0]]
            sample_name = customer.name
            sample_text = compose_custom(checked, "", customer, balance, shop.settings,
                                         shop.currency).text
    return MessagePreview(audience, audience.describe(), len(reached), sample_name,
                          sample_text, " ".join(problems) or None)


def send(shop: Shop, uow: UnitOfWork, audience: Audience, text: str, key: str
         ) -> MessagesQueued:
    """Queue the message for everyone in the audience; a key used before queues nothing for
    the customers it already reached."""
    check_audience(shop, audience)
    text = check_text(text)
    if not key or len(key) > KEY_LENGTH:
        raise LoyaltyError(f"A send key must have 1 to {KEY_LENGTH} characters.",
                           hint="Leave it out to use one made from the text and the day.")
    conn = uow.connection
    reached = recipients(shop, conn, audience)
    if not reached:
        raise LoyaltyError(f"Nothing sent. {_nobody(shop, conn, audience)}",
                           hint="Preview first to see who a message reaches.")
    people = customer_rows.message_recipients(conn, set(reached))
    messages = [(compose_custom(text, f"{CUSTOM}/{key}/{customer.id}", customer, balance,
                                shop.settings, shop.currency), customer)
                for customer, balance in (people[customer_id] for customer_id in reached)]
    queued = outbox.enqueue_batch(conn, messages, now=uow.recorded_at)
    return MessagesQueued(audience, audience.describe(), len(reached), queued, key)
