"""Customer self-service: the answers a chatbot or a channel plugin gives."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import attrs
import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

from loyalty.domain.settings import ExpirySettings
from loyalty.domain.settings import MembershipLevel
from loyalty.domain.settings import MembershipSettings
from loyalty.domain.settings import Reward
from loyalty.domain.settings import RewardSettings
from loyalty.domain.settings import Settings
from loyalty.domain.settings import ShopSettings
from loyalty.ledger import schema
from loyalty.services.self_service import INTENTS
from loyalty.services.self_service import ExpiringPoints
from loyalty.services.self_service import RewardInReach
from loyalty.services.self_service import intent_of


@pytest.fixture
def settings() -> Settings:
    return Settings(
        shop=ShopSettings(timezone="UTC"), expiry=ExpirySettings(mode="days", days=30),
        rewards=RewardSettings(catalogue=(Reward("coffee", "Free coffee", 100),
                                          Reward("cake", "Slice of cake", 300))),
    )


PHONE = "+94771234567"
"""Ann's phone as her messages come from it."""


@pytest.fixture
def ann(engine, clock, till):
    ann = engine.add_customer("Ann", phone="+94 77 123 4567")
    engine.record_sale(till.sale(ann.id, 12_000))  # 120 points, last day 2026-02-04
    clock.advance(days=5)
    engine.record_sale(till.sale(ann.id, 3_000))   # 30 points, last day 2026-02-09
    return ann


def test_the_standing_holds_balance_value_tier_rewards_and_expiry(engine, ann):
    s = engine.standing(ann.id)
    assert (s.points, s.value_text, s.stars, s.rating) == (150, "$1.50", 1, "★☆☆☆☆")
    assert (s.next_stars, s.points_to_next) == (2, 350)
    assert s.rewards == [RewardInReach("coffee", "Free coffee", 100, 0),
                         RewardInReach("cake", "Slice of cake", 300, 150)]
    assert s.expiring == [ExpiringPoints(date(2026, 2, 4), 120),
                          ExpiringPoints(date(2026, 2, 9), 30)]


def test_points_past_their_day_are_not_counted_before_expire_runs(engine, clock, ann):
    clock.advance(days=26)  # 2026-02-05: the 120 points are gone, 'loyalty expire' not run
    s = engine.standing(ann.id)
    assert s.points == 30 and s.expiring == [ExpiringPoints(date(2026, 2, 9), 30)]
    assert engine.balance(ann.id) == 30  # the balance shown leaves them out too
    with engine.db.connect() as conn:  # while the ledger still waits for its expire entries
        assert conn.execute(sa.select(schema.balances.c.points)
                            .where(schema.balances.c.customer_id == ann.id)).scalar_one() == 150


@pytest.mark.parametrize(("question", "says"), [
    ("How many points do I have?", "You have 150 points, worth $1.50."),
    ("What can I redeem?",
     "With 150 points you can redeem: Free coffee. "
     "150 more points and you can have Slice of cake."),
    ("When do my points expire?", "120 of your points expire after 2026-02-04."),
    ("What is my level?", "Your rating is ★☆☆☆☆; 350 more points earned bring you to 2 stars."),
])
def test_each_question_gets_its_answer(engine, ann, question, says):
    assert engine.answer(PHONE, question).text == says


def test_a_member_hears_about_the_membership_with_the_rating(engine, ann):
    engine.update_settings(attrs.evolve(engine.settings, memberships=MembershipSettings(
        levels=(MembershipLevel("silver", "Silver", 100, Decimal(5)),))))
    engine.refresh_memberships()
    assert engine.answer(PHONE, "my level?").text.endswith(
        "You are a Silver member until 2027-01-10: 5% off.")


def test_one_star_is_said_in_the_singular(engine, till):
    bob = engine.add_customer("Bob", phone="+92 300 1234567")
    engine.record_sale(till.sale(bob.id, 1_000))
    assert engine.answer("+923001234567", "rating").text.endswith("bring you to 1 star.")


def test_a_question_without_keywords_gets_a_summary(engine, ann):
    reply = engine.answer(PHONE, "hello")
    assert reply.intent == "summary"
    assert reply.text.startswith("You have 150 points") and "expire after" in reply.text


def test_the_ask_command_answers_in_json(ann, loyalty_cli):
    data = loyalty_cli("ask", "0771234567", "how", "many", "points?", "--json").json()
    assert data["intent"] == "balance"
    # The command runs on today's date, long after January's points expired.
    assert data["standing"]["points"] == 0 and data["text"] == "You have 0 points, worth $0.00."


@pytest.mark.parametrize("sender", ["0771234567", "94771234567", "+94 (77) 123-4567"])
def test_the_asker_is_known_by_the_number_in_any_format(engine, ann, sender):
    assert engine.answer(sender, "points").standing.customer_id == ann.id


def test_the_asker_is_known_by_their_messaging_key(engine, ann):
    engine.update_customer(ann.id, platform="telegram", messaging_key="@ann_perera")
    assert engine.answer("@ann_perera", "points").standing.customer_id == ann.id


@pytest.mark.parametrize("sender", ["+94771234568", "", "1234567", "@someone"])
def test_an_unknown_sender_is_answered_nothing(engine, ann, sender):
    assert engine.answer(sender, "points") is None


def test_a_number_two_customers_share_is_answered_nothing(engine, ann):
    engine.add_customer("Ann's brother", phone="0771234567")
    assert engine.answer(PHONE, "points") is None


def test_a_removed_customer_is_answered_nothing(engine, ann):
    engine.remove_customer(ann.id)
    assert engine.answer(PHONE, "points") is None


def test_asking_from_an_unknown_number_on_the_command_line_answers_nothing(ann, loyalty_cli):
    result = loyalty_cli("ask", "+15550000000", "points")
    assert result.code == 1 and result.out == ""
    assert "nothing is answered" in result.err


@given(st.sampled_from(sorted(INTENTS)), st.text(max_size=20), st.text(max_size=20))
def test_a_question_with_an_intents_word_gets_that_intent_or_an_earlier_one(intent, pre, post):
    word = INTENTS[intent][0]
    found = intent_of(f"{pre} {word} {post}")
    order = list(INTENTS)
    assert found in order and order.index(found) <= order.index(intent)
