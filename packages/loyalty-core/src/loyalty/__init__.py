"""A loyalty points engine for small shops.

Use it as a library::

    from loyalty import Engine, SaleRecorded

    with Engine("shop.db") as engine:
        customer = engine.add_customer("Nimal Perera", phone="+94771234567")
        engine.record_sale(SaleRecorded(...))
        print(engine.account(customer.id).value_text)

or write a plugin with ``from loyalty import hookimpl`` (see ``loyalty.hookspecs``).
"""

from __future__ import annotations

from loyalty.engine import AccountView
from loyalty.engine import Engine
from loyalty.engine import Outcome
from loyalty.errors import InsufficientPoints
from loyalty.errors import LoyaltyError
from loyalty.errors import SettingsError
from loyalty.events import DrawWon
from loyalty.events import EarnReversed
from loyalty.events import Event
from loyalty.events import PointsAdjusted
from loyalty.events import PointsEarned
from loyalty.events import PointsExpired
from loyalty.events import PointsRedeemed
from loyalty.events import RedemptionReversed
from loyalty.events import SaleLine
from loyalty.events import SaleRecorded
from loyalty.events import SaleRefunded
from loyalty.events import TierRaised
from loyalty.hookspecs import hookimpl
from loyalty.money import Currency
from loyalty.settings import Settings


__all__ = [
    "AccountView", "Currency", "DrawWon", "EarnReversed", "Engine", "Event",
    "InsufficientPoints", "LoyaltyError", "Outcome", "PointsAdjusted", "PointsEarned",
    "PointsExpired", "PointsRedeemed", "RedemptionReversed", "SaleLine", "SaleRecorded",
    "SaleRefunded", "Settings", "SettingsError", "TierRaised", "hookimpl",
]
