"""The customer list sorted by a column, a page at a time, and the count of customers."""

from __future__ import annotations

import pytest

from loyalty.domain.errors import LoyaltyError


@pytest.fixture
def shop(engine, till):
    for name, total in (("carol", 500), ("Ann", 30_000), ("bob", 30_000), ("Dan", 0)):
        customer = engine.add_customer(name)
        if total:
            engine.record_sale(till.sale(customer.id, total))
    engine.remove_customer(engine.add_customer("Gone").id)
    return engine


def names(views) -> list[str]:
    return [v.customer.name for v in views]


def test_customers_sort_by_points_with_ties_by_id_a_page_at_a_time(shop):
    assert names(shop.accounts(sort="points", descending=True)) == ["bob", "Ann", "carol", "Dan"]
    assert names(shop.accounts(sort="points", limit=2, offset=1)) == ["carol", "Ann"]
    assert names(shop.accounts(sort="name")) == ["Ann", "bob", "carol", "Dan"]
    assert names(shop.accounts(sort="stars")) == ["carol", "Dan", "Ann", "bob"]


def test_a_search_s_matches_sort_too(shop):
    assert names(shop.accounts("a", sort="points", descending=True)) == ["Ann", "carol", "Dan"]
    assert names(shop.accounts("a", sort="name", limit=1, offset=1)) == ["carol"]


def test_the_count_leaves_removed_customers_out(shop):
    assert shop.customer_count() == 4


def test_an_unknown_sort_column_is_refused(shop):
    with pytest.raises(LoyaltyError, match="cannot be sorted by 'phone'"):
        shop.accounts(sort="phone")
