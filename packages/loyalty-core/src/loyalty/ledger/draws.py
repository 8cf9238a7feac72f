"""Lucky-draw rows: one per drawn slot (the audit record), and who a slot's draw is among."""

from __future__ import annotations

import json
from datetime import date
from datetime import datetime

import sqlalchemy as sa

from loyalty.domain.records import DrawRecord
from loyalty.ledger import schema


_draws = schema.draws


def _record(row: sa.Row) -> DrawRecord:
    return DrawRecord(
        slot=row.slot, shop_id=row.shop_id, scheduled_for=row.scheduled_for,
        drawn_at=row.drawn_at, seed=int(row.seed), eligible=json.loads(row.eligible),
        eligible_days=row.eligible_days, winner_customer_id=row.winner_customer_id,
        prize_points=row.prize_points,
    )


def find_draw(conn: sa.Connection, slot: str) -> DrawRecord | None:
    """The recorded draw of ``slot``; None if nobody drew it yet."""
    row = conn.execute(sa.select(_draws).where(_draws.c.slot == slot)).one_or_none()
    return _record(row) if row is not None else None


def add_draw(
    conn: sa.Connection, draw: DrawRecord, *, entry_id: int | None, event_id: str
) -> DrawRecord:
    """Record a draw (its UNIQUE slot refuses a second one) and return it as stored."""
    conn.execute(_draws.insert(), {
        "slot": draw.slot, "shop_id": draw.shop_id, "scheduled_for": draw.scheduled_for,
        "drawn_at": draw.drawn_at, "seed": str(draw.seed), "eligible": json.dumps(draw.eligible),
        "eligible_days": draw.eligible_days, "winner_customer_id": draw.winner_customer_id,
        "prize_points": draw.prize_points, "entry_id": entry_id, "event_id": event_id,
    })
    stored = find_draw(conn, draw.slot)
    assert stored is not None
    return stored


def draw_history(conn: sa.Connection, *, limit: int | None = None) -> list[DrawRecord]:
    """Recorded draws, newest first."""
    query = sa.select(_draws).order_by(_draws.c.scheduled_for.desc(), _draws.c.id.desc())
    return [_record(row) for row in conn.execute(query.limit(limit))]


def eligible_customers(
    conn: sa.Connection, shop_id: str, scheduled_for: datetime, first_day: date
) -> list[int]:
    """Customers (not removed) with a sale at ``shop_id`` from ``first_day`` up to the slot."""
    s, c = schema.sales, schema.customers
    return sorted(conn.execute(
        sa.select(s.c.customer_id).distinct().join(c, c.c.id == s.c.customer_id)
        .where(s.c.shop_id == shop_id, s.c.business_date >= first_day,
               s.c.occurred_at <= scheduled_for, c.c.removed_at.is_(None))
    ).scalars())
