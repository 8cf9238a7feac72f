"""The settings sections of campaigns, rewards, coupons and memberships: saved, loaded, checked."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from loyalty.domain.errors import SettingsError
from loyalty.domain.settings import ActionPoints
from loyalty.domain.settings import CampaignSettings
from loyalty.domain.settings import ComebackBonus
from loyalty.domain.settings import CouponSettings
from loyalty.domain.settings import MembershipLevel
from loyalty.domain.settings import MembershipSettings
from loyalty.domain.settings import Multiplier
from loyalty.domain.settings import Reward
from loyalty.domain.settings import RewardSettings
from loyalty.domain.settings import Settings
from loyalty.domain.settings import load_settings
from loyalty.domain.settings import save_settings
from loyalty.domain.settings import settings_from_dict
from loyalty.domain.settings import with_setting


FULL = Settings(
    campaigns=CampaignSettings(
        multipliers=(Multiplier(id="xmas", factor=Decimal("1.5"), days=("saturday",),
                                start="10:00", end="24:00", from_date=date(2026, 12, 1),
                                to_date=date(2026, 12, 24)),),
        comeback=ComebackBonus(points=100, inactive_days=45),
        actions=ActionPoints(register=10, birthday=20, anniversary=30),
    ),
    rewards=RewardSettings(catalogue=(Reward("tea", "Tea", 50, "a cup"),)),
    coupons=CouponSettings(enabled=True, points_per_unit=Decimal(80), minimum_points=100,
                           valid_days=0),
    memberships=MembershipSettings(levels=(
        MembershipLevel("gold", "Gold", 1000, Decimal("7.5"), categories=("c1",),
                        products=("p9",), valid_days=180),), window_days=120),
)


@pytest.mark.parametrize("suffix", [".toml", ".json"])
def test_the_new_sections_survive_saving_and_loading(tmp_path, suffix):
    path = tmp_path / f"settings{suffix}"
    save_settings(FULL, path)
    assert load_settings(path) == FULL


@pytest.mark.parametrize(("data", "path"), [
    ({"campaigns": {"multipliers": [{"id": "a", "factor": 2, "strat": "14:00"}]}},
     "campaigns.multipliers.0.strat"),
    ({"rewards": {"catalogue": [{"id": "a", "name": "A", "points": 1, "cost": 2}]}},
     "rewards.catalogue.0.cost"),
    ({"coupons": {"minimum": 5}}, "coupons.minimum"),
    ({"memberships": {"levels": [{"id": "g", "name": "G", "threshold": 1, "discount": 5}]}},
     "memberships.levels.0.discount"),
])
def test_a_misspelt_key_in_a_section_or_a_list_of_tables_is_named(data, path):
    with pytest.raises(SettingsError, match=f"^{path}: is not a setting"):
        settings_from_dict(data)


def test_a_setting_of_a_new_section_can_be_set_by_its_dotted_path():
    changed = with_setting(Settings(), "campaigns.comeback.points", 25)
    assert changed.campaigns.comeback.points == 25
    with pytest.raises(SettingsError, match="coupons.valid_days: must not be negative"):
        with_setting(Settings(), "coupons.valid_days", -1)


def test_a_multiplier_window_must_make_sense():
    with pytest.raises(SettingsError, match="campaigns.multipliers.0.end: must be after"):
        settings_from_dict({"campaigns": {"multipliers": [
            {"id": "a", "factor": 2, "start": "16:00", "end": "14:00"}]}})
    with pytest.raises(SettingsError, match="campaigns.multipliers.0.days"):
        settings_from_dict({"campaigns": {"multipliers": [
            {"id": "a", "factor": 2, "days": ["funday"]}]}})
