"""Fixtures of loyalty-core's own tests (the shared ones come from ``loyalty.testing``)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import pytest

from loyalty.cli.app import main
from loyalty.engine import Engine
from loyalty.settings import save_settings


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
        code = main(["--ledger", str(engine.db.url), "--settings", str(settings_file),
                     *map(str, args)])
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run
