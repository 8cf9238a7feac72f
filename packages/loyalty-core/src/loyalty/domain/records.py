"""What the ledger returns: attrs records, so SQLAlchemy rows never leak out of ``loyalty.ledger``."""

from __future__ import annotations

from datetime import date
from datetime import datetime

import attrs

from loyalty.domain.rules import schedule


@attrs.frozen(cache_hash=True)  # a dict key of every sale's customer lookup
class PosOrigin:
    """Where imported customers come from: one POS database, at one till of one shop.

    A POS's customer ids are unique only within its own database, so they are matched
    within this origin.
    """

    name: str
    """The POS adapter (``aronium``)."""
    shop_id: str
    till_id: str


@attrs.frozen
class Customer:
    id: int
    name: str
    phone: str | None = None
    platform: str = "none"
    messaging_key: str | None = None
    origin: str | None = None
    external_id: str | None = None
    shop_id: str = "main"
    till_id: str | None = None
    created_at: datetime | None = None
    removed_at: datetime | None = None
    birthday: date | None = None
    """Birthday points fall on its day and month (Feb 29 on Feb 28 in other years)."""


@attrs.frozen
class Balance:
    customer_id: int
    points: int
    lifetime_earned: int
    stars: int
    last_activity_at: datetime | None = None


@attrs.frozen
class CustomerSummary:
    """A row of the 'All Customers' table."""

    customer: Customer
    balance: Balance


@attrs.frozen
class Entry:
    """One line of a customer's points log."""

    id: int
    customer_id: int
    kind: str
    points: int
    occurred_at: datetime
    business_date: date
    idempotency_key: str
    source_type: str
    source_id: str | None
    rule_id: str | None
    reason: str
    actor: str
    shop_id: str
    till_id: str
    expires_on: date | None = None
    """For credits: when the lot expires."""
    remaining: int | None = None
    """For credits: points of this lot not yet spent, expired or reversed."""


@attrs.frozen
class Sale:
    id: int
    sale_key: str
    customer_id: int
    document_id: str
    total_minor: int
    stars_before: int
    points_earned: int
    refunded_minor: int
    points_reversed: int
    revision: int
    occurred_at: datetime
    business_date: date


@attrs.frozen
class DrawRecord:
    """One drawn slot, as audited: who could win, with which seed, and who did."""

    slot: str
    shop_id: str
    scheduled_for: datetime
    drawn_at: datetime
    seed: int
    eligible: list[int]
    eligible_days: int
    winner_customer_id: int | None
    prize_points: int
    late: bool = attrs.field(init=False)
    """Drawn well after its time: a catch-up by a PC that was off (or closed) at the slot."""

    @late.default
    def _late(self) -> bool:
        return schedule.ran_late(self.scheduled_for, self.drawn_at)


@attrs.frozen
class Coupon:
    code: str
    customer_id: int
    value_minor: int
    currency: str
    points: int
    issued_at: datetime
    expires_on: date | None
    used_at: datetime | None
    used_document: str | None


@attrs.frozen
class RebuildReport:
    customers: int
    corrected: list[int]
    """Customers whose cached balance disagreed with their entries and was rewritten."""
    problems: list[str]
    """Inconsistencies the cache cannot fix (a lot whose remaining disagrees with allocations)."""


@attrs.frozen
class PointsSummary:
    """Points one shop's entries moved: what a chain's owner compares shop by shop."""

    shop_id: str
    issued: int
    """Points credited: earned by sales, given back by refunds, added by hand."""
    redeemed: int
    """Points spent on purchases (points a refund gave back count under ``issued``)."""
    removed: int
    """Points taken otherwise: refund reversals, expiry, corrections."""
    outstanding: int
    """issued − redeemed − removed: the points the shop's entries still owe customers."""
    entries: int


@attrs.frozen
class Message:
    """A rendered message for one customer, ready for the outbox."""

    key: str
    """Idempotency key: the same occasion never queues twice."""
    customer_id: int
    template: str
    values: dict[str, object]
    text: str


@attrs.frozen
class JobRun:
    """One run of a job that runs by itself, as the ledger keeps it."""

    job: str
    slot: str
    """The scheduled slot it ran for (``2026-01-09``, ``main/2026-01-09T18:00``); a continuous
    job's runs of one day share the day's slot, a run by hand has ``by-hand/<time>``."""
    status: str
    """``ok`` or ``failed``."""
    started_at: datetime
    finished_at: datetime
    result: str
    """What it did, or why it failed, in one sentence."""
    runner: str
    """Which till and process ran it."""
