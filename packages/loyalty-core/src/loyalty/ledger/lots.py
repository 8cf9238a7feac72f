"""Point lots (what each credit has left, and its last day) and the expiry reminders sent."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import sqlalchemy as sa

from loyalty.domain.rules.expiry import CustomerLot
from loyalty.domain.rules.lots import Lot
from loyalty.ledger import schema
from loyalty.ledger.bulk import rows_matching


_lots = schema.point_lots


def _customer_lot(row: sa.Row) -> CustomerLot:
    return CustomerLot(row.customer_id, Lot(row.entry_id, row.remaining, row.expires_on,
                                            row.earned_on))


def open_lots(
    conn: sa.Connection, customer_ids: Iterable[int], *, due_before: date | None = None
) -> list[CustomerLot]:
    """Lots with points left of these customers (only those past their day before
    ``due_before``, when given)."""
    query = sa.select(_lots).where(_lots.c.remaining > 0)
    if due_before is not None:
        query = query.where(_lots.c.expires_on < due_before)
    return [_customer_lot(row)
            for row in rows_matching(conn, query, _lots.c.customer_id, customer_ids)]


_ANY_DUE = (
    sa.select(_lots.c.entry_id)
    .where(schema.open_lot, _lots.c.expires_on < sa.bindparam("today", type_=sa.Date))
    .limit(1)
)
"""Is any lot in the ledger due? One look into the open lots' index; usually none is."""


def any_due(conn: sa.Connection, today: date) -> bool:
    """Whether any open lot of any customer is past its last day."""
    return conn.execute(_ANY_DUE, {"today": today}).first() is not None


def customers_with_due_lots(conn: sa.Connection, today: date) -> list[int]:
    return list(conn.execute(
        sa.select(_lots.c.customer_id).distinct()
        .where(schema.open_lot, _lots.c.expires_on < today)
    ).scalars())


def unreminded_lots(conn: sa.Connection, first: date, last: date) -> list[CustomerLot]:
    """Open lots of customers still in the programme that expire between ``first`` and
    ``last`` and of which no reminder was sent."""
    sent, c = schema.expiry_reminders, schema.customers
    return [_customer_lot(row) for row in conn.execute(
        sa.select(_lots).join(c, c.c.id == _lots.c.customer_id)
        .outerjoin(sent, sent.c.lot_entry_id == _lots.c.entry_id)
        .where(schema.open_lot, _lots.c.expires_on.between(first, last),
               sent.c.lot_entry_id.is_(None), c.c.removed_at.is_(None))
    )]


def record_reminders(conn: sa.Connection, rows: list[dict]) -> None:
    """Remember the lots reminded of (lot_entry_id, customer_id, expires_on, points,
    reminded_at, event_id), so no lot is reminded of twice."""
    if rows:
        conn.execute(schema.expiry_reminders.insert(), rows)
