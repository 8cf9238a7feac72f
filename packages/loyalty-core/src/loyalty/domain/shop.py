"""The shop a use case works for: its settings, its currency and the clock.

Services take this small context instead of the engine, so they see only what they need and a
test can build one in a line. The clock is a parameter (``Shop(settings, currency, clock)``):
nothing below the engine reads the time by itself.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from datetime import datetime
from datetime import timezone
from zoneinfo import ZoneInfo

import attrs

from loyalty.domain.money import Currency
from loyalty.domain.money import format_money
from loyalty.domain.rules import redemption
from loyalty.domain.rules import tiers
from loyalty.domain import wording
from loyalty.domain.settings import Settings


Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


@attrs.frozen
class Shop:
    """Settings, currency and clock, with what every use case derives from them."""

    settings: Settings
    currency: Currency
    clock: Clock = utc_now
    zone: ZoneInfo | None = attrs.field(init=False)
    max_stars: int = attrs.field(init=False)

    @zone.default
    def _zone(self) -> ZoneInfo | None:
        return ZoneInfo(self.settings.shop.timezone) if self.settings.shop.timezone else None

    @max_stars.default
    def _max_stars(self) -> int:
        return tiers.max_stars(self.settings.tiers)

    @property
    def id(self) -> str:
        return self.settings.shop.id

    @property
    def till(self) -> str:
        return self.settings.shop.till

    def now(self) -> datetime:
        return self.clock()

    def business_date(self, moment: datetime) -> date:
        """The shop's local date of a UTC moment: what 'today' means for expiry and reports."""
        return moment.astimezone(self.zone).date()

    def local(self, moment: datetime) -> datetime:
        """A UTC moment as the shop's naive local time (what schedules are written in)."""
        return moment.astimezone(self.zone).replace(tzinfo=None)

    def utc(self, local: datetime) -> datetime:
        """The UTC moment of a naive local time of the shop."""
        aware = local.replace(tzinfo=self.zone) if self.zone is not None else local.astimezone()
        return aware.astimezone(timezone.utc)

    def today(self) -> date:
        return self.business_date(self.clock())

    def value_of(self, points: int) -> int:
        """What ``points`` pay, in minor units of the shop's currency."""
        return redemption.value_of(points, self.settings.redemption, self.currency)

    def format_money(self, minor: int) -> str:
        return format_money(minor, self.currency, self.settings.shop.locale)

    def points_text(self, points: int, *, signed: bool = False, more: bool = False) -> str:
        """``1 point`` / ``1,250 points`` in the shop's locale (see ``wording.points_text``)."""
        return wording.points_text(points, self.settings.shop.locale, signed=signed, more=more)
