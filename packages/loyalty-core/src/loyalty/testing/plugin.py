"""pytest fixtures for the engine's own tests and for plugin authors.

Enable them with ``pytest_plugins = ["loyalty.testing.plugin"]`` in a ``conftest.py``. Every fixture
builds real things: a SQLite ledger file in ``tmp_path`` and an engine on it with a clock the
test controls.

PostgreSQL: give a server with ``--postgres URL`` or ``LOYALTY_TEST_POSTGRES_URL``; the
``postgres_ledger_url`` fixture then hands each test its own fresh schema on it, and tests
marked ``postgres`` are skipped, with the reason, when no server is given.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from pathlib import Path
from typing import Any

import attrs
import pytest

from loyalty.domain.events import SaleRecorded
from loyalty.domain.events import SaleRefunded
from loyalty.domain.settings import Settings
from loyalty.engine import Engine
from loyalty.ledger import balances
from loyalty.ledger.database import fresh_postgres_schema
from loyalty.plugins.manager import Plugins


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


def assert_ledger_consistent(engine: Engine) -> dict[int, int]:
    """Assert that no balance is negative and every balance equals both the sum of the
    customer's entries and the points left in their lots; return the balances.

    What must hold after any number of tills wrote at once.
    """
    by_entries, by_lots, cached = engine.read(balances.three_ways)
    assert all(points >= 0 for points in cached.values())
    for customer_id, points in cached.items():
        assert by_entries.get(customer_id, 0) == points, customer_id
        assert by_lots.get(customer_id, 0) == points, customer_id
    report = engine.rebuild_balances()
    assert (report.corrected, report.problems) == ([], [])
    return cached


# ---- PostgreSQL -----------------------------------------------------------------------------

POSTGRES_ENV = "LOYALTY_TEST_POSTGRES_URL"
NO_SERVER = (f"needs PostgreSQL: set {POSTGRES_ENV} or pass --postgres URL "
             "(e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test)")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--postgres", metavar="URL", default=None,
        help=f"Also run the ledger tests on this PostgreSQL server (default: ${POSTGRES_ENV}).",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", f"postgres: needs the PostgreSQL server named by {POSTGRES_ENV} or --postgres"
    )


def postgres_server_url(config: pytest.Config) -> str | None:
    """The server the tests may use, or None when none was given."""
    return config.getoption("--postgres", default=None) or os.environ.get(POSTGRES_ENV) or None


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("postgres") and postgres_server_url(item.config) is None:
        pytest.skip(NO_SERVER)


@pytest.fixture
def postgres_ledger_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh, empty schema on the PostgreSQL server, as a ledger URL (skips without one)."""
    server = postgres_server_url(request.config)
    if server is None:
        pytest.skip(NO_SERVER)
    with fresh_postgres_schema(server) as url:
        yield url


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
             **extra: Any) -> SaleRecorded:
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
