"""What a plugin's event hook may use of the engine: a small, read-only view.

``loyalty_events_committed(engine, events)`` is called with the engine itself (pluggy passes
arguments by name, so the name stays), but typed as this protocol: the settings, the currency
and the reads a reaction to committed events needs. The plugin layer sits below the engine and
never imports it; ``loyalty.engine.Engine`` satisfies this protocol (mypy checks it where the
engine calls the hook).
"""

from __future__ import annotations

from typing import Protocol

from loyalty.domain.money import Currency
from loyalty.domain.records import Customer
from loyalty.domain.records import Entry
from loyalty.domain.settings import Settings


class EngineView(Protocol):
    """The engine as an event hook sees it; anything else may change without notice."""

    @property
    def settings(self) -> Settings:
        """The shop's settings (a plugin's own options are in ``settings.plugins[NAME]``)."""
        ...

    @property
    def currency(self) -> Currency:
        """The shop's currency."""
        ...

    def format_money(self, minor: int) -> str:
        """An amount in the shop's currency and locale (``Rs 1,250.00``)."""
        ...

    def customer(self, customer_id: int) -> Customer:
        """One customer, removed or not (an event names customers by id)."""
        ...

    def balance(self, customer_id: int) -> int:
        """Points the customer can spend now."""
        ...

    def history(self, customer_id: int, *, limit: int | None = None) -> list[Entry]:
        """The customer's points log, oldest first (the newest ``limit`` entries)."""
        ...
