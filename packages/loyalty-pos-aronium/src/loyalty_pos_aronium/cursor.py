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


RECENT_KEPT = 1000
"""Sales the cursor remembers to notice their deletion: a shop deletes a sale soon after it
(a mistake at the till), and looking 1,000 up by Id costs a millisecond, where reading every
document of a large file to find the missing ones would cost seconds."""


@attrs.frozen
class Seen:
    """A sale read for a customer: its ``Document.Id``, ``Number`` and the key it was
    recorded under (``document_id``), which differs when the number carries no year."""

    id: int
    number: str
    key: str

    def dump(self) -> list:
        return [self.id, self.number] if self.key == self.number else \
            [self.id, self.number, self.key]

    @classmethod
    def load(cls, data: list) -> Seen:
        return cls(int(data[0]), str(data[1]), str(data[-1]))


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
    recent: tuple[Seen, ...] = ()
    """The newest sales read for a customer (at most ``RECENT_KEPT``), oldest first: the edit
    scan looks them up by Id, and one that is gone (or whose Id now holds another Number) was
    deleted in Aronium."""

    def seen(self, read: list[Seen]) -> Cursor:
        """After reading the sales ``read``: the newest ``RECENT_KEPT`` of all."""
        if not read:
            return self
        kept = {s.id: s for s in self.recent}
        kept.update((s.id, s) for s in read)
        return attrs.evolve(self, recent=tuple(kept.values())[-RECENT_KEPT:])

    def dump(self) -> str:
        def mark(m: Mark | None) -> list | None:
            return None if m is None else [m.updated, list(m.ids)]

        return json.dumps({
            "v": 1, "document": self.document, "item": self.item, "customer": self.customer,
            "document_mark": mark(self.document_mark), "customer_mark": mark(self.customer_mark),
            **({} if self.last is None else {"last": list(self.last)}),
            **({"recent": [s.dump() for s in self.recent]} if self.recent else {}),
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
                       last=None if last is None else (str(last[0]), str(last[1])),
                       recent=tuple(Seen.load(s) for s in data.get("recent", ())))
        except (ValueError, KeyError, TypeError, IndexError):
            raise LoyaltyError(
                f"The stored Aronium sync position {text[:80]!r} is unreadable.",
                hint="It was written by another program or version; ask for help before "
                     "resetting it, since a reset reads every document again.",
            ) from None
