"""Customers entered twice: finding the look-alikes of a new customer, and moving the rows of
one onto another when the shop merges them."""

from __future__ import annotations

from datetime import date

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
    name_key, digits = identity(name, phone)
    alike = [sa.func.lower(c.c.name) == name_key]
    if digits:
        alike.append(_phone_column() == digits)
    query = (sa.select(c, b).join(b, b.c.customer_id == c.c.id)
             .where(c.c.removed_at.is_(None), sa.or_(*alike)).order_by(c.c.id).limit(limit))
    return [CustomerSummary(customer_from_row(row), balance_from_row(row))
            for row in conn.execute(query)]


def identity(name: str, phone: str | None) -> tuple[str, str]:
    """Name (case aside) and phone (spaces and dashes aside): the same person twice."""
    return name.strip().lower(), normalised_phone(phone or "")


def identities(conn: sa.Connection) -> dict[tuple[str, str], int]:
    """The ``identity`` of every customer in the programme, to the customer's id: what an
    import checks its rows against, in one read."""
    query = (sa.select(c.c.id, c.c.name, c.c.phone).where(c.c.removed_at.is_(None))
             .order_by(c.c.id.desc()))  # the lowest id wins
    return {identity(name, phone): customer_id for customer_id, name, phone in
            conn.execute(query)}


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


def tier_points_by_day(conn: sa.Connection, customer_id: int) -> list[tuple[date, int]]:
    """The customer's lifetime points by the business day they were earned (days that sum to
    0 left out): a merge moves them day by day, so the months a tier review or a membership
    counts see them on their own days, not on the day of the merge."""
    e = schema.ledger_entries
    total = sa.func.sum(e.c.tier_points)
    query = (sa.select(e.c.business_date, total).where(e.c.customer_id == customer_id)
             .group_by(e.c.business_date).having(total != 0).order_by(e.c.business_date))
    return [(day, int(points)) for day, points in conn.execute(query)]


def move_pos_identity(conn: sa.Connection, from_id: int, to_id: int) -> None:
    """Give ``to_id`` the POS identity (origin, till, id there) of ``from_id``, so the POS's
    later sales for that card earn for the customer kept; ``from_id`` keeps none."""
    c = schema.customers
    row = conn.execute(sa.select(c.c.origin, c.c.till_id, c.c.external_id, c.c.shop_id)
                       .where(c.c.id == from_id)).one()
    # Cleared first: the identity is UNIQUE, and for a moment two rows would hold it.
    conn.execute(c.update().where(c.c.id == from_id).values(external_id=None))
    conn.execute(c.update().where(c.c.id == to_id).values(
        origin=row.origin, till_id=row.till_id, external_id=row.external_id,
        shop_id=row.shop_id))
