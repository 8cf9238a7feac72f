"""One ledger transaction as the services see it: a connection, its posting, its events.

The engine opens it (with retries and error translation), a service does its work in it, and
the engine commits, then publishes the events. A service never opens a transaction itself, so
everything it writes commits or rolls back together.
"""

from __future__ import annotations

from datetime import datetime

import attrs
import sqlalchemy as sa

from loyalty.domain.events import Event
from loyalty.ledger.posting import Posting


@attrs.define
class UnitOfWork:
    connection: sa.Connection
    posting: Posting
    events: list[Event] = attrs.Factory(list)
    """What this transaction produced, oldest first; published after the commit."""

    @property
    def recorded_at(self) -> datetime:
        """When the transaction started: the time its entries are recorded at."""
        return self.posting.recorded_at
