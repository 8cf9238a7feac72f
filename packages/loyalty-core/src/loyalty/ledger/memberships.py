"""Memberships customers hold, and the recent tier points that decide which one they reach."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from datetime import datetime

import sqlalchemy as sa

from loyalty.domain.rules.memberships import Held
from loyalty.ledger import schema
from loyalty.ledger.bulk import chunks


def held(
    conn: sa.Connection, customer_ids: Iterable[int] | None = None
) -> dict[int, list[Held]]:
    """Every membership granted, running or not, per customer (of ``customer_ids`` if given)."""
    m = schema.memberships
    query = sa.select(m.c.customer_id, m.c.level_id, m.c.since, m.c.expires_on)
    if customer_ids is not None:
        query = query.where(m.c.customer_id.in_(list(customer_ids)))
    found: dict[int, list[Held]] = {}
    for cid, level_id, since, expires_on in conn.execute(query):
        found.setdefault(cid, []).append(Held(level_id, since, expires_on))
    return found


def tier_points_between(
    conn: sa.Connection, first: date, last: date, customer_ids: Iterable[int] | None = None
) -> list[tuple[int, int]]:
    """(customer id, tier points) earned from business day ``first`` to ``last``, for each
    customer still in the programme (of ``customer_ids`` if given: one page of a list) who has
    entries then. Memberships, the tier review and the points to the next stars count these."""
    e, c = schema.ledger_entries, schema.customers
    query = (sa.select(e.c.customer_id, sa.func.sum(e.c.tier_points))
             .join(c, c.c.id == e.c.customer_id)
             .where(e.c.business_date >= first, e.c.business_date <= last,
                    c.c.removed_at.is_(None))
             .group_by(e.c.customer_id))
    if customer_ids is None:
        found = conn.execute(query).all()
    else:  # a page is one chunk; every customer (an export) is several, within SQL's limits
        query = query.where(e.c.customer_id.in_(sa.bindparam("customers", expanding=True)))
        found = [row for chunk in chunks(sorted(set(customer_ids)))
                 for row in conn.execute(query, {"customers": chunk})]
    return [(customer_id, int(points or 0)) for customer_id, points in found]


_e = schema.ledger_entries
_TIER_POINTS_OF = sa.select(sa.func.coalesce(sa.func.sum(_e.c.tier_points), 0)).where(
    _e.c.customer_id == sa.bindparam("customer"), _e.c.business_date >= sa.bindparam("first"),
    _e.c.business_date <= sa.bindparam("last"))


def tier_points_of(conn: sa.Connection, customer_id: int, first: date, last: date) -> int:
    """One customer's tier points from business day ``first`` to ``last``: what a credit
    asks while the tier review is on (one statement, built once, by the customer's index)."""
    return int(conn.execute(_TIER_POINTS_OF, {"customer": customer_id, "first": first,
                                              "last": last}).scalar_one())


def grant(
    conn: sa.Connection, customer_id: int, membership: Held, *, granted_at: datetime,
    event_id: str, reason: str | None = None, granted_by: str | None = None,
) -> None:
    """Record a membership (with who granted it and why, when by hand); the same level from
    the same day twice breaks a UNIQUE rule."""
    conn.execute(schema.memberships.insert(), {
        "customer_id": customer_id, "level_id": membership.level_id, "since": membership.since,
        "expires_on": membership.expires_on, "granted_at": granted_at, "event_id": event_id,
        "reason": reason, "granted_by": granted_by,
    })


def grant_note(
    conn: sa.Connection, customer_id: int, membership: Held
) -> tuple[str | None, str | None]:
    """(reason, granted by) of a membership granted by hand; (None, None) if points reached it."""
    m = schema.memberships
    row = conn.execute(sa.select(m.c.reason, m.c.granted_by).where(
        m.c.customer_id == customer_id, m.c.level_id == membership.level_id,
        m.c.since == membership.since)).one_or_none()
    return (row.reason, row.granted_by) if row is not None else (None, None)
