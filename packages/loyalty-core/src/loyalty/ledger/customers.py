"""Customers and the POS customers imported into the ledger, with their balances' rows."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date
from datetime import datetime

import sqlalchemy as sa

from loyalty.domain.errors import UnknownCustomer
from loyalty.domain.records import Balance
from loyalty.domain.records import Customer
from loyalty.domain.records import CustomerSummary
from loyalty.domain.records import PosOrigin
from loyalty.ledger import customer_search
from loyalty.ledger import schema
from loyalty.ledger.bulk import execute_many
from loyalty.ledger.bulk import rows_matching


c, b = schema.customers, schema.balances


def customer_from_row(row: sa.Row) -> Customer:
    return Customer(
        id=row.id, name=row.name, phone=row.phone, platform=row.platform,
        messaging_key=row.messaging_key, origin=row.origin, external_id=row.external_id,
        shop_id=row.shop_id, till_id=row.till_id, created_at=row.created_at, removed_at=row.removed_at,
        birthday=row.birthday,
    )


def balance_from_row(row: sa.Row) -> Balance:
    return Balance(row.customer_id, row.points, row.lifetime_earned, row.stars,
                   row.last_activity_at)


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
            insert_many(conn, [{"platform": "none", **row, **_origin_values(origin)}
                               for row in rows], created_at=created_at)
            ids = find_external_ids(conn, origin, [r["external_id"] for r in rows])
            execute_many(conn, b.insert(), [{"customer_id": cid, "points": 0,
                                             "lifetime_earned": 0, "stars": 0}
                                            for cid in ids.values()])
            return ids
    except sa.exc.IntegrityError:
        return {}


def insert_many(conn: sa.Connection, rows: list[dict], *, created_at: datetime) -> None:
    """Insert customers (rows of the same keys) created at one moment.

    On SQLite in one statement, the rows in one JSON parameter: the search index's trigger
    then writes its terms out once, not once per customer (which took 100 µs a row).
    """
    if conn.dialect.name != "sqlite":
        execute_many(conn, c.insert(), [{**row, "created_at": created_at} for row in rows])
        return
    names = list(rows[0])
    values = ", ".join(f"json_extract(value, '$[{i}]')" for i in range(len(names)))
    conn.execute(
        sa.text(f"INSERT INTO customers ({', '.join(names)}, created_at) "
                f"SELECT {values}, :created_at FROM json_each(:rows) ORDER BY key")
        .bindparams(sa.bindparam("created_at", type_=c.c.created_at.type)),
        {"rows": json.dumps([[row[name] for name in names] for row in rows]),
         "created_at": created_at},
    )


def find_external_ids(
    conn: sa.Connection, origin: PosOrigin, external_ids: Iterable[str]
) -> dict[str, int]:
    """Ledger ids of the customers ``origin`` knows by these ids."""
    query = sa.select(c.c.external_id, c.c.id).where(
        c.c.origin == origin.name, c.c.shop_id == origin.shop_id, c.c.till_id == origin.till_id,
    )
    return dict(rows_matching(conn, query, c.c.external_id, external_ids))


def customers_reached_by(conn: sa.Connection, sender: str) -> list[int]:
    """Customers in the programme whose messaging key is ``sender``, or whose phone is the
    same number (``+94 77 123 4567``, ``0771234567`` and ``94771234567`` are one number: the
    last nine digits decide when both have that many)."""
    sender = sender.strip()
    if not sender:
        return []
    found = set(conn.execute(sa.select(c.c.id).where(
        c.c.messaging_key == sender, c.c.removed_at.is_(None))).scalars())
    digits = "".join(ch for ch in sender if ch.isdigit())
    if len(digits) >= 6:
        for customer_id, phone in conn.execute(sa.select(c.c.id, c.c.phone).where(
                c.c.phone.is_not(None), c.c.removed_at.is_(None))):
            theirs = "".join(ch for ch in phone if ch.isdigit())
            if theirs == digits or (min(len(theirs), len(digits)) >= 9
                                    and theirs[-9:] == digits[-9:]):
                found.add(customer_id)
    return sorted(found)


def birthdays_in_months(conn: sa.Connection, months: Iterable[int]) -> list[tuple[int, date]]:
    """(customer id, birthday) of the customers in the programme born in one of ``months``."""
    query = (sa.select(c.c.id, c.c.birthday)
             .where(c.c.birthday.is_not(None), c.c.removed_at.is_(None),
                    sa.extract("month", c.c.birthday).in_(sorted(set(months))))
             .order_by(c.c.id))
    return [(customer_id, birthday) for customer_id, birthday in conn.execute(query)]


def removed_among(conn: sa.Connection, customer_ids: Iterable[int]) -> set[int]:
    """Which of these customers were removed (and so earn nothing more)."""
    query = sa.select(c.c.id).where(c.c.removed_at.is_not(None))
    return {found for found, in rows_matching(conn, query, c.c.id, customer_ids)}


def ids_from_origin(conn: sa.Connection, origin: str) -> list[int]:
    """Customers (not removed) that the POS named ``origin`` brought in, by id."""
    query = sa.select(c.c.id).where(c.c.origin == origin, c.c.removed_at.is_(None))
    return list(conn.execute(query.order_by(c.c.id)).scalars())


def get_customer(conn: sa.Connection, customer_id: int) -> Customer:
    row = conn.execute(sa.select(c).where(c.c.id == customer_id)).one_or_none()
    if row is None:
        raise UnknownCustomer(customer_id)
    return customer_from_row(row)


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
    """Customers with their balances, by id; ``search`` matches name, phone or id.

    A search reads the trigram index where there is one (``customer_search``) rather than
    every customer; the rows are the same either way.
    """
    query = sa.select(c, b).join(b, b.c.customer_id == c.c.id)
    if not include_removed:
        query = query.where(c.c.removed_at.is_(None))
    text = search.strip() if search else ""
    if not text:
        return _summaries(conn, query.order_by(c.c.id), limit, offset)
    by_text = sa.or_(c.c.name.icontains(text, autoescape=True),
                     c.c.phone.icontains(text, autoescape=True))
    by_number = [c.c.id == int(text), c.c.external_id == text] if text.isdigit() else []
    everywhere = query.where(sa.or_(by_text, *by_number)).order_by(c.c.id)
    if not customer_search.has_index(conn):
        return _summaries(conn, everywhere, limit, offset)
    wanted = None if limit is None else offset + limit
    if len(text) < customer_search.SHORTEST_PHRASE and wanted is not None:
        # One or two characters usually match many customers: the first ones by id, found
        # in a short scan, are the answer, and cheaper than the index's many terms.
        # (Fewer customers than the window: the id past it is NULL, and the index answers.)
        past = sa.select(c.c.id).order_by(c.c.id).offset(SHORT_SEARCH_WINDOW).limit(1)
        near = _summaries(conn, everywhere.where(c.c.id < past.scalar_subquery()), wanted, 0)
        if len(near) == wanted:
            return near[offset:]
    expression = customer_search.match_expression(conn, text)
    if expression is None:
        return _summaries(conn, everywhere, limit, offset)
    found = {s.customer.id: s for s in _summaries(conn, query.where(
        sa.or_(*by_number)).order_by(c.c.id), None, 0)} if by_number else {}
    if expression:
        fts = customer_search.fts
        indexed = query.join(fts, fts.c.rowid == c.c.id).where(
            customer_search.matching(expression), by_text).order_by(fts.c.rowid)
        found.update((s.customer.id, s) for s in _summaries(conn, indexed, wanted, 0))
    ordered = [found[i] for i in sorted(found)]
    return ordered[offset:wanted]


SHORT_SEARCH_WINDOW = 2_000
"""Customers (the first by id) a search of one or two characters scans before the index."""


def _summaries(
    conn: sa.Connection, query: sa.Select, limit: int | None, offset: int
) -> list[CustomerSummary]:
    if limit is not None:
        query = query.limit(limit)
    if offset:
        query = query.offset(offset)
    return [CustomerSummary(customer_from_row(row), balance_from_row(row))
            for row in conn.execute(query)]


def message_recipients(connection: sa.Connection, ids: set[int]) -> dict[int, tuple[Customer, Balance]]:
    """Customers who take messages, with their balances, by id, in one query.

    Customers without a platform or key are left out by the query: a POS import brings
    thousands of them, and a sync would otherwise read them all for nothing.
    """
    query = _recipients_query()
    return {r.id: _recipient(r) for r in rows_matching(connection, query, c.c.id, ids)}


_TAKES_MESSAGES = (c.c.platform != "none", c.c.messaging_key.is_not(None),
                   c.c.messaging_key != "", c.c.removed_at.is_(None))
"""A customer who takes messages: a channel, a key, and still in the programme."""


def _recipients_query() -> sa.Select:
    """Customers who take messages (a channel, a key, not removed) joined to their balances."""
    return (
        sa.select(c.c.id, c.c.name, c.c.platform, c.c.messaging_key, c.c.removed_at,
                  b.c.points, b.c.lifetime_earned, b.c.stars)
        .join(b, b.c.customer_id == c.c.id).where(*_TAKES_MESSAGES)
    )


def _recipient(r: sa.Row) -> tuple[Customer, Balance]:
    return (Customer(id=r.id, name=r.name, platform=r.platform, messaging_key=r.messaging_key,
                     removed_at=r.removed_at),
            Balance(r.id, r.points, r.lifetime_earned, r.stars))


def message_candidates(
    connection: sa.Connection, customer_id: int | None = None
) -> list[tuple[int, int, date | None]]:
    """(id, stars, business day of the last sale) of every customer who takes messages (or
    just ``customer_id``, if they do), by id: what a custom message's segments look at."""
    s = schema.sales
    last_sale = (sa.select(sa.func.max(s.c.business_date)).where(s.c.customer_id == c.c.id)
                 .scalar_subquery())
    query = (sa.select(c.c.id, b.c.stars, last_sale).join(b, b.c.customer_id == c.c.id)
             .where(*_TAKES_MESSAGES).order_by(c.c.id))
    if customer_id is not None:
        query = query.where(c.c.id == customer_id)
    return [(cid, stars, last) for cid, stars, last in connection.execute(query)]


