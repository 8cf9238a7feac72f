"""Adding, changing and removing customers; a removed customer's points log stays."""

from __future__ import annotations

from datetime import date
from datetime import datetime

from loyalty.domain.bounds import MAX_KEY_LENGTH
from loyalty.domain.bounds import MAX_NAME_LENGTH
from loyalty.domain.bounds import MAX_PHONE_LENGTH
from loyalty.domain.bounds import check_text
from loyalty.domain.errors import LoyaltyError
from loyalty.domain.records import Customer
from loyalty.domain.shop import Shop
from loyalty.ledger import customers
from loyalty.ledger.unit_of_work import UnitOfWork


EDITABLE = frozenset({"name", "phone", "platform", "messaging_key", "birthday"})
OLDEST_BIRTHDAY = date(1900, 1, 1)
"""No customer was born before this: an earlier year is a typing slip."""


def add(
    shop: Shop, uow: UnitOfWork, name: str, *, phone: str | None = None,
    platform: str = "none", messaging_key: str | None = None, birthday: date | None = None,
) -> Customer:
    name = check_text(name, "The customer's name", MAX_NAME_LENGTH)
    phone, messaging_key = _optional(phone, "phone"), _optional(messaging_key, "messaging_key")
    check_birthday(birthday, today=shop.business_date(shop.now()))
    return customers.add_customer(
        uow.connection, created_at=shop.now(), name=name, phone=phone, platform=platform,
        messaging_key=messaging_key, shop_id=shop.id, birthday=birthday,
    )


def check_birthday(birthday: object, *, today: date) -> None:
    """A birthday is a date (not a time) from 1900 up to ``today``, or None for none."""
    if birthday is None:
        return
    if not isinstance(birthday, date) or isinstance(birthday, datetime):
        raise LoyaltyError(f"A customer's birthday is a date, not {birthday!r}.",
                           hint="Give it as YYYY-MM-DD, e.g. 1990-05-17.")
    if not OLDEST_BIRTHDAY <= birthday <= today:
        raise LoyaltyError(f"The birthday {birthday.isoformat()} is not a day a customer was "
                           "born on.", hint=f"Give a date from {OLDEST_BIRTHDAY.year} to today.")


TEXT_LIMITS = {"phone": ("The phone number", MAX_PHONE_LENGTH),
               "messaging_key": ("The messaging key", MAX_KEY_LENGTH),
               "platform": ("The platform", 32)}
"""Lengths of a customer's optional texts (their columns), so every backend agrees."""


def _optional(value: str | None, field: str) -> str | None:
    what, limit = TEXT_LIMITS[field]
    return None if value is None else check_text(value, what, limit, required=False)


def check_changes(values: dict[str, object], *, today: date) -> None:
    """Refuses fields that cannot be edited and values beyond their bounds (a blank name, a
    birthday after ``today``)."""
    unknown = set(values) - EDITABLE
    if unknown:
        raise LoyaltyError(
            f"Cannot change {', '.join(sorted(unknown))} of a customer.",
            hint=f"Change one of {', '.join(sorted(EDITABLE))}.",
        )
    check_birthday(values.get("birthday"), today=today)
    for field, value in values.items():
        if field != "birthday" and value is not None and not isinstance(value, str):
            raise LoyaltyError(f"A customer's {field} is text, not {value!r}.",
                               hint=f"Give the {field} as text.")
    if "name" in values:
        check_text(str(values["name"]), "The customer's name", MAX_NAME_LENGTH)
    for field in TEXT_LIMITS.keys() & values.keys():
        _optional(values[field], field)  # type: ignore[arg-type]


def update(shop: Shop, uow: UnitOfWork, customer_id: int, values: dict[str, object]
           ) -> Customer:
    """Change name, phone, platform, messaging key or birthday."""
    check_changes(values, today=shop.business_date(shop.now()))
    values = {k: v.strip() if isinstance(v, str) else v for k, v in values.items()}
    return customers.update_customer(uow.connection, customer_id, **values)


def remove(shop: Shop, uow: UnitOfWork, customer_id: int) -> Customer:
    """Hide a customer from lists; their points log stays in the ledger."""
    return customers.update_customer(uow.connection, customer_id, removed_at=shop.now())


def remove_from_origin(shop: Shop, uow: UnitOfWork, origin: str) -> list[int]:
    """Hide every customer the POS named ``origin`` brought in (an earlier version's demo
    customers in the shop's ledger); returns their ids."""
    ids = customers.ids_from_origin(uow.connection, origin)
    for customer_id in ids:
        remove(shop, uow, customer_id)
    return ids
