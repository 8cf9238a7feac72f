"""What every use case that moves points shares: this till's entry columns, and stars that
follow lifetime points (a credit can raise them, a reversal lower them).

With the tier review on (``settings.tier_review``), a credit raises stars only as far as the
points earned in the review's months reach, so a customer the review lowered climbs back by
earning again, not by the lifetime points that no longer count."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from loyalty.domain.events import Event
from loyalty.domain.events import TierRaised
from loyalty.domain.rules import tiers
from loyalty.domain.shop import Shop
from loyalty.ledger import memberships as membership_rows
from loyalty.ledger.posting import Account
from loyalty.ledger.posting import Posting


def entry_columns(shop: Shop, key: str, event_type: type[Event]) -> dict[str, Any]:
    """The columns of an entry this shop's till posts under ``key`` for an ``event_type``."""
    return {"idempotency_key": key, "shop_id": shop.id, "till_id": shop.till,
            "event_id": event_type.id_for(key)}


def follow_stars(
    shop: Shop, posting: Posting, account: Account, *, occurred_at: datetime, cause_key: str
) -> TierRaised | None:
    """Set the account's stars from its lifetime points; the event if they went up."""
    before = account.stars
    stars = tiers.stars_for(account.lifetime_earned, shop.settings.tiers)
    review = shop.settings.tier_review
    if review.enabled and stars > before:  # rare: a threshold crossed, or a lowered customer
        stars = max(before, min(stars, tiers.stars_for(
            _recent_points(shop, posting, account, occurred_at), shop.settings.tiers)))
    account.stars = stars
    if account.stars <= before:
        return None
    return TierRaised(occurred_at=occurred_at, customer_id=account.customer_id,
                      old_stars=before, new_stars=account.stars, max_stars=shop.max_stars,
                      cause_key=cause_key)


def _recent_points(shop: Shop, posting: Posting, account: Account, occurred_at: datetime) -> int:
    """Tier points the customer earned in the tier review's months up to ``occurred_at``'s
    day, this transaction's entries (written or still buffered) included."""
    today = shop.business_date(occurred_at)
    first = tiers.review_window_start(today, shop.settings.tier_review.months)
    return (membership_rows.tier_points_of(posting.connection, account.customer_id, first, today)
            + posting.unwritten_tier_points(account.customer_id, first, today))
