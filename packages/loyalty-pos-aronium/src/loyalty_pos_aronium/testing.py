"""Aronium databases for tests and benchmarks, built with Aronium's own schema.

``AroniumFixture`` writes a ``pos.db`` the way the POS does (documents numbered
``YY-<type code>-NNNNNN``, local times, refunds pointing at the sale's ``Number``), so the
adapter is tested against a real SQLite file, never a mock. ``build_bulk`` fills one with a
realistic mix at benchmark size. The DDL is rebuilt from public sources (docs/aronium.md), not
copied from Aronium.

Enable the fixtures with ``pytest_plugins = ["loyalty_pos_aronium.testing"]``.
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Iterator
from collections.abc import Sequence
from datetime import datetime
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import attrs
import pytest

from loyalty.domain.pos import PosAdapter
from loyalty.domain.pos import PosBatch
from loyalty.engine import Engine
from loyalty.services.sync import SyncReport


ARONIUM_DDL = """
CREATE TABLE ApplicationProperty (Name TEXT PRIMARY KEY, Value TEXT);
CREATE TABLE Country (Id INTEGER PRIMARY KEY, Name TEXT NOT NULL, Code TEXT);
CREATE TABLE PriceList (Id INTEGER PRIMARY KEY, Name TEXT NOT NULL,
  ArePromotionsAllowed INTEGER(1) NOT NULL DEFAULT 1, IsActive INTEGER(1) NOT NULL,
  DateCreated DATETIME NOT NULL DEFAULT (datetime('now','localtime')),
  DateUpdated DATETIME NOT NULL DEFAULT (datetime('now','localtime')));
CREATE TABLE Customer (
  Id INTEGER PRIMARY KEY, Code TEXT, Name TEXT NOT NULL, TaxNumber TEXT, Address TEXT,
  PostalCode TEXT, City TEXT, CountryId INTEGER REFERENCES Country(Id),
  DateCreated DATETIME NOT NULL DEFAULT (DATETIME('now')),
  DateUpdated DATETIME NOT NULL DEFAULT (DATETIME('now')),
  Email TEXT, PhoneNumber TEXT,
  IsEnabled INTEGER (1) NOT NULL DEFAULT 1, IsCustomer INTEGER (1) NOT NULL DEFAULT 1,
  IsSupplier INTEGER (1) NOT NULL DEFAULT 1, DueDatePeriod INT NOT NULL DEFAULT 0,
  StreetName TEXT, AdditionalStreetName TEXT, BuildingNumber TEXT, PlotIdentification TEXT,
  CitySubdivisionName TEXT, CountrySubentity TEXT, IsTaxExempt INTEGER (1) NOT NULL DEFAULT 0,
  PriceListId INTEGER REFERENCES PriceList(Id) ON DELETE SET NULL);
CREATE TABLE LoyaltyCard (Id INTEGER PRIMARY KEY,
  CustomerId INTEGER NOT NULL REFERENCES Customer(Id) ON DELETE CASCADE, CardNumber TEXT);
CREATE INDEX IX_LoyaltyCard_CustomerId ON LoyaltyCard(CustomerId);
CREATE TABLE "User" (Id INTEGER PRIMARY KEY, FirstName TEXT, LastName TEXT, Username TEXT,
  Password TEXT NOT NULL, AccessLevel INTEGER, IsEnabled INT (1), Email TEXT);
CREATE TABLE Warehouse (Id INTEGER PRIMARY KEY, Name TEXT NOT NULL);
CREATE TABLE DocumentCategory (Id INTEGER PRIMARY KEY, Name TEXT NOT NULL, LanguageKey TEXT);
CREATE TABLE DocumentType (Id INTEGER PRIMARY KEY, Name TEXT NOT NULL, Code TEXT NOT NULL,
  DocumentCategoryId INTEGER NOT NULL REFERENCES DocumentCategory(Id),
  WarehouseId INTEGER NOT NULL REFERENCES Warehouse(Id), StockDirection INTEGER (1) NOT NULL,
  EditorType INTEGER NOT NULL, PrintTemplate TEXT, PriceType INT NOT NULL, LanguageKey TEXT);
