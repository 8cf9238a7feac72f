"""The shop's settings: attrs classes validated on construction, stored as TOML or JSON.

A setting is addressed by its dotted path (``earning.points_per_unit``) on the command line,
in the settings file and in error messages, so all three agree. Invalid values are refused
with a ``SettingsError`` that names the path; nothing half-valid is ever saved.
"""

from __future__ import annotations

import json
import os
import tempfile
import tomllib
import typing
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import cattrs
import tomli_w

from loyalty.domain.bounds import MAX_EARNING_RATE
from loyalty.domain.bounds import MAX_FACTOR
from loyalty.domain.bounds import MAX_POINTS
from loyalty.domain.bounds import MAX_REDEMPTION_RATE
from loyalty.domain.bounds import MIN_REDEMPTION_RATE
from loyalty.domain.errors import SettingsError
from loyalty.domain.serialization import get_converter


class FieldProblem(ValueError):
    """A validator's complaint, carrying the field it is about so errors can name its path."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(problem)
        self.field = field


def _bounded(name: str, value: Decimal | int) -> None:
    """Every number of the settings is finite and at most ``MAX_POINTS``: a rate, a price in
    points or a threshold beyond it would only overflow the ledger later."""
    if isinstance(value, Decimal) and not value.is_finite():
        raise FieldProblem(name, f"must be a finite number (got {value})")
    if value > MAX_POINTS:
        raise FieldProblem(name, f"must be at most {MAX_POINTS} (got {value})")


def _non_negative(instance: object, attribute: attrs.Attribute, value: Decimal | int) -> None:
    _bounded(attribute.name, value)
    if value < 0:
        raise FieldProblem(attribute.name, f"must not be negative (got {value})")


def _positive(instance: object, attribute: attrs.Attribute, value: Decimal | int) -> None:
    _bounded(attribute.name, value)
    if value <= 0:
        raise FieldProblem(attribute.name, f"must be greater than zero (got {value})")


def _at_most(high: Decimal | int):  # noqa: ANN202 - an attrs validator factory
    def check(instance: object, attribute: attrs.Attribute, value: Decimal | int) -> None:
        if value > high:
            raise FieldProblem(attribute.name, f"must be at most {high} (got {value})")

    return check


def _at_least(low: Decimal | int):  # noqa: ANN202 - an attrs validator factory
    def check(instance: object, attribute: attrs.Attribute, value: Decimal | int) -> None:
        if value < low:
            raise FieldProblem(attribute.name, f"must be at least {low} (got {value})")

    return check


MAX_DAYS = 36_500
"""Longest span of days a setting can name (a hundred years): dates beyond overflow."""
_days = [_positive, _at_most(MAX_DAYS)]
_days_or_zero = [_non_negative, _at_most(MAX_DAYS)]
_redemption_rate = [_positive, _at_least(MIN_REDEMPTION_RATE), _at_most(MAX_REDEMPTION_RATE)]


def _locale(instance: object, attribute: attrs.Attribute, value: str) -> None:
    from babel import Locale
    from babel import UnknownLocaleError

    try:
        Locale.parse(value)
    except (UnknownLocaleError, ValueError, TypeError):
        raise FieldProblem(
            attribute.name, f"must be a locale like en_US or en_IN (got {value!r})") from None


def _currency_code(instance: object, attribute: attrs.Attribute, value: str) -> None:
    if len(value) != 3 or not value.isalpha() or not value.isupper():
        raise FieldProblem(
            attribute.name, f"must be a three-letter ISO code like USD or LKR (got {value!r})"
        )


def _one_of(*options: str):  # noqa: ANN202 - an attrs validator factory
    def check(instance: object, attribute: attrs.Attribute, value: str) -> None:
        if value not in options:
            raise FieldProblem(
                attribute.name, f"must be one of {', '.join(options)} (got {value!r})"
            )

    return check


def _timezone(instance: object, attribute: attrs.Attribute, value: str | None) -> None:
    if value is None:
        return
    from zoneinfo import ZoneInfo

    try:
        ZoneInfo(value)
    except Exception:
        raise FieldProblem(
            attribute.name, f"must be an IANA time zone like Asia/Colombo (got {value!r})"
        ) from None


@attrs.frozen
class ShopSettings:
    name: str = "My Shop"
    """Shown in messages as ``{shop_name}``."""
    currency: str = attrs.field(default="USD", validator=_currency_code)
    """ISO code of the shop's currency; its symbol and minor units come from the currency plugins."""
    currency_symbol: str | None = None
    """The shop's own way to write the currency (``Rs`` for LKR); None: the currency's own."""
    id: str = "main"
    """Identifies this shop in a chain sharing one ledger."""
    till: str = "till-1"
    """Identifies this till (computer) within the shop."""
    timezone: str | None = attrs.field(default=None, validator=_timezone)
    """IANA zone for business dates; None means this computer's local time."""
    locale: str = attrs.field(default="en_US", validator=_locale)
    """How amounts are grouped and punctuated (``en_IN`` groups in lakhs)."""


