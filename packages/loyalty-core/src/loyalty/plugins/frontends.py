"""The contract for user interfaces started by ``loyalty ui``."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import attrs


if TYPE_CHECKING:
    from loyalty.engine import Engine


@attrs.frozen
class Frontend:
    name: str
    title: str
    run: Callable[[Engine], None]
    """Start the interface on an open engine and return when the user closes it."""