CREATE TABLE Document (
  Id INTEGER PRIMARY KEY, Number TEXT NOT NULL, UserId INTEGER NOT NULL REFERENCES "User"(Id),
  CustomerId INTEGER REFERENCES Customer(Id), OrderNumber TEXT, Date DATE NOT NULL,
  StockDate DATETIME NOT NULL, Total NUMERIC NOT NULL, IsClockedOut INTEGER (1) NOT NULL,
  DocumentTypeId INTEGER NOT NULL REFERENCES DocumentType(Id),
  WarehouseId INTEGER NOT NULL REFERENCES Warehouse(Id), ReferenceDocumentNumber TEXT,
  DateCreated DATETIME NOT NULL DEFAULT (datetime('now','localtime')),
  DateUpdated DATETIME NOT NULL DEFAULT (datetime('now','localtime')),
  InternalNote TEXT, Note TEXT, DueDate DATE, Discount NUMERIC NOT NULL,
  DiscountType INT NOT NULL, PaidStatus INTEGER NOT NULL, DiscountApplyRule INTEGER(1) NOT NULL,
  ServiceType INTEGER NOT NULL);
CREATE TABLE ProductGroup (Id INTEGER PRIMARY KEY, Name TEXT NOT NULL, ParentGroupId INTEGER,
  Color TEXT NOT NULL DEFAULT 'Transparent', Image BLOB, "Rank" INT NOT NULL);
CREATE TABLE Product (
  Id INTEGER PRIMARY KEY, ProductGroupId INTEGER REFERENCES ProductGroup(Id) ON DELETE CASCADE,
  Name TEXT NOT NULL, Code TEXT, PLU INTEGER, MeasurementUnit TEXT, Price REAL NOT NULL,
  IsTaxInclusivePrice INTEGER (1) DEFAULT 1, CurrencyId INTEGER,
  IsPriceChangeAllowed INTEGER (1) NOT NULL, IsService INTEGER (1) NOT NULL,
  IsUsingDefaultQuantity INTEGER (1) NOT NULL DEFAULT 1, IsEnabled INTEGER (1) NOT NULL DEFAULT 1,
  Description TEXT,
  DateCreated DATETIME NOT NULL DEFAULT (DATETIME ('now','localtime')),
  DateUpdated DATETIME NOT NULL DEFAULT (DATETIME ('now','localtime')),
  Cost NUMERIC NOT NULL, Markup NUMERIC NOT NULL, Image BLOB,
  Color TEXT NOT NULL DEFAULT 'Transparent', AgeRestriction NUMERIC,
  LastPurchasePrice NUMERIC NOT NULL, "Rank" NUMERIC NOT NULL);
CREATE TABLE DocumentItem (
  Id INTEGER PRIMARY KEY, DocumentId INTEGER NOT NULL REFERENCES Document(Id) ON DELETE CASCADE,
  ProductId INTEGER NOT NULL REFERENCES Product(Id), Quantity NUMERIC NOT NULL,
  ExpectedQuantity NUMERIC NOT NULL, PriceBeforeTax NUMERIC NOT NULL, Price NUMERIC NOT NULL,
  Discount NUMERIC NOT NULL, DiscountType INTEGER NOT NULL, ProductCost NUMERIC NOT NULL,
  PriceBeforeTaxAfterDiscount NUMERIC NOT NULL, PriceAfterDiscount NUMERIC NOT NULL,
  Total NUMERIC NOT NULL, TotalAfterDocumentDiscount NUMERIC NOT NULL,
  DiscountApplyRule INTEGER(1) NOT NULL);
CREATE TABLE PaymentType (Id INTEGER PRIMARY KEY, Name TEXT NOT NULL, Code TEXT,
  IsCustomerRequired INTEGER (1) NOT NULL, IsFiscal INTEGER (1) NOT NULL DEFAULT 1,
  IsSlipRequired INTEGER (1) NOT NULL, IsChangeAllowed INTEGER (1) NOT NULL DEFAULT 1,
  Ordinal INTEGER NOT NULL, IsEnabled INTEGER (1) NOT NULL DEFAULT 1,
  IsQuickPayment INTEGER (1) NOT NULL DEFAULT 1, OpenCashDrawer INT (1) NOT NULL DEFAULT 1,
  ShortcutKey TEXT, MarkAsPaid INT(1) NOT NULL DEFAULT 1);
CREATE TABLE ZReport (Id INTEGER PRIMARY KEY, Number INTEGER NOT NULL,
  FromDocumentId INTEGER NOT NULL, ToDocumentId INTEGER NOT NULL,
  DateCreated DATETIME NOT NULL DEFAULT (datetime('now','localtime')));