@attrs.frozen
class EarningSettings:
    points_per_unit: Decimal = attrs.field(
        default=Decimal(1), converter=Decimal, validator=[_non_negative, _at_most(MAX_EARNING_RATE)]
    )
    """Points per 1 unit of currency spent; fractions of a point are dropped."""
    payment_threshold: Decimal = attrs.field(
        default=Decimal(0), converter=Decimal, validator=_non_negative
    )
    """Sales below this amount (in currency units) earn nothing."""
    product_points: dict[str, int] = attrs.Factory(dict)
    """Extra points per unit sold of a product, by the POS's product id."""
    category_points: dict[str, int] = attrs.Factory(dict)
    """Extra points per unit sold of any product in a category, by the POS's category id."""

    def __attrs_post_init__(self) -> None:
        for table in ("product_points", "category_points"):
            for key, points in getattr(self, table).items():
                if points < 0:
                    raise FieldProblem(f"{table}.{key}", f"must not be negative (got {points})")
                if points > MAX_POINTS:
                    raise FieldProblem(f"{table}.{key}",
                                       f"must be from 0 to {MAX_POINTS} (got {points})")


@attrs.frozen
class Tier:
    """One star level of the customer rating."""

    stars: int = attrs.field(validator=_positive)
    threshold: int = attrs.field(validator=_non_negative)
    """Lifetime points earned needed to hold this level ("Points for X Stars")."""
    points_to_add: int = attrs.field(default=0, validator=_non_negative)
    """Bonus points on every qualifying sale for a customer at this level."""


def _check_tiers(instance: object, attribute: attrs.Attribute, tiers: tuple[Tier, ...]) -> None:
    for lower, higher in zip(tiers, tiers[1:]):
        if higher.stars <= lower.stars:
            raise FieldProblem(
                attribute.name,
                f"star levels must increase: {higher.stars} stars comes after {lower.stars}"
            )
        if higher.threshold <= lower.threshold:
            raise FieldProblem(
                attribute.name,
                f"thresholds must increase with the stars: {higher.stars} stars needs "
                f"{higher.threshold} points, not more than {lower.stars} stars' {lower.threshold}"
            )


DEFAULT_TIERS = (
    Tier(1, 100, 0),
    Tier(2, 500, 5),
    Tier(3, 1000, 10),
    Tier(4, 2500, 20),
    Tier(5, 5000, 30),
)


@attrs.frozen
class RedemptionSettings:
    points_per_unit: Decimal = attrs.field(
        default=Decimal(100), converter=Decimal, validator=_redemption_rate
    )
    """How many points pay for 1 unit of currency; the value of points is points / this."""
    minimum_balance: int = attrs.field(default=0, validator=_non_negative)
    """A customer needs at least this many points before any can be redeemed."""


