"""Customers entered twice: finding the look-alikes of a new customer, and moving the rows of
one onto another when the shop merges them."""

from __future__ import annotations

import sqlalchemy as sa

from loyalty.domain.records import CustomerSummary
from loyalty.ledger import schema
from loyalty.ledger.customers import balance_from_row
from loyalty.ledger.customers import customer_from_row


c, b = schema.customers, schema.balances


def normalised_phone(phone: str) -> str:
    """A phone number without the spaces and dashes people type in different places."""
    return phone.replace(" ", "").replace("-", "")


def _phone_column() -> sa.ColumnElement[str]:
    return sa.func.replace(sa.func.replace(c.c.phone, " ", ""), "-", "")


def similar_customers(
    conn: sa.Connection, name: str, phone: str | None, *, limit: int = 20
) -> list[CustomerSummary]:
    """Customers in the programme with the same phone (spaces and dashes aside) or the same
    name (case aside), by id: whom a new customer may already be."""
    alike = [sa.func.lower(c.c.name) == name.strip().lower()]
    digits = normalised_phone(phone or "")
    if digits:
        alike.append(_phone_column() == digits)
    query = (sa.select(c, b).join(b, b.c.customer_id == c.c.id)
             .where(c.c.removed_at.is_(None), sa.or_(*alike)).order_by(c.c.id).limit(limit))
    return [CustomerSummary(customer_from_row(row), balance_from_row(row))
            for row in conn.execute(query)]


MOVED_TABLES = (schema.sales, schema.coupons)
"""Rows that follow a merged customer to the one kept (their points move as entries)."""


def move_rows(conn: sa.Connection, from_id: int, to_id: int) -> dict[str, int]:
    """Give customer ``to_id`` the sales, coupons and memberships of ``from_id``; the counts
    moved by table. A membership the kept customer already holds (same level, same start)
    stays behind, so it is not counted twice."""
    moved = {}
    for table in MOVED_TABLES:
        moved[table.name] = conn.execute(
            table.update().where(table.c.customer_id == from_id).values(customer_id=to_id)
        ).rowcount
    m = schema.memberships
    kept = m.alias("kept")
    moved[m.name] = conn.execute(
        m.update().where(
            m.c.customer_id == from_id,
            ~sa.exists().where(kept.c.customer_id == to_id, kept.c.level_id == m.c.level_id,
                               kept.c.since == m.c.since),
        ).values(customer_id=to_id)
    ).rowcount
    return moved
