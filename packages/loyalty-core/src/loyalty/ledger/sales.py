"""Sales and refunds recorded from a POS, as the sale pipeline reads them back."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from datetime import datetime

import sqlalchemy as sa

from loyalty.domain.records import Sale
from loyalty.ledger import schema
from loyalty.ledger.bulk import rows_matching


def sale_from_row(row: sa.Row) -> Sale:
    return Sale(
        id=row.id, sale_key=row.sale_key, customer_id=row.customer_id,
        document_id=row.document_id, total_minor=row.total_minor,
        stars_before=row.stars_before, points_earned=row.points_earned,
        refunded_minor=row.refunded_minor, points_reversed=row.points_reversed,
        revision=row.revision, occurred_at=row.occurred_at, business_date=row.business_date,
    )


def sales_by_key(conn: sa.Connection, keys: Iterable[str]) -> dict[str, Sale]:
    s = schema.sales
    return {row.sale_key: sale_from_row(row)
            for row in rows_matching(conn, sa.select(s), s.c.sale_key, keys)}


def customers_who_earned(conn: sa.Connection, customer_ids: Iterable[int]) -> set[int]:
    """Which of these customers have a recorded sale that earned points (no longer new)."""
    s = schema.sales
    query = sa.select(s.c.customer_id).where(s.c.points_earned > 0).distinct()
    return {found for found, in rows_matching(conn, query, s.c.customer_id, customer_ids)}


def refunded_keys(conn: sa.Connection, keys: Iterable[str]) -> set[str]:
    """Which of these refunds are recorded already."""
    key = schema.refunds.c.refund_key
    return {found for found, in rows_matching(conn, sa.select(key), key, keys)}


def redemptions_by_document(
    conn: sa.Connection, customer_ids: Iterable[int]
) -> tuple[dict[tuple[int, str], int], dict[tuple[int, str], int]]:
    """Points these customers paid for POS documents with, and of those, what refunds gave back.

    Both keyed by (customer, document); a refund of the document restores in proportion.
    """
    e = schema.ledger_entries
    query = (
        sa.select(e.c.customer_id, e.c.source_id, e.c.kind, sa.func.sum(e.c.points))
        .where(e.c.kind.in_(("redeem", "reverse_redeem")), e.c.source_id.is_not(None))
        .group_by(e.c.customer_id, e.c.source_id, e.c.kind)
    )
    redeemed: dict[tuple[int, str], int] = {}
    restored: dict[tuple[int, str], int] = {}
    for customer_id, document, kind, points in rows_matching(
            conn, query, e.c.customer_id, customer_ids):
        if kind == "redeem":
            redeemed[customer_id, document] = -int(points)
        else:
            restored[customer_id, document] = int(points)
    return redeemed, restored


def expiries_of_points_paid(conn: sa.Connection, customer_id: int, document_id: str) -> list:
    """Last days of the lots that points paid for a document came from (None: never expire)."""
    e, lots, alloc = schema.ledger_entries, schema.point_lots, schema.lot_allocations
    linked = (e.c.customer_id == customer_id) & (e.c.source_id == document_id)
    return list(conn.execute(
        sa.select(lots.c.expires_on).join(alloc, alloc.c.lot_entry_id == lots.c.entry_id)
        .join(e, e.c.id == alloc.c.debit_entry_id).where(linked, e.c.kind == "redeem")
    ).scalars())


_s = schema.sales
_LAST_VISIT = sa.select(sa.func.max(_s.c.business_date)).where(
    _s.c.customer_id == sa.bindparam("customer"), _s.c.occurred_at < sa.bindparam("before"),
    _s.c.sale_key != sa.bindparam("key"),
)
"""Built once: a sync asks it for every sale, and building it costs more than running it."""


def last_visit(conn: sa.Connection, customer_id: int, *, before: datetime, other_than: str
               ) -> date | None:
    """The business day of the customer's latest recorded sale before ``before``."""
    return conn.execute(_LAST_VISIT, {
        "customer": customer_id, "before": before, "key": other_than}).scalar_one()
