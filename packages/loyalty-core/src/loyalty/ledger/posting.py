"""One write transaction on the ledger: a unit of work over sales, entries, lots and refunds.

Credits open lots; debits are allocated to lots (``loyalty.domain.rules.lots.allocate``); the balance
cache of every touched customer is written once at the end. Every row gets its id when it is
buffered (``IdSource``), so a debit can be allocated to lots that are still in the buffer and
nothing has to be written early: rows reach the database in one ``executemany`` per table at
``flush``, and recording a thousand sales and refunds costs a handful of statements, not
thousands. Each customer's balance row is locked (``FOR UPDATE`` on PostgreSQL; SQLite's
``BEGIN IMMEDIATE`` already serialises writers) before it is read, so two tills posting for the
same customer wait for each other instead of both spending one balance.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterable
from datetime import date
from datetime import datetime
from typing import Any

import attrs
import sqlalchemy as sa

from loyalty.domain.bounds import check_balance
from loyalty.domain.errors import UnknownCustomer
from loyalty.ledger import schema
from loyalty.ledger.bulk import execute_many
from loyalty.ledger.bulk import rows_matching
from loyalty.domain.rules.lots import Lot
from loyalty.domain.rules.lots import allocate


@attrs.define
class Account:
    """A customer's balance as this transaction sees it."""

    customer_id: int
    points: int
    lifetime_earned: int
    stars: int
    last_activity_at: datetime | None
    dirty: bool = False


@attrs.define(eq=False)
class OpenLot:
    """A lot as this transaction sees it: points taken in the transaction are already gone."""

    id: int
    customer_id: int
    original: int
    remaining: int
    expires_on: date | None
    earned_on: date
    sale_id: int | None


class IdSource:
    """Ids for new rows, known before the rows are written.

    SQLite: the transaction holds the database's write lock (``BEGIN IMMEDIATE``), so the ids
    after ``max(id)`` are this transaction's. PostgreSQL: ids come from the column's own
    sequence, drawn in growing blocks, which is safe with any number of writers (an unused id
    leaves a harmless gap, as a rolled-back insert always has).
    """

    _MAX_BLOCK = 4096

    def __init__(self, connection: sa.Connection) -> None:
        self.connection = connection
        self.dialect = connection.dialect.name
        self._next: dict[str, int] = {}
        self._pool: dict[str, list[int]] = {}
        self._block: dict[str, int] = {}

    def next(self, table: sa.Table) -> int:
        name = table.name
        if self.dialect == "sqlite":
            if name not in self._next:
                self._next[name] = self.connection.execute(
                    sa.select(sa.func.coalesce(sa.func.max(table.c.id), 0))
                ).scalar_one() + 1
            new_id = self._next[name]
            self._next[name] = new_id + 1
            return new_id
        pool = self._pool.setdefault(name, [])
        if not pool:
            block = self._block[name] = min(self._block.get(name, 8) * 2, self._MAX_BLOCK)
            pool.extend(sorted(self.connection.execute(
                sa.text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) "
                        "FROM generate_series(1, :n)"),
                {"table": name, "n": block},
            ).scalars(), reverse=True))
        return pool.pop()


_OPEN_LOTS = (
    sa.select(schema.point_lots, schema.ledger_entries.c.sale_id)
    .join(schema.ledger_entries, schema.ledger_entries.c.id == schema.point_lots.c.entry_id)
    .where(schema.point_lots.c.remaining > 0)
)


# Tables in the order their buffered rows are inserted: each refers only to those before it.
_INSERT_ORDER = (schema.sales, schema.ledger_entries, schema.point_lots, schema.lot_allocations,
                 schema.refunds)
_INSERTS = {table: table.insert() for table in _INSERT_ORDER}
_b = schema.balances
_UPDATE_BALANCE = (
    _b.update().where(_b.c.customer_id == sa.bindparam("cid"))
    .values(points=sa.bindparam("points"), lifetime_earned=sa.bindparam("lifetime"),
            stars=sa.bindparam("stars"), last_activity_at=sa.bindparam("activity"))
)
_l = schema.point_lots
_TAKE_FROM_LOT = (
    _l.update().where(_l.c.entry_id == sa.bindparam("lot"))
    .values(remaining=_l.c.remaining - sa.bindparam("take"))
)


