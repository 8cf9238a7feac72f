"""Granting memberships on the ledger and looking them up: ``loyalty membership``.

``refresh_memberships`` is safe to run any number of times (daily, or after a sync): a grant is
UNIQUE per customer, level and day, and nothing is granted while an equal or higher membership
is running. Each grant is a ``MembershipGranted`` event, for notifications.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import attrs
import sqlalchemy as sa

from loyalty.domain.events import Event
from loyalty.domain.events import MembershipGranted
from loyalty.ledger import customers as customer_rows
from loyalty.ledger import schema
from loyalty.ledger.posting import Posting
from loyalty.domain.rules import memberships
from loyalty.domain.settings import MembershipLevel

if TYPE_CHECKING:
    from loyalty.engine import Engine


@attrs.frozen
class Membership:
    customer_id: int
    level: MembershipLevel
    held: memberships.Held


def _held(conn: sa.Connection, customer_ids: list[int] | None = None) -> dict[int, list]:
    m = schema.memberships
    query = sa.select(m.c.customer_id, m.c.level_id, m.c.since, m.c.expires_on)
    if customer_ids is not None:
        query = query.where(m.c.customer_id.in_(customer_ids))
    found: dict[int, list[memberships.Held]] = {}
    for cid, level_id, since, expires_on in conn.execute(query):
        found.setdefault(cid, []).append(memberships.Held(level_id, since, expires_on))
    return found


def refresh_memberships(engine: Engine) -> list[MembershipGranted]:
    """Grant every membership the customers' recent points reach."""
    rules = engine.settings.memberships
    if not rules.levels:
        return []

    def work(conn: sa.Connection, posting: Posting, events: list[Event]) -> list[MembershipGranted]:
        today = engine.business_date(posting.recorded_at)
        e, c = schema.ledger_entries, schema.customers
        earned = conn.execute(
            sa.select(e.c.customer_id, sa.func.sum(e.c.tier_points))
            .join(c, c.c.id == e.c.customer_id)
            .where(e.c.business_date > today - timedelta(days=rules.window_days),
                   e.c.business_date <= today, c.c.removed_at.is_(None))
            .group_by(e.c.customer_id)
        ).all()
        held = _held(conn)
        by_id = {level.id: level for level in rules.levels}
        granted = []
        for customer_id, points in earned:
            grant = memberships.to_grant(int(points or 0), held.get(customer_id, []), today,
                                         rules.levels)
            if grant is None:
                continue
            level = by_id[grant.level_id]
            event = MembershipGranted(
                occurred_at=posting.recorded_at, customer_id=customer_id, level_id=level.id,
                level_name=level.name, since=grant.since, expires_on=grant.expires_on,
            )
            conn.execute(schema.memberships.insert(), {
                "customer_id": customer_id, "level_id": level.id, "since": grant.since,
                "expires_on": grant.expires_on, "granted_at": posting.recorded_at,
                "event_id": event.event_id,
            })
            granted.append(event)
        events.extend(granted)
        return granted

    return engine.write(lambda uow: work(uow.connection, uow.posting, uow.events))


def membership_of(engine: Engine, customer_id: int) -> Membership | None:
    """The customer's running membership, with its level's discount, or None."""
    rules = engine.settings.memberships
    today = engine.business_date(engine.clock())

    def work(conn: sa.Connection) -> list[memberships.Held]:
        customer_rows.get_customer(conn, customer_id)
        return _held(conn, [customer_id]).get(customer_id, [])

    held = engine.read(work)
    current = memberships.active(held, today, rules.levels)
    if current is None:
        return None
    level = next(level for level in rules.levels if level.id == current.level_id)
    return Membership(customer_id, level, current)
