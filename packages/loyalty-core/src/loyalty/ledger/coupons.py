"""Coupon rows: issued with the redemption that paid for them, used once."""

from __future__ import annotations

from datetime import datetime

import attrs
import sqlalchemy as sa

from loyalty.domain.records import Coupon
from loyalty.ledger import schema


_coupons = schema.coupons


def _coupon(row: sa.Row) -> Coupon:
    return Coupon(row.code, row.customer_id, row.value_minor, row.currency, row.points,
                  row.issued_at, row.expires_on, row.used_at, row.used_document)


def find_coupon(conn: sa.Connection, code: str) -> Coupon | None:
    row = conn.execute(sa.select(_coupons).where(_coupons.c.code == code)).one_or_none()
    return _coupon(row) if row is not None else None


def code_taken(conn: sa.Connection, code: str) -> bool:
    return conn.execute(
        sa.select(_coupons.c.id).where(_coupons.c.code == code)).first() is not None


def add_coupon(conn: sa.Connection, coupon: Coupon, *, entry_id: int, event_id: str) -> None:
    """Record an issued coupon; ``entry_id`` is the redemption that paid for it."""
    conn.execute(_coupons.insert(), {
        **attrs.asdict(coupon), "entry_id": entry_id, "event_id": event_id})


def claim_coupon(
    conn: sa.Connection, code: str, *, used_at: datetime, document: str | None
) -> bool:
    """Mark an unused coupon used; False if it was used already (by another till, maybe).

    One conditional UPDATE, so two tills scanning the same coupon at once use it once.
    """
    c = _coupons.c
    return conn.execute(
        _coupons.update().where(c.code == code, c.used_at.is_(None))
        .values(used_at=used_at, used_document=document)
    ).rowcount > 0


def list_coupons(conn: sa.Connection, customer_id: int | None = None) -> list[Coupon]:
    """Coupons, newest first; of one customer when given."""
    query = sa.select(_coupons).order_by(_coupons.c.id.desc())
    if customer_id is not None:
        query = query.where(_coupons.c.customer_id == customer_id)
    return [_coupon(row) for row in conn.execute(query)]
