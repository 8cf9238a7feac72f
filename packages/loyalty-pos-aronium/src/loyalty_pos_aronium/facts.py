"""What one till's Aronium rows become for the engine: customers, sales and refunds, or the
reason a document earns nothing.

Apart from the reading (``adapter.py``) because these are the shop's rules of what earns, not
SQL: they take rows as the adapter's queries return them and make frozen facts, nothing else.
"""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Sequence
from zoneinfo import ZoneInfo

import attrs

from loyalty.domain.bounds import MAX_MONEY_MINOR
from loyalty.domain.events import SaleLine
from loyalty.domain.events import SaleRecorded
from loyalty.domain.events import SaleRefunded
from loyalty.domain.pos import PosCustomer
from loyalty.domain.pos import SkippedDocument
from loyalty_pos_aronium.conversions import document_key
from loyalty_pos_aronium.conversions import parse_local
from loyalty_pos_aronium.conversions import to_minor
from loyalty_pos_aronium.conversions import to_utc


NAME = "aronium"
"""The adapter's name, and the ``source`` of every fact it makes."""

YEARS = range(1990, 3000)
"""Plausible years of a document; ``0001-01-01`` (a default date) is not one."""


def text(value: object) -> str | None:
    """A text column's value, stripped; None for NULL, empty text or a blob."""
    if value is None or isinstance(value, bytes | bytearray | memoryview):
        return None
    return str(value).strip() or None


def label(row: Sequence) -> str:
    """How a skipped document is named in a report: its Number, or its Id if it has none."""
    number = row[1]
    return str(number) if isinstance(number, str | int) else f"Id {row[0]}"


@attrs.frozen
class FactMaker:
    """One till's way of turning rows into facts: its shop, currency and time zone, and the
    document types its ``pos.db`` numbers sales and refunds with."""

    shop_id: str
    till_id: str
    currency: str
    scale: int
    """Minor units per major unit (100 for cents)."""
    zone: ZoneInfo | None
    """The shop's time zone; None: this computer's."""
    sale_type: int
    refund_type: int | None
    type_names: Mapping[int, str]
    """``DocumentType.Id`` -> ``"Purchase (100)"``, for skip reasons."""
    walk_in_customer: int | None = None
    """An Aronium customer that stands for 'no customer' (some shops sell to 'Unknown')."""

    def customer(self, row: Sequence) -> PosCustomer | None:
        """``row``: a customer's Id, Name, Code, PhoneNumber and IsCustomer. None for a
        supplier and for the walk-in placeholder, which are not imported."""
        if not row[4] or row[0] == self.walk_in_customer:
            return None
        return PosCustomer(external_id=str(row[0]), name=text(row[1]) or f"#{row[0]}",
                           phone=text(row[3]), messaging_key=text(row[2]))

    def skip_reason(self, row: tuple) -> str | None:
        """Why a document earns nothing, from the checks that need no parsing (most documents
        of a busy till are anonymous sales); None when it may earn.

        ``row``: a document's Id, Number, DocumentTypeId, CustomerId, Total, DateCreated and
        ReferenceDocumentNumber, and its customer's IsCustomer (NULL for an unknown customer).
        """
        _, number, type_id, customer_id, _, _, reference, is_customer = row
        if type_id == self.sale_type or type_id == self.refund_type:
            if number is None:
                return "it has no Number"
            if not isinstance(number, str | int):
                return "its Number is not text"
        if type_id == self.sale_type:
            if customer_id is None or customer_id == self.walk_in_customer:
                return "no customer on the sale"
            if not is_customer:
                return "the sale's customer is not in Aronium's customer list"
            return None
        if type_id == self.refund_type:
            if text(reference) or (customer_id not in (None, self.walk_in_customer)
                                   and is_customer):
                return None
            return "the refund names no original sale"
        kind = self.type_names.get(type_id, f"type {type_id}")
        return f"{kind} documents earn no points"

    def document(
        self, row: tuple, lines: Sequence[SaleLine], original: str | None = None,
    ) -> SaleRecorded | SaleRefunded | SkippedDocument:
        """A document that passed ``skip_reason`` as a fact, or why its total or date rules it
        out. ``original``: a refund's sale key, when the adapter had to look it up."""
        _, number, type_id, customer_id, total, created, reference, _ = row
        number = str(number)
        amount = to_minor(total, self.scale)
        if amount is None:
            return SkippedDocument(number, "its Total is not a usable amount")
        if abs(amount) > MAX_MONEY_MINOR:
            return SkippedDocument(number, "its Total is too large for the ledger")
        try:
            local = parse_local(created)
        except ValueError:
            return SkippedDocument(number, "its DateCreated is not a date")
        if local.year not in YEARS:
            return SkippedDocument(number, "its DateCreated is not a plausible date")
        occurred_at = to_utc(local, self.zone)
        key = document_key(number, local.year)
        if type_id == self.refund_type:
            if amount == 0:
                return SkippedDocument(number, "the refund's total is zero")
            return SaleRefunded(
                occurred_at=occurred_at, source=NAME, shop_id=self.shop_id, till_id=self.till_id,
                document_id=key, currency=self.currency,
                original_document_id=original or text(reference) or "", amount_minor=abs(amount),
                # Named only when the refund names no sale: it then takes back what it earns.
                external_customer_id=None if text(reference) else str(customer_id),
            )
        if amount < 0:
            return SkippedDocument(number, "the sale's total is negative")
        return SaleRecorded(
            occurred_at=occurred_at, source=NAME, shop_id=self.shop_id, till_id=self.till_id,
            document_id=key, currency=self.currency,
            total_minor=amount, external_customer_id=str(customer_id), lines=tuple(lines),
            former_document_id=None if key == number else number,
        )
