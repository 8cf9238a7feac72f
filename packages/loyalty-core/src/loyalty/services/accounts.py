"""Customers' standing as people see it: points (less any past their day), value, stars, log.

Reads only: each function takes an open connection, so the engine decides what one read sees;
``spendable`` is one statement, its own snapshot, and takes the database itself.
"""

from __future__ import annotations

from datetime import date

import attrs
import sqlalchemy as sa

from loyalty.domain.errors import UnknownCustomer
from loyalty.domain.records import Balance
from loyalty.domain.errors import LoyaltyError
from loyalty.domain.records import Customer
from loyalty.domain.records import CustomerSummary
from loyalty.domain.rules import tiers
from loyalty.domain.shop import Shop
from loyalty.ledger import balances
from loyalty.ledger import bulk
from loyalty.ledger import customers
from loyalty.ledger import memberships as membership_rows


@attrs.frozen
class AccountView:
    """A customer's standing, as the 'All Customers' table and the Pay dialog show it."""

    customer: Customer
    points: int
    value_minor: int
    value_text: str
    stars: int
    max_stars: int
    lifetime_earned: int
    next_stars: int | None
    points_to_next: int | None
    """Points still to earn for ``next_stars``: lifetime points count, or with the tier review
    on only those of its months (a customer whose stars fell climbs back from those)."""

    @property
    def rating(self) -> str:
        return tiers.render_stars(self.stars, self.max_stars)


def spendable(shop: Shop, db: sa.Engine, customer_id: int) -> int:
    """Points the customer can spend now.

    Points past their last day are left out even before ``loyalty expire`` posts them, so the
    balance shown is never more than a redemption would allow. One statement, no transaction:
    the till looks it up at every customer it shows.
    """
    points = bulk.read_value(db, balances.SPENDABLE, {"customer": customer_id,
                                                      "today": shop.today()})
    if points is None:
        raise UnknownCustomer(customer_id)
    return int(points)


def account(shop: Shop, conn: sa.Connection, customer_id: int) -> AccountView:
    customer = customers.get_customer(conn, customer_id)
    return views(shop, conn, [(customer, balances.get_balance(conn, customer_id))])[0]


def accounts(
    shop: Shop, conn: sa.Connection, search: str | None = None, *, limit: int | None = None,
    offset: int = 0, sort: str | None = None, descending: bool = False,
) -> list[AccountView]:
    """Customers with points, value and rating: the rows of 'All Customers'.

    ``sort`` (a column of ``customers.SORTABLE``) orders them in the database when there is
    no search; a search's matches (usually few) are sorted here.
    """
    if sort is not None and sort not in customers.SORTABLE:
        raise LoyaltyError(f"Customers cannot be sorted by {sort!r}.",
                           hint=f"Sort by one of {', '.join(customers.SORTABLE)}.")
    if sort is None or sort == "id" and not descending:
        found = customers.list_customers(conn, search=search, limit=limit, offset=offset)
    elif not (search and search.strip()):
        found = customers.sorted_customers(conn, sort, descending=descending, limit=limit,
                                           offset=offset)
    else:
        found = sorted(customers.list_customers(conn, search=search),
                       key=lambda s: (_sort_key(s, sort), s.customer.id), reverse=descending)
        found = found[offset:None if limit is None else offset + limit]
    return views(shop, conn, [(s.customer, s.balance) for s in found])


def _sort_key(summary: CustomerSummary, sort: str) -> int | str:
    keys: dict[str, int | str] = {
        "id": summary.customer.id, "name": summary.customer.name.lower(),
        "points": summary.balance.points, "stars": summary.balance.stars,
        "platform": summary.customer.platform}
    return keys[sort]


def views(
    shop: Shop, conn: sa.Connection, rows: list[tuple[Customer, Balance]]
) -> list[AccountView]:
    """The views of a page of customers: a query for their lapsed points and, with the tier
    review on, one for their recent points, whatever the page's length."""
    ids = [customer.id for customer, _ in rows]
    today = shop.today()
    lapsed = balances.lapsed_points(conn, ids, today=today)
    recent = _recent_points(shop, conn, ids, today)
    return [_view(shop, customer, balance, lapsed.get(customer.id, 0),
                  None if recent is None else recent.get(customer.id, 0))
            for customer, balance in rows]


def _recent_points(
    shop: Shop, conn: sa.Connection, customer_ids: list[int], today: date
) -> dict[int, int] | None:
    """The tier points each customer earned in the tier review's months; None with the review
    off (then lifetime points lead to the next stars)."""
    review = shop.settings.tier_review
    if not review.enabled or not customer_ids:
        return None
    first = tiers.review_window_start(today, review.months)
    return dict(membership_rows.tier_points_between(conn, first, today, customer_ids))


def _view(
    shop: Shop, customer: Customer, balance: Balance, lapsed: int, recent: int | None
) -> AccountView:
    points = balance.points - lapsed
    value = shop.value_of(points)
    if recent is None:
        upcoming = tiers.next_tier(balance.lifetime_earned, shop.settings.tiers)
    else:
        upcoming = tiers.next_tier_in_review(balance.stars, recent, balance.lifetime_earned,
                                             shop.settings.tiers)
    return AccountView(
        customer=customer, points=points, value_minor=value,
        value_text=shop.format_money(value), stars=balance.stars, max_stars=shop.max_stars,
        lifetime_earned=balance.lifetime_earned,
        next_stars=upcoming[0].stars if upcoming else None,
        points_to_next=upcoming[1] if upcoming else None,
    )
