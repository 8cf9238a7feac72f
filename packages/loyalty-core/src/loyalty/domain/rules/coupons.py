"""Coupons bought with points: what one costs, how long it lasts, its code, and when it is usable.

A coupon of value V costs ``ceil(V × points_per_unit)`` points (rounded up, like paying a bill
with points, so the shop never gives a coupon worth more than the points), and at least
``minimum_points``. It can be used once, up to and including its last day.
"""

from __future__ import annotations

import random
from datetime import date
from datetime import datetime
from datetime import timedelta
from decimal import ROUND_CEILING
from decimal import Decimal

from loyalty.domain.money import Currency
from loyalty.domain.settings import CouponSettings
from loyalty.domain.wording import points_text


CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
"""No 0/O, 1/I/L: a code read out over the counter is typed right."""
CODE_LENGTH = 10


class CouponRefused(ValueError):
    """The coupon cannot be issued or used; the message says why."""


def coupon_cost(value_minor: int, rules: CouponSettings, currency: Currency) -> int:
    exact = Decimal(value_minor) * rules.points_per_unit / currency.scale
    return int(exact.to_integral_value(rounding=ROUND_CEILING))


def check_cost(points: int, rules: CouponSettings) -> None:
    if points < rules.minimum_points:
        raise CouponRefused(f"a coupon costs at least {points_text(rules.minimum_points)}; "
                            f"this one would cost {points:,}")


def last_day(issued_on: date, rules: CouponSettings) -> date | None:
    """The last business day the coupon can be used; None when coupons never expire."""
    if rules.valid_days == 0:
        return None
    return issued_on + timedelta(days=rules.valid_days)


def new_code(rng: random.Random) -> str:
    return "".join(rng.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str) -> str:
    """What a cashier typed, as stored: upper case, without spaces or dashes."""
    return text.strip().upper().replace("-", "").replace(" ", "")


def refusal(used_at: datetime | None, expires_on: date | None, today: date) -> str | None:
    """Why a coupon cannot be used today, or None when it can."""
    if used_at is not None:
        return f"it was already used on {used_at:%Y-%m-%d %H:%M} UTC"
    if expires_on is not None and expires_on < today:
        return f"it expired after {expires_on.isoformat()}"
    return None
