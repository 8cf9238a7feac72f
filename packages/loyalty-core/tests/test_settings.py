"""Settings: the defaults are valid, every bad value is refused naming its dotted field, and what
is saved (TOML or JSON) loads back the same."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from loyalty.domain.errors import SettingsError
from loyalty.domain.settings import Settings
from loyalty.domain.settings import Tier
from loyalty.domain.settings import get_setting
from loyalty.domain.settings import load_settings
from loyalty.domain.settings import parse_value
from loyalty.domain.settings import save_settings
from loyalty.domain.settings import settings_from_dict
from loyalty.domain.settings import settings_to_dict
from loyalty.domain.settings import with_setting


def test_the_defaults_are_valid_and_survive_a_round_trip_through_plain_data():
    assert settings_from_dict(settings_to_dict(Settings())) == Settings()


def test_a_missing_settings_file_gives_the_defaults(tmp_path):
    assert load_settings(tmp_path / "nowhere.toml") == Settings()


@pytest.mark.parametrize(("key", "value", "field", "words"), [
    ("earning.points_per_unit", -1, "earning.points_per_unit", "must not be negative"),
    ("earning.payment_threshold", "abc", "earning.payment_threshold", "expected a number"),
    ("earning.payment_threshold", True, "earning.payment_threshold", "expected a number"),
    ("earning.product_points", {"P1": -3}, "earning.product_points.P1", "must not be negative"),
    ("tiers", [{"stars": 1, "threshold": 100}, {"stars": 2, "threshold": 50}], "tiers",
     "thresholds must increase"),
    ("tiers", [{"stars": 2, "threshold": 100}, {"stars": 1, "threshold": 500}], "tiers",
     "star levels must increase"),
    ("tiers", [{"stars": 1, "threshold": -1}], "tiers.0.threshold", "must not be negative"),
    ("tiers", [{"stars": 1, "threshold": 1}, {"stars": 2, "threshold": "x"}],
     "tiers.1.threshold", "expected a whole number"),
    ("shop.currency", "usd", "shop.currency", "three-letter ISO code"),
    ("shop.timezone", "Mars/Base", "shop.timezone", "IANA time zone"),
    ("redemption.points_per_unit", 0, "redemption.points_per_unit", "greater than zero"),
    ("redemption.minimum_balance", -5, "redemption.minimum_balance", "must not be negative"),
    ("expiry.mode", "weekly", "expiry.mode", "must be one of never"),
    ("expiry.days", 0, "expiry.days", "greater than zero"),
    ("draw.time", "25:00", "draw.time", "a time like 18:00"),
    ("draw.days", ["funday"], "draw.days", "'funday' is not a day"),
    ("appearance.theme", "Pink", "appearance.theme", "must be one of Light"),
    ("notifications.enabled", "maybe", "notifications.enabled", "expected true or false"),
])
def test_a_bad_value_is_refused_naming_its_dotted_field(key, value, field, words):
    with pytest.raises(SettingsError) as refused:
        with_setting(Settings(), key, value)
    assert refused.value.field == field
    assert str(refused.value).startswith(f"{field}: ")
    assert words in str(refused.value)


def test_an_unknown_key_is_refused_with_the_known_ones_as_a_hint():
    with pytest.raises(SettingsError) as refused:
        settings_from_dict({"earning": {"points_per_unit": 1, "pionts_per_unit": 2}})
    assert refused.value.field == "earning.pionts_per_unit"
    assert "earning.points_per_unit" in refused.value.hint


def test_an_unknown_key_inside_a_tier_is_refused_too():
    with pytest.raises(SettingsError) as refused:
        settings_from_dict({"tiers": [{"stars": 1, "threshold": 10, "bonus": 3}]})
    assert refused.value.field == "tiers.0.bonus"
    assert "tiers.0.points_to_add" in refused.value.hint


def test_setting_an_unknown_key_is_refused():
    with pytest.raises(SettingsError, match="earning.nope: is not a setting"):
        with_setting(Settings(), "earning.nope", 1)
    with pytest.raises(SettingsError, match="shop.currency.x: is not a setting"):
        get_setting(Settings(), "shop.currency.x")


def test_plugins_keep_free_tables_of_their_own_options():
    updated = with_setting(Settings(), "plugins.callmebot.delay_seconds", 3)
    assert get_setting(updated, "plugins.callmebot.delay_seconds") == 3


@pytest.mark.parametrize("template", ["Hi {customer_nmae}", "{customer.__class__}",
                                      "{balance:>10}", "{balance!r}", "a { stray"])
def test_a_template_with_an_unknown_or_unsafe_placeholder_is_refused(template):
    with pytest.raises(SettingsError) as refused:
        with_setting(Settings(), "notifications.templates.points_earned", template)
    assert refused.value.field == "notifications.templates.points_earned"


def test_a_template_refusal_lists_the_valid_placeholders():
    with pytest.raises(SettingsError, match=r"unknown placeholder \{prize_points\}; valid .*"
                                            r"\{points_earned\}"):
        with_setting(Settings(), "notifications.templates.points_earned", "{prize_points}")


def test_values_typed_on_the_command_line_are_json_when_they_parse():
    assert parse_value("12.5") == 12.5
    assert parse_value("[1, 2]") == [1, 2]
    assert parse_value("Asia/Colombo") == "Asia/Colombo"


def test_a_float_typed_value_becomes_an_exact_decimal():
    updated = with_setting(Settings(), "earning.points_per_unit", parse_value("0.1"))
    assert updated.earning.points_per_unit == Decimal("0.1")


def test_a_corrupt_settings_file_is_refused_naming_the_file(tmp_path):
    path = tmp_path / "settings.toml"
    path.write_text("earning = [", encoding="utf-8")
    with pytest.raises(SettingsError, match="is not valid TOML"):
        load_settings(path)


varied_settings = st.builds(
    lambda rate, threshold, currency, zone, thresholds, template, mode: with_setting(
        with_setting(with_setting(with_setting(with_setting(with_setting(with_setting(
            Settings(), "earning.points_per_unit", str(rate)),
            "earning.payment_threshold", str(threshold)),
            "shop.currency", currency),
            "shop.timezone", zone),
            "tiers", [{"stars": i + 1, "threshold": t, "points_to_add": i}
                      for i, t in enumerate(thresholds)]),
            "notifications.templates.tier_raised", template),
            "expiry.mode", mode),
    st.decimals(min_value=0, max_value=1000, places=3),
    st.decimals(min_value=0, max_value=1000, places=2),
    st.sampled_from(["USD", "LKR", "NGN", "JPY"]),
    st.sampled_from(["Asia/Colombo", "Asia/Karachi", "Africa/Lagos", "Asia/Kathmandu"]),
    st.lists(st.integers(0, 10**6), unique=True, max_size=6).map(sorted),
    st.text(alphabet=st.characters(blacklist_characters="{}"), max_size=40)
    .map(lambda t: t + " {customer_name} ★"),
    st.sampled_from(["never", "days", "end_of_month", "end_of_year"]),
)


@hypothesis_settings(max_examples=40)
@given(original=varied_settings, suffix=st.sampled_from([".toml", ".json"]))
def test_saved_settings_load_back_the_same(tmp_path_factory, original, suffix):
    path = tmp_path_factory.mktemp("settings") / f"settings{suffix}"
    save_settings(original, path)
    assert load_settings(path) == original


def test_a_json_settings_file_is_plain_json_with_decimals_as_text(tmp_path):
    path = tmp_path / "settings.json"
    save_settings(with_setting(Settings(), "earning.points_per_unit", "0.5"), path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["earning"]["points_per_unit"] == "0.5"
    assert data["tiers"][0] == {"stars": 1, "threshold": 100, "points_to_add": 0}


def test_tiers_can_be_set_as_attrs_records():
    tiers = (Tier(1, 10), Tier(3, 20, 4))
    assert Settings(tiers=tiers).tiers == tiers


def test_a_misspelt_key_is_refused_on_the_first_load_of_a_fresh_process(tmp_path):
    """Field types are strings until resolved; the first load must still see nested sections."""
    path = tmp_path / "settings.toml"
    path.write_text("[earning]\npionts_per_unit = 5\n", encoding="utf-8")
    code = ("import sys\nfrom loyalty.domain.settings import load_settings\n"
            "from loyalty.domain.errors import SettingsError\n"
            f"try:\n    load_settings({str(path)!r})\nexcept SettingsError as e:\n"
            "    print(e.field)\nelse:\n    print('accepted')\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60)
    assert result.stdout.strip() == "earning.pionts_per_unit", result.stderr
