"""The Aronium adapter: reads customers, sales and refunds from ``pos.db`` into POS batches.

How the cursor keeps every sale exactly once (docs/aronium.md has the long version):

* New rows are read in ``Id`` order (the primary key, so each poll costs milliseconds) and
  the cursor only moves over rows actually read. SQLite has one writer at a time and a
  reader sees only committed rows, so a document still inside Aronium's open transaction is
  simply read on a later poll, never skipped.
* A document edited later gets a new ``DateUpdated`` (while ``DateCreated`` stays). An *edit
  scan* finds rows with ``Id`` at or below the cursor and ``DateUpdated`` past the cursor's
  mark; the engine turns an unchanged total into ``duplicate`` and a changed one into a
  revision. There is no index on ``DateUpdated``, so the scan reads the whole table: it runs
  on the first read of each opened adapter and then every ``edit_scan_interval`` seconds.
  The mark only moves when a scan has read everything up to it, in one snapshot.
* Customers come before documents within one read transaction, so a sale never names a
  customer the ledger has not been given.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Callable
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from datetime import timezone
from decimal import ROUND_HALF_UP
from decimal import Decimal
from decimal import InvalidOperation
from pathlib import Path
from zoneinfo import ZoneInfo

import attrs
from loyalty.errors import LoyaltyError
from loyalty.events import SaleLine
from loyalty.events import SaleRecorded
from loyalty.events import SaleRefunded
from loyalty.pos import PosBatch
from loyalty.pos import PosCustomer
from loyalty.pos import SkippedDocument

from loyalty_pos_aronium import connection as db
from loyalty_pos_aronium.schema import REFUND_CODE
from loyalty_pos_aronium.schema import SALE_CODE


NAME = "aronium"
DEFAULT_EDIT_SCAN_INTERVAL = 30.0


@attrs.frozen
class Mark:
    """Rows edited at or before ``updated`` (except at ``updated`` itself, those in ``ids``)
    have been read."""

    updated: str
    ids: tuple[int, ...] = ()

    def advance(self, rows: list[tuple[int, str]]) -> Mark:
        """After reading ``rows`` (id, DateUpdated) in (DateUpdated, Id) order."""
        mark = self
        for row_id, updated in rows:
            if updated == mark.updated:
                mark = Mark(updated, (*mark.ids, row_id))
            elif updated > mark.updated:
                mark = Mark(updated, (row_id,))
        return mark


@attrs.frozen
class Cursor:
    """Where the next read starts; stored in the ledger as JSON text."""

    document: int = 0
    """Highest ``Document.Id`` read."""
    item: int = 0
    """Highest ``DocumentItem.Id`` read with its document."""
    customer: int = 0
    """Highest ``Customer.Id`` read."""
    document_mark: Mark | None = None
    customer_mark: Mark | None = None

    def dump(self) -> str:
        def mark(m: Mark | None) -> list | None:
            return None if m is None else [m.updated, list(m.ids)]

        return json.dumps({
            "v": 1, "document": self.document, "item": self.item, "customer": self.customer,
            "document_mark": mark(self.document_mark), "customer_mark": mark(self.customer_mark),
        }, separators=(",", ":"))

    @classmethod
    def load(cls, text: str | None) -> Cursor:
        if not text:
            return cls()
        try:
            data = json.loads(text)
            marks = {
                key: None if data[key] is None else Mark(str(data[key][0]), tuple(data[key][1]))
                for key in ("document_mark", "customer_mark")
            }
            return cls(int(data["document"]), int(data["item"]), int(data["customer"]), **marks)
        except (ValueError, KeyError, TypeError, IndexError):
            raise LoyaltyError(
                f"The stored Aronium sync position {text[:80]!r} is unreadable.",
                hint="It was written by another program or version; ask for help before "
                     "resetting it, since a reset reads every document again.",
            ) from None


def parse_local(text: str) -> datetime:
    """Aronium writes ``2026-01-05 09:01:00.123`` (sometimes with a ``T``) in local time."""
    return datetime.fromisoformat(str(text).strip().replace("T", " "))


class AroniumAdapter:
    """An open, read-only connection to one Aronium ``pos.db`` (the ``PosAdapter`` protocol)."""

    name = NAME

    def __init__(
        self,
        path: Path | str,
        *,
        shop_id: str = "main",
        till_id: str = "till-1",
        currency: str = "USD",
        minor_units: int = 2,
        timezone_name: str | None = None,
        busy_timeout: float = db.DEFAULT_BUSY_TIMEOUT,
        edit_scan_interval: float = DEFAULT_EDIT_SCAN_INTERVAL,
        with_lines: bool = True,
        walk_in_customer: int | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.path = Path(path)
        self.shop_id = shop_id
        self.till_id = till_id
        self.currency = currency
        self.scale = Decimal(10) ** minor_units
        self.zone = ZoneInfo(timezone_name) if timezone_name else None
        self.busy_timeout = busy_timeout
        self.edit_scan_interval = edit_scan_interval
        self.with_lines = with_lines
        self.walk_in_customer = walk_in_customer
        """An Aronium customer that stands for 'no customer' (some shops sell to 'Unknown')."""
        self._monotonic = monotonic
        self._scanned_at: float | None = None
        self._scan_pending = False
        self._lock = threading.Lock()
        self.connection = db.open_readonly(self.path, busy_timeout=busy_timeout)
        with self._snapshot() as conn:
            types = {str(code).strip(): (type_id, name) for type_id, code, name in
                     conn.execute("SELECT Id, Code, Name FROM DocumentType")}
        self.type_names = {type_id: f"{name} ({code})" for code, (type_id, name) in types.items()}
        if SALE_CODE not in types:
            raise db.AroniumDatabaseError(
                self.path, "schema", f"its DocumentType table has no Sales type (Code {SALE_CODE})",
                "Check that this is the pos.db Aronium uses for selling.",
            )
        self.sale_type = types[SALE_CODE][0]
        self.refund_type = types[REFUND_CODE][0] if REFUND_CODE in types else None

    def close(self) -> None:
        self.connection.close()

    # ---- reading ---------------------------------------------------------------------------

    @contextmanager
    def _snapshot(self) -> Iterator[sqlite3.Connection]:
        """One read transaction: everything read in it is one consistent state of the file.

        The lock lets a UI thread and a background sync share the adapter.
        """
        with self._lock:
            try:
                self.connection.execute("BEGIN")
                try:
                    yield self.connection
                finally:
                    self.connection.execute("COMMIT")
            except sqlite3.Error as exc:
                raise db.explain(self.path, exc, self.busy_timeout) from None

    def remaining(self, cursor: str | None) -> int | None:
        start = Cursor.load(cursor)
        with self._snapshot() as conn:
            return conn.execute(
                "SELECT COUNT(*) FROM Document WHERE Id > ?", (start.document,)
            ).fetchone()[0]

    def read(self, cursor: str | None, *, limit: int) -> PosBatch:
        state = Cursor.load(cursor)
        with self._snapshot() as conn:
            return self._read(conn, state, max(1, limit))

    def _scan_due(self) -> bool:
        return (self._scan_pending or self._scanned_at is None
                or self._monotonic() - self._scanned_at >= self.edit_scan_interval)

    def _read(self, conn: sqlite3.Connection, state: Cursor, limit: int) -> PosBatch:
        if state.document_mark is None or state.customer_mark is None:
            state = attrs.evolve(
                state,
                document_mark=state.document_mark or Mark(self._max_updated(conn, "Document")),
                customer_mark=state.customer_mark or Mark(self._max_updated(conn, "Customer")),
            )
        customers: dict[str, PosCustomer] = {}
        new_customers = conn.execute(
            "SELECT Id, Name, Code, PhoneNumber, IsCustomer FROM Customer WHERE Id > ? "
            "ORDER BY Id LIMIT ?", (state.customer, limit),
        ).fetchall()
        for row in new_customers:
            if row[4] and row[0] != self.walk_in_customer:
                customers[str(row[0])] = self._customer(row)
        if new_customers:
            state = attrs.evolve(state, customer=new_customers[-1][0])
        if len(new_customers) == limit:
            return PosBatch(cursor=state.dump(), documents_read=0,
                            customers=tuple(customers.values()))

        edited: list[tuple] = []
        if self._scan_due():
            state, edited, complete = self._edit_scan(conn, state, limit, customers)
            self._scan_pending = not complete
            if complete:
                self._scanned_at = self._monotonic()
        fresh: list[tuple] = []
        if not self._scan_pending:
            fresh = conn.execute(
                f"{self._DOCUMENTS} WHERE d.Id > ? ORDER BY d.Id LIMIT ?",
                (state.document, limit - len(edited)),
            ).fetchall()
        lines = self._lines_of(conn, [d[0] for d in edited]) \
            if edited and self.with_lines else {}
        if fresh and self.with_lines:
            streamed, last_item = self._stream_lines(conn, state.item, fresh[0][0], fresh[-1][0])
            lines.update(streamed)
            state = attrs.evolve(state, item=last_item)
        if fresh:
            state = attrs.evolve(state, document=fresh[-1][0])
        events, skipped = self._events(edited + fresh, lines)
        return PosBatch(cursor=state.dump(), documents_read=len(edited) + len(fresh),
                        events=events, customers=tuple(customers.values()), skipped=skipped)

    _DOCUMENTS = (
        "SELECT d.Id, d.Number, d.DocumentTypeId, d.CustomerId, d.Total, d.DateCreated, "
        "d.DateUpdated, d.ReferenceDocumentNumber, c.Id, c.IsCustomer FROM Document d "
        "LEFT JOIN Customer c ON c.Id = d.CustomerId"
    )

    def _max_updated(self, conn: sqlite3.Connection, table: str) -> str:
        value = conn.execute(f"SELECT MAX(DateUpdated) FROM {table}").fetchone()[0]
        return "" if value is None else str(value)

    def _edit_scan(
        self, conn: sqlite3.Connection, state: Cursor, limit: int,
        customers: dict[str, PosCustomer],
    ) -> tuple[Cursor, list[tuple], bool]:
        """Customers and sale/refund documents changed since the marks; ``complete`` when all
        were read (the marks then cover everything up to the cursor)."""
        assert state.customer_mark is not None and state.document_mark is not None
        after = ("({a}.DateUpdated > ? OR ({a}.DateUpdated = ? AND {a}.Id NOT IN ({ids}))) "
                 "AND {a}.DateUpdated <> {a}.DateCreated")
        cmark = state.customer_mark
        changed = conn.execute(
            "SELECT x.Id, x.Name, x.Code, x.PhoneNumber, x.IsCustomer, x.DateUpdated "
            f"FROM Customer x WHERE x.Id <= ? AND {after.format(a='x', ids=_ids(cmark.ids))} "
            "ORDER BY x.DateUpdated, x.Id LIMIT ?",
            (state.customer, cmark.updated, cmark.updated, limit),
        ).fetchall()
        for row in changed:
            if row[4] and row[0] != self.walk_in_customer:
                customers[str(row[0])] = self._customer(row)
        state = attrs.evolve(state, customer_mark=cmark.advance([(r[0], str(r[5])) for r in changed]))
        if len(changed) == limit:
            return state, [], False
        dmark = state.document_mark
        types = tuple(t for t in (self.sale_type, self.refund_type) if t is not None)
        room = limit - len(changed)
        documents = conn.execute(
            f"{self._DOCUMENTS} WHERE d.Id <= ? AND d.DocumentTypeId IN ({_ids(types)}) "
            f"AND {after.format(a='d', ids=_ids(dmark.ids))} "
            "ORDER BY d.DateUpdated, d.Id LIMIT ?",
            (state.document, dmark.updated, dmark.updated, room),
        ).fetchall()
        state = attrs.evolve(
            state, document_mark=dmark.advance([(r[0], str(r[6])) for r in documents])
        )
        return state, documents, len(documents) < room

    # ---- lines -----------------------------------------------------------------------------

    _LINES = (
        "SELECT i.Id, i.DocumentId, i.ProductId, i.Quantity, i.TotalAfterDocumentDiscount, "
        "p.ProductGroupId, p.Name FROM DocumentItem i LEFT JOIN Product p ON p.Id = i.ProductId"
    )

    def _stream_lines(
        self, conn: sqlite3.Connection, after_item: int, first_doc: int, last_doc: int
    ) -> tuple[dict[int, list[SaleLine]], int]:
        """Items of documents ``first_doc..last_doc``, read in ``Id`` order from the cursor.

        ``DocumentItem.DocumentId`` has no index in Aronium, but the POS writes a document's
        items right after it, so item ids follow document ids: reading stops at the first item
        of a later document instead of scanning the whole table.
        """
        found: dict[int, list[SaleLine]] = {}
        last = after_item
        rows = conn.execute(f"{self._LINES} WHERE i.Id > ? ORDER BY i.Id", (after_item,))
        try:
            for row in rows:
                if row[1] > last_doc:
                    break
                last = row[0]
                if row[1] >= first_doc:
                    found.setdefault(row[1], []).append(self._line(row))
        finally:
            rows.close()
        return found, last

    def _lines_of(self, conn: sqlite3.Connection, document_ids: list[int]) -> dict[int, list[SaleLine]]:
        found: dict[int, list[SaleLine]] = {}
        query = f"{self._LINES} WHERE i.DocumentId IN ({_ids(document_ids)}) ORDER BY i.Id"
        for row in conn.execute(query):
            found.setdefault(row[1], []).append(self._line(row))
        return found

    def _line(self, row: tuple) -> SaleLine:
        total = self._minor(row[4])
        return SaleLine(
            product_id=str(row[2]), quantity=_decimal(row[3]) or Decimal(0),
            total_minor=max(total or 0, 0),
            category_id=None if row[5] is None else str(row[5]), product_name=row[6],
        )

    # ---- turning rows into facts -----------------------------------------------------------

    def _customer(self, row: tuple) -> PosCustomer:
        code = (row[2] or "").strip() or None
        phone = (row[3] or "").strip() or None
        return PosCustomer(external_id=str(row[0]), name=(row[1] or "").strip() or f"#{row[0]}",
                           phone=phone, messaging_key=code)

    def _minor(self, value: object) -> int | None:
        amount = _decimal(value)
        if amount is None:
            return None
        return int((amount * self.scale).quantize(Decimal(1), rounding=ROUND_HALF_UP))

    def _moment(self, text: object) -> datetime:
        local = parse_local(str(text))
        if self.zone is not None:
            return local.replace(tzinfo=self.zone).astimezone(timezone.utc)
        return local.astimezone(timezone.utc)  # naive = this computer's local time

    def _events(
        self, rows: list[tuple], lines: dict[int, list[SaleLine]]
    ) -> tuple[tuple[SaleRecorded | SaleRefunded, ...], tuple[SkippedDocument, ...]]:
        events: list[SaleRecorded | SaleRefunded] = []
        skipped: list[SkippedDocument] = []
        for row in rows:
            fact = self._fact(row, lines.get(row[0], ()))
            if isinstance(fact, SkippedDocument):
                skipped.append(fact)
            else:
                events.append(fact)
        return tuple(events), tuple(skipped)

    def _fact(self, row: tuple, lines: list[SaleLine] | tuple) -> SaleRecorded | SaleRefunded | SkippedDocument:
        """One document as a fact, or the reason it earns nothing (cheap checks first: most
        documents of a busy till are anonymous sales)."""
        _, number, type_id, customer_id, total, created, _, reference, known, is_customer = row
        number = str(number)
        if type_id == self.sale_type:
            if customer_id is None or customer_id == self.walk_in_customer:
                return SkippedDocument(number, "no customer on the sale")
            if known is None or not is_customer:
                return SkippedDocument(number, "the sale's customer is not in Aronium's customer list")
        elif type_id == self.refund_type:
            if not reference:
                return SkippedDocument(number, "the refund names no original sale")
        else:
            kind = self.type_names.get(type_id, f"type {type_id}")
            return SkippedDocument(number, f"{kind} documents earn no points")
        amount = self._minor(total)
        if amount is None:
            return SkippedDocument(number, "its Total is not a number")
        try:
            occurred_at = self._moment(created)
        except ValueError:
            return SkippedDocument(number, "its DateCreated is not a date")
        common = dict(occurred_at=occurred_at, source=NAME, shop_id=self.shop_id,
                      till_id=self.till_id, document_id=number, currency=self.currency)
        if type_id == self.refund_type:
            if amount == 0:
                return SkippedDocument(number, "the refund's total is zero")
            return SaleRefunded(original_document_id=str(reference), amount_minor=abs(amount),
                                **common)
        if amount < 0:
            return SkippedDocument(number, "the sale's total is negative")
        return SaleRecorded(total_minor=amount, external_customer_id=str(customer_id),
                            lines=tuple(lines), **common)


def _decimal(value: object) -> Decimal | None:
    if value is None:
        return None
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return amount if amount.is_finite() else None


def _ids(ids: tuple[int, ...] | list[int]) -> str:
    """Integers for an ``IN (...)`` list (never text, so nothing can be injected)."""
    return ",".join(str(int(i)) for i in ids) or "-1"