CREATE TABLE Payment (Id INTEGER PRIMARY KEY,
  DocumentId INTEGER NOT NULL REFERENCES Document(Id) ON DELETE CASCADE,
  PaymentTypeId INTEGER NOT NULL REFERENCES PaymentType(Id), Amount NUMERIC NOT NULL,
  Date DATE, UserId INTEGER NOT NULL REFERENCES "User"(Id), ZReportId INTEGER REFERENCES ZReport(Id),
  DateCreated DATETIME NOT NULL DEFAULT 0, RoundingAdjustment NUMERIC NOT NULL DEFAULT 0,
  RoundingIncrement NUMERIC NOT NULL DEFAULT 0, RoundingRule INTEGER NOT NULL DEFAULT 0);
CREATE TABLE Tax (Id INTEGER PRIMARY KEY, Name TEXT NOT NULL, Rate NUMERIC NOT NULL, Code TEXT,
  IsFixed INTEGER (1) NOT NULL DEFAULT 0, IsTaxOnTotal INTEGER (1) NOT NULL DEFAULT 0,
  IsEnabled INTEGER (1) NOT NULL DEFAULT 1);
CREATE TABLE DocumentItemTax (
  DocumentItemId INTEGER NOT NULL REFERENCES DocumentItem(Id) ON DELETE CASCADE,
  TaxId INTEGER NOT NULL REFERENCES Tax(Id), Amount REAL NOT NULL,
  PRIMARY KEY (DocumentItemId, TaxId));
CREATE TABLE DocumentItemExpirationDate (Id INTEGER PRIMARY KEY,
  DocumentItemId INTEGER NOT NULL REFERENCES DocumentItem(Id) ON DELETE CASCADE,
  ExpirationDate DATE NOT NULL);
CREATE TABLE VoidReason (Id INTEGER PRIMARY KEY, Name TEXT NOT NULL);
CREATE TABLE PosVoid (Id INTEGER PRIMARY KEY, OrderNumber TEXT, UserName TEXT, ProductName TEXT,
  RoundNumber INTEGER, Discount NUMERIC, DiscountType INTEGER, Total NUMERIC,
  IsConfirmed INTEGER (1) NOT NULL DEFAULT 0, Reason TEXT, VoidedBy INTEGER, VoidedByName TEXT,
  Bundle TEXT, DateCreated DATETIME NOT NULL DEFAULT (datetime('now','localtime')), DateVoided DATETIME);
CREATE TABLE Template (Name TEXT PRIMARY KEY, Value TEXT);
CREATE TABLE Counter (Name TEXT PRIMARY KEY, Value INTEGER NOT NULL);
CREATE TABLE Migration (ID INTEGER PRIMARY KEY, Version TEXT, Description TEXT, FileName TEXT,
  Module TEXT, Date DATETIME);
