"""Granting memberships on the ledger and looking them up: ``loyalty membership``.

``refresh_memberships`` is safe to run any number of times (daily, or after a sync): a grant is
UNIQUE per customer, level and day, and nothing is granted while an equal or higher membership
is running. Each grant is a ``MembershipGranted`` event, for notifications.
"""

from __future__ import annotations

from datetime import timedelta

import attrs
import sqlalchemy as sa

from loyalty.domain.events import MembershipGranted
from loyalty.domain.rules import memberships
from loyalty.domain.settings import MembershipLevel
from loyalty.domain.shop import Shop
from loyalty.ledger import customers
from loyalty.ledger import memberships as membership_rows
from loyalty.ledger.unit_of_work import UnitOfWork


@attrs.frozen
class Membership:
    customer_id: int
    level: MembershipLevel
    held: memberships.Held


def refresh_memberships(shop: Shop, uow: UnitOfWork) -> list[MembershipGranted]:
    """Grant every membership the customers' recent points reach."""
    rules = shop.settings.memberships
    if not rules.levels:
        return []
    conn = uow.connection
    today = shop.business_date(uow.recorded_at)
    earned = membership_rows.tier_points_between(
        conn, today - timedelta(days=rules.window_days - 1), today)
    held = membership_rows.held(conn)
    by_id = {level.id: level for level in rules.levels}
    granted = []
    for customer_id, points in earned:
        grant = memberships.to_grant(points, held.get(customer_id, []), today, rules.levels)
        if grant is None:
            continue
        level = by_id[grant.level_id]
        event = MembershipGranted(
            occurred_at=uow.recorded_at, customer_id=customer_id, level_id=level.id,
            level_name=level.name, since=grant.since, expires_on=grant.expires_on,
        )
        membership_rows.grant(conn, customer_id, grant, granted_at=uow.recorded_at,
                              event_id=event.event_id)
        granted.append(event)
    uow.events.extend(granted)
    return granted


def membership_of(shop: Shop, conn: sa.Connection, customer_id: int) -> Membership | None:
    """The customer's running membership, with its level's discount, or None."""
    levels = shop.settings.memberships.levels
    customers.get_customer(conn, customer_id)
    held = membership_rows.held(conn, [customer_id]).get(customer_id, [])
    current = memberships.active(held, shop.today(), levels)
    if current is None:
        return None
    level = next(level for level in levels if level.id == current.level_id)
    return Membership(customer_id, level, current)
