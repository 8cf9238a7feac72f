"""Where the next read of ``pos.db`` starts, kept in the ledger as JSON text.

Its own module because the cursor is the adapter's promise that every sale is read exactly
once (docs/aronium.md): the ids of the rows read, and the edit marks of the edit scan. The
engine stores it in the same transaction as the points of the batch that moved it.
"""

from __future__ import annotations

import json
from typing import NamedTuple

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


class Seen(NamedTuple):
    """A sale read for a customer: its ``Document.Id``, ``Number`` and the key it was
    recorded under (``document_id``), which differs when the number carries no year.

    A named tuple, not an attrs class: the cursor holds a thousand of them, and ``loyalty
    watch`` loads and dumps it at every poll, where building them field by field cost more
    than the rest of the read."""

    id: int
    number: str
    key: str


_SEEN_TEXT: dict[Seen, str] = {}
"""Each recent sale's JSON text, made once: ``loyalty watch`` dumps the cursor, with its
thousand recent sales, at every poll, and encoding them all again cost more than the poll's
reading. Emptied when it holds far more than one cursor's worth."""


def _seen_text(seen: Seen) -> str:
    """``[id, number]``, and the key too where it differs from the number."""
    text = _SEEN_TEXT.get(seen)
    if text is None:
        if len(_SEEN_TEXT) >= 4 * RECENT_KEPT:
            _SEEN_TEXT.clear()
        short = seen[:2] if seen[2] == seen[1] else seen
        text = _SEEN_TEXT[seen] = json.dumps(short, separators=(",", ":"))
    return text


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
    scanned: str | None = None
    """``connection.change_stamp`` of the file just before the last complete edit scan: while
    the file's stamp still equals it, nothing was edited or deleted since, and a newly opened
    adapter skips its scan (``loyalty sync`` with nothing new reads no row)."""

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

        head = json.dumps({
            "v": 1, "document": self.document, "item": self.item, "customer": self.customer,
            "document_mark": mark(self.document_mark), "customer_mark": mark(self.customer_mark),
            **({} if self.last is None else {"last": list(self.last)}),
        }, separators=(",", ":"))
        tail = ""
        if self.recent:
            tail += ',"recent":[' + ",".join([_seen_text(s) for s in self.recent]) + "]"
        if self.scanned is not None:
            tail += ',"scanned":' + json.dumps(self.scanned)
        return head[:-1] + tail + "}"

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
                       recent=tuple([Seen(int(s[0]), str(s[1]), str(s[-1]))
                                     for s in data.get("recent", ())]),
                       scanned=None if data.get("scanned") is None else str(data["scanned"]))
        except (ValueError, KeyError, TypeError, IndexError):
            raise LoyaltyError(
                f"The stored Aronium sync position {text[:80]!r} is unreadable.",
                hint="It was written by another program or version; ask for help before "
                     "resetting it, since a reset reads every document again.",
            ) from None
