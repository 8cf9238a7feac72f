"""Issuing and using coupons on the ledger: ``loyalty coupon issue|use|list``.

Issuing is a redemption (kind ``redeem``, source ``coupon``) in the same transaction as the
coupon's row, so points and coupon commit together. Using a coupon is one conditional UPDATE
(``... WHERE used_at IS NULL``): two tills scanning the same coupon at once use it once.
"""

from __future__ import annotations

import random
from datetime import date
from datetime import datetime
from typing import TYPE_CHECKING

import attrs
import sqlalchemy as sa

from loyalty.domain.errors import LoyaltyError
from loyalty.domain.events import CouponIssued
from loyalty.domain.events import CouponUsed
from loyalty.domain.events import Event
from loyalty.ledger import balances
from loyalty.ledger import entries
from loyalty.ledger import schema
from loyalty.ledger.posting import Posting
from loyalty.domain.rules import coupons
from loyalty.domain.rules import redemption

if TYPE_CHECKING:
    from loyalty.engine import Engine


@attrs.frozen
class Coupon:
    code: str
    customer_id: int
    value_minor: int
    currency: str
    points: int
    issued_at: datetime
    expires_on: date | None
    used_at: datetime | None
    used_document: str | None


def _coupon(row: sa.Row) -> Coupon:
    return Coupon(row.code, row.customer_id, row.value_minor, row.currency, row.points,
                  row.issued_at, row.expires_on, row.used_at, row.used_document)


def _check_enabled(engine: Engine) -> None:
    if not engine.settings.coupons.enabled:
        raise LoyaltyError("Coupons are switched off.",
                           hint="Turn them on with 'loyalty settings set coupons.enabled true'.")


def issue_coupon(
    engine: Engine, customer_id: int, value_minor: int, *, key: str | None = None,
    rng: random.Random | None = None, actor: str = "cli",
) -> CouponIssued:
    """Convert points into a coupon worth ``value_minor``; ``key`` makes a retry issue once."""
    _check_enabled(engine)
    rules = engine.settings.coupons
    if value_minor <= 0:
        raise LoyaltyError("A coupon needs a value above zero.", hint="Give an amount like 5.00.")
    points = coupons.coupon_cost(value_minor, rules, engine.currency)
    try:
        coupons.check_cost(points, rules)
    except coupons.CouponRefused as refused:
        raise LoyaltyError(f"Cannot issue a coupon of {engine.format_money(value_minor)}: "
                           f"{refused}.", hint="Issue a coupon of a higher value.") from None
    rng = rng or random.SystemRandom()
    now = engine.clock()

    def work(conn: sa.Connection, posting: Posting, events: list[Event]) -> CouponIssued:
        c = schema.coupons
        if key is not None:
            earlier = entries.entry_by_key(conn, f"coupon/{key}")
            if earlier is not None:
                row = conn.execute(sa.select(c).where(c.c.code == earlier.source_id)).one()
                return _issued_event(engine, _coupon(row), earlier.idempotency_key,
                                     earlier.business_date, balances.get_balance(
                                         conn, customer_id).points)
        account = posting.account(customer_id)
        redemption.check_redemption(customer_id, account.points, points,
                                    engine.settings.redemption)
        code = coupons.new_code(rng)
        while conn.execute(sa.select(c.c.id).where(c.c.code == code)).first() is not None:
            code = coupons.new_code(rng)
        entry_key = f"coupon/{key or code}"
        today = engine.business_date(now)
        shop = engine.settings.shop
        value = engine.format_money(value_minor)
        entry_id = posting.debit(
            account, points, kind="redeem", business_date=today, occurred_at=now,
            idempotency_key=entry_key, source_type="coupon", source_id=code,
            reason=f"Coupon {code} worth {value}", actor=actor, shop_id=shop.id,
            till_id=shop.till, event_id=CouponIssued.id_for(entry_key),
        )
        coupon = Coupon(code, customer_id, value_minor, engine.currency.code, points, now,
                        coupons.last_day(today, rules), None, None)
        posting.flush()  # the coupon row refers to its ledger entry
        conn.execute(c.insert(), {
            **attrs.asdict(coupon), "entry_id": entry_id,
            "event_id": CouponIssued.id_for(entry_key),
        })
        event = _issued_event(engine, coupon, entry_key, today, account.points)
        events.append(event)
        return event

    return engine.write(lambda uow: work(uow.connection, uow.posting, uow.events))


def _issued_event(
    engine: Engine, coupon: Coupon, key: str, business_date: date, balance: int
) -> CouponIssued:
    return CouponIssued(
        occurred_at=coupon.issued_at, customer_id=coupon.customer_id, points=-coupon.points,
        balance=balance, idempotency_key=key, business_date=business_date,
        reason=f"Coupon {coupon.code} worth {engine.format_money(coupon.value_minor)}",
        code=coupon.code, value_minor=coupon.value_minor, currency=coupon.currency,
        expires_on=coupon.expires_on,
    )


def use_coupon(engine: Engine, code: str, *, document: str | None = None) -> CouponUsed:
    """Mark a coupon used; refuses an unknown, used or expired one, naming why."""
    code = coupons.normalise_code(code)
    now = engine.clock()
    today = engine.business_date(now)

    def work(conn: sa.Connection, _: Posting, events: list[Event]) -> CouponUsed:
        c = schema.coupons
        row = conn.execute(sa.select(c).where(c.c.code == code)).one_or_none()
        if row is None:
            raise LoyaltyError(f"No coupon has the code {code}.",
                               hint="Check the code on the customer's coupon.")
        problem = coupons.refusal(row.used_at, row.expires_on, today)
        if problem is None:
            claimed = conn.execute(
                c.update().where(c.c.code == code, c.c.used_at.is_(None))
                .values(used_at=now, used_document=document)
            ).rowcount
            if claimed == 0:
                problem = "another till used it a moment ago"
        if problem is not None:
            raise LoyaltyError(f"Coupon {code} cannot be used: {problem}.",
                               hint="Take the amount in cash or with points.")
        event = CouponUsed(occurred_at=now, customer_id=row.customer_id, code=code,
                           value_minor=row.value_minor, currency=row.currency,
                           document_id=document)
        events.append(event)
        return event

    return engine.write(lambda uow: work(uow.connection, uow.posting, uow.events))


def coupons_of(engine: Engine, customer_id: int | None = None) -> list[Coupon]:
    """Coupons, newest first; of one customer when given."""
    c = schema.coupons
    query = sa.select(c).order_by(c.c.id.desc())
    if customer_id is not None:
        query = query.where(c.c.customer_id == customer_id)
    return engine.read(lambda conn: [_coupon(row) for row in conn.execute(query)])
