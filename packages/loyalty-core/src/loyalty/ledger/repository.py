"""The ledger's queries: customers, balances, history, sales, sync cursors, and the rebuild.

Functions take an open connection, so the engine decides what shares one transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from datetime import datetime

import sqlalchemy as sa

from loyalty.domain.errors import UnknownCustomer
from loyalty.ledger import schema
from loyalty.ledger.bulk import chunks
from loyalty.ledger.bulk import execute_many
from loyalty.ledger.bulk import rows_matching
from loyalty.domain.records import Balance
from loyalty.domain.records import Customer
from loyalty.domain.records import CustomerSummary
from loyalty.domain.records import Entry
from loyalty.domain.records import PosOrigin
from loyalty.domain.records import PointsSummary
from loyalty.domain.records import RebuildReport
from loyalty.domain.records import Sale
from loyalty.domain.rules.tiers import stars_for
from loyalty.domain.settings import Tier


c, b = schema.customers, schema.balances


def _customer(row: sa.Row) -> Customer:
    return Customer(
        id=row.id, name=row.name, phone=row.phone, platform=row.platform,
        messaging_key=row.messaging_key, origin=row.origin, external_id=row.external_id,
        shop_id=row.shop_id, till_id=row.till_id, created_at=row.created_at, removed_at=row.removed_at,
    )


def _balance(row: sa.Row) -> Balance:
    return Balance(row.customer_id, row.points, row.lifetime_earned, row.stars,
                   row.last_activity_at)


# ---- Customers ------------------------------------------------------------------------------


def add_customer(conn: sa.Connection, *, created_at: datetime, **values: object) -> Customer:
    """Insert a customer and their empty balance row."""
    values.setdefault("platform", "none")
    new_id = conn.execute(
        c.insert().returning(c.c.id), {**values, "created_at": created_at}
    ).scalar_one()
    conn.execute(b.insert(), {"customer_id": new_id, "points": 0, "lifetime_earned": 0,
                              "stars": 0})
    return get_customer(conn, new_id)


def upsert_external_customers(
    conn: sa.Connection, origin: PosOrigin, rows: Iterable[dict], *, created_at: datetime
) -> dict[str, int]:
    """Create or update customers imported from a POS; returns external id → ledger id.

    Name, phone and messaging key follow the POS; the platform chosen in the loyalty app is
    kept. A customer another till created at the same moment is found, not duplicated.
    """
    rows = list(rows)
    known = find_external_ids(conn, origin, [r["external_id"] for r in rows])
    fresh = {r["external_id"]: r for r in rows if r["external_id"] not in known}
    inserted = _insert_customers(conn, origin, list(fresh.values()), created_at) \
        if len(fresh) > 1 else {}
    known.update(inserted)
    for row in rows:
        ext = row["external_id"]
        if ext in inserted:
            continue
        if ext in known:
            conn.execute(
                c.update().where(c.c.id == known[ext]).values(
                    name=row["name"], phone=row.get("phone"),
                    messaging_key=row.get("messaging_key"),
                )
            )
            continue
        try:
            with conn.begin_nested():
                known[ext] = add_customer(conn, created_at=created_at, **row,
                                          **_origin_values(origin)).id
        except sa.exc.IntegrityError:
            known.update(find_external_ids(conn, origin, [ext]))
    return known


def _origin_values(origin: PosOrigin) -> dict[str, str]:
    return {"origin": origin.name, "shop_id": origin.shop_id, "till_id": origin.till_id}


def _insert_customers(
    conn: sa.Connection, origin: PosOrigin, rows: list[dict], created_at: datetime
) -> dict[str, int]:
    """Many new customers in two multi-row inserts (a POS import brings thousands at once).

    If another till inserted one of them meanwhile, nothing is kept and the caller goes on
    one row at a time, which finds that customer instead of duplicating it.
    """
    try:
        with conn.begin_nested():
            execute_many(conn, c.insert(), [
                {"platform": "none", **row, **_origin_values(origin), "created_at": created_at}
                for row in rows
            ])
            ids = find_external_ids(conn, origin, [r["external_id"] for r in rows])
            execute_many(conn, b.insert(), [{"customer_id": cid, "points": 0,
                                             "lifetime_earned": 0, "stars": 0}
                                            for cid in ids.values()])
            return ids
    except sa.exc.IntegrityError:
        return {}


def find_external_ids(
    conn: sa.Connection, origin: PosOrigin, external_ids: Iterable[str]
) -> dict[str, int]:
    """Ledger ids of the customers ``origin`` knows by these ids."""
    query = sa.select(c.c.external_id, c.c.id).where(
        c.c.origin == origin.name, c.c.shop_id == origin.shop_id, c.c.till_id == origin.till_id,
    )
    return dict(rows_matching(conn, query, c.c.external_id, external_ids))


def get_customer(conn: sa.Connection, customer_id: int) -> Customer:
    row = conn.execute(sa.select(c).where(c.c.id == customer_id)).one_or_none()
    if row is None:
        raise UnknownCustomer(customer_id)
    return _customer(row)


def update_customer(conn: sa.Connection, customer_id: int, **values: object) -> Customer:
    result = conn.execute(c.update().where(c.c.id == customer_id).values(**values))
    if result.rowcount == 0:
        raise UnknownCustomer(customer_id)
    return get_customer(conn, customer_id)


def list_customers(
    conn: sa.Connection,
    *,
    search: str | None = None,
    limit: int | None = None,
    offset: int = 0,
    include_removed: bool = False,
) -> list[CustomerSummary]:
    """Customers with their balances, by id; ``search`` matches name, phone or id."""
    query = sa.select(c, b).join(b, b.c.customer_id == c.c.id).order_by(c.c.id)
    if not include_removed:
        query = query.where(c.c.removed_at.is_(None))
    if search and search.strip():
        text = search.strip()
        matches = [c.c.name.icontains(text, autoescape=True),
                   c.c.phone.icontains(text, autoescape=True)]
        if text.isdigit():
            matches += [c.c.id == int(text), c.c.external_id == text]
        query = query.where(sa.or_(*matches))
    if limit is not None:
        query = query.limit(limit)
    if offset:
        query = query.offset(offset)
    return [CustomerSummary(_customer(row), _balance(row)) for row in conn.execute(query)]


_BALANCE = sa.select(b).where(b.c.customer_id == sa.bindparam("customer"))


def get_balance(conn: sa.Connection, customer_id: int) -> Balance:
    row = conn.execute(_BALANCE, {"customer": customer_id}).one_or_none()
    if row is None:
        raise UnknownCustomer(customer_id)
    return _balance(row)


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


# ---- History and sales ----------------------------------------------------------------------


def history(conn: sa.Connection, customer_id: int, *, limit: int | None = None) -> list[Entry]:
    """The customer's points log, oldest first (newest ``limit`` entries when limited)."""
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


