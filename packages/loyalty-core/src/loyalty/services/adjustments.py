"""Points added or removed by hand, always with a reason (opening balances, corrections)."""

from __future__ import annotations

from loyalty.domain.bounds import check_change
from loyalty.domain.errors import InsufficientPoints
from loyalty.domain.errors import LoyaltyError
from loyalty.domain.events import PointsAdjusted
from loyalty.domain.rules.lots import expiry_date
from loyalty.domain.shop import Shop
from loyalty.ledger import customers
from loyalty.ledger.unit_of_work import UnitOfWork
from loyalty.services.points import entry_columns


def check_adjustment(points: int, reason: str) -> str:
    """The reason, stripped; refuses an adjustment without one or of 0 points."""
    if not reason or not reason.strip():
        raise LoyaltyError("An adjustment needs a reason.", hint="Say why, e.g. --reason "
                           "'opening balance from the old system'.")
    if points == 0:
        raise LoyaltyError("An adjustment of 0 points changes nothing.",
                           hint="Give a positive or negative number of points.")
    check_change(points, "The adjustment")
    return reason.strip()


def adjust(
    shop: Shop, uow: UnitOfWork, customer_id: int, points: int, *, reason: str, key: str,
    actor: str = "admin",
) -> PointsAdjusted:
    """Credit (positive) or debit (negative) ``points``; a debit never goes below zero."""
    reason = check_adjustment(points, reason)
    if points > 0 and customers.removed_among(uow.connection, [customer_id]):
        raise LoyaltyError(f"Customer {customer_id} was removed and earns nothing more.",
                           hint="Add them again with 'loyalty customer add' if they are back.")
    now = shop.now()
    account = uow.posting.account(customer_id)
    business_date = shop.business_date(now)
    common = dict(kind="adjust", business_date=business_date, occurred_at=now,
                  source_type="adjustment", reason=reason, actor=actor,
                  **entry_columns(shop, key, PointsAdjusted))
    if points > 0:
        uow.posting.credit(account, points,
                           expires_on=expiry_date(business_date, shop.settings.expiry), **common)
    else:
        if -points > account.points:
            raise InsufficientPoints(customer_id, -points, account.points)
        uow.posting.debit(account, -points, **common)
    event = PointsAdjusted(
        occurred_at=now, customer_id=customer_id, points=points, balance=account.points,
        idempotency_key=key, business_date=business_date, reason=reason, actor=actor,
    )
    uow.events.append(event)
    return event
