"""The ``loyalty`` command line: one module per group of commands, all on one click group."""

from __future__ import annotations

from loyalty.cli.app import cli
from loyalty.cli.app import main


__all__ = ["cli", "main"]