def _sale(row: sa.Row) -> Sale:
    return Sale(
        id=row.id, sale_key=row.sale_key, customer_id=row.customer_id,
        document_id=row.document_id, total_minor=row.total_minor,
        stars_before=row.stars_before, points_earned=row.points_earned,
        refunded_minor=row.refunded_minor, points_reversed=row.points_reversed,
        revision=row.revision, occurred_at=row.occurred_at, business_date=row.business_date,
    )


def sales_by_key(conn: sa.Connection, keys: Iterable[str]) -> dict[str, Sale]:
    s = schema.sales
    return {row.sale_key: _sale(row)
            for row in rows_matching(conn, sa.select(s), s.c.sale_key, keys)}


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


# ---- Reports --------------------------------------------------------------------------------


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


# ---- Sync cursors ---------------------------------------------------------------------------


def get_cursor(conn: sa.Connection, name: str) -> str | None:
    t = schema.sync_cursors
    return conn.execute(sa.select(t.c.value).where(t.c.name == name)).scalar_one_or_none()


def set_cursor(conn: sa.Connection, name: str, value: str, *, now: datetime) -> None:
    t = schema.sync_cursors
    updated = conn.execute(
        t.update().where(t.c.name == name).values(value=value, updated_at=now)
    ).rowcount
    if not updated:
        conn.execute(t.insert(), {"name": name, "value": value, "updated_at": now})


# ---- Rebuild --------------------------------------------------------------------------------


def rebuild_balances(conn: sa.Connection, tiers: tuple[Tier, ...]) -> RebuildReport:
    """Recompute every balance from the entries; report lots that disagree with allocations.

    points = Σ entries.points; lifetime = Σ entries.tier_points; stars = the tier those
    lifetime points reach.
    """
    e, lots, alloc = schema.ledger_entries, schema.point_lots, schema.lot_allocations
    points = dict(conn.execute(
        sa.select(e.c.customer_id, sa.func.sum(e.c.points)).group_by(e.c.customer_id)
    ).all())
    lifetimes = dict(conn.execute(
        sa.select(e.c.customer_id, sa.func.sum(e.c.tier_points)).group_by(e.c.customer_id)
    ).all())
    activity = dict(conn.execute(
        sa.select(e.c.customer_id, sa.func.max(e.c.occurred_at)).group_by(e.c.customer_id)
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
        want = (int(points.get(cid) or 0), lifetime, stars_for(lifetime, tiers),
                activity.get(cid))
        if (row.points, row.lifetime_earned, row.stars) != want[:3]:
            corrected.append(cid)
        conn.execute(b.update().where(b.c.customer_id == cid).values(
            points=want[0], lifetime_earned=want[1], stars=want[2],
            last_activity_at=want[3] if want[3] is not None else row.last_activity_at,
        ))
    return RebuildReport(customers=len(rows), corrected=corrected, problems=problems)
