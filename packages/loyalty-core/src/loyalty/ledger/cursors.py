"""Where each POS sync resumes: one cursor per POS database, stored with the points."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from loyalty.ledger import schema


def get_cursor(conn: sa.Connection, name: str) -> str | None:
    t = schema.sync_cursors
    return conn.execute(sa.select(t.c.value).where(t.c.name == name)).scalar_one_or_none()


def set_cursor(conn: sa.Connection, name: str, value: str, *, now: datetime) -> None:
    t = schema.sync_cursors
    updated = conn.execute(
        t.update().where(t.c.name == name).values(value=value, updated_at=now)
    ).rowcount
    if not updated:
        conn.execute(t.insert(), {"name": name, "value": value, "updated_at": now})
