"""Points for actions beyond purchases: ``loyalty award``.

Each award's idempotency key comes from ``rules.campaigns.action_awards`` (the action, the
customer and the natural occasion: the year of a birthday, the id of a review), so pressing the
button twice, or a scheduler that runs every morning, awards once.
"""

from __future__ import annotations

from datetime import date
from datetime import datetime

import attrs

from loyalty.domain.errors import LoyaltyError
from loyalty.domain.events import PointsAwarded
from loyalty.domain.rules import campaigns
from loyalty.domain.rules.lots import expiry_date
from loyalty.domain.shop import Shop
from loyalty.ledger import customers
from loyalty.ledger import entries
from loyalty.ledger.unit_of_work import UnitOfWork
from loyalty.services.points import entry_columns
from loyalty.services.points import follow_stars


@attrs.frozen
class AwardOutcome:
    action: str
    awarded: list[PointsAwarded]
    """What this call posted."""
    already: list[str]
    """Keys of awards that were given before, so were not given again."""


def award_action(
    shop: Shop, uow: UnitOfWork, customer_id: int, action: str, *, referred: int | None = None,
    ref: str | None = None, actor: str = "cli",
) -> AwardOutcome:
    """Award ``action`` to a customer (and, for a referral, to the referred customer too)."""
    now = shop.now()
    today = shop.business_date(now)
    try:
        planned = campaigns.action_awards(action, customer_id, shop.settings.campaigns.actions,
                                          today=today, referred=referred, ref=ref)
    except campaigns.ActionRefused as refused:
        raise LoyaltyError(f"Cannot award {action}: {refused}.",
                           hint="See 'loyalty award --help'.") from None
    if not planned:
        setting = "referral_referrer" if action == "referral" else action
        raise LoyaltyError(f"The action {action!r} gives no points.",
                           hint=f"Set them with 'loyalty settings set campaigns.actions.{setting} "
                           "50'.")
    removed = customers.removed_among(uow.connection, {a.customer_id for a in planned})
    if removed:
        raise LoyaltyError(f"Customer {min(removed)} was removed and earns nothing more.",
                           hint="Add them again with 'loyalty customer add' if they are back.")
    given = entries.existing_entry_keys(uow.connection, [a.key for a in planned])
    awarded = []
    for award in planned:
        if award.key not in given:
            awarded.append(give_award(
                shop, uow, award, today=today, occurred_at=now, actor=actor,
                source_id=ref or (str(referred) if referred is not None else None)))
    return AwardOutcome(action, awarded, sorted(given))


def give_award(
    shop: Shop, uow: UnitOfWork, award: campaigns.ActionAward, *, today: date,
    occurred_at: datetime, actor: str, source_id: str | None = None,
) -> PointsAwarded:
    """Post one planned award (the caller checked its key was not given), with the stars it
    raises; the events go to ``uow``. The one way every action's points are posted: by hand,
    the birthday job, a first sale's welcome."""
    account = uow.posting.account(award.customer_id)
    uow.posting.credit(
        account, award.points, kind="earn", business_date=today,
        expires_on=expiry_date(today, shop.settings.expiry), counts_toward_tier=True,
        occurred_at=occurred_at, source_type="action", source_id=source_id,
        rule_id=award.rule_id, reason=award.reason, actor=actor,
        **entry_columns(shop, award.key, PointsAwarded),
    )
    raised = follow_stars(shop, uow.posting, account, occurred_at=occurred_at,
                          cause_key=award.key)
    event = PointsAwarded(
        occurred_at=occurred_at, customer_id=award.customer_id, points=award.points,
        balance=account.points, idempotency_key=award.key, business_date=today,
        reason=award.reason, action=award.action, rule_id=award.rule_id,
    )
    uow.events.append(event)
    if raised is not None:
        uow.events.append(raised)
    return event
