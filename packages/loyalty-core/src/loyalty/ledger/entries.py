"""The points log: entries by customer or idempotency key, and the points summary per shop."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

from loyalty.domain.records import Entry
from loyalty.domain.records import PointsSummary
from loyalty.ledger import schema
from loyalty.ledger.bulk import rows_matching
from loyalty.ledger.customers import get_customer


def history(conn: sa.Connection, customer_id: int, *, limit: int | None = None) -> list[Entry]:
    """The customer's points log in the order it was recorded, oldest first (newest ``limit``
    entries when limited): a sale the POS reports late comes after the lines before it."""
    get_customer(conn, customer_id)
    e, lots = schema.ledger_entries, schema.point_lots
    query = (
        sa.select(e, lots.c.expires_on, lots.c.remaining)
        .outerjoin(lots, lots.c.entry_id == e.c.id)
        .where(e.c.customer_id == customer_id)
        .order_by(e.c.id.desc())
    )
    if limit is not None:
        query = query.limit(limit)
    rows = list(conn.execute(query))
    rows.reverse()
    return [
        Entry(
            id=r.id, customer_id=r.customer_id, kind=r.kind, points=r.points,
            occurred_at=r.occurred_at, business_date=r.business_date,
            idempotency_key=r.idempotency_key, source_type=r.source_type, source_id=r.source_id,
            rule_id=r.rule_id, reason=r.reason, actor=r.actor, shop_id=r.shop_id,
            till_id=r.till_id, expires_on=r.expires_on, remaining=r.remaining,
        )
        for r in rows
    ]


def existing_entry_keys(conn: sa.Connection, keys: Iterable[str]) -> set[str]:
    e = schema.ledger_entries
    key = e.c.idempotency_key
    return {found for found, in rows_matching(conn, sa.select(key), key, keys)}


def entry_by_key(conn: sa.Connection, key: str) -> Entry | None:
    e = schema.ledger_entries
    row = conn.execute(sa.select(e.c.customer_id).where(e.c.idempotency_key == key)).first()
    if row is None:
        return None
    return next(x for x in history(conn, row.customer_id) if x.idempotency_key == key)


def points_summary(conn: sa.Connection, shop_id: str | None = None) -> list[PointsSummary]:
    """Issued, redeemed, removed and outstanding points per shop (one shop with ``shop_id``)."""
    e = schema.ledger_entries
    credit = sa.case((e.c.points > 0, e.c.points), else_=0)
    redeem = sa.case((e.c.kind == "redeem", -e.c.points), else_=0)
    other = sa.case(((e.c.points < 0) & (e.c.kind != "redeem"), -e.c.points), else_=0)
    query = (
        sa.select(e.c.shop_id, sa.func.sum(credit), sa.func.sum(redeem), sa.func.sum(other),
                  sa.func.sum(e.c.points), sa.func.count())
        .group_by(e.c.shop_id).order_by(e.c.shop_id)
    )
    if shop_id is not None:
        query = query.where(e.c.shop_id == shop_id)
    return [PointsSummary(shop, *(int(v) for v in totals))
            for shop, *totals in conn.execute(query)]