@attrs.frozen
class ExpirySettings:
    mode: str = attrs.field(
        default="never",
        validator=_one_of("never", "days", "end_of_month", "end_of_year"),
    )
    """``never``, ``days`` (each lot lives ``days``), ``end_of_month`` or ``end_of_year``."""
    days: int = attrs.field(default=365, validator=_days)
    remind_days_before: int = attrs.field(default=7, validator=_days_or_zero)


@attrs.frozen
class PosSettings:
    adapter: str | None = None
    """Name of the installed POS adapter to sync from (``aronium``); None for no POS."""
    database: str | None = None
    """Path of the POS database file."""
    keyboard_emulation: bool = False
    """Type a confirmed points payment into the POS's focused field."""


@attrs.frozen
class MessageTemplates:
    """One message per occasion; ``{placeholders}`` are listed in ``loyalty.notifications``."""

    points_earned: str = (
        "Hi {customer_name}, you earned {points_earned} points at {shop_name}. "
        "Balance: {balance} points ({value})."
    )
    points_spent: str = (
        "Hi {customer_name}, you paid with {points_spent} points at {shop_name}. "
        "Balance: {balance} points ({value})."
    )
    tier_raised: str = (
        "Congratulations {customer_name}! You are now a {rating} customer at {shop_name}."
    )
    points_earned_max_level: str = (
        "Hi {customer_name}, as one of our top customers you earned {points_earned} points "
        "at {shop_name}. Balance: {balance} points ({value})."
    )
    draw_won: str = (
        "You won! {customer_name}, our lucky draw gave you {prize_points} points at "
        "{shop_name}. Balance: {balance} points ({value})."
    )
    points_expiring: str = (
        "Hi {customer_name}, {expiring_points} of your points at {shop_name} expire on "
        "{expiry_date}. Use them before then!"
    )
    tier_lowered: str = (
        "Hi {customer_name}, your rating at {shop_name} is now {rating}: you earned "
        "{recent_points} points in the last {months} months. See you again soon!"
    )
    """Sent when the tier review lowers a customer's stars; leave it empty to send nothing."""


    def __attrs_post_init__(self) -> None:
        from loyalty.domain.templates import TemplateError
        from loyalty.domain.templates import check_template

        for field in attrs.fields(type(self)):
            try:
                check_template(field.name, getattr(self, field.name))
            except TemplateError as error:
                raise FieldProblem(field.name, str(error)) from None


@attrs.frozen
class NotificationSettings:
    enabled: bool = True
    """Queue messages for customers whose platform is not ``none``."""
    templates: MessageTemplates = attrs.Factory(MessageTemplates)


WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _weekdays(instance: object, attribute: attrs.Attribute, value: tuple[str, ...]) -> None:
    for day in value:
        if day not in WEEKDAYS:
            raise FieldProblem(attribute.name, f"{day!r} is not a day; use {', '.join(WEEKDAYS)}")


@attrs.frozen
class DrawSettings:
    """The lucky draw: on a schedule, one eligible customer wins ``prize_points``."""

    enabled: bool = False
    days: tuple[str, ...] = attrs.field(default=("friday",), converter=tuple, validator=_weekdays)
    time: str = attrs.field(default="18:00", validator=lambda i, a, v: _clock_time(a, v))
    """Local time of the draw, ``HH:MM``."""
    prize_points: int = attrs.field(default=1000, validator=_positive)
    eligible_days: int = attrs.field(default=30, validator=_days)
    """Only customers who bought in the last N days can win."""


def _clock_time(attribute: attrs.Attribute, value: str) -> None:
    hours, _, minutes = value.partition(":")
    if not (hours.isdigit() and minutes.isdigit() and len(minutes) == 2
            and int(hours) < 24 and int(minutes) < 60):
        raise FieldProblem(attribute.name, f"must be a time like 18:00 (got {value!r})")


def _clock_time_or_midnight(instance: object, attribute: attrs.Attribute, value: str) -> None:
    if value != "24:00":
        _clock_time(attribute, value)


