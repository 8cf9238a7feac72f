"""Running the lucky draw on the ledger: one draw per slot, recorded so it can be audited.

``run_draw`` draws the latest scheduled slot if nobody drew it yet: it picks the eligible
customers (bought at this shop in the ``eligible_days`` before the slot, up to the slot's
time), draws a fresh seed, chooses the winner with ``random.Random(seed)``, credits the prize
and writes the ``draws`` row, all in one transaction. The row's UNIQUE slot means a scheduler
that fires twice, two tills, or a restart after the slot can never draw the same slot twice.

Notification seam: the win is a ``DrawWon`` event in the transaction's event list; the outbox's
transaction hook turns it into the ``draw_won`` ("You won!") message in the same commit.
"""

from __future__ import annotations

import json
import random
import secrets
from collections.abc import Callable
from datetime import datetime
from datetime import timezone
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import attrs
import sqlalchemy as sa

from loyalty.domain.errors import LedgerError
from loyalty.domain.errors import LoyaltyError
from loyalty.domain.events import DrawWon
from loyalty.domain.events import Event
from loyalty.ledger import schema
from loyalty.ledger.posting import Posting
from loyalty.domain.rules import draws
from loyalty.domain.rules.lots import expiry_date

if TYPE_CHECKING:
    from loyalty.engine import Engine


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


def _zone(engine: Engine) -> ZoneInfo | None:
    name = engine.settings.shop.timezone
    return ZoneInfo(name) if name else None


def _local(engine: Engine, moment: datetime) -> datetime:
    return moment.astimezone(_zone(engine)).replace(tzinfo=None)


def _utc(engine: Engine, local: datetime) -> datetime:
    zone = _zone(engine)
    aware = local.replace(tzinfo=zone) if zone is not None else local.astimezone()
    return aware.astimezone(timezone.utc)


def _record(row: sa.Row) -> DrawRecord:
    return DrawRecord(
        slot=row.slot, shop_id=row.shop_id, scheduled_for=row.scheduled_for,
        drawn_at=row.drawn_at, seed=int(row.seed), eligible=json.loads(row.eligible),
        eligible_days=row.eligible_days, winner_customer_id=row.winner_customer_id,
        prize_points=row.prize_points,
    )


def _find(conn: sa.Connection, slot: str) -> DrawRecord | None:
    d = schema.draws
    row = conn.execute(sa.select(d).where(d.c.slot == slot)).one_or_none()
    return _record(row) if row is not None else None


def eligible_customers(
    conn: sa.Connection, shop_id: str, scheduled_for: datetime, first_day: object
) -> list[int]:
    """Customers (not removed) with a sale at ``shop_id`` from ``first_day`` up to the slot."""
    s, c = schema.sales, schema.customers
    return sorted(conn.execute(
        sa.select(s.c.customer_id).distinct().join(c, c.c.id == s.c.customer_id)
        .where(s.c.shop_id == shop_id, s.c.business_date >= first_day,
               s.c.occurred_at <= scheduled_for, c.c.removed_at.is_(None))
    ).scalars())


def run_draw(engine: Engine, *, seed_source: Callable[[], int] | None = None) -> DrawOutcome:
    """Draw the latest scheduled slot unless it was drawn; safe to call any number of times."""
    rules = engine.settings.draw
    if not rules.enabled:
        raise LoyaltyError("The lucky draw is switched off.",
                           hint="Turn it on with 'loyalty settings set draw.enabled true'.")
    now = engine.clock()
    slot_local = draws.latest_slot(rules, _local(engine, now))
    if slot_local is None:
        return DrawOutcome("no_slot")
    shop_id = engine.settings.shop.id
    slot = draws.slot_key(shop_id, slot_local)
    scheduled_for = _utc(engine, slot_local)
    seed = (seed_source or (lambda: secrets.randbits(64)))()

    def work(conn: sa.Connection, posting: Posting, events: list[Event]) -> DrawOutcome:
        earlier = _find(conn, slot)
        if earlier is not None:
            return DrawOutcome("already_drawn", earlier)
        first_day = draws.first_eligible_day(slot_local.date(), rules.eligible_days)
        eligible = eligible_customers(conn, shop_id, scheduled_for, first_day)
        winner = draws.choose_winner(eligible, random.Random(seed))
        event, entry_id = None, None
        if winner is not None:
            event, entry_id = _credit_prize(engine, posting, slot, winner, rules.prize_points)
            events.append(event)
        posting.flush()  # the draw row refers to the prize's ledger entry
        conn.execute(schema.draws.insert(), {
            "slot": slot, "shop_id": shop_id, "scheduled_for": scheduled_for,
            "drawn_at": posting.recorded_at, "seed": str(seed), "eligible": json.dumps(eligible),
            "eligible_days": rules.eligible_days, "winner_customer_id": winner,
            "prize_points": rules.prize_points, "entry_id": entry_id,
            "event_id": DrawWon.id_for(f"draw/{slot}"),
        })
        return DrawOutcome("drawn", _find(conn, slot), event)

    try:
        return engine.write(lambda uow: work(uow.connection, uow.posting, uow.events))
    except LedgerError:
        # Another till drew the same slot at the same moment: its UNIQUE slot won the race.
        done = engine.read(lambda conn: _find(conn, slot))
        if done is None:
            raise
        return DrawOutcome("already_drawn", done)


def _credit_prize(
    engine: Engine, posting: Posting, slot: str, winner: int, prize: int
) -> tuple[DrawWon, int]:
    now = posting.recorded_at
    business_date = engine.business_date(now)
    account = posting.account(winner)
    key = f"draw/{slot}"
    shop = engine.settings.shop
    entry_id = posting.credit(
        account, prize, kind="earn", business_date=business_date,
        expires_on=expiry_date(business_date, engine.settings.expiry), occurred_at=now,
        idempotency_key=key, source_type="draw", source_id=slot, rule_id="draw",
        reason=f"Won the lucky draw of {slot}", actor="system", shop_id=shop.id,
        till_id=shop.till, event_id=DrawWon.id_for(key),
    )
    event = DrawWon(occurred_at=now, customer_id=winner, draw_id=slot, prize_points=prize,
                    balance=account.points)
    return event, entry_id


def draw_history(engine: Engine, *, limit: int | None = None) -> list[DrawRecord]:
    """Recorded draws, newest first."""
    d = schema.draws
    query = sa.select(d).order_by(d.c.scheduled_for.desc(), d.c.id.desc()).limit(limit)
    return engine.read(lambda conn: [_record(row) for row in conn.execute(query)])


def recheck_draw(engine: Engine, slot: str) -> DrawCheck:
    """Re-check a recorded draw from its seed, and its eligible list against the ledger."""

    def work(conn: sa.Connection) -> DrawCheck:
        record = _find(conn, slot)
        if record is None:
            raise LoyaltyError(f"No draw was recorded for the slot {slot!r}.",
                               hint="List the slots with 'loyalty draw history'.")
        first_day = draws.first_eligible_day(
            _local(engine, record.scheduled_for).date(), record.eligible_days)
        now = eligible_customers(conn, record.shop_id, record.scheduled_for, first_day)
        return DrawCheck(
            record=record,
            winner_follows_from_seed=draws.recheck(record.eligible, record.seed,
                                                   record.winner_customer_id),
            eligible_matches_ledger=now == record.eligible, eligible_now=now,
        )

    return engine.read(work)
