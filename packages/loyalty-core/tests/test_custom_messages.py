"""Custom messages: the shop writes one text for one customer or a segment, previews how many it
reaches and how it reads, and queues it once in the outbox, however often Send is pressed."""

from __future__ import annotations

from datetime import date
from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from loyalty.domain.errors import LoyaltyError
from loyalty.domain.rules import audiences
from loyalty.domain.rules.audiences import ANY_LEVEL
from loyalty.domain.rules.audiences import Audience
from loyalty.domain.rules.audiences import Candidate
from loyalty.domain.rules.memberships import Held
from loyalty.domain.settings import MembershipLevel
from loyalty.domain.settings import MembershipSettings
from loyalty.domain.settings import Settings
from loyalty.engine import Engine
from loyalty.ledger import outbox
from loyalty.plugins.manager import Plugins
from loyalty.testing.notifications import ChannelPlugin
from loyalty.testing.notifications import RecordingChannel


TODAY = date(2026, 3, 1)
LEVELS = (MembershipLevel(id="silver", name="Silver", threshold=100),
          MembershipLevel(id="gold", name="Gold", threshold=1000))


# ---- the segment rule, pure ---------------------------------------------------------------

candidates = st.builds(
    Candidate,
    customer_id=st.integers(1, 10**6),
    stars=st.integers(0, 5),
    last_sale=st.none() | st.dates(date(2025, 1, 1), TODAY),
    memberships=st.lists(st.builds(
        lambda level, start, days: Held(level, start, start + timedelta(days=days)),
        st.sampled_from(["silver", "gold"]), st.dates(date(2025, 6, 1), TODAY),
        st.integers(0, 400)), max_size=2).map(tuple),
)
segments = st.builds(
    Audience, inactive_days=st.none() | st.integers(1, 400),
    min_stars=st.none() | st.integers(0, 5), stars=st.none() | st.integers(0, 5),
    membership=st.none() | st.sampled_from([ANY_LEVEL, "silver", "gold"]),
)


@given(segment=segments, people=st.lists(candidates, max_size=20))
def test_a_segment_is_everyone_who_meets_each_of_its_conditions(segment, people):
    """Conditions combine with 'and': the segment is the intersection of one-condition ones."""
    chosen = set(audiences.select(segment, people, TODAY, LEVELS))
    alone = [Audience(inactive_days=segment.inactive_days), Audience(stars=segment.stars),
             Audience(min_stars=segment.min_stars), Audience(membership=segment.membership)]
    expected = set(c.customer_id for c in people)
    for one in alone:
        expected &= set(audiences.select(one, people, TODAY, LEVELS))
    assert chosen == expected


@given(days=st.integers(1, 400), last=st.none() | st.dates(date(2024, 1, 1), TODAY))
def test_inactive_means_no_sale_in_the_last_n_days(days, last):
    reached = audiences.select(Audience(inactive_days=days), [Candidate(1, 0, last)], TODAY, ())
    assert bool(reached) == (last is None or (TODAY - last).days >= days)


def test_a_lapsed_membership_is_not_a_member():
    lapsed = Candidate(1, 0, None, (Held("gold", date(2025, 1, 1), date(2026, 2, 28)),))
    running = Candidate(2, 0, None, (Held("silver", date(2026, 1, 1), date(2026, 12, 31)),))
    assert audiences.select(Audience(membership=ANY_LEVEL), [lapsed, running], TODAY,
                            LEVELS) == [2]
    assert audiences.select(Audience(membership="gold"), [lapsed, running], TODAY,
                            LEVELS) == []


# ---- on a real ledger ---------------------------------------------------------------------

@pytest.fixture
def inbox() -> RecordingChannel:
    return RecordingChannel()


@pytest.fixture
def plugins(inbox: RecordingChannel) -> Plugins:
    return Plugins(load_installed=False, extra=[ChannelPlugin([inbox])])


@pytest.fixture
def settings() -> Settings:
    return Settings(memberships=MembershipSettings(levels=LEVELS))


