"""Aronium's products and product groups by name, for the window's product-points form.

Read-only, like every read of ``pos.db``: the ``Product`` and ``ProductGroup`` tables, sorted
by name. A product's id and a group's id are what ``earning.product_points`` and
``earning.category_points`` are keyed by (the ids the sale lines carry).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from loyalty.domain.errors import SettingsError
from loyalty.domain.pos import PosCatalogue
from loyalty.domain.pos import PosItem
from loyalty.plugins.options import plugin_options
from loyalty_pos_aronium import connection as db
from loyalty_pos_aronium.facts import NAME
from loyalty_pos_aronium.options import AroniumOptions


if TYPE_CHECKING:
    from loyalty.domain.settings import Settings


def read_catalogue(settings: Settings) -> PosCatalogue:
    """The products and groups of ``pos.database``; raises ``LoyaltyError`` if unreadable."""
    if not settings.pos.database:
        raise SettingsError("pos.database", "is not set",
                            hint="Choose Aronium's pos.db on the General page first.")
    options = plugin_options(AroniumOptions, settings, NAME)
    conn = db.open_readonly(settings.pos.database, busy_timeout=options.busy_timeout)
    try:
        return PosCatalogue(products=_items(conn, "Product"), groups=_items(conn, "ProductGroup"))
    except sqlite3.Error as exc:
        raise db.explain(Path(settings.pos.database), exc, options.busy_timeout) from None
    finally:
        conn.close()


def _items(conn: sqlite3.Connection, table: str) -> tuple[PosItem, ...]:
    rows = conn.execute(f'SELECT Id, Name FROM "{table}" WHERE Id IS NOT NULL '  # noqa: S608
                        "ORDER BY Name COLLATE NOCASE, Id").fetchall()
    return tuple(PosItem(str(row_id), str(name or row_id)) for row_id, name in rows)
