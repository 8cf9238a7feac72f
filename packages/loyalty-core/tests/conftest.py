"""The ledger's tests run on every backend: SQLite always, PostgreSQL when a server is given.

``ledger_url`` (and so ``engine``) is parametrized here, for the core's tests only; other
packages' tests keep the plain SQLite file from ``loyalty.testing``.
"""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def ledger_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'ledger.db'}"
    return request.getfixturevalue("postgres_ledger_url")