@pytest.fixture
def shop(engine: Engine, till, clock) -> dict[str, int]:
    """Ann bought today (2 stars), Bo 90 days ago (1 star), Cy never; Dee takes no messages."""
    ids = {name: engine.add_customer(name, platform="inbox", messaging_key=f"k-{name}").id
           for name in ("Ann", "Bo", "Cy")}
    ids["Dee"] = engine.add_customer("Dee").id
    engine.record_sale(till.sale(ids["Bo"], 10_000))
    engine.record_sale(till.sale(ids["Dee"], 10_000))
    clock.advance(days=90)
    engine.record_sale(till.sale(ids["Ann"], 50_000))
    return ids


def queued(engine: Engine) -> list[outbox.OutboxMessage]:
    return [m for m in engine.messages(None) if m.template == "custom"]


TEXT = "Hi {customer_name}, you have {balance} points ({rating}) at {shop_name}. Come back!"


def test_the_preview_counts_the_recipients_and_renders_the_first(engine, shop):
    preview = engine.preview_message(Audience(), TEXT)
    assert (preview.recipients, preview.problem) == (3, None)
    assert preview.sample_name == "Ann"
    assert preview.sample_text == "Hi Ann, you have 500 points (★★☆☆☆) at My Shop. Come back!"
    assert queued(engine) == []


def test_a_segment_reaches_only_its_customers_who_take_messages(engine, shop):
    inactive = engine.preview_message(Audience(inactive_days=60), TEXT)
    assert inactive.recipients == 2  # Bo and Cy; Dee is inactive too but takes no messages
    assert inactive.sample_name == "Bo"
    assert engine.preview_message(Audience(min_stars=1), TEXT).recipients == 2
    assert engine.preview_message(Audience(stars=1), TEXT).sample_name == "Bo"
    both = engine.preview_message(Audience(inactive_days=60, min_stars=1), TEXT)
    assert (both.recipients, both.description) == (
        1, "everyone who takes messages with no sale in 60 days and at least 1 star")


def test_members_are_those_with_a_running_membership(engine, shop):
    assert engine.preview_message(Audience(membership=ANY_LEVEL), TEXT).recipients == 0
    engine.refresh_memberships()  # Ann earned 500 (silver), Bo 100 (silver)
    assert engine.preview_message(Audience(membership=ANY_LEVEL), TEXT).recipients == 2
    assert engine.preview_message(Audience(membership="gold"), TEXT).recipients == 0
    with pytest.raises(LoyaltyError, match="No membership level 'platinum'"):
        engine.preview_message(Audience(membership="platinum"), TEXT)


def test_sending_queues_one_rendered_message_per_recipient(engine, shop, inbox):
    sent = engine.send_custom_message(Audience(inactive_days=60), TEXT, key="k1")
    assert (sent.recipients, sent.queued) == (2, 2)
    assert sorted(m.text for m in queued(engine)) == [
        "Hi Bo, you have 100 points (★☆☆☆☆) at My Shop. Come back!",
        "Hi Cy, you have 0 points (☆☆☆☆☆) at My Shop. Come back!",
    ]
    engine.dispatcher().run_once()
    assert [t for t in inbox.texts() if t.endswith("Come back!")] == [
        m.text for m in queued(engine)]


def test_sending_twice_with_one_key_queues_once(engine, shop):
    """A double click on Send, or the same command run twice, queues nothing more."""
    first = engine.send_custom_message(Audience(), TEXT, key="dialog-1")
    again = engine.send_custom_message(Audience(), TEXT, key="dialog-1")
    assert (first.queued, again.queued, again.already_queued) == (3, 0, 3)
    assert "had it queued already" in again.summary()
    assert len(queued(engine)) == 3


def test_without_a_key_the_same_text_to_the_same_customers_is_sent_once_a_day(engine, shop,
                                                                              clock):
    engine.send_custom_message(Audience(customer_id=shop["Ann"]), TEXT)
    assert engine.send_custom_message(Audience(customer_id=shop["Ann"]), TEXT).queued == 0
    assert engine.send_custom_message(Audience(customer_id=shop["Ann"]), TEXT + "!").queued == 1
    clock.advance(days=1)
    assert engine.send_custom_message(Audience(customer_id=shop["Ann"]), TEXT).queued == 1


