"""Domain events: immutable facts about what happened to a customer's points.

POS adapters produce ``SaleRecorded`` and ``SaleRefunded``; the engine answers with the events
its rules derive (``PointsEarned``, ``TierRaised``, ...). Every event carries a stable
``event_id``: a UUID derived from what makes the fact unique (the POS document, the ledger
idempotency key), so the same fact read twice has the same id and replays can be recognised.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable
from datetime import date
from datetime import datetime
from datetime import timezone
from decimal import Decimal
from typing import ClassVar

import attrs

from loyalty.domain.bounds import OutOfBounds
from loyalty.domain.bounds import check_money


_NAMESPACE = uuid.UUID("6f1c1c1e-2b0b-4c55-9f5e-4c6f7961c7a1")


_NAMESPACE_BYTES = _NAMESPACE.bytes


def stable_id(key: str) -> str:
    """The id every event built from ``key`` shares: a name-based UUID, never random.

    The text of ``uuid.uuid5(_NAMESPACE, key)``, built without ``uuid.UUID`` objects: a sync
    derives a few ids for every sale, and the objects cost ten times the hashing.
    """
    digest = bytearray(hashlib.sha1(_NAMESPACE_BYTES + key.encode()).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50  # version 5
    digest[8] = (digest[8] & 0x3F) | 0x80  # RFC 4122 variant
    h = digest.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _utc(value: datetime) -> datetime:
    if value.tzinfo is timezone.utc:
        return value  # already UTC, as every POS adapter gives it: no new object
    if value.tzinfo is None:
        raise ValueError(f"{value!r} has no time zone; events carry aware UTC times")
    return value.astimezone(timezone.utc)


def _non_negative(instance: object, attribute: attrs.Attribute, value: int) -> None:
    if value < 0:
        raise OutOfBounds(f"{attribute.name} must not be negative, got {value}")


def _positive(instance: object, attribute: attrs.Attribute, value: int) -> None:
    if value <= 0:
        raise OutOfBounds(f"{attribute.name} must be positive, got {value}")


def _money(minimum: int):  # noqa: ANN202 - an attrs validator factory
    """An amount of money from ``minimum`` to ``MAX_MONEY_MINOR`` minor units."""
    def check(instance: object, attribute: attrs.Attribute, value: int) -> None:
        check_money(value, f"{type(instance).__name__}.{attribute.name}", minimum=minimum)

    return check


@attrs.frozen(kw_only=True)
class Event:
    """Base of all domain events."""

    kind: ClassVar[str] = "event"
    occurred_at: datetime = attrs.field(converter=_utc)
    """When it happened, in UTC."""
    event_id: str = ""
    """Stable id; derived from ``identity()`` when not given."""

    def __attrs_post_init__(self) -> None:
        if not self.event_id:
            object.__setattr__(self, "event_id", type(self).id_for(self.identity()))

    @classmethod
    def id_for(cls, identity: str) -> str:
        """The ``event_id`` an event of this class with this ``identity()`` gets."""
        return stable_id(f"{cls.__name__}:{identity}")

    def identity(self) -> str:
        """What makes this fact unique; the stable id is derived from it."""
        raise NotImplementedError


# ---- Facts from a point of sale -------------------------------------------------------------


@attrs.frozen(kw_only=True)
class SaleLine:
    """One line of a sale, for per-product and per-category points."""

    product_id: str
    quantity: Decimal = attrs.field(converter=Decimal)
    total_minor: int
    """Line total after discounts, in minor units."""
    category_id: str | None = None
    product_name: str | None = None



def _sale_lines(lines: Iterable[SaleLine]) -> tuple[SaleLine, ...]:
    return tuple(lines)


def _ids(ids: Iterable[int]) -> tuple[int, ...]:
    return tuple(ids)

@attrs.frozen(kw_only=True)
class SaleRecorded(Event):
    """A POS finished a sale for a known customer."""

    kind: ClassVar[str] = "sale_recorded"
    source: str
    """The adapter that read it (``aronium``, ``manual``)."""
    shop_id: str
    till_id: str
    document_id: str
    """The POS's document number, unique within one till."""
    total_minor: int = attrs.field(validator=[_non_negative, _money(0)])
    currency: str
    customer_id: int | None = None
    """The ledger's customer id; or leave it None and give ``external_customer_id``."""
    external_customer_id: str | None = None
    """The POS's own customer id, resolved against customers imported from ``source``."""
    lines: tuple[SaleLine, ...] = attrs.field(default=(), converter=_sale_lines)
    former_document_id: str | None = None
    """The number this document was recorded under before its adapter changed how it keys
    documents (Aronium added ``@YEAR``): a sale recorded under it at the same ``occurred_at``
    is this one, so an edit never earns twice."""

    def identity(self) -> str:
        return self.sale_key

    @property
    def sale_key(self) -> str:
        """The idempotency key of the sale: the same document never earns twice."""
        return f"sale/{self.source}/{self.shop_id}/{self.till_id}/{self.document_id}"