def _slug(instance: object, attribute: attrs.Attribute, value: str) -> None:
    if not value or not all(ch.isalnum() or ch in "-_" for ch in value):
        raise FieldProblem(
            attribute.name, f"must be a short name of letters, digits, - or _ (got {value!r})"
        )


@attrs.frozen
class Multiplier:
    """A points multiplier for a time window: happy hours, campaign dates, chosen weekdays."""

    id: str = attrs.field(validator=_slug)
    """Names the campaign in the points log (``campaign:<id>``)."""
    factor: Decimal = attrs.field(converter=Decimal)
    """2 doubles the base points of a sale in the window; the extra is its own award."""
    days: tuple[str, ...] = attrs.field(default=(), converter=tuple, validator=_weekdays)
    """Weekdays it runs; empty means every day."""
    start: str = attrs.field(default="00:00", validator=lambda i, a, v: _clock_time(a, v))
    """Local time it starts each day, ``HH:MM``."""
    end: str = attrs.field(default="24:00", validator=_clock_time_or_midnight)
    """Local time it stops each day (exclusive), ``HH:MM`` or ``24:00``."""
    from_date: date | None = None
    """First day of the campaign; None for no start."""
    to_date: date | None = None
    """Last day of the campaign (inclusive); None for no end."""

    def __attrs_post_init__(self) -> None:
        if not self.factor.is_finite() or not 1 < self.factor <= MAX_FACTOR:
            raise FieldProblem("factor", f"must be more than 1 and at most {MAX_FACTOR} "
                               f"(got {self.factor})")
        if self.end != "24:00" and self.end <= self.start:
            raise FieldProblem("end", f"must be after start {self.start} (got {self.end})")
        if self.from_date and self.to_date and self.to_date < self.from_date:
            raise FieldProblem("to_date", f"must not be before from_date {self.from_date}")


@attrs.frozen
class ComebackBonus:
    """Bonus points on the first qualifying sale of a customer who had not bought for a while."""

    points: int = attrs.field(default=0, validator=_non_negative)
    """0 switches it off."""
    inactive_days: int = attrs.field(default=60, validator=_days)


@attrs.frozen
class ActionPoints:
    """Points for actions beyond purchases, given with ``loyalty award``; 0 switches one off."""

    register: int = attrs.field(default=0, validator=_non_negative)
    referral_referrer: int = attrs.field(default=0, validator=_non_negative)
    """For the customer who brought a new one."""
    referral_referred: int = attrs.field(default=0, validator=_non_negative)
    """For the new customer who was brought."""
    birthday: int = attrs.field(default=0, validator=_non_negative)
    anniversary: int = attrs.field(default=0, validator=_non_negative)
    """Of the customer joining (or their wedding): like a birthday, once a year."""
    review: int = attrs.field(default=0, validator=_non_negative)
    appointment: int = attrs.field(default=0, validator=_non_negative)


def _unique_ids(instance: object, attribute: attrs.Attribute, value: tuple) -> None:
    seen: set[str] = set()
    for item in value:
        if item.id in seen:
            raise FieldProblem(attribute.name, f"the id {item.id!r} is used twice")
        seen.add(item.id)


@attrs.frozen
class CampaignSettings:
    multipliers: tuple[Multiplier, ...] = attrs.field(
        default=(), converter=tuple, validator=_unique_ids
    )
    comeback: ComebackBonus = attrs.Factory(ComebackBonus)
    actions: ActionPoints = attrs.Factory(ActionPoints)


@attrs.frozen
class Reward:
    """Something in the reward catalogue, with its price in points."""

    id: str = attrs.field(validator=_slug)
    name: str
    points: int = attrs.field(validator=_positive)
    description: str = ""


@attrs.frozen
class RewardSettings:
    catalogue: tuple[Reward, ...] = attrs.field(
        default=(), converter=tuple, validator=_unique_ids
    )


