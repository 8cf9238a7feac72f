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
* After a full batch, a worker process reads the next one while the engine records this one
  (``read_ahead.py``); the results are the same as reading it when asked.

This module is the reading: the SQL, the snapshots and when to scan. The cursor is
``cursor.py``; what the rows become, ``facts.py`` and ``conversions.py``.
"""

from __future__ import annotations

import functools
import logging
import math
import sqlite3
import threading
import time
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from datetime import timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import attrs

from loyalty.domain.events import PosFact
from loyalty.domain.events import SaleDeleted
from loyalty.domain.events import SaleLine
from loyalty.domain.events import SaleRecorded
from loyalty.domain.pos import PosBatch
from loyalty.domain.pos import PosCustomer
from loyalty.domain.pos import SkippedDocument
from loyalty_pos_aronium import connection as db
from loyalty_pos_aronium.conversions import document_key
from loyalty_pos_aronium.conversions import line_key
from loyalty_pos_aronium.conversions import parse_local
from loyalty_pos_aronium.conversions import reference_names_year
from loyalty_pos_aronium.conversions import sale_line
from loyalty_pos_aronium.cursor import Cursor
from loyalty_pos_aronium.cursor import Mark
from loyalty_pos_aronium.cursor import Seen
from loyalty_pos_aronium.facts import NAME
from loyalty_pos_aronium.facts import FactMaker
from loyalty_pos_aronium.facts import label
from loyalty_pos_aronium.facts import text
from loyalty_pos_aronium.options import DEFAULT_EDIT_SCAN_INTERVAL
from loyalty_pos_aronium.options import WALK_IN_CUSTOMER
from loyalty_pos_aronium.read_ahead import ReadAhead
from loyalty_pos_aronium.schema import SALE_CODE
from loyalty_pos_aronium.schema import document_types


log = logging.getLogger(__name__)

_MAX_ROWID = 2**63 - 1


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
        walk_in_customer: int | None = WALK_IN_CUSTOMER,
        monotonic: Callable[[], float] = time.monotonic,
        read_ahead: bool = True,
    ) -> None:
        """``read_ahead``: after a read that filled its limit (of at least
        ``read_ahead.MIN_LIMIT`` documents), read the next batch in a worker process while the
        caller records this one; a sync then takes the reading off its own core. The worker
        stops when a read finds the file caught up, and at ``close()``."""
        self.path = Path(path)
        self.shop_id = shop_id
        self.till_id = till_id
        if minor_units < 0:
            raise ValueError(f"minor_units must be 0 or more, got {minor_units}")
        zone = ZoneInfo(timezone_name) if timezone_name else None
        self.busy_timeout = busy_timeout
        self.edit_scan_interval = edit_scan_interval
        self.with_lines = with_lines
        self._monotonic = monotonic
        self._scanned_at: float | None = None
        self._scan_pending = False
        self._stamp = ""
        self._cursor: tuple[str | None, Cursor] = (None, Cursor())
        """The cursor this adapter last returned, as text and as read (``_dump``)."""
        """``connection.change_stamp`` of the file, taken just before the current snapshot."""
        self._lock = threading.Lock()
        self.immutable = db.untouched_wal(self.path.expanduser())
        """Read without locks or ``-wal``/``-shm`` files (``connection.untouched_wal``)."""
        self.connection = db.open_readonly(self.path, busy_timeout=busy_timeout,
                                           immutable=self.immutable)
        with self._snapshot() as conn:
            types = document_types(conn.execute("SELECT Id, Code, Name FROM DocumentType").fetchall())
        if types.sale is None:
            raise db.AroniumDatabaseError(
                self.path, "schema", f"its DocumentType table has no Sales type (Code {SALE_CODE})",
                "Check that this is the pos.db Aronium uses for selling.",
            )
        self.file_identity = self._identity()
        """What tells this file apart from another till's (``sync.claim_file``): the first
        customer's Id and DateCreated. Aronium seeds customer 1 'Unknown' when it creates the
        file, stamped to the second, so a copy has it and another till's file does not."""
        self.warnings: tuple[str, ...] = tuple(w for w in (types.warning,) if w)
        """What every sync from this file must say (no refund type); logged at the first read."""
        self._warned = False
        self.facts = FactMaker(
            shop_id=shop_id, till_id=till_id, currency=currency, scale=10**minor_units, zone=zone,
            sale_type=types.sale, refund_type=types.refund, type_names=types.names,
            walk_in_customer=walk_in_customer,
        )
        """How this till's rows become facts."""
        self.read_ahead: ReadAhead | None = None
        """The worker reading the next batch (None without ``read_ahead``)."""
        if read_ahead:
            absolute = self.path.expanduser().absolute()
            open_reader = functools.partial(
                AroniumAdapter, absolute, shop_id=shop_id, till_id=till_id, currency=currency,
                minor_units=minor_units, timezone_name=timezone_name, busy_timeout=busy_timeout,
                with_lines=with_lines, walk_in_customer=walk_in_customer, read_ahead=False,
            )
            self.read_ahead = ReadAhead(open_reader, source=str(absolute))

    def _identity(self) -> str | None:
        with self._snapshot() as conn:
            first = conn.execute("SELECT Id, DateCreated FROM Customer ORDER BY Id LIMIT 1"
                                 ).fetchone()
        return None if first is None or text(first[1]) is None else f"{first[0]}@{first[1]}"

    def close(self) -> None:
        if self.read_ahead is not None:
            self.read_ahead.close()
        self.connection.close()

    # ---- reading ---------------------------------------------------------------------------

    @contextmanager
    def _snapshot(self) -> Iterator[sqlite3.Connection]:
        """One read transaction: everything read in it is one consistent state of the file.

        The lock lets a UI thread and a background sync share the adapter.
        """
        with self._lock:
            path = self.path.expanduser()
            if self.immutable and not db.untouched_wal(path):
                self._reopen()
            before = self._stamp = db.change_stamp(path)
            try:
                self.connection.execute("BEGIN")
                try:
                    yield self.connection
                finally:
                    self.connection.execute("COMMIT")
            except sqlite3.Error as exc:
                raise db.explain(self.path, exc, self.busy_timeout) from None
            if self.immutable and db.change_stamp(path) != before:
                raise db.started_writing(self.path)

    def _reopen(self) -> None:
        """Aronium opened the file (its ``-wal`` and ``-shm`` exist now): read as any reader."""
        self.connection.close()
        self.immutable = False
        self.connection = db.open_readonly(self.path, busy_timeout=self.busy_timeout)

    def remaining(self, cursor: str | None) -> int | None:
        start = Cursor.load(cursor)
        with self._snapshot() as conn:
            return conn.execute(
                "SELECT COUNT(*) FROM Document WHERE Id > ?", (start.document,)
            ).fetchone()[0]

    def read(self, cursor: str | None, *, limit: int) -> PosBatch:
        limit = max(1, limit)
        if not self._warned:
            self._warned = True
            for warning in self.warnings:
                log.warning("Aronium database %s: %s", self.path, warning)
        ahead = self.read_ahead
        if ahead is None:
            return self.read_once(cursor, limit)[0]
        if self._scan_due():  # this read scans for edits, which only this process does
            ahead.discard()
            taken = None
        else:
            taken = ahead.take(cursor, limit)
        batch, full = taken or self.read_once(cursor, limit)
        if not full:
            ahead.stop()  # caught up: a watch holds no idle worker
        elif not self._scan_due():  # the next read would scan, and read itself
            ahead.submit(batch.cursor, limit)
        return batch

    def read_once(self, cursor: str | None, limit: int) -> tuple[PosBatch, bool]:
        """One batch, read now, and whether it filled ``limit`` (more is likely waiting)."""
        text, kept = self._cursor
        state = kept if cursor is not None and cursor == text else Cursor.load(cursor)
        with self._snapshot() as conn:
            return self._read(conn, state, max(1, limit))

    def _dump(self, state: Cursor) -> str:
        """``state.dump()``, kept with ``state``: the next read starts from this text, and
        parsing it again (a thousand recent sales) would cost a poll of ``loyalty watch``
        more than its reading; a read that moved nothing returns the same text."""
        text, kept = self._cursor
        if state is not kept or text is None:
            text = state.dump()
            self._cursor = (text, state)
        return text

    def leave_edits_to_another(self) -> None:
        """Never scan for edits, not even on the first read: for a read-ahead worker, whose
        adapter in the syncing process scans."""
        self.edit_scan_interval = math.inf
        self._scanned_at = self._monotonic()

    def _scan_due(self) -> bool:
        return (self._scan_pending or self._scanned_at is None
                or self._monotonic() - self._scanned_at >= self.edit_scan_interval)

    def _read(self, conn: sqlite3.Connection, state: Cursor, limit: int) -> tuple[PosBatch, bool]:
        if state.document_mark is None or state.customer_mark is None:
            state = attrs.evolve(
                state,
                document_mark=state.document_mark or Mark(self._max_updated(conn, "Document")),
                customer_mark=state.customer_mark or Mark(self._max_updated(conn, "Customer")),
            )
        customers: dict[str, PosCustomer] = {}
        # Only rows that become customers: a batch of suppliers (or the walk-in) alone would
        # look like the end of the file to the sync loop.
        new_customers = conn.execute(
            "SELECT Id, Name, Code, PhoneNumber, IsCustomer FROM Customer WHERE Id > ? "
            "AND IsCustomer AND Id IS NOT ? ORDER BY Id LIMIT ?",
            (state.customer, self.facts.walk_in_customer, limit),
        ).fetchall()
        self._add_customers(customers, new_customers)
        if new_customers:
            state = attrs.evolve(state, customer=new_customers[-1][0])
        if len(new_customers) == limit:
            return PosBatch(cursor=self._dump(state), documents_read=0,
                            customers=tuple(customers.values())), True

        # Customers, edited and new documents all count toward ``limit``: one batch never
        # holds more than the caller asked for.
        room = limit - len(new_customers)
        edited: list[tuple] = []
        deleted: list[SaleDeleted] = []
        if self._scan_due() and not self._scan_pending and state.scanned == self._stamp:
            # Nothing was committed to the file since the last complete scan began: no edit
            # or deletion can be there to find, and the scan would read every row to say so.
            self._scanned_at = self._monotonic()
        elif self._scan_due():
            state, deleted = self._deletions(conn, state)
            state, edited, scanned, complete = self._edit_scan(conn, state, room, customers)
            room -= scanned
            self._scan_pending = not complete
            if complete:
                self._scanned_at = self._monotonic()
                state = attrs.evolve(state, scanned=self._stamp)
        fresh: list[tuple] = []
        if not self._scan_pending:
            checked = self._check_last(conn, state)
            if checked is not state:  # the newest document read is gone, its Id perhaps reused
                checked, gone = self._deletions(conn, checked)
                deleted += gone
            state = checked
            fresh = conn.execute(
                f"{self._DOCUMENTS} WHERE d.Id > ? ORDER BY d.Id LIMIT ?",
                (state.document, room),
            ).fetchall()
            room -= len(fresh)
        rows = edited + fresh
        facts = self.facts
        skip_reason = facts.skip_reason
        reasons = [skip_reason(row) for row in rows]
        lines: dict[int, list[SaleLine]] = {}
        if self.with_lines:
            # Only sales that passed the cheap checks use lines: the rest are never built.
            wanted = {row[0] for row, reason in zip(rows, reasons)
                      if reason is None and row[2] == facts.sale_type}
            if edited:
                lines = self._lines_of(conn, [d[0] for d in edited if d[0] in wanted])
            if fresh:
                last_item = self._last_item(conn, state.item, fresh[-1][0])
                lines.update(self._lines_of(conn, [d[0] for d in fresh if d[0] in wanted],
                                            items=(state.item, last_item)))
                state = attrs.evolve(state, item=last_item)
        if fresh:
            last = fresh[-1]
            state = attrs.evolve(state, document=last[0], last=(str(last[1]), str(last[5])))
        originals = self._originals(conn, [row for row, reason in zip(rows, reasons)
                                           if reason is None and row[2] == facts.refund_type])
        events: list[PosFact] = list(deleted)
        skipped: list[SkippedDocument] = []
        seen: list[Seen] = []
        for row, reason in zip(rows, reasons):
            if reason is not None:
                skipped.append(SkippedDocument(label(row), reason))
                continue
            fact = facts.document(row, lines.get(row[0], ()), originals.get(row[0]))
            if isinstance(fact, SkippedDocument):
                skipped.append(fact)
            else:
                events.append(fact)
                if isinstance(fact, SaleRecorded):
                    seen.append(Seen(row[0], str(row[1]), fact.document_id))
        state = state.seen(seen)
        batch = PosBatch(cursor=self._dump(state), documents_read=len(rows),
                         events=tuple(events),
                         customers=tuple(customers.values()), skipped=tuple(skipped))
        return batch, room == 0

    _DOCUMENT_COLUMNS = (
        "d.Id, d.Number, d.DocumentTypeId, d.CustomerId, d.Total, d.DateCreated, "
        "d.ReferenceDocumentNumber, c.IsCustomer"
    )
    """What a document becomes a fact from (``FactMaker.skip_reason`` and ``document``);
    ``c.IsCustomer`` is NULL for an unknown customer."""
    _DOCUMENTS_FROM = "FROM Document d LEFT JOIN Customer c ON c.Id = d.CustomerId"
    _DOCUMENTS = f"SELECT {_DOCUMENT_COLUMNS} {_DOCUMENTS_FROM}"

    def _deletions(self, conn: sqlite3.Connection, state: Cursor) -> tuple[Cursor, list[SaleDeleted]]:
        """The recent sales (``Cursor.recent``) that are no longer in the file: Aronium
        deletes a document outright, and a later sale may take its Id. One primary-key look-up
        per remembered sale; a document another transaction is still writing was never read,
        so it is never among them."""
        if not state.recent:
            return state, []
        present = dict(conn.execute(
            f"SELECT Id, Number FROM Document WHERE Id IN ({_ids(s.id for s in state.recent)})"
        ).fetchall())
        gone = [s for s in state.recent if str(present.get(s.id)) != s.number]
        if not gone:
            return state, []
        now = datetime.now(timezone.utc)
        facts = self.facts
        deleted = [SaleDeleted(occurred_at=now, source=NAME, shop_id=facts.shop_id,
                               till_id=facts.till_id, document_id=s.key) for s in gone]
        log.info("Aronium sales deleted since they were read: %s",
                 ", ".join(s.number for s in gone))
        return attrs.evolve(state, recent=tuple(s for s in state.recent if s not in gone)), deleted

    def _check_last(self, conn: sqlite3.Connection, state: Cursor) -> Cursor:
        """``state``, moved back when the document it ends at was deleted (and its Id perhaps
        reused by a later sale): to the newest document created no later than that one, so
        every document created since is read. One primary-key look-up when nothing changed."""
        if not state.document or state.last is None:
            return state
        row = conn.execute("SELECT Number, DateCreated FROM Document WHERE Id = ?",
                           (state.document,)).fetchone()
        if row is not None and (str(row[0]), str(row[1])) == state.last:
            return state
        log.warning("Aronium document %s (Id %s) was deleted; reading from before it again",
                    state.last[0], state.document)
        kept = conn.execute(
            "SELECT Id, Number, DateCreated FROM Document WHERE Id < ? AND DateCreated <= ? "
            "ORDER BY Id DESC LIMIT 1", (state.document, state.last[1]),
        ).fetchone()
        if kept is None:
            return attrs.evolve(state, document=0, item=0, last=None)
        item = conn.execute(
            "SELECT Id FROM DocumentItem WHERE Id <= ? AND DocumentId <= ? ORDER BY Id DESC LIMIT 1",
            (state.item, kept[0]),
        ).fetchone()
        return attrs.evolve(state, document=kept[0], item=0 if item is None else item[0],
                            last=(str(kept[1]), str(kept[2])))

    def _originals(self, conn: sqlite3.Connection, refunds: list[tuple]) -> dict[int, str]:
        """The sale keys of refunds whose ``ReferenceDocumentNumber`` does not start with a year
        (a number pattern without ``%YEAR%`` repeats each year): the latest sale of that number
        created before the refund. One query for the batch, only when there are such refunds."""
        wanted = {row[0]: reference for row in refunds
                  if (reference := text(row[6])) and not reference_names_year(reference)}
        if not wanted:
            return {}
        candidates: dict[str, list[str]] = {}
        marks = ",".join("?" * len(set(wanted.values())))
        for number, created in conn.execute(
            f"SELECT Number, DateCreated FROM Document WHERE DocumentTypeId = ? "
            f"AND Number IN ({marks})", (self.facts.sale_type, *set(wanted.values())),
        ):
            candidates.setdefault(str(number).strip(), []).append(str(created))
        found = {}
        for row in refunds:
            reference = wanted.get(row[0])
            if reference is None:
                continue
            before = [c for c in candidates.get(reference, ()) if c <= str(row[5])]
            try:
                year = parse_local(max(before) if before else row[5]).year
            except ValueError:
                continue
            found[row[0]] = document_key(reference, year)
        return found

    def _add_customers(self, customers: dict[str, PosCustomer], rows: list[tuple]) -> None:
        """The customers of these rows that are imported, by their external id."""
        for row in rows:
            customer = self.facts.customer(row)
            if customer is not None:
                customers[customer.external_id] = customer

    def _max_updated(self, conn: sqlite3.Connection, table: str) -> str:
        value = conn.execute(f"SELECT MAX(DateUpdated) FROM {table}").fetchone()[0]
        return "" if value is None else str(value)

    def _edit_scan(
        self, conn: sqlite3.Connection, state: Cursor, limit: int,
        customers: dict[str, PosCustomer],
    ) -> tuple[Cursor, list[tuple], int, bool]:
        """Customers and sale/refund documents changed since the marks, up to ``limit`` rows
        in all; the documents, how many rows were read, and ``complete`` when all were read
        (the marks then cover everything up to the cursor)."""
        cmark, dmark = state.customer_mark, state.document_mark
        assert cmark is not None and dmark is not None  # ``_read`` sets both before scanning
        after = ("({a}.DateUpdated > ? OR ({a}.DateUpdated = ? AND {a}.Id NOT IN ({ids}))) "
                 "AND {a}.DateUpdated <> {a}.DateCreated")
        changed = conn.execute(
            "SELECT x.Id, x.Name, x.Code, x.PhoneNumber, x.IsCustomer, x.DateUpdated "
            f"FROM Customer x WHERE x.Id <= ? AND {after.format(a='x', ids=_ids(cmark.ids))} "
            "ORDER BY x.DateUpdated, x.Id LIMIT ?",
            (state.customer, cmark.updated, cmark.updated, limit),
        ).fetchall()
        self._add_customers(customers, changed)
        state = attrs.evolve(
            state, customer_mark=cmark.advance([(r[0], str(r[5])) for r in changed])
        )
        if len(changed) == limit:
            return state, [], len(changed), False
        types = tuple(t for t in (self.facts.sale_type, self.facts.refund_type) if t is not None)
        room = limit - len(changed)
        documents = conn.execute(
            f"SELECT {self._DOCUMENT_COLUMNS}, d.DateUpdated {self._DOCUMENTS_FROM} "
            f"WHERE d.Id <= ? AND d.DocumentTypeId IN ({_ids(types)}) "
            f"AND {after.format(a='d', ids=_ids(dmark.ids))} "
            "ORDER BY d.DateUpdated, d.Id LIMIT ?",
            (state.document, dmark.updated, dmark.updated, room),
        ).fetchall()
        state = attrs.evolve(
            state, document_mark=dmark.advance([(r[0], str(r[-1])) for r in documents])
        )
        return (state, [r[:-1] for r in documents], len(changed) + len(documents),
                len(documents) < room)

    # ---- lines -----------------------------------------------------------------------------

    _ITEMS = (
        "SELECT i.Id, i.DocumentId, i.ProductId, i.Quantity, i.TotalAfterDocumentDiscount "
        "FROM DocumentItem i"
    )

    def _last_item(self, conn: sqlite3.Connection, after_item: int, last_doc: int) -> int:
        """The last ``DocumentItem.Id`` of the documents up to ``last_doc``, reading items in
        ``Id`` order from the cursor (``after_item`` when there are none).

        ``DocumentItem.DocumentId`` has no index in Aronium, but the POS writes a document's
        items right after it, so item ids follow document ids: the items end before the first
        item of a later document, and finding it reads only them, not the whole table.
        """
        later = conn.execute(
            "SELECT Id FROM DocumentItem WHERE Id > ? AND DocumentId > ? ORDER BY Id LIMIT 1",
            (after_item, last_doc),
        ).fetchone()
        before = _MAX_ROWID if later is None else later[0] - 1
        last = conn.execute(
            "SELECT MAX(Id) FROM DocumentItem WHERE Id > ? AND Id <= ?", (after_item, before)
        ).fetchone()[0]
        return after_item if last is None else last

    def _lines_of(
        self, conn: sqlite3.Connection, document_ids: list[int],
        items: tuple[int, int] | None = None,
    ) -> dict[int, list[SaleLine]]:
        """The lines of these documents, from the items with ids in ``items`` (after the first,
        up to the second) or else from all items.

        Products are looked up once per call, not joined to every item (the join cost more than the
        rest of reading an item); and a till sells the same items over and over, so equal items
        share one (frozen) line.
        """
        found: dict[int, list[SaleLine]] = {}
        if not document_ids:
            return found
        query = f"{self._ITEMS} WHERE i.DocumentId IN ({_ids(document_ids)})"
        if items is not None:
            query += " AND i.Id > ? AND i.Id <= ?"
        rows = conn.execute(f"{query} ORDER BY i.Id", items or ()).fetchall()
        products = self._products(conn, {row[2] for row in rows if type(row[2]) is int})
        made: dict[tuple, SaleLine] = {}
        for item_id, document, product, quantity, total in rows:
            group, name = (products[product] if type(product) is int
                           else self._product_of_item(conn, item_id))
            item = (product, quantity, total, group, name)
            key = line_key(item)
            line = None if key is None else made.get(key)
            if line is None:
                line = sale_line(item, self.facts.scale)
                if key is not None:
                    made[key] = line
            found.setdefault(document, []).append(line)
        return found

    def _products(self, conn: sqlite3.Connection, ids: set[int]) -> dict[int, tuple]:
        """``(ProductGroupId, Name)`` of each product id, ``(None, None)`` for an unknown one."""
        found = dict.fromkeys(ids, (None, None))
        if ids:
            found.update((row[0], row[1:]) for row in conn.execute(
                f"SELECT Id, ProductGroupId, Name FROM Product WHERE Id IN ({_ids(ids)})"))
        return found

    def _product_of_item(self, conn: sqlite3.Connection, item_id: int) -> tuple:
        """``(ProductGroupId, Name)`` for an item whose ProductId is not an integer, matched as
        SQLite compares it with ``Product.Id`` (text may count as a number, per the column)."""
        return conn.execute(
            "SELECT p.ProductGroupId, p.Name FROM DocumentItem i "
            "LEFT JOIN Product p ON p.Id = i.ProductId WHERE i.Id = ?", (item_id,),
        ).fetchone()


def _ids(ids: Iterable[int]) -> str:
    """Integers for an ``IN (...)`` list (never text, so nothing can be injected)."""
    return ",".join(str(int(i)) for i in ids) or "-1"
