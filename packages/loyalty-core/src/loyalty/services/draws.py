"""The lucky draw: one draw per slot, recorded so it can be audited.

``due_slot`` names the latest scheduled slot; ``run_draw`` draws it if nobody drew it yet: it
picks the eligible customers (bought at this shop in the ``eligible_days`` before the slot, up
to the slot's time), chooses the winner with ``random.Random(seed)``, credits the prize and
writes the ``draws`` row, all in one unit of work. The row's UNIQUE slot means a scheduler that
fires twice, two tills, or a restart after the slot can never draw the same slot twice.

Notification seam: the win is a ``DrawWon`` event in the transaction's event list; the outbox's
transaction hook turns it into the ``draw_won`` ("You won!") message in the same commit.
"""

from __future__ import annotations

import random
import secrets
from datetime import datetime

import attrs
import sqlalchemy as sa

from loyalty.domain.errors import LoyaltyError
from loyalty.domain.events import DrawWon
from loyalty.domain.records import DrawRecord
from loyalty.domain.rules import draws
from loyalty.domain.rules.lots import expiry_date
from loyalty.domain.shop import Shop
from loyalty.ledger import draws as draw_rows
from loyalty.ledger.posting import Posting
from loyalty.ledger.unit_of_work import UnitOfWork
from loyalty.services.points import entry_columns


@attrs.frozen
class DrawSlot:
    """A scheduled draw: its key (``main/2026-01-09T18:00``), local time and UTC moment."""

    key: str
    local: datetime
    scheduled_for: datetime


@attrs.frozen
class DrawOutcome:
    status: str
    """``drawn``, ``already_drawn`` (the slot has its draw) or ``no_slot`` (none scheduled yet)."""
    record: DrawRecord | None = None
    event: DrawWon | None = None


@attrs.frozen
class DrawCheck:
    """The re-check of a recorded draw."""

    record: DrawRecord
    winner_follows_from_seed: bool
    """Re-choosing from the recorded eligible list with the recorded seed gives the winner."""
    eligible_matches_ledger: bool
    """The ledger's sales still make exactly the recorded customers eligible."""
    eligible_now: list[int]

    @property
    def ok(self) -> bool:
        return self.winner_follows_from_seed and self.eligible_matches_ledger


def fresh_seed() -> int:
    """A seed nobody can predict: 64 random bits."""
    return secrets.randbits(64)


def due_slot(shop: Shop) -> DrawSlot | None:
    """The latest slot scheduled at or before now; None before the first one."""
    rules = shop.settings.draw
    if not rules.enabled:
        raise LoyaltyError("The lucky draw is switched off.",
                           hint="Turn it on with 'loyalty settings set draw.enabled true'.")
    slot_local = draws.latest_slot(rules, shop.local(shop.now()))
    if slot_local is None:
        return None
    return DrawSlot(draws.slot_key(shop.id, slot_local), slot_local, shop.utc(slot_local))


def run_draw(shop: Shop, uow: UnitOfWork, slot: DrawSlot, seed: int) -> DrawOutcome:
    """Draw ``slot`` with ``seed`` unless it was drawn."""
    earlier = draw_rows.find_draw(uow.connection, slot.key)
    if earlier is not None:
        return DrawOutcome("already_drawn", earlier)
    rules = shop.settings.draw
    first_day = draws.first_eligible_day(slot.local.date(), rules.eligible_days)
    eligible = draw_rows.eligible_customers(uow.connection, shop.id, slot.scheduled_for,
                                            first_day)
    winner = draws.choose_winner(eligible, random.Random(seed))
    event, entry_id = None, None
    if winner is not None:
        event, entry_id = _credit_prize(shop, uow.posting, slot.key, winner, rules.prize_points)
        uow.events.append(event)
    uow.posting.flush()  # the draw row refers to the prize's ledger entry
    record = draw_rows.add_draw(
        uow.connection,
        DrawRecord(slot=slot.key, shop_id=shop.id, scheduled_for=slot.scheduled_for,
                   drawn_at=uow.recorded_at, seed=seed, eligible=eligible,
                   eligible_days=rules.eligible_days, winner_customer_id=winner,
                   prize_points=rules.prize_points),
        entry_id=entry_id, event_id=DrawWon.id_for(f"draw/{slot.key}"),
    )
    return DrawOutcome("drawn", record, event)


def drawn_elsewhere(conn: sa.Connection, slot: DrawSlot) -> DrawOutcome | None:
    """After a draw lost a race to another till's: that till's draw of ``slot``, if any."""
    done = draw_rows.find_draw(conn, slot.key)
    return DrawOutcome("already_drawn", done) if done is not None else None


def _credit_prize(
    shop: Shop, posting: Posting, slot: str, winner: int, prize: int
) -> tuple[DrawWon, int]:
    now = posting.recorded_at
    business_date = shop.business_date(now)
    account = posting.account(winner)
    key = f"draw/{slot}"
    entry_id = posting.credit(
        account, prize, kind="earn", business_date=business_date,
        expires_on=expiry_date(business_date, shop.settings.expiry), occurred_at=now,
        source_type="draw", source_id=slot, rule_id="draw",
        reason=f"Won the lucky draw of {slot}", actor="system",
        **entry_columns(shop, key, DrawWon),
    )
    event = DrawWon(occurred_at=now, customer_id=winner, draw_id=slot, prize_points=prize,
                    balance=account.points)
    return event, entry_id


def recheck_draw(shop: Shop, conn: sa.Connection, slot: str) -> DrawCheck:
    """Re-check a recorded draw from its seed, and its eligible list against the ledger."""
    record = draw_rows.find_draw(conn, slot)
    if record is None:
        raise LoyaltyError(f"No draw was recorded for the slot {slot!r}.",
                           hint="List the slots with 'loyalty draw history'.")
    first_day = draws.first_eligible_day(
        shop.local(record.scheduled_for).date(), record.eligible_days)
    now = draw_rows.eligible_customers(conn, record.shop_id, record.scheduled_for, first_day)
    return DrawCheck(
        record=record,
        winner_follows_from_seed=draws.recheck(record.eligible, record.seed,
                                               record.winner_customer_id),
        eligible_matches_ledger=now == record.eligible, eligible_now=now,
    )