@attrs.frozen
class CouponSettings:
    """Converting points into single-use coupons of a money value."""

    enabled: bool = False
    points_per_unit: Decimal = attrs.field(
        default=Decimal(100), converter=Decimal, validator=_redemption_rate
    )
    """Points a coupon costs per 1 unit of currency of its value (the conversion rate)."""
    minimum_points: int = attrs.field(default=0, validator=_non_negative)
    """A coupon costs at least this many points; smaller conversions are refused."""
    valid_days: int = attrs.field(default=90, validator=_days_or_zero)
    """Days a coupon can be used after it is issued; 0 means it never expires."""


def _percent(instance: object, attribute: attrs.Attribute, value: Decimal) -> None:
    if not value.is_finite() or not 0 <= value <= 100:
        raise FieldProblem(attribute.name, f"must be a percentage from 0 to 100 (got {value})")


@attrs.frozen
class MembershipLevel:
    """A membership (Silver, Gold, Premium) reached by points, with a discount while it lasts."""

    id: str = attrs.field(validator=_slug)
    name: str
    threshold: int = attrs.field(validator=_positive)
    """Points earned within ``memberships.window_days`` needed to reach the level."""
    discount_percent: Decimal = attrs.field(
        default=Decimal(0), converter=Decimal, validator=_percent
    )
    categories: tuple[str, ...] = attrs.field(default=(), converter=tuple)
    """POS category ids the discount applies to."""
    products: tuple[str, ...] = attrs.field(default=(), converter=tuple)
    """POS product ids the discount applies to; with no categories either, it applies to all."""
    valid_days: int = attrs.field(default=365, validator=_days)
    """How long a membership lasts once reached."""


def _check_levels(instance: object, attribute: attrs.Attribute, levels: tuple) -> None:
    _unique_ids(instance, attribute, levels)
    for lower, higher in zip(levels, levels[1:]):
        if higher.threshold <= lower.threshold:
            raise FieldProblem(
                attribute.name, f"thresholds must increase: {higher.name} needs "
                f"{higher.threshold} points, not more than {lower.name}'s {lower.threshold}"
            )


@attrs.frozen
class MembershipSettings:
    levels: tuple[MembershipLevel, ...] = attrs.field(
        default=(), converter=tuple, validator=_check_levels
    )
    """From the lowest level up."""
    window_days: int = attrs.field(default=365, validator=_days)
    """Points earned in this many days before today count toward a level."""


@attrs.frozen
class TierReview:
    """Stars that fall: a daily review lowers a customer's stars to the level the points they
    earned in the last ``months`` months reach (earning raises them again, as always)."""

    enabled: bool = False
    months: int = attrs.field(default=12, validator=[_positive, _at_most(1200)])
    """The review window: points earned (net of refunds) in this many months count."""


THEMES = ("Light", "Dark", "Green", "Blue", "Red", "Purple")


@attrs.frozen
class AppearanceSettings:
    theme: str = attrs.field(default="Light", validator=_one_of(*THEMES))


@attrs.frozen
class Settings:
    shop: ShopSettings = attrs.Factory(ShopSettings)
    earning: EarningSettings = attrs.Factory(EarningSettings)
    tiers: tuple[Tier, ...] = attrs.field(
        default=DEFAULT_TIERS, converter=tuple, validator=_check_tiers
    )
    redemption: RedemptionSettings = attrs.Factory(RedemptionSettings)
    expiry: ExpirySettings = attrs.Factory(ExpirySettings)
    pos: PosSettings = attrs.Factory(PosSettings)
    notifications: NotificationSettings = attrs.Factory(NotificationSettings)
    draw: DrawSettings = attrs.Factory(DrawSettings)
    appearance: AppearanceSettings = attrs.Factory(AppearanceSettings)
    campaigns: CampaignSettings = attrs.Factory(CampaignSettings)
    rewards: RewardSettings = attrs.Factory(RewardSettings)
    coupons: CouponSettings = attrs.Factory(CouponSettings)
    memberships: MembershipSettings = attrs.Factory(MembershipSettings)
    tier_review: TierReview = attrs.Factory(TierReview)
    plugins: dict[str, dict[str, Any]] = attrs.Factory(dict)
    """Options of installed plugins, one table per plugin name (``[plugins.callmebot]``)."""


