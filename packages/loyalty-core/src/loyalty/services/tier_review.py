"""The tier review: stars fall when the points a customer earned in the last months no longer
reach their level (``settings.tier_review``, off by default).

It runs daily, as a job: the review window slides a day at a time, so a customer falls on the
first day their recent points no longer reach their level, not up to a month later, and each
run lowers few customers. It only lowers stars (``rules.tiers.reviewed_stars``); earning
raises them, counting the same window (``services.points.follow_stars``). The points counted
are tier points (``ledger_entries.tier_points``): what sales and awards earned, net of what
refunds took back; spending, expiry and adjustments by hand count neither way.

Each fall is also an entry of the customer's points log, of kind ``tier_lowered``: it moves
no points (the ledger's one kind that moves neither points nor lifetime points) and its
reason says why, so the shop sees in the log when and why the stars fell.
"""

from __future__ import annotations

import itertools

from loyalty.domain.events import TierLowered
from loyalty.domain.rules import tiers
from loyalty.domain.shop import Shop
from loyalty.ledger import balances
from loyalty.ledger import entries
from loyalty.ledger import memberships as membership_rows
from loyalty.ledger.unit_of_work import UnitOfWork
from loyalty.services.points import entry_columns


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
    if falling:  # again under the locks: another till's sale may have come in meanwhile
        recent.update(membership_rows.tier_points_between(uow.connection, first, today,
                                                          customer_ids=falling))
    falls = []  # (account, new stars, recent points, key), their stars read under the lock
    for customer_id in falling:
        account = uow.posting.account(customer_id)
        points = recent.get(customer_id, 0)
        new_stars = tiers.reviewed_stars(account.stars, points, levels)
        if new_stars < account.stars:
            falls.append((account, new_stars, points, f"tier-review/{customer_id}/"
                          f"{today.isoformat()}/{account.stars}-{new_stars}"))
    taken = entries.existing_entry_keys(uow.connection, [key for *_, key in falls])
    lowered = []
    for account, new_stars, points, key in falls:
        if key in taken:  # the same fall again today (the stars rose in between): a new key
            key = _unused_key(uow, key)
        uow.posting.note(
            account, kind="tier_lowered", business_date=today, occurred_at=now,
            source_type="tier_review", actor="system",
            reason=tiers.lowered_reason(account.stars, new_stars, points, review.months),
            **entry_columns(shop, key, TierLowered),
        )
        lowered.append(TierLowered(
            occurred_at=now, customer_id=account.customer_id, old_stars=account.stars,
            new_stars=new_stars, max_stars=shop.max_stars, recent_points=points,
            months=review.months, review_key=key,
        ))
        account.stars = new_stars
    uow.events.extend(lowered)
    return lowered


def _unused_key(uow: UnitOfWork, key: str) -> str:
    """``key/2``, ``key/3``, ...: the first no entry has."""
    return next(candidate for candidate in (f"{key}/{n}" for n in itertools.count(2))
                if not entries.existing_entry_keys(uow.connection, [candidate]))
