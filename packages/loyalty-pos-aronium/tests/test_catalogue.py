"""The products and groups of pos.db by name, for choosing product points in the window."""

from __future__ import annotations

import pytest

from loyalty.domain.errors import LoyaltyError
from loyalty.plugins.manager import Plugins
from loyalty_pos_aronium.testing import GROUPS
from loyalty_pos_aronium.testing import PRODUCTS


def test_the_catalogue_lists_products_and_groups_by_name(settings, aronium):
    catalogue = Plugins().pos_adapter("aronium").catalogue(settings)
    assert [item.name for item in catalogue.groups] == sorted(name for _, name in GROUPS)
    assert {(item.id, item.name) for item in catalogue.products} == \
        {(str(pid), name) for pid, _, name, _ in PRODUCTS}
    names = [item.name for item in catalogue.products]
    assert names == sorted(names, key=str.lower)


def test_the_catalogue_leaves_pos_db_unchanged(settings, aronium):
    before = aronium.path.read_bytes()
    Plugins().pos_adapter("aronium").catalogue(settings)
    assert aronium.path.read_bytes() == before


def test_without_a_database_the_catalogue_says_to_choose_one(settings):
    from loyalty.domain.settings import with_setting

    with pytest.raises(LoyaltyError, match="pos.database"):
        Plugins().pos_adapter("aronium").catalogue(with_setting(settings, "pos.database", None))
