"""Campaigns: multipliers for time windows, a comeback bonus, and points for actions.

Each campaign award is its own ``Award`` (``campaign:<id>``, ``campaign:comeback``,
``action:<name>``), so the points log explains every point. Multipliers act on the sale's
*base* points only (not on tier or product bonuses); two overlapping multipliers each add their
own extra, so 2× and 3× in one window give 1 + 1 + 2 = 4× the base. Extras are rounded down,
like every award.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date
from datetime import datetime

import attrs

from loyalty.domain.rules.earning import Award
from loyalty.domain.settings import WEEKDAYS
from loyalty.domain.settings import ActionPoints
from loyalty.domain.settings import ComebackBonus
from loyalty.domain.settings import Multiplier


ACTIONS = ("register", "referral", "birthday", "anniversary", "review", "appointment")
YEARLY = ("birthday", "anniversary")


def is_active(multiplier: Multiplier, local: datetime) -> bool:
    """Whether a sale at the shop-local time ``local`` falls in the multiplier's window."""
    day = local.date()
    if multiplier.from_date is not None and day < multiplier.from_date:
        return False
    if multiplier.to_date is not None and day > multiplier.to_date:
        return False
    if multiplier.days and WEEKDAYS[day.weekday()] not in multiplier.days:
        return False
    clock = local.strftime("%H:%M")
    return multiplier.start <= clock < multiplier.end


def multiplier_awards(
    base_points: int, local: datetime, multipliers: Sequence[Multiplier]
) -> list[Award]:
    """The extra points each active multiplier adds to ``base_points``."""
    awards = []
    for m in multipliers:
        if base_points > 0 and is_active(m, local):
            extra = math.floor(base_points * (m.factor - 1))
            if extra > 0:
                awards.append(Award(f"campaign:{m.id}", extra, f"{m.factor}× points ({m.id})"))
    return awards


def comeback_award(last_visit: date | None, today: date, rules: ComebackBonus) -> Award | None:
    """The bonus for a returning customer: a sale ``inactive_days`` or more after their last
    one. A first sale is not a comeback."""
    if rules.points <= 0 or last_visit is None:
        return None
    away = (today - last_visit).days
    if away < rules.inactive_days:
        return None
    return Award("campaign:comeback", rules.points, f"Welcome back after {away} days")


@attrs.frozen
class ActionAward:
    """Points for one customer for one action, with the key that makes it happen once."""

    customer_id: int
    action: str
    points: int
    key: str
    reason: str

    @property
    def rule_id(self) -> str:
        return f"action:{self.action}"


class ActionRefused(ValueError):
    """The action cannot be awarded as asked; the message says why and what to do."""


def action_awards(
    action: str, customer_id: int, rules: ActionPoints, *, today: date,
    referred: int | None = None, ref: str | None = None,
) -> list[ActionAward]:
    """What an action earns, keyed so it is awarded once per natural occasion:

    * ``register``: once per customer, ever;
    * ``referral``: once per referred customer, for both sides (``referred`` required);
    * ``birthday`` and ``anniversary``: once per customer per calendar year, for ``today``'s
      year only, so a customer away for years gets one year's points, not a stack of them;
    * ``review`` and ``appointment``: once per ``ref`` (the review or appointment id).
    """
    if action not in ACTIONS:
        raise ActionRefused(f"unknown action {action!r}; use one of {', '.join(ACTIONS)}")
    if action == "referral":
        if referred is None:
            raise ActionRefused("a referral needs the referred customer's id (--referred)")
        if referred == customer_id:
            raise ActionRefused("a customer cannot refer themselves")
        base = f"action/referral/{referred}"
        return [a for a in (
            ActionAward(customer_id, action, rules.referral_referrer, f"{base}/referrer",
                        f"Referred customer {referred}"),
            ActionAward(referred, action, rules.referral_referred, f"{base}/referred",
                        f"Referred by customer {customer_id}"),
        ) if a.points > 0]
    points = getattr(rules, action)
    if points <= 0:
        return []
    if action == "register":
        return [ActionAward(customer_id, action, points, f"action/register/{customer_id}",
                            "Registered")]
    if action in YEARLY:
        return [ActionAward(customer_id, action, points,
                            f"action/{action}/{customer_id}/{today.year}",
                            f"{action.capitalize()} {today.year}")]
    if not ref:
        raise ActionRefused(f"a {action} needs its own id (--ref), so it is awarded once")
    return [ActionAward(customer_id, action, points, f"action/{action}/{customer_id}/{ref}",
                        f"{action.capitalize()} {ref}")]


def welcome_award(
    customer_id: int, rules: ActionPoints, *, sale_points: int, welcomed: bool, today: date,
) -> ActionAward | None:
    """The welcome bonus (``register`` points) a sale brings: on the customer's first sale
    that earns points, unless they were ``welcomed`` already (an earlier earning sale, or
    ``register`` points given by hand). A first sale rather than the sign-up, because a
    sign-up at the till can be faked and a sale proves a customer; its key is ``register``'s,
    so the bonus is given once, whichever way it comes."""
    if welcomed or sale_points <= 0 or rules.register <= 0:
        return None
    (award,) = action_awards("register", customer_id, rules, today=today)
    return attrs.evolve(award, reason="Welcome: first purchase")
