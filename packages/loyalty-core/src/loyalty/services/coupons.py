"""Issuing and using coupons: ``loyalty coupon issue|use|list``.

Issuing is a redemption (kind ``redeem``, source ``coupon``) in the same unit of work as the
coupon's row, so points and coupon commit together. Using a coupon claims it with one
conditional update: two tills scanning the same coupon at once use it once.
"""

from __future__ import annotations

import random
from datetime import date

from loyalty.domain.bounds import check_money
from loyalty.domain.errors import LoyaltyError
from loyalty.domain.events import CouponIssued
from loyalty.domain.events import CouponUsed
from loyalty.domain.records import Coupon
from loyalty.domain.rules import coupons
from loyalty.domain.rules import redemption
from loyalty.domain.shop import Shop
from loyalty.ledger import balances
from loyalty.ledger import coupons as coupon_rows
from loyalty.ledger import entries
from loyalty.ledger.unit_of_work import UnitOfWork
from loyalty.services.points import entry_columns


def coupon_price(shop: Shop, value_minor: int) -> int:
    """The points a coupon worth ``value_minor`` costs; refuses one coupons cannot be."""
    rules = shop.settings.coupons
    if not rules.enabled:
        raise LoyaltyError("Coupons are switched off.",
                           hint="Turn them on with 'loyalty settings set coupons.enabled true'.")
    if value_minor <= 0:
        raise LoyaltyError("A coupon needs a value above zero.", hint="Give an amount like 5.00.")
    points = coupons.coupon_cost(value_minor, rules, shop.currency)
    try:
        coupons.check_cost(points, rules)
    except coupons.CouponRefused as refused:
        raise LoyaltyError(f"Cannot issue a coupon of {shop.format_money(value_minor)}: "
                           f"{refused}.", hint="Issue a coupon of a higher value.") from None
    return points


def issue_coupon(
    shop: Shop, uow: UnitOfWork, customer_id: int, value_minor: int, *, key: str | None = None,
    rng: random.Random | None = None, actor: str = "cli",
) -> CouponIssued:
    """Convert points into a coupon worth ``value_minor``; ``key`` makes a retry issue once."""
    check_money(value_minor, "The coupon's value", minimum=1)
    points = coupon_price(shop, value_minor)
    conn = uow.connection
    if key is not None:
        earlier = entries.entry_by_key(conn, f"coupon/{key}")
        if earlier is not None:
            issued = coupon_rows.find_coupon(conn, str(earlier.source_id))
            assert issued is not None
            return _issued_event(shop, issued, earlier.idempotency_key, earlier.business_date,
                                 balances.get_balance(conn, customer_id).points)
    account = uow.posting.account(customer_id)
    redemption.check_redemption(customer_id, account.points, points,
                                shop.settings.redemption)
    rng = rng or random.SystemRandom()
    code = coupons.new_code(rng)
    while coupon_rows.code_taken(conn, code):
        code = coupons.new_code(rng)
    entry_key = f"coupon/{key or code}"
    now = shop.now()
    today = shop.business_date(now)
    columns = entry_columns(shop, entry_key, CouponIssued)
    entry_id = uow.posting.debit(
        account, points, kind="redeem", business_date=today, occurred_at=now,
        source_type="coupon", source_id=code,
        reason=f"Coupon {code} worth {shop.format_money(value_minor)}", actor=actor, **columns,
    )
    coupon = Coupon(code, customer_id, value_minor, shop.currency.code, points, now,
                    coupons.last_day(today, shop.settings.coupons), None, None)
    uow.posting.flush()  # the coupon row refers to its ledger entry
    coupon_rows.add_coupon(conn, coupon, entry_id=entry_id, event_id=columns["event_id"])
    event = _issued_event(shop, coupon, entry_key, today, account.points)
    uow.events.append(event)
    return event


def _issued_event(
    shop: Shop, coupon: Coupon, key: str, business_date: date, balance: int
) -> CouponIssued:
    return CouponIssued(
        occurred_at=coupon.issued_at, customer_id=coupon.customer_id, points=-coupon.points,
        balance=balance, idempotency_key=key, business_date=business_date,
        reason=f"Coupon {coupon.code} worth {shop.format_money(coupon.value_minor)}",
        code=coupon.code, value_minor=coupon.value_minor, currency=coupon.currency,
        expires_on=coupon.expires_on,
    )


def use_coupon(
    shop: Shop, uow: UnitOfWork, code: str, *, document: str | None = None
) -> CouponUsed:
    """Mark a coupon used; refuses an unknown, used or expired one, naming why."""
    code = coupons.normalise_code(code)
    now = shop.now()
    coupon = coupon_rows.find_coupon(uow.connection, code)
    if coupon is None:
        raise LoyaltyError(f"No coupon has the code {code}.",
                           hint="Check the code on the customer's coupon.")
    problem = coupons.refusal(coupon.used_at, coupon.expires_on, shop.business_date(now))
    if problem is None and not coupon_rows.claim_coupon(uow.connection, code, used_at=now,
                                                        document=document):
        problem = "another till used it a moment ago"
    if problem is not None:
        raise LoyaltyError(f"Coupon {code} cannot be used: {problem}.",
                           hint="Take the amount in cash or with points.")
    event = CouponUsed(occurred_at=now, customer_id=coupon.customer_id, code=code,
                       value_minor=coupon.value_minor, currency=coupon.currency,
                       document_id=document)
    uow.events.append(event)
    return event
