"""Aronium POS adapter: turns the sales in Aronium's ``pos.db`` into loyalty points.

Installed, it offers the POS adapter ``aronium`` (``pos.adapter = "aronium"``, ``pos.database``
= the path of ``pos.db``). Options in ``[plugins.aronium]``: ``busy_timeout`` (seconds to wait
while Aronium writes, default 10), ``edit_scan_interval`` (seconds between looks for
documents edited in Aronium, default 30) and ``walk_in_customer`` (the id of a placeholder
customer such as 'Unknown' whose sales are anonymous; default none).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from loyalty.domain.errors import SettingsError
from loyalty.plugins.hookspecs import hookimpl
from loyalty.domain.pos import PosAdapterType

from loyalty_pos_aronium.adapter import DEFAULT_EDIT_SCAN_INTERVAL
from loyalty_pos_aronium.adapter import AroniumAdapter
from loyalty_pos_aronium.connection import DEFAULT_BUSY_TIMEOUT
from loyalty_pos_aronium.connection import AroniumDatabaseError
from loyalty_pos_aronium.facts import NAME


if TYPE_CHECKING:
    from loyalty.domain.settings import Settings

__all__ = ["AroniumAdapter", "AroniumDatabaseError", "loyalty_pos_adapters", "open_adapter"]


def _option(settings: Settings, key: str, default: float) -> float:
    value = settings.plugins.get(NAME, {}).get(key, default)
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = -1.0
    if number < 0:
        raise SettingsError(f"plugins.{NAME}.{key}", f"must be a number of seconds (got {value!r})")
    return number


def open_adapter(settings: Settings) -> AroniumAdapter:
    """Open ``pos.database`` read-only, with the shop's till, currency and time zone."""
    from loyalty.plugins.manager import Plugins

    if not settings.pos.database:
        raise SettingsError(
            "pos.database", "is not set",
            hint="Give the path of Aronium's pos.db: loyalty settings set pos.database PATH, "
                 "or pass --pos-db PATH.",
        )
    currency = Plugins().currency(settings.shop.currency)
    return AroniumAdapter(
        settings.pos.database, shop_id=settings.shop.id, till_id=settings.shop.till,
        currency=currency.code, minor_units=currency.minor_units,
        timezone_name=settings.shop.timezone,
        busy_timeout=_option(settings, "busy_timeout", DEFAULT_BUSY_TIMEOUT),
        edit_scan_interval=_option(settings, "edit_scan_interval", DEFAULT_EDIT_SCAN_INTERVAL),
        # Lines only change points through per-product or per-category rules.
        with_lines=bool(settings.earning.product_points or settings.earning.category_points),
        walk_in_customer=_walk_in(settings),
    )


def _walk_in(settings: Settings) -> int | None:
    value = settings.plugins.get(NAME, {}).get("walk_in_customer")
    if value is None:
        return None
    if isinstance(value, bool) or not str(value).isdigit():
        raise SettingsError(f"plugins.{NAME}.walk_in_customer",
                            f"must be an Aronium customer id like 1 (got {value!r})")
    return int(value)


def pay(settings: Settings, amount_text: str) -> None:
    """Type a confirmed points payment into Aronium's focused payment field, if switched on."""
    if not settings.pos.keyboard_emulation:
        return
    from loyalty_pos_aronium.keyboard import type_amount

    type_amount(amount_text)


@hookimpl
def loyalty_pos_adapters() -> tuple[PosAdapterType, ...]:
    return (PosAdapterType(name=NAME, title="Aronium POS", open=open_adapter, pay=pay),)
