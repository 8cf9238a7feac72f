"""A customer's points statement (``loyalty statement``, the window's Reports tab): the data;
``services.statement_pdf`` prints it."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from loyalty.domain.errors import LoyaltyError
from loyalty.domain.shop import Shop
from loyalty.domain.statements import Statement
from loyalty.domain.statements import statement_lines
from loyalty.ledger.customers import get_customer
from loyalty.ledger.entries import history


def statement(shop: Shop, conn: sa.Connection, customer_id: int, *, since: date | None = None,
              until: date | None = None) -> Statement:
    """The customer's statement from ``since`` (default: their first entry) to ``until``
    (default: today)."""
    until = until or shop.today()
    if since is not None and since > until:
        raise LoyaltyError(f"The statement starts on {since}, after its end {until}.",
                           hint="Give a start date before the end date.")
    customer = get_customer(conn, customer_id)
    opening, lines, closing = statement_lines(history(conn, customer_id), since, until)
    return Statement(
        shop_name=shop.settings.shop.name, customer_id=customer.id, customer_name=customer.name,
        phone=customer.phone, since=since, until=until, issued_on=shop.today(),
        opening=opening, lines=lines, closing=closing,
        closing_value_text=shop.format_money(shop.value_of(max(closing, 0))),
        locale=shop.settings.shop.locale,
    )
