"""The reward catalogue: rewards with a points price, redeemed from the balance."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from loyalty.domain.errors import InsufficientPoints
from loyalty.domain.errors import LoyaltyError
from loyalty.domain.errors import SettingsError
from loyalty.domain.rules import rewards
from loyalty.domain.settings import Reward
from loyalty.domain.settings import RewardSettings
from loyalty.domain.settings import Settings
from loyalty.domain.settings import settings_from_dict


CATALOGUE = (Reward("coffee", "Free coffee", 150), Reward("cake", "Slice of cake", 400),
             Reward("upgrade", "Large size", 60))


@pytest.fixture
def settings() -> Settings:
    return Settings(rewards=RewardSettings(catalogue=CATALOGUE))


def test_redeeming_a_reward_spends_its_price_and_names_it_in_the_log(engine, till):
    ann = engine.add_customer("Ann")
    engine.record_sale(till.sale(ann.id, 20_000))
    event = engine.claim_reward(ann.id, "coffee")
    assert (event.points, event.balance) == (-150, 50)
    assert engine.history(ann.id)[-1].reason == "Reward: Free coffee"


def test_a_retried_reward_click_redeems_once(engine, till):
    ann = engine.add_customer("Ann")
    engine.record_sale(till.sale(ann.id, 20_000))
    engine.claim_reward(ann.id, "upgrade", key="pay-dialog-1")
    engine.claim_reward(ann.id, "upgrade", key="pay-dialog-1")
    assert engine.balance(ann.id) == 140


def test_a_reward_the_balance_cannot_pay_is_refused(engine, till):
    ann = engine.add_customer("Ann")
    engine.record_sale(till.sale(ann.id, 10_000))
    with pytest.raises(InsufficientPoints):
        engine.claim_reward(ann.id, "cake")
    assert engine.balance(ann.id) == 100


def test_an_unknown_reward_lists_the_known_ones(engine):
    ann = engine.add_customer("Ann")
    with pytest.raises(LoyaltyError, match="coffee, cake, upgrade"):
        engine.claim_reward(ann.id, "pizza")


def test_a_catalogue_with_a_repeated_id_or_free_reward_is_refused():
    with pytest.raises(SettingsError, match="rewards.catalogue: the id 'a' is used twice"):
        settings_from_dict({"rewards": {"catalogue": [
            {"id": "a", "name": "A", "points": 1}, {"id": "a", "name": "B", "points": 2}]}})
    with pytest.raises(SettingsError, match="rewards.catalogue.0.points"):
        settings_from_dict({"rewards": {"catalogue": [{"id": "a", "name": "A", "points": 0}]}})


def test_the_reward_commands_list_and_redeem(engine, till, loyalty_cli):
    ann = engine.add_customer("Ann")
    engine.record_sale(till.sale(ann.id, 20_000))
    listed = loyalty_cli("reward", "list", "--customer", ann.id, "--json").json()
    assert [(r["id"], r["missing"]) for r in listed] == [("upgrade", 0), ("coffee", 0),
                                                         ("cake", 200)]
    refused = loyalty_cli("reward", "redeem", ann.id, "cake")
    assert refused.code == 1 and "has 200 points" in refused.err
    assert loyalty_cli("reward", "redeem", ann.id, "coffee", "--json").json()["balance"] == 50


catalogues = st.lists(st.builds(Reward, id=st.text("abcdef", min_size=1, max_size=4),
                                name=st.just("r"), points=st.integers(1, 1000)),
                      max_size=12, unique_by=lambda r: r.id)


@given(st.integers(0, 1500), catalogues)
def test_within_reach_is_what_the_balance_pays_for_plus_the_next_cheapest(balance, catalogue):
    reach = rewards.within_reach(balance, catalogue)
    affordable = [r for r in catalogue if r.points <= balance]
    beyond = [r for r in catalogue if r.points > balance]
    assert {s.reward.id for s in reach if s.affordable} == {r.id for r in affordable}
    rest = [s for s in reach if not s.affordable]
    assert len(rest) == min(1, len(beyond))
    if rest:
        assert rest[0].reward.points == min(r.points for r in beyond)
        assert rest[0].missing == rest[0].reward.points - balance