"""
"""Aronium's tables as rebuilt from public sources (docs/aronium.md, "Real files"); no index on
``Document.DateUpdated`` or ``DocumentItem.DocumentId``, as in the scaffold of a real file; no
AUTOINCREMENT on ``Document`` (a deleted newest document's Id is reused); items, payments and
their taxes go with their document (``ON DELETE CASCADE``, with ``foreign_keys`` on as in the
vendor's data library)."""

DEFAULT_NUMBER_PATTERN = "%YEAR%-%TYPE%-%COUNTER%"
"""``Template`` ``Document.Number.Pattern`` of a new database."""

DOCUMENT_TYPES = (
    # Id, Name, Code, DocumentCategoryId, StockDirection
    (1, "Purchase", "100", 1, 1),
    (2, "Sales", "200", 2, 2),
    (3, "Inventory Count", "300", 3, 0),
    (4, "Refund", "220", 2, 1),
    (5, "Stock Return", "120", 1, 2),
    (6, "Loss And Damage", "400", 3, 2),
    (7, "Proforma", "230", 2, 0),
)
TYPE_IDS = {code: type_id for type_id, _, code, _, _ in DOCUMENT_TYPES}

PRODUCTS = (
    # Id, group, name, price
    (1, 1, "Tea 100g", "3.50"),
    (2, 1, "Coffee 200g", "7.25"),
    (3, 2, "Rice 5kg", "12.00"),
    (4, 2, "Dhal 1kg", "2.40"),
    (5, 3, "Soap", "1.10"),
)
GROUPS = ((1, "Drinks"), (2, "Groceries"), (3, "Household"))

LOCAL_FORMAT = "%Y-%m-%d %H:%M:%S.%f"


def _money(value: Decimal) -> float | int:
    """Aronium stores NUMERIC amounts as SQLite integers or reals, never as text."""
    return int(value) if value == value.to_integral_value() else float(value)


def create_schema(connection: sqlite3.Connection, *, drop: Sequence[str] = ()) -> None:
    """Create Aronium's tables and seed rows; ``drop`` names ``Table.Column``s to leave out,
    to imitate another Aronium version."""
    ddl = ARONIUM_DDL
    for qualified in drop:
        table, column = qualified.split(".")
        ddl = _without_column(ddl, table, column)
    connection.executescript(ddl)
    connection.executescript("""
        INSERT INTO ApplicationProperty VALUES ('Database.Backup.Version', '1.38.2.0');
        INSERT INTO Template VALUES ('Document.Number.Pattern', '%YEAR%-%TYPE%-%COUNTER%');
        INSERT INTO Tax (Id, Name, Rate) VALUES (1, 'VAT', 0);
        INSERT INTO "User" (Id, FirstName, Username, Password, AccessLevel, IsEnabled)
            VALUES (1, 'Admin', 'admin', '', 9, 1);
        INSERT INTO Warehouse VALUES (1, 'Main');
        INSERT INTO DocumentCategory VALUES (1, 'Expenses', NULL), (2, 'Sales', NULL),
            (3, 'Inventory', NULL), (4, 'Other', NULL);
        INSERT INTO PaymentType (Id, Name, Code, IsCustomerRequired, IsSlipRequired, Ordinal)
            VALUES (1, 'Cash', 'CASH', 0, 0, 1), (2, 'Card', 'CARD', 0, 1, 2);
    """)
    # Aronium seeds 'Unknown' when it creates the file: its stamp tells one file from another
    # (the adapter's ``file_identity``), so each fixture's differs, as real files' do.
    created = f"2016-01-01 00:00:00.{random.SystemRandom().randrange(10**6):06d}"
    connection.execute(
        "INSERT INTO Customer (Id, Code, Name, DateCreated, DateUpdated, IsSupplier) "
        "VALUES (1, NULL, 'Unknown', ?, ?, 0)", (created, created))
    connection.executemany(
        "INSERT INTO DocumentType (Id, Name, Code, DocumentCategoryId, WarehouseId, "
        "StockDirection, EditorType, PriceType) VALUES (?, ?, ?, ?, 1, ?, 0, 0)",
        DOCUMENT_TYPES,
    )
    connection.executemany(
        'INSERT INTO ProductGroup (Id, Name, "Rank") VALUES (?, ?, ?)',
        [(gid, name, gid) for gid, name in GROUPS],
    )
    if "Product.ProductGroupId" not in drop:
        connection.executemany(
            'INSERT INTO Product (Id, ProductGroupId, Name, Price, IsPriceChangeAllowed, '
            'IsService, Cost, Markup, LastPurchasePrice, "Rank") VALUES (?, ?, ?, ?, 0, 0, 0, 0, 0, 0)',
            [(pid, gid, name, float(price)) for pid, gid, name, price in PRODUCTS],
        )
    connection.commit()


def _without_column(ddl: str, table: str, column: str) -> str:
    start = ddl.index(f"CREATE TABLE {table} (")
    end = ddl.index(");", start)
    body = ddl[start:end]
    parts = body.split(",")
    kept = [p for p in parts if not p.strip().startswith(f"{column} ")]
    if len(kept) == len(parts):
        raise ValueError(f"{table} has no column {column}")
    return ddl[:start] + ",".join(kept) + ddl[end:]


class AroniumFixture:
    """A ``pos.db`` that a test writes to like Aronium would; times are shop-local."""

    def __init__(self, path: Path, *, now: datetime | None = None,
                 drop: Sequence[str] = (), create: bool = True) -> None:
        self.path = Path(path)
        self.now = now or datetime(2026, 1, 5, 9, 0, 0)
        self.connection = sqlite3.connect(self.path, isolation_level=None)
        self.connection.execute("PRAGMA foreign_keys = ON")
        if create:
            create_schema(self.connection, drop=drop)
        self._counters: dict[str, int] = {}

    @classmethod
    def attach(cls, path: Path) -> AroniumFixture:
        """Go on writing to an existing ``pos.db`` (numbering and clock continue from it)."""
        fixture = cls(path, create=False)
        last = fixture.connection.execute("SELECT MAX(DateCreated) FROM Document").fetchone()[0]
        if last:
            fixture.now = datetime.fromisoformat(str(last).replace("T", " "))
        fixture._counters = {
            str(code): count for code, count in fixture.connection.execute(
                "SELECT t.Code, COUNT(*) FROM Document d JOIN DocumentType t "
                "ON t.Id = d.DocumentTypeId GROUP BY t.Code")
        }
        for code, count in fixture._counters.items():  # bulk files have no Counter rows
            fixture.connection.execute("INSERT OR IGNORE INTO Counter VALUES (?, ?)",
                                       (f"Document.{code}.{fixture.now:%Y}", count))
        return fixture

    def close(self) -> None:
        self.connection.close()

    def tick(self, **delta: float) -> str:
        """Move the POS clock on (a minute by default) and return it as Aronium writes it."""
        self.now += timedelta(**(delta or {"minutes": 1}))
        return self.now.strftime(LOCAL_FORMAT)[:-3]

    # ---- customers -------------------------------------------------------------------------

    def customer(self, name: str, *, code: str | None = None, phone: str | None = None,
                 is_customer: bool = True, id: int | None = None) -> int:  # noqa: A002
        """Add a customer; ``id`` picks the Aronium Id (else the next one, as Aronium does)."""
        stamp = self.tick(seconds=1)
        row_id = self.connection.execute(
            "INSERT INTO Customer (Id, Code, Name, PhoneNumber, IsCustomer, IsSupplier, "
            "DateCreated, DateUpdated) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (id, code, name, phone, int(is_customer), int(not is_customer), stamp, stamp),
        ).lastrowid
        assert row_id is not None  # an INSERT always has one
        return row_id

    def edit_customer(self, customer_id: int, **values: object) -> None:
        columns = ", ".join(f"{k} = ?" for k in values)
        self.connection.execute(
            f"UPDATE Customer SET {columns}, DateUpdated = ? WHERE Id = ?",
            (*values.values(), self.tick(seconds=1), customer_id),
        )

    # ---- documents -------------------------------------------------------------------------

    def document(
        self,
        code: str,
        lines: Sequence[tuple[int, str | int]] = ((1, 1),),
        *,
        customer_id: int | None = None,
        reference: str | None = None,
        total: str | None = None,
    ) -> str:
        """Insert a document with its items and a cash payment, in one transaction as the POS
        does; ``lines`` are ``(product_id, quantity)``; returns the document ``Number``."""
        db = self.connection
        stamp = self.tick()
        number = self._next_number(code)
        prices = {pid: Decimal(price) for pid, _, _, price in PRODUCTS}
        amounts = [(pid, Decimal(str(qty)), prices[pid] * Decimal(str(qty))) for pid, qty in lines]
        document_total = (Decimal(total) if total is not None
                          else sum((a for _, _, a in amounts), Decimal(0)))
        db.execute("BEGIN IMMEDIATE")
        try:
            doc_id = db.execute(
                "INSERT INTO Document (Number, UserId, CustomerId, OrderNumber, Date, StockDate, "
                "Total, IsClockedOut, DocumentTypeId, WarehouseId, ReferenceDocumentNumber, "
                "DateCreated, DateUpdated, Discount, DiscountType, PaidStatus, DiscountApplyRule, "
                "ServiceType) VALUES (?, 1, ?, ?, ?, ?, ?, 0, ?, 1, ?, ?, ?, 0, 0, 2, 0, 1)",
                (number, customer_id, str(sum(self._counters.values())),
                 f"{self.now:%Y-%m-%d} 00:00:00", stamp, _money(document_total), TYPE_IDS[code],
                 reference, stamp, stamp),
            ).lastrowid
            db.executemany(
                "INSERT INTO DocumentItem (DocumentId, ProductId, Quantity, ExpectedQuantity, "
                "PriceBeforeTax, Price, Discount, DiscountType, ProductCost, "
                "PriceBeforeTaxAfterDiscount, PriceAfterDiscount, Total, "
                "TotalAfterDocumentDiscount, DiscountApplyRule) "
                "VALUES (?, ?, ?, ?, ?, ?, 0, 0, 0, ?, ?, ?, ?, 0)",
                [(doc_id, pid, _money(qty), _money(qty), _money(prices[pid]), _money(prices[pid]),
                  _money(prices[pid]), _money(prices[pid]), _money(amount), _money(amount))
                 for pid, qty, amount in amounts],
            )
            db.execute(
                "INSERT INTO Payment (DocumentId, PaymentTypeId, Amount, Date, UserId, DateCreated) "
                "VALUES (?, 1, ?, ?, 1, ?)",
                (doc_id, _money(abs(document_total)), f"{self.now:%Y-%m-%d}", stamp),
            )
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        return number

    def _next_number(self, code: str) -> str:
        """The next ``Number`` as Aronium makes it: the ``Template`` pattern, with a counter
        per type and year (``Counter`` ``Document.200.2026``) that restarts each year."""
        counter = f"Document.{code}.{self.now:%Y}"
        db = self.connection
        row = db.execute("SELECT Value FROM Counter WHERE Name = ?", (counter,)).fetchone()
        value = (row[0] if row else 0) + 1
        db.execute("INSERT OR REPLACE INTO Counter VALUES (?, ?)", (counter, value))
        self._counters[code] = self._counters.get(code, 0) + 1
        pattern = db.execute("SELECT Value FROM Template WHERE Name = 'Document.Number.Pattern'"
                             ).fetchone()
        return ((pattern[0] if pattern else DEFAULT_NUMBER_PATTERN)
                .replace("%YEAR%", f"{self.now:%y}").replace("%TYPE%", code)
                .replace("%COUNTER%", f"{value:06d}"))

    def number_pattern(self, pattern: str) -> None:
        """Number documents from now on by ``pattern`` (``%TYPE%-%COUNTER%``: without the year)."""
        self.connection.execute("UPDATE Template SET Value = ? WHERE Name = "
                                "'Document.Number.Pattern'", (pattern,))

    def delete_document(self, number: str) -> None:
        """Delete a document as Aronium does: outright, its items and payments with it."""
        self.connection.execute("DELETE FROM Document WHERE Number = ?", (number,))

    def sale(self, customer_id: int | None, lines: Sequence[tuple[int, str | int]] = ((1, 1),),
             *, reference: str | None = None, total: str | None = None) -> str:
        return self.document("200", lines, customer_id=customer_id, reference=reference,
                             total=total)

    def refund(self, sale_number: str | None, lines: Sequence[tuple[int, str | int]] = ((1, 1),),
               *, customer_id: int | None = None, total: str | None = None) -> str:
        return self.document("220", lines, customer_id=customer_id, reference=sale_number,
                             total=total)

    def edit_document(self, number: str, *, total: str) -> None:
        """Change a finished document's total later, as Aronium's document editor does."""
        self.connection.execute(
            "UPDATE Document SET Total = ?, DateUpdated = ? WHERE Number = ?",
            (_money(Decimal(total)), self.tick(), number),
        )


def read_all(adapter: PosAdapter, limit: int = 100, cursor: str | None = None) -> list[PosBatch]:
    """Every batch ``adapter.read`` returns from ``cursor`` on, up to the first empty one."""
    batches = []
    while True:
        batch = adapter.read(cursor, limit=limit)
        batches.append(batch)
        if not batch.documents_read and not batch.customers:
            return batches
        cursor = batch.cursor


# ---- a till syncing its own pos.db (for loyalty.testing.multitill) ----------------------------------


@attrs.frozen
class AroniumSync:
    """A source for ``loyalty.testing.multitill.TillProcess``: sync this ``pos.db`` once, as the till's
    ``loyalty sync --pos-db PATH`` would (the engine's shop and till name the documents).

    Picklable, so each till process opens its own adapter; returns the ``SyncReport``.
    """

    database: str = attrs.field(converter=str)
    batch_size: int = 7

    def __call__(self, engine: Engine) -> SyncReport:
        adapter = engine.open_pos(self.database)
        try:
            return engine.sync(adapter, batch_size=self.batch_size)
        finally:
            adapter.close()


# ---- benchmark size -----------------------------------------------------------------------


def build_bulk(path: Path, *, documents: int, customers: int, seed: int = 7,
               start: datetime = datetime(2023, 1, 1, 8, 0)) -> dict[str, int]:
    """A pos.db with years of trading: 85% sales (40% with a customer), 3% refunds, the rest
    purchases, proformas and stock counts; 1 to 4 items each. Returns counts by kind."""
    rng = random.Random(seed)
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode = OFF")
    connection.execute("PRAGMA synchronous = OFF")
    create_schema(connection)
    connection.execute("BEGIN")
    connection.executemany(
        "INSERT INTO Customer (Id, Code, Name, PhoneNumber, DateCreated, DateUpdated) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        ((cid, f"key{cid:06d}" if cid % 10 < 7 else None, f"Customer {cid}",
          f"+9477{cid:07d}", "2022-12-31 10:00:00", "2022-12-31 10:00:00")
         for cid in range(2, customers + 2)),
    )
    prices = {pid: Decimal(price) for pid, _, _, price in PRODUCTS}
    counts = {"sale": 0, "sale_with_customer": 0, "refund": 0, "other": 0}
    numbers: dict[str, int] = {}
    sales: list[str] = []
    moment = start
    item_id = 0
    items: list[tuple] = []

    def rows() -> Iterator[tuple]:
        nonlocal moment, item_id
        for doc_id in range(1, documents + 1):
            moment += timedelta(seconds=rng.randint(20, 90))
            roll = rng.random()
            code = "200" if roll < 0.85 else "220" if roll < 0.88 and sales else rng.choice(
                ("100", "230", "300"))
            numbers[code] = numbers.get(code, 0) + 1
            number = f"{moment:%y}-{code}-{numbers[code]:06d}"
            customer = None
            reference = None
            if code == "200":
                counts["sale"] += 1
                if rng.random() < 0.4:
                    customer = rng.randint(2, customers + 1)
                    counts["sale_with_customer"] += 1
                sales.append(number)
            elif code == "220":
                counts["refund"] += 1
                reference = rng.choice(sales[-5000:])
            else:
                counts["other"] += 1
            lines = []
            for _ in range(rng.randint(1, 4)):
                pid = rng.randint(1, len(PRODUCTS))
                qty = rng.randint(1, 3)
                item_id += 1
                lines.append((item_id, doc_id, pid, qty, _money(prices[pid] * qty)))
            total = _money(sum((Decimal(str(line[4])) for line in lines), Decimal(0)))
            stamp = moment.strftime(LOCAL_FORMAT)[:-3]
            items.extend(lines)
            yield (doc_id, number, customer, str(doc_id), f"{moment:%Y-%m-%d} 00:00:00", stamp,
                   total, TYPE_IDS[code], reference, stamp, stamp)

    insert_items = (
        "INSERT INTO DocumentItem (Id, DocumentId, ProductId, Quantity, ExpectedQuantity, "
        "PriceBeforeTax, Price, Discount, DiscountType, ProductCost, PriceBeforeTaxAfterDiscount, "
        "PriceAfterDiscount, Total, TotalAfterDocumentDiscount, DiscountApplyRule) "
        "VALUES (?, ?, ?, ?, ?, 0, 0, 0, 0, 0, 0, 0, ?, ?, 0)"
    )
    generator = rows()
    while True:
        chunk = [row for _, row in zip(range(50_000), generator)]
        if not chunk:
            break
        connection.executemany(
            "INSERT INTO Document (Id, Number, UserId, CustomerId, OrderNumber, Date, StockDate, "
            "Total, IsClockedOut, DocumentTypeId, WarehouseId, ReferenceDocumentNumber, "
            "DateCreated, DateUpdated, Discount, DiscountType, PaidStatus, DiscountApplyRule, "
            "ServiceType) VALUES (?, ?, 1, ?, ?, ?, ?, ?, 0, ?, 1, ?, ?, ?, 0, 0, 2, 0, 1)",
            chunk,
        )
        connection.executemany(
            insert_items, [(i, d, p, q, q, t, t) for i, d, p, q, t in items]
        )
        items.clear()
    connection.execute("COMMIT")
    connection.execute("PRAGMA journal_mode = DELETE")
    connection.close()
    return counts


# ---- pytest fixtures ----------------------------------------------------------------------


@pytest.fixture
def aronium(tmp_path: Path) -> Iterator[AroniumFixture]:
    """An empty Aronium ``pos.db`` (document types, products, the 'Unknown' customer)."""
    fixture = AroniumFixture(tmp_path / "pos.db")
    yield fixture
    fixture.close()
