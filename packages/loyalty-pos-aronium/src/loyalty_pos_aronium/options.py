"""The ``[plugins.aronium]`` options, read with the core's ``plugin_options``.

One attrs class so a misspelt or invalid option is refused by its dotted path
(``plugins.aronium.busy_timeout``) like every other setting.
"""

from __future__ import annotations

import attrs

from loyalty_pos_aronium.connection import DEFAULT_BUSY_TIMEOUT


DEFAULT_EDIT_SCAN_INTERVAL = 30.0
WALK_IN_CUSTOMER = 1
"""Aronium's seeded customer 'Unknown', created with every database and put on every anonymous
sale (docs/aronium.md, "Real files")."""


def _seconds(value: object) -> float:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        number = -1.0
    if number < 0:
        raise ValueError(f"must be a number of seconds (got {value!r})")
    return number


def _customer_id(value: object) -> int | None:
    """An Aronium customer id; 0, false or an empty text mean 'none'."""
    if value is None or value is False or value == "" or value == 0:
        return None
    if isinstance(value, bool) or not str(value).isdigit():
        raise ValueError(f"must be an Aronium customer id like 1, or 0 for none (got {value!r})")
    return int(str(value))


@attrs.frozen
class AroniumOptions:
    busy_timeout: float = attrs.field(default=DEFAULT_BUSY_TIMEOUT, converter=_seconds)
    """Seconds to wait while Aronium holds a write lock."""
    edit_scan_interval: float = attrs.field(default=DEFAULT_EDIT_SCAN_INTERVAL, converter=_seconds)
    """Seconds between looks for documents edited in Aronium."""
    walk_in_customer: int | None = attrs.field(default=WALK_IN_CUSTOMER, converter=_customer_id)
    """The customer that stands for 'no customer': its sales earn nothing and it is never
    imported. Aronium's 'Unknown' (1) unless the shop says otherwise (0: none)."""
