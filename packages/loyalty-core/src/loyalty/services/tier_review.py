"""The tier review: stars fall when the points a customer earned in the last months no longer
reach their level (``settings.tier_review``, off by default).

It runs daily, as a job: the review window slides a day at a time, so a customer falls on the
first day their recent points no longer reach their level, not up to a month later, and each
run lowers few customers. It only lowers stars (``rules.tiers.reviewed_stars``); earning
raises them, counting the same window (``services.points.follow_stars``). The points counted
are tier points (``ledger_entries.tier_points``): what sales and awards earned, net of what
refunds took back; spending, expiry and adjustments by hand count neither way.
"""

from __future__ import annotations

from loyalty.domain.events import TierLowered
from loyalty.domain.rules import tiers
from loyalty.domain.shop import Shop
from loyalty.ledger import balances
from loyalty.ledger import memberships as membership_rows
from loyalty.ledger.unit_of_work import UnitOfWork


def review_tiers(shop: Shop, uow: UnitOfWork) -> list[TierLowered]:
    """Lower the stars the last ``tier_review.months`` months' points no longer reach."""
    review = shop.settings.tier_review
    if not review.enabled:
        return []
    now = shop.now()
    today = shop.business_date(now)
    first = tiers.review_window_start(today, review.months)
    recent = dict(membership_rows.tier_points_between(uow.connection, first, today))
    levels = shop.settings.tiers
    falling = [cid for cid, stars in balances.starred(uow.connection).items()
               if tiers.reviewed_stars(stars, recent.get(cid, 0), levels) < stars]
    uow.posting.load_accounts(falling)
    lowered = []
    for customer_id in falling:
        account = uow.posting.account(customer_id)
        new_stars = tiers.reviewed_stars(account.stars, recent.get(customer_id, 0), levels)
        if new_stars >= account.stars:
            continue
        event = TierLowered(
            occurred_at=now, customer_id=customer_id, old_stars=account.stars,
            new_stars=new_stars, max_stars=shop.max_stars,
            recent_points=recent.get(customer_id, 0), months=review.months,
            review_key=f"tier-review/{customer_id}/{today.isoformat()}",
        )
        account.stars = new_stars
        account.dirty = True
        lowered.append(event)
    uow.events.extend(lowered)
    return lowered
