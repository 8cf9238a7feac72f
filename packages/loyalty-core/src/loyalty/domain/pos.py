"""The contract between the engine and a point-of-sale adapter, and the sync loop over it.

An adapter reads its POS and returns batches of facts (``SaleRecorded``, ``SaleRefunded``)
with the customers they mention and an opaque cursor. The engine stores the cursor in the
ledger in the same transaction as the points the batch earned, so a crash either keeps both
or neither: no sale is lost and none is counted twice.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING
from typing import Protocol

import attrs

from loyalty.domain.events import PosFact


if TYPE_CHECKING:
    from loyalty.domain.settings import Settings


@attrs.frozen
class PosCustomer:
    """A customer as the POS knows them."""

    external_id: str
    name: str
    phone: str | None = None
    messaging_key: str | None = None
    """The key the customer's messages are sent with (Aronium keeps it in 'Code')."""


@attrs.frozen
class SkippedDocument:
    document_id: str
    reason: str


@attrs.frozen
class PosItem:
    """A product or a product group as the POS names it, for choosing it by name."""

    id: str
    """What ``earning.product_points`` and ``earning.category_points`` are keyed by."""
    name: str


@attrs.frozen
class PosCatalogue:
    """The POS's products and product groups (categories), each sorted by name."""

    products: tuple[PosItem, ...] = ()
    groups: tuple[PosItem, ...] = ()


@attrs.frozen
class PosBatch:
    """What one read returned; ``cursor`` is where the next read starts."""

    cursor: str
    documents_read: int
    events: tuple[PosFact, ...] = ()
    customers: tuple[PosCustomer, ...] = ()
    skipped: tuple[SkippedDocument, ...] = ()


class PosAdapter(Protocol):
    """An open connection to one POS database."""

    name: str
    """Equals the ``PosAdapterType.name`` and the ``source`` of the events it produces."""
    shop_id: str
    till_id: str
    """The shop and till whose database this is, as its events name them. The customers it
    returns are numbered within this database, so they are matched within it."""

    def read(self, cursor: str | None, *, limit: int) -> PosBatch:
        """Read up to ``limit`` documents after ``cursor`` (None: from the beginning).

        Must not skip a document that is not yet visible (a POS transaction still open) and
        may return a document again with changed contents (edited later): the engine
        recognises both by the event's idempotency key.
        """
        ...

    def remaining(self, cursor: str | None) -> int | None:
        """How many documents are left after ``cursor``, for a progress bar; None if unknown."""
        ...

    def close(self) -> None: ...


@attrs.frozen
class PosAdapterType:
    name: str
    """What ``pos.adapter`` says to choose this adapter (``aronium``)."""
    title: str
    """For people: ``Aronium POS``."""
    open: Callable[[Settings], PosAdapter]
    """Open the POS named by the settings (``pos.database``); raise ``LoyaltyError`` if it can't."""
    pay: Callable[[Settings, str], None] | None = None
    """Type a points payment amount into the POS (keyboard emulation), if supported."""
    check_database: Callable[[str], None] | None = None
    """Refuse a ``pos.database`` path this POS cannot read, by raising ``SettingsError`` with
    one line that says why; called before the setting is saved (CLI and window)."""
    find_database: Callable[[], str | None] | None = None
    """Where this POS keeps its database on this computer (for a first run), or None."""
    catalogue: Callable[[Settings], PosCatalogue] | None = None
    """The products and groups of the POS named by the settings, read-only, so a window can
    offer them by name; None if this POS cannot list them (then their codes are typed)."""
