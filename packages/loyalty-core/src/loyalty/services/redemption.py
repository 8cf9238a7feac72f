"""Paying with points: a redemption spends the oldest lots first and never more than the balance.

A redemption's idempotency key makes it safe to repeat (a double click on Confirm redeems
once), and its document links it to the POS sale it paid for, so refunding that sale gives the
points back (see ``services.sales``).
"""

from __future__ import annotations

import attrs

from loyalty.domain.bounds import check_document
from loyalty.domain.events import PointsRedeemed
from loyalty.domain.records import Entry
from loyalty.domain.rules import redemption
from loyalty.domain.shop import Shop
from loyalty.ledger import balances
from loyalty.ledger import entries
from loyalty.ledger.unit_of_work import UnitOfWork
from loyalty.services.points import entry_columns


@attrs.frozen
class Payment:
    """A bill paid (in part) with points: the plan and the redemption that carried it out."""

    plan: redemption.PointsPayment
    event: PointsRedeemed


def redeem(
    shop: Shop, uow: UnitOfWork, customer_id: int, points: int, *, key: str, reason: str = "",
    actor: str = "cli", document: str | None = None,
) -> PointsRedeemed:
    """Spend ``points``; a key redeemed before returns that redemption instead."""
    document = check_document(document)
    earlier = entries.entry_by_key(uow.connection, key)
    if earlier is not None:
        return redeemed_event(
            shop, earlier, balances.get_balance(uow.connection, customer_id).points)
    account = uow.posting.account(customer_id)
    redemption.check_redemption(customer_id, account.points, points, shop.settings.redemption)
    now = shop.now()
    business_date = shop.business_date(now)
    columns = entry_columns(shop, key, PointsRedeemed)
    uow.posting.debit(
        account, points, kind="redeem", business_date=business_date, occurred_at=now,
        source_type="redemption", source_id=document, reason=reason or "Paid with points",
        actor=actor, **columns,
    )
    event = PointsRedeemed(
        occurred_at=now, customer_id=customer_id, points=-points, balance=account.points,
        idempotency_key=key, business_date=business_date, reason=reason,
        value_minor=shop.value_of(points), currency=shop.currency.code, source_id=document,
    )
    uow.events.append(event)
    return event


def redeemed_event(shop: Shop, entry: Entry, balance: int) -> PointsRedeemed:
    """The event of a redemption already in the ledger."""
    return PointsRedeemed(
        occurred_at=entry.occurred_at, customer_id=entry.customer_id, points=entry.points,
        balance=balance, idempotency_key=entry.idempotency_key,
        business_date=entry.business_date, reason=entry.reason,
        value_minor=shop.value_of(-entry.points), currency=shop.currency.code,
        source_id=entry.source_id,
    )
