"""A loyalty points engine for small shops.

Use it as a library::

    from loyalty import Engine

    with Engine("shop.db") as engine:
        customer = engine.add_customer("Nimal Perera", phone="+94771234567")
        engine.sale(customer.id, "1250.00")
        print(engine.account(customer.id).value_text)

or write a plugin with ``from loyalty import hookimpl`` (see ``loyalty.plugins.hookspecs``).

The names below are imported on first use (PEP 562), so ``import loyalty``, and with it
``loyalty --help``, loads neither the engine nor SQLAlchemy.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING
from typing import Any


if TYPE_CHECKING:
    from loyalty import signals
    from loyalty.domain.bounds import OutOfBounds
    from loyalty.domain.errors import ImportRefused
    from loyalty.domain.errors import InsufficientPoints
    from loyalty.domain.errors import LedgerError
    from loyalty.domain.errors import LoyaltyError
    from loyalty.domain.errors import ReadCancelled
    from loyalty.domain.errors import RedemptionRefused
    from loyalty.domain.errors import SettingsError
    from loyalty.domain.errors import UnknownCustomer
    from loyalty.domain.errors import UnknownPlugin
    from loyalty.domain.errors import UnknownSale
    from loyalty.domain.events import CouponIssued
    from loyalty.domain.events import CouponUsed
    from loyalty.domain.events import DrawWon
    from loyalty.domain.events import EarnReversed
    from loyalty.domain.events import Event
    from loyalty.domain.events import MembershipGranted
    from loyalty.domain.events import PointsAdjusted
    from loyalty.domain.events import PointsAwarded
    from loyalty.domain.events import PointsEarned
    from loyalty.domain.events import PointsEvent
    from loyalty.domain.events import PointsExpired
    from loyalty.domain.events import PointsExpiring
    from loyalty.domain.events import PointsRedeemed
    from loyalty.domain.events import RedemptionReversed
    from loyalty.domain.events import SaleDeleted
    from loyalty.domain.events import SaleLine
    from loyalty.domain.events import SaleRecorded
    from loyalty.domain.events import SaleRefunded
    from loyalty.domain.events import TierLowered
    from loyalty.domain.events import TierRaised
    from loyalty.domain.money import Currency
    from loyalty.domain.pos import PosAdapter
    from loyalty.domain.records import Coupon
    from loyalty.domain.records import Customer
    from loyalty.domain.records import CustomerSummary
    from loyalty.domain.records import DrawRecord
    from loyalty.domain.records import Entry
    from loyalty.domain.records import JobRun
    from loyalty.domain.records import PointsSummary
    from loyalty.domain.records import RebuildReport
    from loyalty.domain.rules.audiences import Audience
    from loyalty.domain.rules.redemption import PointsPayment
    from loyalty.domain.settings import Settings
    from loyalty.domain.shop import Shop
    from loyalty.domain.statements import Statement
    from loyalty.domain.statements import StatementLine
    from loyalty.engine import Engine
    from loyalty.ledger.cancel import ReadCancel
    from loyalty.ledger.outbox import OutboxMessage
    from loyalty.notifications.dispatcher import Dispatcher
    from loyalty.plugins.hookspecs import hookimpl
    from loyalty.services.accounts import AccountView
    from loyalty.services.awards import AwardOutcome
    from loyalty.services.customer_files import ImportReport
    from loyalty.services.draws import DrawCheck
    from loyalty.services.draws import DrawOutcome
    from loyalty.services.expiry import ExpiryReport
    from loyalty.services.jobs import JobStatus
    from loyalty.services.memberships import Membership
    from loyalty.services.messages import MessagePreview
    from loyalty.services.messages import MessagesQueued
    from loyalty.services.merges import MergeOutcome
    from loyalty.services.redemption import Payment
    from loyalty.services.reports import MonthFigures
    from loyalty.services.reports import Report
    from loyalty.services.sales import Outcome
    from loyalty.services.self_service import Answer
    from loyalty.services.self_service import Standing
    from loyalty.services.sync import SyncReport


_ERRORS = "loyalty.domain.errors"
_EVENTS = "loyalty.domain.events"
_RECORDS = "loyalty.domain.records"

_PUBLIC: dict[str, str] = {
    # the facade and what its methods return
    "Engine": "loyalty.engine",
    "Outcome": "loyalty.services.sales",
    "AccountView": "loyalty.services.accounts",
    "Payment": "loyalty.services.redemption",
    "PointsPayment": "loyalty.domain.rules.redemption",
    "ExpiryReport": "loyalty.services.expiry",
    "Shop": "loyalty.domain.shop",
    "Customer": _RECORDS,
    "CustomerSummary": _RECORDS,
    "Entry": _RECORDS,
    "PointsSummary": _RECORDS,
    "RebuildReport": _RECORDS,
    "Currency": "loyalty.domain.money",
    "Settings": "loyalty.domain.settings",
    "PosAdapter": "loyalty.domain.pos",
    "Coupon": "loyalty.domain.records",
    "DrawRecord": "loyalty.domain.records",
    "JobRun": "loyalty.domain.records",
    "OutboxMessage": "loyalty.ledger.outbox",
    "ReadCancel": "loyalty.ledger.cancel",
    "Dispatcher": "loyalty.notifications.dispatcher",
    "AwardOutcome": "loyalty.services.awards",
    "DrawCheck": "loyalty.services.draws",
    "DrawOutcome": "loyalty.services.draws",
    "JobStatus": "loyalty.services.jobs",
    "Membership": "loyalty.services.memberships",
    "Audience": "loyalty.domain.rules.audiences",
    "MessagePreview": "loyalty.services.messages",
    "MessagesQueued": "loyalty.services.messages",
    "MergeOutcome": "loyalty.services.merges",
    "ImportReport": "loyalty.services.customer_files",
    "Report": "loyalty.services.reports",
    "MonthFigures": "loyalty.services.reports",
    "Statement": "loyalty.domain.statements",
    "StatementLine": "loyalty.domain.statements",
    "Answer": "loyalty.services.self_service",
    "Standing": "loyalty.services.self_service",
    "SyncReport": "loyalty.services.sync",
    # events: what a sale is, and what the engine publishes
    "Event": _EVENTS,
    "SaleLine": _EVENTS,
    "SaleRecorded": _EVENTS,
    "SaleDeleted": _EVENTS,
    "SaleRefunded": _EVENTS,
    "PointsEvent": _EVENTS,
    "PointsEarned": _EVENTS,
    "PointsRedeemed": _EVENTS,
    "PointsAdjusted": _EVENTS,
    "EarnReversed": _EVENTS,
    "RedemptionReversed": _EVENTS,
    "PointsExpired": _EVENTS,
    "PointsExpiring": _EVENTS,
    "PointsAwarded": _EVENTS,
    "TierRaised": _EVENTS,
    "TierLowered": _EVENTS,
    "DrawWon": _EVENTS,
    "CouponIssued": _EVENTS,
    "CouponUsed": _EVENTS,
    "MembershipGranted": _EVENTS,
    # errors a caller can act on
    "LoyaltyError": _ERRORS,
    "SettingsError": _ERRORS,
    "LedgerError": _ERRORS,
    "UnknownCustomer": _ERRORS,
    "UnknownSale": _ERRORS,
    "ImportRefused": _ERRORS,
    "InsufficientPoints": _ERRORS,
    "RedemptionRefused": _ERRORS,
    "ReadCancelled": _ERRORS,
    "UnknownPlugin": _ERRORS,
    "OutOfBounds": "loyalty.domain.bounds",
    # extending and listening
    "hookimpl": "loyalty.plugins.hookspecs",
    "signals": "loyalty.signals",
}
"""Each public name and the module that defines it."""

__all__ = [
    "AccountView", "Answer", "Audience", "AwardOutcome", "Coupon", "CouponIssued", "CouponUsed",
    "Currency", "Customer", "CustomerSummary", "Dispatcher", "DrawCheck", "DrawOutcome",
    "DrawRecord", "DrawWon", "EarnReversed", "Engine", "Entry", "Event", "ExpiryReport",
    "hookimpl", "ImportRefused", "ImportReport", "InsufficientPoints", "JobRun", "JobStatus",
    "LedgerError", "LoyaltyError", "Membership", "MembershipGranted", "MergeOutcome",
    "MessagePreview", "MessagesQueued", "MonthFigures", "OutboxMessage", "Outcome",
    "OutOfBounds", "Payment", "PointsAdjusted", "PointsAwarded", "PointsEarned", "PointsEvent",
    "PointsExpired", "PointsExpiring", "PointsPayment", "PointsRedeemed", "PointsSummary",
    "PosAdapter", "ReadCancel", "ReadCancelled", "RebuildReport", "RedemptionRefused",
    "RedemptionReversed", "Report",
    "SaleDeleted", "SaleLine", "SaleRecorded", "SaleRefunded", "Settings", "SettingsError",
    "Shop", "signals", "Standing", "Statement", "StatementLine", "SyncReport", "TierLowered",
    "TierRaised", "UnknownCustomer", "UnknownPlugin", "UnknownSale",
]


if not TYPE_CHECKING:  # type checkers see the imports above, and no catch-all attribute

    def __getattr__(name: str) -> Any:
        """Import a public name's module on first use, then keep the name here."""
        module_name = _PUBLIC.get(name)
        if module_name is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        module = importlib.import_module(module_name)
        value = module if module_name == f"{__name__}.{name}" else getattr(module, name)
        globals()[name] = value
        return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
