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