# ---- Reading, writing and editing ----------------------------------------------------------


def _path_of(exc_path: str) -> str:
    return exc_path.removeprefix("$.").replace("[", ".").replace("]", "").strip(".")


def _first_error(exc: BaseException, path: str = "") -> tuple[str, str]:
    """Walk cattrs' exception groups down to the first leaf and its dotted field path."""
    if isinstance(exc, cattrs.ClassValidationError | cattrs.IterableValidationError):
        for sub in exc.exceptions:
            note = next(
                (n for n in getattr(sub, "__notes__", ()) if hasattr(n, "name") or hasattr(n, "index")),
                None,
            )
            step = getattr(note, "name", None)
            if step is None and note is not None:
                step = str(note.index)
            return _first_error(sub, f"{path}.{step}" if step is not None else path)
    message = str(exc)
    if isinstance(exc, FieldProblem):
        path = f"{path}.{exc.field}"
    if isinstance(exc, KeyError):
        message = f"is required ({exc.args[0]} missing)"
    return path.strip("."), message


def settings_from_dict(data: dict[str, Any]) -> Settings:
    """Build settings from plain data, or raise ``SettingsError`` naming the bad field."""
    if not isinstance(data, dict):
        raise SettingsError("settings", f"must be a table of settings, not a "
                            f"{type(data).__name__}")
    unknown = _unknown_keys(data, Settings)
    if unknown:
        raise SettingsError(unknown[0], "is not a setting", hint=_known_hint(unknown[0]))
    misshapen = _misshapen_keys(data, Settings)
    if misshapen:
        raise SettingsError(*misshapen[0])
    try:
        return get_converter().structure(data, Settings)
    except RecursionError:
        raise SettingsError("settings", "nest too deeply") from None
    except (cattrs.BaseValidationError, ValueError, TypeError, ArithmeticError) as exc:
        field, problem = _first_error(exc)
        raise SettingsError(field or "settings", problem) from None


def _field_types(cls: type) -> dict[str, Any]:
    """A settings class's field types as classes (annotations are strings in this module)."""
    attrs.resolve_types(cls)
    return {f.name: f.type for f in attrs.fields(cls)}


def _section_type(kind: Any) -> type | None:
    """The settings class a value of type ``kind`` holds: itself, or a list's items."""
    if isinstance(kind, type) and attrs.has(kind):
        return kind
    args = typing.get_args(kind)
    if typing.get_origin(kind) is tuple and args and isinstance(args[0], type) \
            and attrs.has(args[0]):
        return args[0]
    return None


def _unknown_keys(data: Any, cls: type, prefix: str = "") -> list[str]:
    if not isinstance(data, dict) or not attrs.has(cls):
        return []
    types = _field_types(cls)
    found = []
    for key, value in data.items():
        if key not in types:
            found.append(f"{prefix}{key}")
            continue
        section = _section_type(types[key])
        if section is None:
            continue
        if isinstance(value, list):  # a list of tables: [[campaigns.multipliers]]
            for index, item in enumerate(value):
                found += _unknown_keys(item, section, f"{prefix}{key}.{index}.")
        else:
            found += _unknown_keys(value, section, f"{prefix}{key}.")
    return found


def _misshapen_keys(data: dict, cls: type, prefix: str = "") -> list[tuple[str, str]]:
    """Sections that are not tables, and lists of tables that are not lists, with what they
    should be: cattrs would say only "argument of type 'int' is not iterable"."""
    found: list[tuple[str, str]] = []
    types = _field_types(cls)
    for key, value in data.items():
        kind = types.get(key)
        section = _section_type(kind)
        path = f"{prefix}{key}"
        if section is None:
            if typing.get_origin(kind) is dict and not isinstance(value, dict):
                found.append((path, f"must be a table (got {value!r:.40})"))
            continue
        if section is kind:
            if not isinstance(value, dict):
                found.append((path, f"must be a table of settings (got {value!r:.40})"))
            else:
                found += _misshapen_keys(value, typing.cast(type, section), f"{path}.")
        elif not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            found.append((path, f"must be a list of tables (got {value!r:.40})"))
        else:
            item_type: type = section
            for index, item in enumerate(value):
                found += _misshapen_keys(item, item_type, f"{path}.{index}.")
    return found


