"""Each customer's cached balance: points, lifetime points, stars; lapsed points; the rebuild."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from loyalty.domain.errors import UnknownCustomer
from loyalty.domain.records import Balance
from loyalty.domain.records import RebuildReport
from loyalty.domain.rules.tiers import stars_for
from loyalty.domain.settings import Tier
from loyalty.ledger import schema
from loyalty.ledger.bulk import chunks
from loyalty.ledger.customers import balance_from_row


b = schema.balances
_BALANCE = sa.select(b).where(b.c.customer_id == sa.bindparam("customer"))


def get_balance(conn: sa.Connection, customer_id: int) -> Balance:
    row = conn.execute(_BALANCE, {"customer": customer_id}).one_or_none()
    if row is None:
        raise UnknownCustomer(customer_id)
    return balance_from_row(row)


def starred(conn: sa.Connection) -> dict[int, int]:
    """Stars of every customer in the programme who has some: whom a tier review looks at."""
    c = schema.customers
    return dict(conn.execute(
        sa.select(b.c.customer_id, b.c.stars).join(c, c.c.id == b.c.customer_id)
        .where(b.c.stars > 0, c.c.removed_at.is_(None))).all())


def lapsed_points(conn: sa.Connection, customer_ids: list[int], *, today: date) -> dict[int, int]:
    """Points in lots past their last day that no ``expire`` entry has taken yet, by customer."""
    found: dict[int, int] = {}
    for chunk in chunks(sorted(set(customer_ids))):
        found.update(conn.execute(_LAPSED, {"customers": chunk, "today": today}).all())
    return {cid: int(points) for cid, points in found.items()}


_l = schema.point_lots


_LAPSED = (
    sa.select(_l.c.customer_id, sa.func.sum(_l.c.remaining))
    .where(_l.c.customer_id.in_(sa.bindparam("customers", expanding=True)), _l.c.remaining > 0,
           _l.c.expires_on < sa.bindparam("today", type_=sa.Date))
    .group_by(_l.c.customer_id)
)
"""Built once: every balance shown asks it."""

_LAPSED_OF_ROW = (
    sa.select(sa.func.coalesce(sa.func.sum(_l.c.remaining), sa.literal_column("0")))
    .where(_l.c.customer_id == b.c.customer_id, schema.open_lot,
           _l.c.expires_on < sa.bindparam("today", type_=sa.Date))
    .scalar_subquery()
)
SPENDABLE = sa.select(b.c.points - _LAPSED_OF_ROW).where(
    b.c.customer_id == sa.bindparam("customer"))
"""One customer's points now, lapsed lots left out (``customer``, ``today``): the balance and
the lapsed points of ``get_balance`` and ``lapsed_points`` in one statement, which is its own
consistent snapshot, so the till's balance lookup needs no transaction (``Engine.balance``)."""


def rebuild_balances(conn: sa.Connection, tiers: tuple[Tier, ...], *,
                     stars_fall: bool = False) -> RebuildReport:
    """Recompute every balance from the entries; report lots that disagree with allocations.

    points = Σ entries.points; lifetime = Σ entries.tier_points; stars = the tier those
    lifetime points reach, or with ``stars_fall`` (the tier review on) the stars kept if
    fewer: the review lowered them, and only earning raises them again.
    """
    e, lots, alloc = schema.ledger_entries, schema.point_lots, schema.lot_allocations
    points = dict(conn.execute(
        sa.select(e.c.customer_id, sa.func.sum(e.c.points)).group_by(e.c.customer_id)
    ).all())
    lifetimes = dict(conn.execute(
        sa.select(e.c.customer_id, sa.func.sum(e.c.tier_points)).group_by(e.c.customer_id)
    ).all())
    activity = dict(conn.execute(  # a fall of stars is nothing the customer did
        sa.select(e.c.customer_id, sa.func.max(e.c.occurred_at))
        .where(e.c.kind != "tier_lowered").group_by(e.c.customer_id)
    ).all())
    problems = []
    allocated = (
        sa.select(alloc.c.lot_entry_id, sa.func.sum(alloc.c.points).label("used"))
        .group_by(alloc.c.lot_entry_id).subquery()
    )
    bad_lots = conn.execute(
        sa.select(lots.c.entry_id, lots.c.original, lots.c.remaining, allocated.c.used)
        .outerjoin(allocated, allocated.c.lot_entry_id == lots.c.entry_id)
        .where(lots.c.remaining != lots.c.original - sa.func.coalesce(allocated.c.used, 0))
    ).all()
    for lot in bad_lots:
        problems.append(
            f"lot {lot.entry_id}: remaining {lot.remaining}, but {lot.original} − "
            f"{lot.used or 0} allocated = {lot.original - (lot.used or 0)}"
        )
    corrected = []
    rows = conn.execute(sa.select(b)).all()
    for row in rows:
        cid = row.customer_id
        lifetime = max(0, int(lifetimes.get(cid) or 0))
        stars = stars_for(lifetime, tiers)
        want = (int(points.get(cid) or 0), lifetime,
                min(stars, row.stars) if stars_fall else stars, activity.get(cid))
        if (row.points, row.lifetime_earned, row.stars) != want[:3]:
            corrected.append(cid)
        conn.execute(b.update().where(b.c.customer_id == cid).values(
            points=want[0], lifetime_earned=want[1], stars=want[2],
            last_activity_at=want[3] if want[3] is not None else row.last_activity_at,
        ))
    return RebuildReport(customers=len(rows), corrected=corrected, problems=problems)


def three_ways(conn: sa.Connection) -> tuple[dict[int, int], dict[int, int], dict[int, int]]:
    """Each customer's points summed from their entries, left in their lots, and cached: three
    answers that must agree (``loyalty.testing.plugin.assert_ledger_consistent``)."""
    e, lots = schema.ledger_entries, schema.point_lots
    by_entries = dict(conn.execute(
        sa.select(e.c.customer_id, sa.func.sum(e.c.points)).group_by(e.c.customer_id)).all())
    by_lots = dict(conn.execute(
        sa.select(lots.c.customer_id, sa.func.sum(lots.c.remaining))
        .group_by(lots.c.customer_id)).all())
    cached = dict(conn.execute(sa.select(b.c.customer_id, b.c.points)).all())
    return by_entries, by_lots, cached