@attrs.frozen(kw_only=True)
class SaleRefunded(Event):
    """A POS refunded (part of) an earlier sale."""

    kind: ClassVar[str] = "sale_refunded"
    source: str
    shop_id: str
    till_id: str
    document_id: str
    """The refund document's own number."""
    original_document_id: str
    """The sale it refunds, as the POS numbers it; empty when the POS names no sale."""
    amount_minor: int = attrs.field(validator=[_positive, _money(1)])
    """How much money went back to the customer, as a positive number."""
    currency: str
    external_customer_id: str | None = None
    """The POS's customer, for a refund that names no sale: it takes back what its amount
    earns (``SaleRecorder``)."""

    def identity(self) -> str:
        return self.refund_key

    @property
    def refund_key(self) -> str:
        return f"refund/{self.source}/{self.shop_id}/{self.till_id}/{self.document_id}"

    @property
    def sale_key(self) -> str:
        return f"sale/{self.source}/{self.shop_id}/{self.till_id}/{self.original_document_id}"


@attrs.frozen(kw_only=True)
class SaleDeleted(Event):
    """A POS deleted a sale outright (Aronium keeps no trace of it): it is taken back as a
    refund of what was not refunded yet."""

    kind: ClassVar[str] = "sale_deleted"
    source: str
    shop_id: str
    till_id: str
    document_id: str
    """The deleted sale, as ``SaleRecorded.document_id`` named it."""

    def identity(self) -> str:
        return self.refund_key

    @property
    def refund_key(self) -> str:
        """The deletion is recorded as a refund under this key: once per document."""
        return f"refund/{self.source}/{self.shop_id}/{self.till_id}/{self.document_id}#deleted"

    @property
    def sale_key(self) -> str:
        return f"sale/{self.source}/{self.shop_id}/{self.till_id}/{self.document_id}"


PosFact = SaleRecorded | SaleRefunded | SaleDeleted
"""What a POS adapter reports."""


# ---- Facts the engine derives ---------------------------------------------------------------


@attrs.frozen(kw_only=True)
class PointsEvent(Event):
    """A change of one customer's balance, as written to the ledger."""

    customer_id: int
    points: int
    """Signed change of the balance."""
    balance: int = attrs.field(validator=_non_negative)
    """The balance after the change."""
    idempotency_key: str
    business_date: date
    reason: str = ""

    def identity(self) -> str:
        return self.idempotency_key


@attrs.frozen(kw_only=True)
class PointsEarned(PointsEvent):
    kind: ClassVar[str] = "points_earned"
    breakdown: dict[str, int] = attrs.Factory(dict)
    """Points per rule that awarded them (``base``, ``tier_bonus``, ``product:42``)."""
    source_type: str = "sale"
    source_id: str | None = None
    """The POS document that earned them, if any."""
    stars: int = 0
    """The customer's star level after earning."""
    max_stars: int = 0


@attrs.frozen(kw_only=True)
class PointsRedeemed(PointsEvent):
    kind: ClassVar[str] = "points_redeemed"
    value_minor: int = 0
    """What the points paid for, in minor units of ``currency``."""
    currency: str = ""
    source_id: str | None = None


@attrs.frozen(kw_only=True)
class PointsAdjusted(PointsEvent):
    """An admin changed a balance by hand; ``reason`` is required."""

    kind: ClassVar[str] = "points_adjusted"
    actor: str = "admin"


@attrs.frozen(kw_only=True)
class EarnReversed(PointsEvent):
    """A refund took back (part of) what its sale earned."""

    kind: ClassVar[str] = "earn_reversed"
    source_id: str | None = None
    unrecovered: int = 0
    """Points the refund should have taken back but the customer had already spent."""


@attrs.frozen(kw_only=True)
class RedemptionReversed(PointsEvent):
    """A refund gave back points that had paid for the refunded sale."""

    kind: ClassVar[str] = "redemption_reversed"
    source_id: str | None = None


@attrs.frozen(kw_only=True)
class PointsExpired(PointsEvent):
    kind: ClassVar[str] = "points_expired"