def test_a_customer_who_takes_no_messages_is_told_at_once_and_nothing_is_queued(engine, shop):
    preview = engine.preview_message(Audience(customer_id=shop["Dee"]), TEXT)
    assert preview.recipients == 0
    assert preview.problem == ("Dee takes no messages: give them a platform (WhatsApp, "
                               "Messenger...) and their key first.")
    with pytest.raises(LoyaltyError, match="Nothing sent. Dee takes no messages"):
        engine.send_custom_message(Audience(customer_id=shop["Dee"]), TEXT)
    assert queued(engine) == []


def test_a_removed_customer_gets_no_custom_message(engine, shop):
    engine.remove_customer(shop["Cy"])
    assert engine.preview_message(Audience(), TEXT).recipients == 2
    assert "was removed" in engine.preview_message(Audience(customer_id=shop["Cy"]),
                                                   TEXT).problem


@pytest.mark.parametrize(("text", "says"), [
    ("  ", "The message is empty."),
    ("Hi {name}", "unknown placeholder {name}; valid ones are {customer_name}"),
    ("Hi {customer_name.__class__}", "is not a plain placeholder"),
])
def test_a_bad_text_is_named_in_the_preview_and_refused_on_send(engine, shop, text, says):
    assert says in engine.preview_message(Audience(), text).problem
    with pytest.raises(LoyaltyError, match="The message"):
        engine.send_custom_message(Audience(), text)
    assert queued(engine) == []


def test_one_customer_and_a_segment_at_once_is_refused(engine, shop):
    with pytest.raises(LoyaltyError, match="One customer or a segment, not both"):
        engine.preview_message(Audience(customer_id=shop["Ann"], min_stars=1), TEXT)
    with pytest.raises(LoyaltyError, match="9 stars is not a star level"):
        engine.preview_message(Audience(min_stars=9), TEXT)


def test_with_notifications_off_nothing_is_queued(engine, shop):
    from loyalty.domain.settings import with_setting

    engine.update_settings(with_setting(engine.settings, "notifications.enabled", "false"))
    assert "Notifications are off" in engine.preview_message(Audience(), TEXT).problem
    with pytest.raises(LoyaltyError, match="Notifications are off"):
        engine.send_custom_message(Audience(), TEXT)


# ---- the command line ---------------------------------------------------------------------

def test_loyalty_message_previews_then_sends_once(loyalty_cli, engine, shop):
    preview = loyalty_cli("message", "preview", "--min-stars", "1", "Hi {customer_name}")
    assert preview.code == 0, preview.err
    assert preview.out.splitlines() == [
        "To everyone who takes messages with at least 1 star: 2 recipients.",
        "Ann will read:", "  Hi Ann"]
    assert queued(engine) == []
    sent = loyalty_cli("message", "send", "--min-stars", "1", "Hi {customer_name}")
    assert sent.out.strip() == ("Queued 2 messages to everyone who takes messages with at "
                                "least 1 star.")
    again = loyalty_cli("message", "send", "--min-stars", "1", "Hi {customer_name}", "--json")
    assert (again.json()["queued"], again.json()["already_queued"]) == (0, 2)
    assert len(queued(engine)) == 2


def test_loyalty_message_without_recipients_says_who_to_name(loyalty_cli, engine, shop):
    result = loyalty_cli("message", "send", "Hi")
    assert result.code != 0
    assert "Say who the message is for" in result.err and "--to ID" in result.err
    one = loyalty_cli("message", "send", "--to", shop["Ann"], "Hi {customer_name}")
    assert one.out.strip() == f"Queued 1 message to customer {shop['Ann']}."


def test_loyalty_message_options_name_the_audience():
    from loyalty.cli.message import make_audience

    def options(**given):
        return {"customer_id": None, "everyone": False, "inactive_days": None, "stars": None,
                "min_stars": None, "members": False, "level": None, **given}

    assert make_audience(**options(members=True)) == Audience(membership=ANY_LEVEL)
    assert make_audience(**options(level="silver", stars=1)) == Audience(
        membership="silver", stars=1)
    assert make_audience(**options(everyone=True)) == Audience()
    assert make_audience(**options(customer_id=4)) == Audience(customer_id=4)


def test_loyalty_message_refuses_an_unknown_level(loyalty_cli, engine, shop):
    unknown = loyalty_cli("message", "send", "--level", "platinum", "Hi")
    assert unknown.code != 0 and "No membership level 'platinum'" in unknown.err
    assert queued(engine) == []
