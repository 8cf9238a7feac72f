"""Aronium POS adapter: turns the sales in Aronium's ``pos.db`` into loyalty points.

Installed, it offers the POS adapter ``aronium`` (``pos.adapter = "aronium"``, ``pos.database``
= the path of ``pos.db``, checked before it is saved and found by ``find_database`` on a first
run). Options in ``[plugins.aronium]`` (``options.AroniumOptions``): ``busy_timeout`` (seconds
to wait while Aronium writes, default 10), ``edit_scan_interval`` (seconds between looks for
documents edited in Aronium, default 30) and ``walk_in_customer`` (the customer whose sales are
anonymous: Aronium's seeded 'Unknown', 1, unless set; 0 for none). Its ``catalogue`` lists the
products and product groups by name for the window's product-points form.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from loyalty.domain.errors import SettingsError
from loyalty.domain.pos import PosAdapterType
from loyalty.plugins.hookspecs import hookimpl
from loyalty.plugins.options import plugin_options
from loyalty_pos_aronium.adapter import AroniumAdapter
from loyalty_pos_aronium.catalogue import read_catalogue
from loyalty_pos_aronium.connection import AroniumDatabaseError
from loyalty_pos_aronium.facts import NAME
from loyalty_pos_aronium.location import check_database
from loyalty_pos_aronium.location import find_database
from loyalty_pos_aronium.options import AroniumOptions


if TYPE_CHECKING:
    from loyalty.domain.settings import Settings

__all__ = ["AroniumAdapter", "AroniumDatabaseError", "check_database", "find_database",
           "loyalty_pos_adapters", "open_adapter"]


def open_adapter(settings: Settings) -> AroniumAdapter:
    """Open ``pos.database`` read-only, with the shop's till, currency and time zone."""
    from loyalty.plugins.manager import Plugins

    if not settings.pos.database:
        found = find_database()
        hint = (f"Aronium's pos.db is at {found}: loyalty settings set pos.database \"{found}\"."
                if found else "Give the path of Aronium's pos.db: loyalty settings set "
                              "pos.database PATH, or pass --pos-db PATH.")
        raise SettingsError("pos.database", "is not set", hint=hint)
    options = plugin_options(AroniumOptions, settings, NAME)
    currency = Plugins().currency(settings.shop.currency)
    return AroniumAdapter(
        settings.pos.database, shop_id=settings.shop.id, till_id=settings.shop.till,
        currency=currency.code, minor_units=currency.minor_units,
        timezone_name=settings.shop.timezone,
        busy_timeout=options.busy_timeout,
        edit_scan_interval=options.edit_scan_interval,
        # Lines only change points through per-product or per-category rules.
        with_lines=bool(settings.earning.product_points or settings.earning.category_points),
        walk_in_customer=options.walk_in_customer,
    )


def pay(settings: Settings, amount_text: str) -> None:
    """Type a confirmed points payment into Aronium's focused payment field, if switched on."""
    if not settings.pos.keyboard_emulation:
        return
    from loyalty_pos_aronium.keyboard import type_amount

    type_amount(amount_text)


@hookimpl
def loyalty_pos_adapters() -> tuple[PosAdapterType, ...]:
    return (PosAdapterType(name=NAME, title="Aronium POS", open=open_adapter, pay=pay,
                           check_database=check_database, find_database=_found,
                           catalogue=read_catalogue),)


def _found() -> str | None:
    found = find_database()
    return None if found is None else str(found)