def _known_hint(path: str) -> str:
    section = path.rsplit(".", 1)[0] if "." in path else ""
    cls: type = Settings
    for part in section.split(".") if section else []:
        if not part.isdigit():
            cls = _section_type(_field_types(cls).get(part)) or Settings
    names = ", ".join(f"{section + '.' if section else ''}{f.name}" for f in attrs.fields(cls))
    return f"Known settings here: {names}."


def settings_to_dict(settings: Settings) -> dict[str, Any]:
    return get_converter().unstructure(settings)


def _drop_none(value: Any) -> Any:
    """TOML has no null: a setting left at None is simply absent from the file."""
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_none(v) for v in value]
    return value


def load_settings(path: Path) -> Settings:
    """Read settings from ``path`` (``.toml`` or ``.json``); a missing file gives the defaults."""
    path = Path(path)
    if not path.exists():
        return Settings()
    kind = "JSON" if path.suffix == ".json" else "TOML"
    fix = "Fix the file by hand or delete it to start from the defaults."
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise SettingsError(str(path), "is not UTF-8 text",
                            hint="Save it as UTF-8 (not UTF-16 or a legacy code page).") from None
    except OSError as exc:
        raise SettingsError(str(path), f"cannot be read: {exc.strerror or exc}",
                            hint="Check the path and its permissions.") from None
    try:
        data = json.loads(text) if kind == "JSON" else tomllib.loads(text)
    except (tomllib.TOMLDecodeError, json.JSONDecodeError) as exc:
        raise SettingsError(str(path), f"is not valid {kind}: {exc}", hint=fix) from None
    except RecursionError:
        raise SettingsError(str(path), f"nests its {kind} too deeply to be settings",
                            hint=fix) from None
    if not isinstance(data, dict):
        raise SettingsError(str(path), f"must hold a {kind} table of settings at its top "
                            f"level, not a {type(data).__name__}", hint=fix)
    return settings_from_dict(data)


def save_settings(settings: Settings, path: Path) -> None:
    """Write atomically (temp file + rename) so a crash never leaves half a settings file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = settings_to_dict(settings)
    text = (
        json.dumps(data, indent=2, ensure_ascii=False)
        if path.suffix == ".json"
        else tomli_w.dumps(_drop_none(data))
    )
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(tmp, path)


def get_setting(settings: Settings, key: str) -> Any:
    value: Any = settings_to_dict(settings)
    for part in key.split("."):
        if isinstance(value, dict) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            raise SettingsError(key, "is not a setting", hint=_known_hint(key))
    return value


def parse_value(text: str) -> Any:
    """A value typed on the command line: JSON when it parses (numbers, lists, true), else text."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def with_setting(settings: Settings, key: str, value: Any) -> Settings:
    """A copy of ``settings`` with the dotted ``key`` set to ``value``, validated."""
    data = settings_to_dict(settings)
    parts = key.split(".")
    target: Any = data
    for part in parts[:-1]:
        if part not in target and target is data.get("plugins"):
            data["plugins"][part] = {}
        if not isinstance(target, dict) or part not in target:
            raise SettingsError(key, "is not a setting", hint=_known_hint(key))
        target = target[part]
    if not isinstance(target, dict) or (
        parts[-1] not in target and not (len(parts) >= 3 and parts[0] == "plugins")
    ):
        raise SettingsError(key, "is not a setting", hint=_known_hint(key))
    if isinstance(value, float):
        value = repr(value)
    target[parts[-1]] = value
    return settings_from_dict(data)
