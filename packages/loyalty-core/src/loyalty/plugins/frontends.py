"""The contract for user interfaces started by ``loyalty ui``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic
from typing import TypeVar

import attrs


EngineT = TypeVar("EngineT")
"""What ``run`` receives: the open ``loyalty.engine.Engine``. A type parameter, because the
plugin layer sits below the engine and does not import it; a frontend names the engine type
it takes (``Frontend(..., run=run)`` with ``def run(engine: Engine)`` is a ``Frontend[Engine]``)."""


@attrs.frozen
class Frontend(Generic[EngineT]):
    name: str
    title: str
    run: Callable[[EngineT], None]
    """Start the interface on an open engine and return when the user closes it."""
    run_demo: Callable[[EngineT, Callable[[], EngineT]], None] | None = None
    """Start the interface on the demo's engine; the second argument opens the shop's own
    ledger when the user leaves the demo. Without it, ``run`` shows the demo."""
