"""The part of Aronium's ``pos.db`` this adapter relies on, and the check that it is there.

Aronium publishes no DDL and its schema drifts between versions (docs/aronium.md), so the
adapter names every table and column it reads here and checks them with
``PRAGMA table_info`` when it opens the file: a missing column is reported by name, before any
query could fail with a bare "no such column".
"""

from __future__ import annotations

import sqlite3

import attrs


SALE_CODE = "200"
"""``DocumentType.Code`` of a sale (Aronium's type id 2 'Sales')."""
REFUND_CODE = "220"
"""``DocumentType.Code`` of a refund (Aronium's type id 4 'Refund')."""
REFUND_ID = 4
REFUND_NAME = "refund"
OTHER_CODES = frozenset({"100", "120", "200", "230", "300", "400"})
"""Codes of Aronium's types that are not refunds: Id 4 is never taken for one of these."""


@attrs.frozen
class DocumentTypes:
    """The ``DocumentType`` rows as the adapter uses them."""

    sale: int | None
    refund: int | None
    how_refund_was_found: str
    names: dict[int, str]
    """``Id`` -> ``"Purchase (100)"``, for skip reasons."""

    @property
    def warning(self) -> str | None:
        """What every sync must say when refunds cannot be read."""
        if self.refund is not None:
            return None
        return ("this pos.db has no Refund document type (no Code 220, no type named 'Refund', "
                "no type Id 4): refunds are not read and take no points back")


def document_types(rows: list[tuple]) -> DocumentTypes:
    """``rows``: ``SELECT Id, Code, Name FROM DocumentType``. The refund type is found by Code
    '220', failing that by the Name 'Refund', failing that by Id 4 unless that is another known
    type (three sources agree on Id 4, one on the code; docs/aronium.md, "Real files")."""
    by_code = {str(code).strip(): type_id for type_id, code, _ in rows}
    names = {type_id: f"{name} ({str(code).strip()})" for type_id, code, name in rows}
    sale = by_code.get(SALE_CODE)
    refund, how = by_code.get(REFUND_CODE), "Code 220"
    if refund is None:
        refund, how = next(((i, "its Name 'Refund'") for i, _, name in rows
                            if str(name).strip().lower() == REFUND_NAME), (None, ""))
    if refund is None:
        refund, how = next(((i, "Id 4") for i, code, _ in rows
                            if i == REFUND_ID and str(code).strip() not in OTHER_CODES),
                           (None, "nothing"))
    return DocumentTypes(sale, refund, how, names)

RELIED_ON: dict[str, tuple[str, ...]] = {
    "Customer": ("Id", "Name", "Code", "PhoneNumber", "IsCustomer", "DateCreated", "DateUpdated"),
    "Document": (
        "Id", "Number", "CustomerId", "DocumentTypeId", "Total", "DateCreated", "DateUpdated",
        "ReferenceDocumentNumber",
    ),
    "DocumentType": ("Id", "Code", "Name"),
    "DocumentItem": ("Id", "DocumentId", "ProductId", "Quantity", "TotalAfterDocumentDiscount"),
    "Product": ("Id", "Name", "ProductGroupId"),
}
"""Every table and column a query of this adapter names."""

SIGNATURE_TABLES = ("Document", "DocumentType", "DocumentItem", "Customer")
"""Tables that make a SQLite file recognisably Aronium's; without them it is another program's."""


@attrs.frozen
class SchemaReport:
    tables: frozenset[str]
    missing_tables: tuple[str, ...]
    missing_columns: tuple[str, ...]
    """``Table.Column`` names."""

    @property
    def is_aronium(self) -> bool:
        """At least half the signature tables exist: an Aronium file, perhaps of another version."""
        present = sum(t in self.tables for t in SIGNATURE_TABLES)
        return present * 2 >= len(SIGNATURE_TABLES)

    @property
    def complete(self) -> bool:
        return not self.missing_tables and not self.missing_columns


def inspect(connection: sqlite3.Connection) -> SchemaReport:
    """Compare the file's tables and columns with ``RELIED_ON`` (names are case-insensitive)."""
    tables = {
        name.lower(): name
        for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    }
    missing_tables = []
    missing_columns = []
    for table, columns in RELIED_ON.items():
        actual = tables.get(table.lower())
        if actual is None:
            missing_tables.append(table)
            continue
        present = {row[1].lower() for row in connection.execute(f'PRAGMA table_info("{actual}")')}
        missing_columns += [f"{table}.{c}" for c in columns if c.lower() not in present]
    return SchemaReport(frozenset(tables.values()), tuple(missing_tables), tuple(missing_columns))


def aronium_version(connection: sqlite3.Connection) -> str | None:
    """The version Aronium wrote into ``ApplicationProperty``, to quote in error messages."""
    try:
        row = connection.execute(
            "SELECT Value FROM ApplicationProperty WHERE Name LIKE '%Version%' ORDER BY Name LIMIT 1"
        ).fetchone()
    except sqlite3.Error:
        return None
    return str(row[0]) if row else None
