"""Points for actions beyond purchases, posted on the ledger: ``loyalty award``.

Each award's idempotency key comes from ``rules.campaigns.action_awards`` (the action, the
customer and the natural occasion: the year of a birthday, the id of a review), so pressing the
button twice, or a scheduler that runs every morning, awards once.
"""

from __future__ import annotations

from datetime import date

import attrs
import sqlalchemy as sa

from loyalty.engine import Engine
from loyalty.domain.errors import LoyaltyError
from loyalty.domain.events import Event
from loyalty.domain.events import PointsAwarded
from loyalty.domain.events import TierRaised
from loyalty.ledger import entries
from loyalty.ledger.posting import Posting
from loyalty.domain.rules import campaigns
from loyalty.domain.rules import tiers as tier_rules
from loyalty.domain.rules.lots import expiry_date


@attrs.frozen
class AwardOutcome:
    action: str
    awarded: list[PointsAwarded]
    """What this call posted."""
    already: list[str]
    """Keys of awards that were given before, so were not given again."""


def award_action(
    engine: Engine, customer_id: int, action: str, *, referred: int | None = None,
    ref: str | None = None, actor: str = "cli",
) -> AwardOutcome:
    """Award ``action`` to a customer (and, for a referral, to the referred customer too)."""
    now = engine.clock()
    today: date = engine.business_date(now)
    try:
        planned = campaigns.action_awards(action, customer_id, engine.settings.campaigns.actions,
                                          today=today, referred=referred, ref=ref)
    except campaigns.ActionRefused as refused:
        raise LoyaltyError(f"Cannot award {action}: {refused}.",
                           hint="See 'loyalty award --help'.") from None
    if not planned:
        setting = "referral_referrer" if action == "referral" else action
        raise LoyaltyError(f"The action {action!r} gives no points.",
                           hint=f"Set them with 'loyalty settings set campaigns.actions.{setting} "
                           "50'.")

    def work(conn: sa.Connection, posting: Posting, events: list[Event]) -> AwardOutcome:
        given = entries.existing_entry_keys(conn, [a.key for a in planned])
        awarded = []
        for award in planned:
            if award.key in given:
                continue
            account = posting.account(award.customer_id)
            stars_before = account.stars
            shop = engine.settings.shop
            posting.credit(
                account, award.points, kind="earn", business_date=today,
                expires_on=expiry_date(today, engine.settings.expiry), counts_toward_tier=True,
                occurred_at=now, idempotency_key=award.key, source_type="action",
                source_id=ref or (str(referred) if referred is not None else None),
                rule_id=award.rule_id, reason=award.reason, actor=actor, shop_id=shop.id,
                till_id=shop.till, event_id=PointsAwarded.id_for(award.key),
            )
            account.stars = tier_rules.stars_for(account.lifetime_earned, engine.settings.tiers)
            event = PointsAwarded(
                occurred_at=now, customer_id=award.customer_id, points=award.points,
                balance=account.points, idempotency_key=award.key, business_date=today,
                reason=award.reason, action=action, rule_id=award.rule_id,
            )
            awarded.append(event)
            events.append(event)
            if account.stars > stars_before:
                events.append(TierRaised(
                    occurred_at=now, customer_id=award.customer_id, old_stars=stars_before,
                    new_stars=account.stars, max_stars=engine.max_stars, cause_key=award.key,
                ))
        return AwardOutcome(action, awarded, sorted(given))

    return engine.write(lambda uow: work(uow.connection, uow.posting, uow.events))
