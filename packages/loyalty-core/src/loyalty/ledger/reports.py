"""The SQL aggregates behind ``loyalty report``: one GROUP BY each, whatever the ledger's size.

``shop`` limits each query to the entries, customers or sales of one shop of a chain.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from loyalty.domain.rules.reports import ListedCustomer
from loyalty.domain.rules.reports import Movement
from loyalty.domain.rules.reports import TopCustomer
from loyalty.ledger import schema


def _entry_filter(shop: str | None, since: date | None, until: date) -> list:
    e = schema.ledger_entries
    where = [e.c.business_date <= until]
    if since is not None:
        where.append(e.c.business_date >= since)
    if shop is not None:
        where.append(e.c.shop_id == shop)
    return where


def movements(
    conn: sa.Connection, shop: str | None, since: date | None, until: date
) -> list[Movement]:
    """Points per business day and kind (adjustments split by sign); entries that move no
    points (a fall of stars) are no movement."""
    e = schema.ledger_entries
    positive = (e.c.points > 0).label("positive")
    query = (
        sa.select(e.c.business_date, e.c.kind, positive, sa.func.sum(e.c.points))
        .where(*_entry_filter(shop, since, until), e.c.points != 0)
        .group_by(e.c.business_date, e.c.kind, positive)
    )
    return [Movement(day, kind, int(points)) for day, kind, _, points in conn.execute(query)]


def points_before(conn: sa.Connection, shop: str | None, day: date) -> int:
    """Points outstanding when ``day`` starts: one SUM, no grouping."""
    e = schema.ledger_entries
    query = sa.select(sa.func.coalesce(sa.func.sum(e.c.points), 0)).where(
        e.c.business_date < day)
    if shop is not None:
        query = query.where(e.c.shop_id == shop)
    return int(conn.execute(query).scalar_one())


def listed_customers(conn: sa.Connection, shop: str | None) -> list[ListedCustomer]:
    """Customers not removed, with their balances, by id."""
    c, b = schema.customers, schema.balances
    query = (sa.select(c.c.id, c.c.name, c.c.phone, b.c.points, b.c.stars)
             .join(b, b.c.customer_id == c.c.id).where(c.c.removed_at.is_(None))
             .order_by(c.c.id))
    if shop is not None:
        query = query.where(c.c.shop_id == shop)
    return [ListedCustomer(*row) for row in conn.execute(query)]


def last_sales(conn: sa.Connection, shop: str | None, until: date) -> dict[int, date]:
    """Each customer's last business day with a sale, up to ``until``."""
    s = schema.sales
    query = (sa.select(s.c.customer_id, sa.func.max(s.c.business_date))
             .where(s.c.business_date <= until).group_by(s.c.customer_id))
    if shop is not None:
        query = query.where(s.c.shop_id == shop)
    return {customer_id: day for customer_id, day in conn.execute(query)}


def top_earners(conn: sa.Connection, shop: str | None, since: date | None, until: date,
                limit: int) -> list[TopCustomer]:
    """The customers who earned the most points in the range, most first."""
    e, c, b = schema.ledger_entries, schema.customers, schema.balances
    issued = sa.func.sum(e.c.points).label("issued")
    query = (
        sa.select(e.c.customer_id, c.c.name, issued, b.c.points)
        .join(c, c.c.id == e.c.customer_id).join(b, b.c.customer_id == e.c.customer_id)
        .where(*_entry_filter(shop, since, until), e.c.kind == "earn")
        .group_by(e.c.customer_id, c.c.name, b.c.points)
        .order_by(issued.desc(), e.c.customer_id).limit(limit)
    )
    return [TopCustomer(cid, name, int(points), balance)
            for cid, name, points, balance in conn.execute(query)]