SORTABLE = {"id": c.c.id, "name": sa.func.lower(c.c.name), "points": b.c.points,
            "stars": b.c.stars, "platform": c.c.platform}
"""What the customer list can be sorted by (ties by id)."""


def sorted_customers(
    conn: sa.Connection, by: str, *, descending: bool = False, limit: int | None = None,
    offset: int = 0, after_id: int | None = None,
) -> list[CustomerSummary]:
    """Customers in the programme, with their balances, sorted by ``by`` (a key of
    ``SORTABLE``), a page at a time; ``after_id`` (by id only) starts after that customer
    without counting through the ones before, as an export of a million does."""
    column = SORTABLE[by]
    query = (sa.select(c, b).join(b, b.c.customer_id == c.c.id).where(c.c.removed_at.is_(None))
             .order_by(column.desc() if descending else column.asc(),
                       c.c.id.desc() if descending else c.c.id.asc()))
    if after_id is not None:
        assert by == "id" and not descending
        query = query.where(c.c.id > after_id)
    return _summaries(conn, query, limit, offset)


def count_customers(conn: sa.Connection) -> int:
    """Customers in the programme (removed ones left out): the table's "of 12,345"."""
    return conn.execute(sa.select(sa.func.count()).select_from(c)
                        .where(c.c.removed_at.is_(None))).scalar_one()
