"""Adding, changing and removing customers; a removed customer's points log stays."""

from __future__ import annotations

from loyalty.domain.errors import LoyaltyError
from loyalty.domain.records import Customer
from loyalty.domain.shop import Shop
from loyalty.ledger import customers
from loyalty.ledger.unit_of_work import UnitOfWork


EDITABLE = frozenset({"name", "phone", "platform", "messaging_key"})


def add(
    shop: Shop, uow: UnitOfWork, name: str, *, phone: str | None = None,
    platform: str = "none", messaging_key: str | None = None,
) -> Customer:
    name = name.strip()
    if not name:
        raise LoyaltyError("A customer needs a name.", hint="Give the customer's name.")
    return customers.add_customer(
        uow.connection, created_at=shop.now(), name=name, phone=phone, platform=platform,
        messaging_key=messaging_key, shop_id=shop.id,
    )


def check_changes(values: dict[str, object]) -> None:
    unknown = set(values) - EDITABLE
    if unknown:
        raise LoyaltyError(
            f"Cannot change {', '.join(sorted(unknown))} of a customer.",
            hint=f"Change one of {', '.join(sorted(EDITABLE))}.",
        )


def update(uow: UnitOfWork, customer_id: int, values: dict[str, object]) -> Customer:
    """Change name, phone, platform or messaging key."""
    check_changes(values)
    return customers.update_customer(uow.connection, customer_id, **values)


def remove(shop: Shop, uow: UnitOfWork, customer_id: int) -> Customer:
    """Hide a customer from lists; their points log stays in the ledger."""
    return customers.update_customer(uow.connection, customer_id, removed_at=shop.now())