class Posting:
    def __init__(self, connection: sa.Connection, *, recorded_at: datetime) -> None:
        self.connection = connection
        self.recorded_at = recorded_at
        self.ids = IdSource(connection)
        self._accounts: dict[int, Account] = {}
        self._locks = connection.dialect.name != "sqlite"
        self._rows: dict[sa.Table, list[dict[str, Any]]] = {t: [] for t in _INSERT_ORDER}
        self._new_sales: dict[int, dict[str, Any]] = {}
        """Sales buffered and not yet written, by id: changing one changes its row."""
        self._sale_updates: dict[int, dict[str, Any]] = {}
        self._new_lots: dict[int, OpenLot] = {}
        """Lots opened and not yet written: they are written with what remains at the flush."""
        self._taken: dict[int, int] = {}
        """Points taken from lots already in the database, not yet written, by lot id."""
        self._lots: dict[int, OpenLot] = {}
        """Every lot this transaction knows the remaining points of."""
        self._created: dict[int, list[OpenLot]] = {}
        """Lots opened in this transaction, by customer: a customer's lots read later include
        them, written or not."""
        self._open_lots: dict[int, dict[int, OpenLot]] = {}
        """All open lots of a customer, read on the customer's first debit."""
        self.on_accounts_loaded: Callable[[Posting, list[Account]], None] | None = None
        """Called with this posting and the accounts each ``load_accounts`` locked and read,
        before any posting uses them: the expiry rule posts their due ``expire`` debits here,
        so no debit ever spends an expired lot. (The posting is passed, not captured, so the
        posting and its rows are freed as soon as the transaction ends, not by the cyclic
        garbage collector, which a sync pauses.)"""

    # ---- accounts ---------------------------------------------------------------------------

    def load_accounts(self, customer_ids: Iterable[int]) -> None:
        """Lock and read the balances of many customers at once."""
        b = schema.balances
        query = sa.select(b.c.customer_id, b.c.points, b.c.lifetime_earned, b.c.stars,
                          b.c.last_activity_at)
        if self._locks:
            query = query.order_by(b.c.customer_id).with_for_update()
        missing = [c for c in customer_ids if c not in self._accounts]
        loaded = []
        for customer_id, points, lifetime, stars, activity in rows_matching(
                self.connection, query, b.c.customer_id, missing):
            account = self._accounts[customer_id] = Account(
                customer_id, points, lifetime, stars, activity)
            loaded.append(account)
        if loaded and self.on_accounts_loaded is not None:
            self.on_accounts_loaded(self, loaded)

    def account(self, customer_id: int) -> Account:
        if customer_id not in self._accounts:
            self.load_accounts([customer_id])
        try:
            return self._accounts[customer_id]
        except KeyError:
            raise UnknownCustomer(customer_id) from None

    # ---- sales and refunds ------------------------------------------------------------------

    def add_sale(self, values: dict[str, Any]) -> int:
        """Buffer a sale row; returns its id."""
        sale_id = self.ids.next(schema.sales)
        # Every row of one INSERT has the same columns, whichever a refund or revision changes.
        values = {"refunded_minor": 0, "points_reversed": 0, "revision": 0, **values,
                  "id": sale_id}
        self._rows[schema.sales].append(values)
        self._new_sales[sale_id] = values
        return sale_id

    def update_sale(self, sale_id: int, **values: Any) -> None:
        if sale_id in self._new_sales:
            self._new_sales[sale_id].update(values)
        else:
            self._sale_updates.setdefault(sale_id, {}).update(values)

    def add_refund(self, values: dict[str, Any]) -> int:
        values["id"] = refund_id = self.ids.next(schema.refunds)
        self._rows[schema.refunds].append(values)
        return refund_id

    # ---- credits and debits -----------------------------------------------------------------

    def credit(
        self,
        account: Account,
        points: int,
        *,
        kind: str,
        business_date: date,
        expires_on: date | None,
        counts_toward_tier: bool = False,
        **entry: Any,
    ) -> int:
        """Buffer a credit and the lot it opens; the account sees it at once. Returns its id."""
        assert points > 0, points
        check_balance(account.points + points, account.customer_id)
        entry["tier_points"] = tier_points = points if counts_toward_tier else 0
        check_balance(account.lifetime_earned + tier_points, account.customer_id)
        entry_id = self._entry(account, points, kind, business_date, entry)
        lot = OpenLot(entry_id, account.customer_id, points, points, expires_on, business_date,
                      entry.get("sale_id"))
        self._new_lots[entry_id] = self._lots[entry_id] = lot
        self._created.setdefault(account.customer_id, []).append(lot)
        if account.customer_id in self._open_lots:
            self._open_lots[account.customer_id][entry_id] = lot
        account.points += points
        account.lifetime_earned += tier_points
        return entry_id

    def debit(
        self,
        account: Account,
        points: int,
        *,
        kind: str,
        business_date: date,
        prefer_sale_id: int | None = None,
        tier_points: int = 0,
        **entry: Any,
    ) -> int:
        """Buffer a debit allocated to the customer's lots; callers check the balance.

        Takes from the lots of sale ``prefer_sale_id`` first (a refund takes back its own
        sale's points). ``tier_points`` (zero or negative) lowers lifetime points, for refunds.
        """
        assert 0 <= points <= account.points, (points, account.points)
        entry["tier_points"] = tier_points
        entry_id = self._entry(account, -points, kind, business_date, entry)
        account.lifetime_earned = max(0, account.lifetime_earned + tier_points)
        if points == 0:  # an entry that only lowers the tier (a refund of spent points)
            return entry_id
        lots = [lot for lot in self.open_lots(account.customer_id).values() if lot.remaining]
        preferred = {lot.id for lot in lots
                     if prefer_sale_id is not None and lot.sale_id == prefer_sale_id}
        chosen = allocate([Lot(lot.id, lot.remaining, lot.expires_on, lot.earned_on)
                           for lot in lots], points, prefer=preferred)
        for lot_id, take in chosen:
            self._allocate(entry_id, lot_id, take)
        account.points -= points
        return entry_id

    def debit_lot(
        self, account: Account, lot_id: int, points: int, *, kind: str, business_date: date,
        **entry: Any,
    ) -> int:
        """Buffer a debit that takes ``points`` from one known lot (an expiry takes a whole
        lot): no lot query, so expiring many lots costs a few batched statements."""
        assert 0 < points <= account.points, (points, account.points)
        entry["tier_points"] = 0
        entry_id = self._entry(account, -points, kind, business_date, entry)
        self._allocate(entry_id, lot_id, points)
        account.points -= points
        return entry_id

    def move_tier(
        self, account: Account, tier_points: int, *, kind: str, business_date: date,
        **entry: Any,
    ) -> int:
        """Buffer an entry that moves no points, only lifetime points (a merge carries one
        customer's lifetime points to another)."""
        assert tier_points != 0
        entry["tier_points"] = tier_points
        check_balance(account.lifetime_earned + tier_points, account.customer_id)
        entry_id = self._entry(account, 0, kind, business_date, entry)
        account.lifetime_earned = max(0, account.lifetime_earned + tier_points)
        return entry_id

    def note(self, account: Account, *, kind: str, business_date: date, **entry: Any) -> int:
        """Buffer an entry that moves neither points nor lifetime points and tells of a change
        the balance row holds (``tier_lowered``: the stars fell). It is nothing the customer
        did, so their last activity stays."""
        entry["tier_points"] = 0
        return self._entry(account, 0, kind, business_date, entry, activity=False)

    def open_lots(self, customer_id: int) -> dict[int, OpenLot]:
        """The customer's lots with points left (or taken in this transaction), by lot id."""
        if customer_id not in self._open_lots:
            self.load_open_lots([customer_id])
        return self._open_lots[customer_id]

    def load_open_lots(self, customer_ids: Iterable[int]) -> None:
        """Read the open lots of many customers (those a batch's refunds debit) at once."""
        missing = sorted({c for c in customer_ids if c not in self._open_lots})
        for customer_id in missing:
            self._open_lots[customer_id] = {}
        for row in rows_matching(self.connection, _OPEN_LOTS, schema.point_lots.c.customer_id,
                                 missing):
            lot = self._lots.get(row.entry_id)
            if lot is None:
                lot = self._lots[row.entry_id] = OpenLot(
                    row.entry_id, row.customer_id, row.original,
                    row.remaining - self._taken.get(row.entry_id, 0), row.expires_on,
                    row.earned_on, row.sale_id,
                )
            self._open_lots[row.customer_id][lot.id] = lot
        for customer_id in missing:
            found = self._open_lots[customer_id]
            for lot in self._created.get(customer_id, ()):
                found.setdefault(lot.id, lot)

    def _allocate(self, debit_id: int, lot_id: int, points: int) -> None:
        """Record that debit ``debit_id`` takes ``points`` from lot ``lot_id``."""
        self._rows[schema.lot_allocations].append(
            {"debit_entry_id": debit_id, "lot_entry_id": lot_id, "points": points})
        lot = self._lots.get(lot_id)
        if lot is not None:
            lot.remaining -= points
        if lot_id not in self._new_lots:
            self._taken[lot_id] = self._taken.get(lot_id, 0) + points

    def _entry(
        self, account: Account, points: int, kind: str, business_date: date, entry: dict,
        *, activity: bool = True,
    ) -> int:
        account.dirty = True
        occurred_at = entry["occurred_at"]
        if activity and (account.last_activity_at is None
                         or occurred_at > account.last_activity_at):
            account.last_activity_at = occurred_at
        entry_id = self.ids.next(schema.ledger_entries)
        values = {
            "id": entry_id,
            "customer_id": account.customer_id,
            "kind": kind,
            "points": points,
            "business_date": business_date,
            "recorded_at": self.recorded_at,
            "source_id": None,
            "sale_id": None,
            "rule_id": None,
            "reverses_entry_id": None,
            "reason": "",
        }
        values.update(entry)
        self._rows[schema.ledger_entries].append(values)
        return entry_id

    def unwritten_tier_points(self, customer_id: int, first: date, last: date) -> int:
        """Tier points of the customer's entries buffered and not yet written, from business
        day ``first`` to ``last``: what a query of the written entries does not see yet."""
        return sum(row["tier_points"] for row in self._rows[schema.ledger_entries]
                   if row["customer_id"] == customer_id and first <= row["business_date"] <= last)

    # ---- writing ----------------------------------------------------------------------------

    def flush(self) -> None:
        """Write everything buffered, in an order that satisfies every foreign key."""
        self._rows[schema.point_lots] = [
            {"entry_id": lot.id, "customer_id": lot.customer_id, "original": lot.original,
             "remaining": lot.remaining, "earned_on": lot.earned_on,
             "expires_on": lot.expires_on}
            for lot in self._new_lots.values()
        ]
        for table in _INSERT_ORDER:
            if self._rows[table]:
                execute_many(self.connection, _INSERTS[table], self._rows[table])
                self._rows[table] = []
        self._new_sales.clear()
        self._new_lots.clear()
        if self._taken:
            execute_many(self.connection, _TAKE_FROM_LOT,
                         [{"lot": lot, "take": take} for lot, take in self._taken.items()])
            self._taken.clear()
        by_columns: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for sale_id, values in self._sale_updates.items():
            by_columns.setdefault(tuple(sorted(values)), []).append(
                {"sale": sale_id, **{f"new_{c}": v for c, v in values.items()}})
        sales = schema.sales
        for columns, rows in by_columns.items():
            self.connection.execute(
                sales.update().where(sales.c.id == sa.bindparam("sale"))
                .values({c: sa.bindparam(f"new_{c}") for c in columns}),
                rows,
            )
        self._sale_updates.clear()

    def finish(self) -> None:
        """Flush and write the balance cache of every account this transaction changed."""
        self.flush()
        changed = [a for a in self._accounts.values() if a.dirty]
        if not changed:
            return
        execute_many(self.connection, _UPDATE_BALANCE, [
            {"cid": a.customer_id, "points": a.points, "lifetime": a.lifetime_earned,
             "stars": a.stars, "activity": a.last_activity_at} for a in changed
        ])
        for account in changed:
            account.dirty = False
