"""One write transaction on the ledger.

Credits open lots; debits are allocated to lots (``loyalty.rules.lots.allocate``); the balance
cache of every touched customer is written once at the end. Rows are buffered and inserted in
batches (multi-row INSERT ... RETURNING), so recording a thousand sales costs a handful of
statements, not thousands. Each customer's balance row is locked (``FOR UPDATE`` on
PostgreSQL; SQLite's ``BEGIN IMMEDIATE`` already serialises writers) before it is read, so two
tills posting for the same customer wait for each other instead of both spending one balance.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterable
from datetime import date
from datetime import datetime
from typing import Any

import attrs
import sqlalchemy as sa

from loyalty.errors import UnknownCustomer
from loyalty.ledger import schema
from loyalty.rules.lots import Lot
from loyalty.rules.lots import allocate


_CHUNK = 500  # keys per IN (...) query, well under every backend's parameter limit


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
class PendingRow:
    """A row buffered for insertion; ``id`` is known after ``Posting.flush``."""

    values: dict[str, Any]
    sale: PendingRow | None = None
    lot: dict[str, Any] | None = None
    id: int | None = None
    takes_lot: tuple[int, int] | None = None
    """For a debit of one known lot: (lot entry id, points), allocated when flushed."""


def chunks(items: list, size: int = _CHUNK) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class Posting:
    def __init__(self, connection: sa.Connection, *, recorded_at: datetime) -> None:
        self.connection = connection
        self.recorded_at = recorded_at
        self._accounts: dict[int, Account] = {}
        self._sales: list[PendingRow] = []
        self._entries: list[PendingRow] = []
        self._locks = connection.dialect.name != "sqlite"
        self.on_accounts_loaded: Callable[[list[Account]], None] | None = None
        """Called with the accounts each ``load_accounts`` locked and read, before any posting
        uses them: the expiry rule posts their due ``expire`` debits here, so no debit ever
        spends an expired lot."""

    # ---- accounts ---------------------------------------------------------------------------

    def load_accounts(self, customer_ids: Iterable[int]) -> None:
        """Lock and read the balances of many customers in one query per chunk."""
        missing = sorted({c for c in customer_ids if c not in self._accounts})
        b = schema.balances
        loaded = []
        for chunk in chunks(missing):
            query = sa.select(b).where(b.c.customer_id.in_(chunk))
            if self._locks:
                query = query.order_by(b.c.customer_id).with_for_update()
            for row in self.connection.execute(query):
                account = self._accounts[row.customer_id] = Account(
                    row.customer_id, row.points, row.lifetime_earned, row.stars,
                    row.last_activity_at,
                )
                loaded.append(account)
        if loaded and self.on_accounts_loaded is not None:
            self.on_accounts_loaded(loaded)

    def account(self, customer_id: int) -> Account:
        if customer_id not in self._accounts:
            self.load_accounts([customer_id])
        try:
            return self._accounts[customer_id]
        except KeyError:
            raise UnknownCustomer(customer_id) from None

    # ---- buffered inserts -------------------------------------------------------------------

    def add_sale(self, values: dict[str, Any]) -> PendingRow:
        row = PendingRow(values)
        self._sales.append(row)
        return row

    def credit(
        self,
        account: Account,
        points: int,
        *,
        kind: str,
        business_date: date,
        expires_on: date | None,
        counts_toward_tier: bool = False,
        sale: PendingRow | None = None,
        **entry: Any,
    ) -> PendingRow:
        """Buffer a credit and the lot it opens; the account sees it at once."""
        assert points > 0, points
        tier_points = points if counts_toward_tier else 0
        row = PendingRow(
            self._entry_values(account, points, kind, business_date,
                               {"tier_points": tier_points, **entry}),
            sale=sale,
            lot={"original": points, "remaining": points, "earned_on": business_date,
                 "expires_on": expires_on, "customer_id": account.customer_id},
        )
        self._entries.append(row)
        account.points += points
        account.lifetime_earned += tier_points
        return row

    def debit(
        self,
        account: Account,
        points: int,
        *,
        kind: str,
        business_date: date,
        prefer_sale_id: int | None = None,
        sale: PendingRow | None = None,
        tier_points: int = 0,
        **entry: Any,
    ) -> PendingRow:
        """Write a debit now, allocated to the customer's lots; callers check the balance.

        ``tier_points`` (zero or negative) lowers lifetime points, for refunds.
        """
        assert 0 <= points <= account.points, (points, account.points)
        self.flush()
        row = PendingRow(
            self._entry_values(account, -points, kind, business_date,
                               {"tier_points": tier_points, **entry}),
            sale=sale,
        )
        self._entries.append(row)
        self.flush()
        account.lifetime_earned = max(0, account.lifetime_earned + tier_points)
        if points == 0:  # an entry that only lowers the tier (a refund of spent points)
            return row
        lots, preferred = self._open_lots(account.customer_id, prefer_sale_id)
        allocations = allocate(lots, points, prefer=preferred)
        self._allocate([(row.id, lot, take) for lot, take in allocations])
        account.points -= points
        return row

    def _allocate(self, allocations: list[tuple[int, int, int]]) -> None:
        """Record (debit entry, lot, points) allocations and take the points from the lots."""
        self.connection.execute(
            schema.lot_allocations.insert(),
            [{"debit_entry_id": debit, "lot_entry_id": lot, "points": take}
             for debit, lot, take in allocations],
        )
        lots_t = schema.point_lots
        self.connection.execute(
            lots_t.update()
            .where(lots_t.c.entry_id == sa.bindparam("lot"))
            .values(remaining=lots_t.c.remaining - sa.bindparam("take")),
            [{"lot": lot, "take": take} for _, lot, take in allocations],
        )

    def debit_lot(
        self, account: Account, lot_id: int, points: int, *, kind: str, business_date: date,
        **entry: Any,
    ) -> PendingRow:
        """Buffer a debit that takes ``points`` from one known lot (an expiry takes a whole
        lot): no lot query, and many of them flush in a few batched statements."""
        assert 0 < points <= account.points, (points, account.points)
        row = PendingRow(
            self._entry_values(account, -points, kind, business_date, {"tier_points": 0, **entry}),
            takes_lot=(lot_id, points),
        )
        self._entries.append(row)
        account.points -= points
        return row

    def _open_lots(self, customer_id: int, prefer_sale_id: int | None) -> tuple[list[Lot], set[int]]:
        lots_t, entries = schema.point_lots, schema.ledger_entries
        query = (
            sa.select(lots_t.c.entry_id, lots_t.c.remaining, lots_t.c.expires_on,
                      lots_t.c.earned_on, entries.c.sale_id)
            .join(entries, entries.c.id == lots_t.c.entry_id)
            .where(lots_t.c.customer_id == customer_id, lots_t.c.remaining > 0)
        )
        lots, preferred = [], set()
        for row in self.connection.execute(query):
            lots.append(Lot(row.entry_id, row.remaining, row.expires_on, row.earned_on))
            if prefer_sale_id is not None and row.sale_id == prefer_sale_id:
                preferred.add(row.entry_id)
        return lots, preferred

    def _entry_values(
        self, account: Account, points: int, kind: str, business_date: date, entry: dict
    ) -> dict[str, Any]:
        account.dirty = True
        occurred_at = entry["occurred_at"]
        if account.last_activity_at is None or occurred_at > account.last_activity_at:
            account.last_activity_at = occurred_at
        values = {
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
        return values

    def flush(self) -> None:
        """Insert what is buffered: sales, then entries, then the lots of the credits."""
        if self._sales:
            self._insert_returning(schema.sales, self._sales)
            self._sales = []
        if self._entries:
            for row in self._entries:
                if row.sale is not None:
                    row.values["sale_id"] = row.sale.id
            self._insert_returning(schema.ledger_entries, self._entries)
            lots = [{**row.lot, "entry_id": row.id} for row in self._entries if row.lot]
            if lots:
                self.connection.execute(schema.point_lots.insert(), lots)
            taken = [(row.id, *row.takes_lot) for row in self._entries if row.takes_lot]
            if taken:
                self._allocate(taken)
            self._entries = []

    def _insert_returning(self, table: sa.Table, rows: list[PendingRow]) -> None:
        if self.connection.dialect.name == "sqlite":
            # SQLite: this transaction holds the write lock (BEGIN IMMEDIATE), so the ids after
            # max(id) are ours. Giving them here lets sqlite3 run one executemany instead of
            # the row-at-a-time INSERT ... RETURNING SQLAlchemy falls back to with ordered
            # RETURNING (about 12% less CPU per sale in bench/ledger.py).
            next_id = self.connection.execute(
                sa.select(sa.func.coalesce(sa.func.max(table.c.id), 0))
            ).scalar_one() + 1
            for offset, row in enumerate(rows):
                row.id = row.values["id"] = next_id + offset
            self.connection.execute(table.insert(), [row.values for row in rows])
            return
        result = self.connection.execute(
            table.insert().returning(table.c.id, sort_by_parameter_order=True),
            [row.values for row in rows],
        )
        for row, (new_id,) in zip(rows, result, strict=True):
            row.id = new_id

    def finish(self) -> None:
        """Flush and write the balance cache of every account this transaction changed."""
        self.flush()
        changed = [a for a in self._accounts.values() if a.dirty]
        if not changed:
            return
        b = schema.balances
        self.connection.execute(
            b.update()
            .where(b.c.customer_id == sa.bindparam("cid"))
            .values(
                points=sa.bindparam("points"),
                lifetime_earned=sa.bindparam("lifetime"),
                stars=sa.bindparam("stars"),
                last_activity_at=sa.bindparam("activity"),
            ),
            [{"cid": a.customer_id, "points": a.points, "lifetime": a.lifetime_earned,
              "stars": a.stars, "activity": a.last_activity_at} for a in changed],
        )
        for account in changed:
            account.dirty = False
