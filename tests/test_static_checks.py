"""The source is checked by the field's tools, configured in the root pyproject.toml.

- mypy (``[tool.mypy]``): every package's ``src`` type-checks.
- Import Linter (``[tool.importlinter]``): imports point one way, domain <- ledger <- plugins
  <- notifications <- services <- engine <- cli/testing; the core never imports a plugin; the
  domain uses no database and no network; plugins do not import each other.

Both run as subprocesses of this interpreter, so they see exactly the environment the tests do,
and print their own report when they fail.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest


ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.static


def run(command: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, cwd=ROOT, capture_output=True, encoding="utf-8", errors="replace",
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},  # lint-imports prints box drawing
    )


def passes(result: subprocess.CompletedProcess[str], what: str) -> None:
    if result.returncode != 0:
        pytest.fail(f"{what}:\n{result.stdout}{result.stderr}", pytrace=False)


@pytest.mark.slow  # about 20 s without mypy's cache, under a second with it
def test_the_code_type_checks() -> None:
    result = run([sys.executable, "-m", "mypy"])
    passes(result, "mypy found errors")


def test_the_layers_import_only_downwards() -> None:
    lint_imports = shutil.which("lint-imports", path=sysconfig.get_path("scripts"))
    assert lint_imports is not None, "lint-imports not installed (uv sync installs the dev group)"
    result = run([lint_imports])
    passes(result, "an import contract is broken")
