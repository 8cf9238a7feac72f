"""Where the next read of ``pos.db`` starts, kept in the ledger as JSON text.

Its own module because the cursor is the adapter's promise that every sale is read exactly
once (docs/aronium.md): the ids of the rows read, and the edit marks of the edit scan. The
engine stores it in the same transaction as the points of the batch that moved it.
"""

from __future__ import annotations

import json

import attrs

from loyalty.domain.errors import LoyaltyError


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
    last: tuple[str, str] | None = None
    """``Number`` and ``DateCreated`` of the document at ``document``: a document Id is reused
    when the newest document is deleted (no AUTOINCREMENT), so the Id alone may name another."""

    def dump(self) -> str:
        def mark(m: Mark | None) -> list | None:
            return None if m is None else [m.updated, list(m.ids)]

        return json.dumps({
            "v": 1, "document": self.document, "item": self.item, "customer": self.customer,
            "document_mark": mark(self.document_mark), "customer_mark": mark(self.customer_mark),
            **({} if self.last is None else {"last": list(self.last)}),
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
            last = data.get("last")
            return cls(int(data["document"]), int(data["item"]), int(data["customer"]), **marks,
                       last=None if last is None else (str(last[0]), str(last[1])))
        except (ValueError, KeyError, TypeError, IndexError):
            raise LoyaltyError(
                f"The stored Aronium sync position {text[:80]!r} is unreadable.",
                hint="It was written by another program or version; ask for help before "
                     "resetting it, since a reset reads every document again.",
            ) from None
