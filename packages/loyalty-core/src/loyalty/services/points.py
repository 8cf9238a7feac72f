"""What every use case that moves points shares: this till's entry columns, and stars that
follow lifetime points (a credit can raise them, a reversal lower them)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from loyalty.domain.events import Event
from loyalty.domain.events import TierRaised
from loyalty.domain.rules import tiers
from loyalty.domain.shop import Shop
from loyalty.ledger.posting import Account


def entry_columns(shop: Shop, key: str, event_type: type[Event]) -> dict[str, Any]:
    """The columns of an entry this shop's till posts under ``key`` for an ``event_type``."""
    return {"idempotency_key": key, "shop_id": shop.id, "till_id": shop.till,
            "event_id": event_type.id_for(key)}


def follow_stars(
    shop: Shop, account: Account, *, occurred_at: datetime, cause_key: str
) -> TierRaised | None:
    """Set the account's stars from its lifetime points; the event if they went up."""
    before = account.stars
    account.stars = tiers.stars_for(account.lifetime_earned, shop.settings.tiers)
    if account.stars <= before:
        return None
    return TierRaised(occurred_at=occurred_at, customer_id=account.customer_id,
                      old_stars=before, new_stars=account.stars, max_stars=shop.max_stars,
                      cause_key=cause_key)
