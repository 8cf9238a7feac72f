"""The shop in these tests: Colombo, USD, syncing from the ``aronium`` fixture's pos.db."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from loyalty.domain.settings import Settings
from loyalty.domain.settings import settings_from_dict
from loyalty_pos_aronium.adapter import AroniumAdapter
from loyalty_pos_aronium.testing import AroniumFixture


@pytest.fixture
def settings(aronium: AroniumFixture) -> Settings:
    """Overrides the core's default settings: a shop whose POS is the fixture's pos.db."""
    return settings_from_dict({
        "shop": {"timezone": "Asia/Colombo", "till": "till-7"},
        "pos": {"adapter": "aronium", "database": str(aronium.path)},
        "plugins": {"aronium": {"busy_timeout": 5, "edit_scan_interval": 0}},
    })


@pytest.fixture
def adapter(engine, aronium: AroniumFixture) -> Iterator[AroniumAdapter]:  # noqa: ANN001
    """The adapter exactly as ``loyalty sync`` opens it from the settings."""
    opened = engine.open_pos()
    yield opened
    opened.close()
