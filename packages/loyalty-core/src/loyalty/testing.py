"""pytest fixtures for the engine's own tests and for plugin authors.

Enable them with ``pytest_plugins = ["loyalty.testing"]`` in a ``conftest.py``. Every fixture
builds real things: a SQLite ledger file in ``tmp_path`` and an engine on it with a clock the
test controls.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from pathlib import Path

import attrs
import pytest

from loyalty.engine import Engine
from loyalty.events import SaleRecorded
from loyalty.events import SaleRefunded
from loyalty.plugins import Plugins
from loyalty.settings import Settings


@attrs.define
class FakeClock:
    """A clock that stands still until the test moves it: ``clock.advance(days=1)``."""

    now: datetime = datetime(2026, 1, 5, 10, 0, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def ledger_url(tmp_path: Path) -> str:
    """A fresh SQLite ledger file."""
    return f"sqlite:///{tmp_path / 'ledger.db'}"


@pytest.fixture
def settings() -> Settings:
    return Settings()


@pytest.fixture
def plugins() -> Plugins:
    return Plugins()


@pytest.fixture
def engine(ledger_url: str, settings: Settings, plugins: Plugins, clock: FakeClock,
           tmp_path: Path) -> Iterator[Engine]:
    with Engine(ledger_url, settings, plugins=plugins, clock=clock,
                settings_path=tmp_path / "settings.toml") as opened:
        yield opened


@attrs.define
class Till:
    """Makes sales and refunds the way a POS would, numbering documents itself."""

    engine: Engine
    source: str = "test"
    shop_id: str = "main"
    till_id: str = "till-1"
    number: int = 0

    def sale(self, customer_id: int, total_minor: int, *, document: str | None = None,
             **extra: object) -> SaleRecorded:
        self.number += 1
        return SaleRecorded(
            occurred_at=self.engine.clock(), source=self.source, shop_id=self.shop_id,
            till_id=self.till_id, document_id=document or f"S{self.number}",
            total_minor=total_minor, currency=self.engine.currency.code,
            customer_id=customer_id, **extra,
        )

    def refund(self, document: str, amount_minor: int) -> SaleRefunded:
        self.number += 1
        return SaleRefunded(
            occurred_at=self.engine.clock(), source=self.source, shop_id=self.shop_id,
            till_id=self.till_id, document_id=f"R{self.number}", original_document_id=document,
            amount_minor=amount_minor, currency=self.engine.currency.code,
        )


@pytest.fixture
def till(engine: Engine) -> Till:
    return Till(engine)
