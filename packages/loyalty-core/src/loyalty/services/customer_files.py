"""Customers to and from CSV files (a spreadsheet, another loyalty program).

An import is all or nothing: every row is checked first, and one bad row imports nothing,
with one line per bad row naming its row number (the header is row 1, as a spreadsheet
numbers it). A row that is a customer the ledger has already (or an earlier row of the file)
is a bad row, so a file imported twice adds nothing the second time. An opening balance becomes an adjustment with the reason
"Opening balance (import FILE)". Files written by Excel on Windows (UTF-8 with a byte order
mark) read as well as plain UTF-8; an export writes what an import reads back.
"""

from __future__ import annotations

import csv
from collections.abc import Collection
from datetime import date
from pathlib import Path

import attrs
import sqlalchemy as sa

from loyalty.domain.channels import missing_key
from loyalty.domain.errors import ImportRefused
from loyalty.domain.errors import LoyaltyError
from loyalty.domain.shop import Shop
from loyalty.ledger import customers as customer_rows
from loyalty.ledger import duplicate_customers
from loyalty.ledger.unit_of_work import UnitOfWork
from loyalty.services import adjustments
from loyalty.services import customers


COLUMNS = ("name", "phone", "platform", "key", "points", "birthday")
"""The columns an import reads (``name`` is required) and an export writes after ``id``."""


@attrs.frozen
class CustomerRow:
    """One checked row of an import."""

    row: int
    name: str
    phone: str | None
    platform: str
    messaging_key: str | None
    points: int
    birthday: date | None = None


@attrs.frozen
class ImportReport:
    """What an import added."""

    customers: int
    points: int

    def summary(self, source: str) -> str:
        return (f"Imported {self.customers} customers from {source} with {self.points} "
                "opening points.")


def read_rows(path: Path, platforms: Collection[str], *, today: date) -> list[CustomerRow]:
    """The rows of a customers CSV file, all checked; one ``LoyaltyError`` listing every bad
    row (``row 4: ...``) if any is bad. ``today`` bounds a birthday."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as file:
            reader = csv.DictReader(file)
            header = [(h or "").strip().lower() for h in reader.fieldnames or []]
            if "name" not in header:
                raise LoyaltyError(f"{path.name} has no 'name' column.",
                                   hint=f"Put a header row first: {','.join(COLUMNS)}.")
            reader.fieldnames = header
            rows, problems = [], []
            for number, raw in enumerate(reader, start=2):
                if not any(isinstance(v, str) and v.strip() for v in raw.values()):
                    continue  # a blank row, as spreadsheets leave at the end
                try:
                    rows.append(_checked(number, raw, platforms, today))
                except LoyaltyError as error:
                    problems.append(f"row {number}: {error}")
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise LoyaltyError(f"Cannot read {path}: {error}.",
                           hint="Save the file as CSV (UTF-8) and try again.") from None
    if problems:
        raise ImportRefused(path.name, problems)
    return rows


def _checked(number: int, raw: dict[str | None, object], platforms: Collection[str],
             today: date) -> CustomerRow:
    if raw.get(None):  # more cells than the header has columns
        raise LoyaltyError("has more cells than the header.", hint="Quote cells with commas.")

    def cell(name: str) -> str:
        value = raw.get(name)
        return value.strip() if isinstance(value, str) else ""

    platform = cell("platform").lower() or "none"
    if platform not in platforms:
        raise LoyaltyError(f"no messaging platform called {platform!r}.",
                           hint=f"Use one of {', '.join(sorted(platforms))}.")
    text = cell("points").replace(",", "") or "0"
    try:
        points = int(text)
    except ValueError:
        raise LoyaltyError(f"points {cell('points')!r} is not a whole number.",
                           hint="Write the opening balance as digits, e.g. 250.") from None
    if points < 0:
        raise LoyaltyError(f"points {points} is negative.",
                           hint="An opening balance is 0 or more.")
    problem = missing_key(platform, cell("key"))
    if problem:
        raise LoyaltyError(problem, hint="Give the key in the 'key' column, or platform none.")
    try:
        birthday = date.fromisoformat(cell("birthday")) if cell("birthday") else None
    except ValueError:
        raise LoyaltyError(f"birthday {cell('birthday')!r} is not a date.",
                           hint="Write it as YYYY-MM-DD, e.g. 1990-05-17, or leave it empty."
                           ) from None
    customers.check_changes({"name": cell("name"), "phone": cell("phone") or None,
                             "messaging_key": cell("key") or None, "platform": platform,
                             "birthday": birthday}, today=today)
    if points:
        adjustments.check_adjustment(points, "opening balance")
    return CustomerRow(number, cell("name"), cell("phone") or None, platform,
                       cell("key") or None, points, birthday)


def import_rows(
    shop: Shop, uow: UnitOfWork, rows: list[CustomerRow], *, source: str, actor: str,
    key: str,
) -> ImportReport:
    """Add the customers of checked rows, each opening balance as an adjustment; refuses the
    whole file if a row is a customer the ledger has already (the same file imported twice
    would count every opening balance twice)."""
    known = duplicate_customers.identities(uow.connection)
    earlier: dict[tuple[str, str], int] = {}
    problems = []
    for row in rows:
        who = duplicate_customers.identity(row.name, row.phone)
        named = row.name + (f", phone {row.phone}," if row.phone else "")
        if who in known:
            problems.append(f"row {row.row}: {named} is customer {known[who]} already. Leave "
                            "the row out (or merge the two after importing it by hand).")
        elif who in earlier:
            problems.append(f"row {row.row}: {named} is row {earlier[who]} again. Leave one "
                            "of them out.")
        earlier.setdefault(who, row.row)
    if problems:
        raise ImportRefused(source, problems)
    points = 0
    for row in rows:
        customer = customers.add(shop, uow, row.name, phone=row.phone, platform=row.platform,
                                 messaging_key=row.messaging_key, birthday=row.birthday)
        if row.points:
            adjustments.adjust(shop, uow, customer.id, row.points, actor=actor,
                               reason=f"Opening balance (import {source})",
                               key=f"{key}/row/{row.row}")
            points += row.points
    return ImportReport(len(rows), points)


def write_file(conn: sa.Connection, path: Path) -> int:
    """Write every customer in the programme with their points; returns how many."""
    count = 0
    with path.open("w", encoding="utf-8-sig", newline="") as file:  # BOM: Excel reads UTF-8
        writer = csv.writer(file)
        writer.writerow(("id", *COLUMNS, "stars"))
        after = 0
        while True:
            page = customer_rows.sorted_customers(conn, "id", limit=EXPORT_PAGE, after_id=after)
            for s in page:
                c = s.customer
                writer.writerow((c.id, c.name, c.phone or "", c.platform, c.messaging_key or "",
                                 s.balance.points,
                                 c.birthday.isoformat() if c.birthday else "", s.balance.stars))
            count += len(page)
            if len(page) < EXPORT_PAGE:
                return count
            after = page[-1].customer.id


EXPORT_PAGE = 10_000
"""Customers read at a time by an export, so a million never sit in memory at once."""