@attrs.frozen(kw_only=True)
class TierRaised(Event):
    """A customer's lifetime points crossed a star threshold."""

    kind: ClassVar[str] = "tier_raised"
    customer_id: int
    old_stars: int
    new_stars: int
    max_stars: int
    cause_key: str
    """The idempotency key of the ledger entry that crossed the threshold."""

    def identity(self) -> str:
        return f"{self.cause_key}->{self.new_stars}"


@attrs.frozen(kw_only=True)
class DrawWon(Event):
    """A customer won a lucky draw; the prize is posted to the ledger as points."""

    kind: ClassVar[str] = "draw_won"
    customer_id: int
    draw_id: str
    prize_points: int = attrs.field(validator=_positive)
    balance: int = 0

    def identity(self) -> str:
        return f"draw/{self.draw_id}"


EVENT_TYPES: dict[str, type[Event]] = {
    cls.kind: cls
    for cls in (
        SaleRecorded,
        SaleRefunded,
        SaleDeleted,
        PointsEarned,
        PointsRedeemed,
        PointsAdjusted,
        EarnReversed,
        RedemptionReversed,
        PointsExpired,
        TierRaised,
        DrawWon,
    )
}
"""Every concrete event by its ``kind``; plugins and later modules add theirs with ``register_event``."""


def register_event(cls: type[Event]) -> type[Event]:
    """Class decorator: make an event type known to the (de)serialiser by its ``kind``."""
    EVENT_TYPES[cls.kind] = cls
    return cls


# ---- Events of the expiry, draw, campaign, coupon and reward rules --------------------------


@register_event
@attrs.frozen(kw_only=True)
class PointsExpiring(Event):
    """Some of a customer's points expire soon: the reminder the shop sends N days before.

    One event per customer and expiry date; ``lot_ids`` are the lots it warns about, each
    warned about once (the ``expiry_reminders`` table remembers them).
    """

    kind: ClassVar[str] = "points_expiring"
    customer_id: int
    points: int = attrs.field(validator=_positive)
    expires_on: date
    """The last day the points can still be spent."""
    balance: int = 0
    lot_ids: tuple[int, ...] = attrs.field(default=(), converter=_ids)

    def identity(self) -> str:
        return f"expiring/{self.customer_id}/{self.expires_on.isoformat()}/" + ",".join(
            str(lot) for lot in self.lot_ids)


@register_event
@attrs.frozen(kw_only=True)
class PointsAwarded(PointsEvent):
    """Points for an action beyond a purchase (registration, referral, birthday, review...)."""

    kind: ClassVar[str] = "points_awarded"
    action: str
    rule_id: str


@register_event
@attrs.frozen(kw_only=True)
class CouponIssued(PointsEvent):
    """Points were converted into a single-use coupon worth ``value_minor``."""

    kind: ClassVar[str] = "coupon_issued"
    code: str
    value_minor: int = attrs.field(validator=_positive)
    currency: str
    expires_on: date | None = None


@register_event
@attrs.frozen(kw_only=True)
class CouponUsed(Event):
    """A coupon paid for (part of) a sale; it can never be used again."""

    kind: ClassVar[str] = "coupon_used"
    customer_id: int
    code: str
    value_minor: int
    currency: str
    document_id: str | None = None

    def identity(self) -> str:
        return f"coupon-used/{self.code}"


@register_event
@attrs.frozen(kw_only=True)
class MembershipGranted(Event):
    """A customer reached a membership level, or was granted one by hand; it lasts until
    ``expires_on`` (inclusive)."""

    kind: ClassVar[str] = "membership_granted"
    customer_id: int
    level_id: str
    level_name: str
    since: date
    expires_on: date
    reason: str | None = None
    """Why it was granted by hand (staff, a VIP); None when the points reached it."""
    actor: str = "system"

    def identity(self) -> str:
        return f"membership/{self.customer_id}/{self.level_id}/{self.since.isoformat()}"


@register_event
@attrs.frozen(kw_only=True)
class TierLowered(Event):
    """The tier review lowered a customer's stars: the points they earned in the review's
    ``months`` (``recent_points``) no longer reach their level."""

    kind: ClassVar[str] = "tier_lowered"
    customer_id: int
    old_stars: int
    new_stars: int
    max_stars: int
    recent_points: int
    months: int
    review_key: str
    """``tier-review/<customer>/<day>/<old stars>-<new stars>``, also the idempotency key of
    the fall's ``tier_lowered`` entry in the points log."""

    def identity(self) -> str:
        return self.review_key
