"""A loyalty points engine for small shops.

Use it as a library::

    from loyalty import Engine, SaleRecorded

    with Engine("shop.db") as engine:
        customer = engine.add_customer("Nimal Perera", phone="+94771234567")
        engine.record_sale(SaleRecorded(...))
        print(engine.account(customer.id).value_text)

or write a plugin with ``from loyalty import hookimpl`` (see ``loyalty.plugins.hookspecs``).
"""

from __future__ import annotations

from loyalty.engine import AccountView
from loyalty.engine import Engine
from loyalty.engine import Outcome
from loyalty.domain.errors import InsufficientPoints
from loyalty.domain.errors import LoyaltyError
from loyalty.domain.errors import SettingsError
from loyalty.domain.events import DrawWon
from loyalty.domain.events import EarnReversed
from loyalty.domain.events import Event
from loyalty.domain.events import PointsAdjusted
from loyalty.domain.events import PointsEarned
from loyalty.domain.events import PointsExpired
from loyalty.domain.events import PointsRedeemed
from loyalty.domain.events import RedemptionReversed
from loyalty.domain.events import SaleLine
from loyalty.domain.events import SaleRecorded
from loyalty.domain.events import SaleRefunded
from loyalty.domain.events import TierRaised
from loyalty.plugins.hookspecs import hookimpl
from loyalty.domain.money import Currency
from loyalty.domain.settings import Settings


__all__ = [
    "AccountView", "Currency", "DrawWon", "EarnReversed", "Engine", "Event",
    "InsufficientPoints", "LoyaltyError", "Outcome", "PointsAdjusted", "PointsEarned",
    "PointsExpired", "PointsRedeemed", "RedemptionReversed", "SaleLine", "SaleRecorded",
    "SaleRefunded", "Settings", "SettingsError", "TierRaised", "hookimpl",
]
