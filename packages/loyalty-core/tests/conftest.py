"""Fixtures of loyalty-core's own tests (the shared ones come from ``loyalty.testing.plugin``).

The ledger's tests run on every backend: ``ledger_url`` (and so ``engine``) is parametrized
here, SQLite always and PostgreSQL when a server is given, for the core's tests only; other
packages' tests keep the plain SQLite file from ``loyalty.testing.plugin``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import pytest

from loyalty.cli.app import main
from loyalty.domain.demo import demo_customers
from loyalty.domain.demo import demo_facts
from loyalty.domain.settings import Settings
from loyalty.domain.settings import save_settings
from loyalty.engine import Engine
from loyalty.testing.plugin import FakeClock
from loyalty.testing.plugin import Till


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def ledger_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'ledger.db'}"
    return request.getfixturevalue("postgres_ledger_url")


@attrs.frozen
class CliResult:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


@pytest.fixture
def loyalty_cli(engine: Engine, tmp_path: Path,
                capsys: pytest.CaptureFixture[str]) -> Callable[..., CliResult]:
    """Runs ``loyalty ARGS`` on the test's ledger with the engine's settings.

    The command opens its own engine on the real clock, as a shop's scheduler would.
    """
    settings_file = tmp_path / "cli-settings.toml"

    def run(*args: object) -> CliResult:
        save_settings(engine.settings, settings_file)
        code = main(["--ledger", engine.db.url.render_as_string(hide_password=False),
                     "--settings", str(settings_file), *map(str, args)])
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


@pytest.fixture
def shop_ledger(tmp_path: Path, settings: Settings, clock: FakeClock) -> Path:
    """A shop's SQLite ledger with sales, refunds, a redemption, an adjustment and a cursor."""
    path = tmp_path / "shop.db"
    with Engine(path, settings, clock=clock) as engine:
        customers = demo_customers(25)
        engine.record(
            demo_facts(customers, currency="USD", shop_id="main", till_id="till-1",
                       now=clock.now),
            customers=customers, origin="demo", cursor=("demo", "DEMO-000099"),
        )
        engine.redeem(1, 10, document="DEMO-000001")
        engine.adjust(2, -3, reason="typo")
        engine.refund(Till(engine, source="demo").refund("DEMO-000001", 100))
    return path
