"""Granting memberships on the ledger and looking them up: ``loyalty membership``.

A membership is reached by points (``refresh_memberships``) or granted by hand with a reason
(``grant_membership``); both follow the same rule and write the same row and event.
``refresh_memberships`` is safe to run any number of times (daily, or after a sync): a grant is
UNIQUE per customer, level and day, and nothing is granted while an equal or higher membership
is running. Each grant is a ``MembershipGranted`` event, for notifications.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import attrs
import sqlalchemy as sa

from loyalty.domain.errors import LoyaltyError
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
    reason: str | None = None
    """Why it was granted by hand; None when the points reached it."""
    granted_by: str | None = None

    def describe(self) -> str:
        """'Gold until 2027-03-02: 10% off everything.', as the CLI and the window say it."""
        level = self.level
        scope = ", ".join([*level.categories, *level.products]) or "everything"
        return f"{level.name} until {self.held.expires_on}: {level.discount_percent}% off {scope}."


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
        if grant is not None:
            granted.append(_record(uow, customer_id, by_id[grant.level_id], grant))
    return granted


def grant_membership(
    shop: Shop, uow: UnitOfWork, customer_id: int, level_id: str, *, reason: str,
    actor: str = "admin",
) -> MembershipGranted:
    """Grant a level by hand (staff, a VIP), from today for the level's length, with the
    reason kept beside it; refused while an equal or higher membership runs."""
    levels = shop.settings.memberships.levels
    level = _level(levels, level_id)
    if not reason or not reason.strip():
        raise LoyaltyError("A membership granted by hand needs a reason.",
                           hint="Say why, e.g. 'staff' or 'VIP'.")
    conn = uow.connection
    customer = customers.get_customer(conn, customer_id)
    if customers.removed_among(conn, [customer_id]):
        raise LoyaltyError(f"Customer {customer_id} was removed and gets no membership.",
                           hint="Add them again with 'loyalty customer add' if they are back.")
    today = shop.business_date(uow.recorded_at)
    held = membership_rows.held(conn, [customer_id]).get(customer_id, [])
    grant = memberships.grant_of(level, held, today, levels)
    if grant is None:
        running = memberships.active(held, today, levels)
        assert running is not None  # grant_of refuses only while one runs
        name = next(lv.name for lv in levels if lv.id == running.level_id)
        raise LoyaltyError(
            f"{customer.name} already holds {name} until {running.expires_on}.",
            hint="Grant a higher level, or wait until that membership ends.")
    return _record(uow, customer_id, level, grant, reason=reason.strip(), actor=actor)


def _level(levels: Sequence[MembershipLevel], wanted: str) -> MembershipLevel:
    """The level by its id or its name (any case)."""
    key = wanted.strip().casefold()
    for level in levels:
        if key in (level.id.casefold(), level.name.casefold()):
            return level
    known = ", ".join(f"{level.id} ({level.name})" for level in levels)
    raise LoyaltyError(
        f"There is no membership level {wanted!r}.",
        hint=f"Choose one of: {known}." if known else
        "Add membership levels in the settings first (Settings > Memberships).")


def _record(
    uow: UnitOfWork, customer_id: int, level: MembershipLevel, grant: memberships.Held, *,
    reason: str | None = None, actor: str = "system",
) -> MembershipGranted:
    """Write the grant's row and its ``MembershipGranted`` event (for notifications)."""
    event = MembershipGranted(
        occurred_at=uow.recorded_at, customer_id=customer_id, level_id=level.id,
        level_name=level.name, since=grant.since, expires_on=grant.expires_on,
        reason=reason, actor=actor,
    )
    membership_rows.grant(uow.connection, customer_id, grant, granted_at=uow.recorded_at,
                          event_id=event.event_id, reason=reason,
                          granted_by=actor if reason is not None else None)
    uow.events.append(event)
    return event


def membership_of(shop: Shop, conn: sa.Connection, customer_id: int) -> Membership | None:
    """The customer's running membership, with its level's discount (and, when granted by
    hand, why and by whom), or None."""
    levels = shop.settings.memberships.levels
    customers.get_customer(conn, customer_id)
    held = membership_rows.held(conn, [customer_id]).get(customer_id, [])
    current = memberships.active(held, shop.today(), levels)
    if current is None:
        return None
    level = next(level for level in levels if level.id == current.level_id)
    reason, granted_by = membership_rows.grant_note(conn, customer_id, current)
    return Membership(customer_id, level, current, reason, granted_by)
