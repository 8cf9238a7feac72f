"""The tier review: stars fall to the level the last months' points reach, never rise by it,
and earning raises them again only as far as those months' points reach."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from loyalty.domain.rules import tiers
from loyalty.domain.settings import DEFAULT_TIERS
from loyalty.domain.settings import Settings
from loyalty.domain.settings import ShopSettings
from loyalty.domain.settings import Tier
from loyalty.domain.settings import TierReview
from loyalty.domain.statements import kind_title
from loyalty.engine import Engine
from loyalty.ledger import balances
from loyalty.ledger import schema
from loyalty.plugins.manager import Plugins
from loyalty.services.tier_review import review_tiers
from loyalty.testing.notifications import ChannelPlugin
from loyalty.testing.notifications import RecordingChannel
from loyalty.testing.plugin import FakeClock
from loyalty.testing.plugin import Till
from loyalty.testing.plugin import assert_ledger_consistent


@st.composite
def tier_lists(draw):
    count = draw(st.integers(0, 6))
    thresholds = sorted(draw(st.sets(st.integers(0, 10_000), min_size=count, max_size=count)))
    return tuple(Tier(stars=i + 1, threshold=t) for i, t in enumerate(thresholds))


@pytest.fixture
def settings() -> Settings:
    return Settings(shop=ShopSettings(timezone="UTC"), tier_review=TierReview(enabled=True,
                                                                              months=12))


@pytest.fixture
def plugins() -> Plugins:
    return Plugins(load_installed=False, extra=[ChannelPlugin([RecordingChannel()])])


def review_runs(engine):
    return [run for run in engine.run_due_jobs() if run.job == "tier_review"]


# ---- the rule ------------------------------------------------------------------------------

@given(tier_lists(), st.integers(0, 7), st.integers(0, 20_000))
def test_a_review_never_raises_stars(levels, current, recent):
    assert tiers.reviewed_stars(current, recent, levels) <= current


@given(tier_lists(), st.integers(0, 7), st.integers(0, 20_000))
def test_a_review_is_idempotent(levels, current, recent):
    once = tiers.reviewed_stars(current, recent, levels)
    assert tiers.reviewed_stars(once, recent, levels) == once


@given(tier_lists(), st.integers(0, 7), st.integers(0, 20_000))
def test_a_review_respects_the_thresholds(levels, current, recent):
    kept = tiers.reviewed_stars(current, recent, levels)
    if kept < current:  # fell: to the level the recent points reach, not lower
        assert kept == tiers.stars_for(recent, levels)
        assert all(recent < t.threshold for t in levels if t.stars > kept)
        assert kept == 0 or recent >= tiers.tier_at(kept, levels).threshold


@given(tier_lists(), st.integers(0, 20_000), st.integers(0, 20_000))
def test_the_next_stars_in_a_review_count_the_fewer_points_from_the_stars_held(
        levels, recent, lifetime):
    held = tiers.stars_for(min(recent, lifetime), levels)
    upcoming = tiers.next_tier_in_review(held, recent, lifetime, levels)
    if recent >= lifetime:  # nothing fell out of the months: as without the review
        assert upcoming == tiers.next_tier(lifetime, levels)
    if upcoming is not None:
        level, needed = upcoming
        assert level.stars > held
        assert tiers.stars_for(min(recent, lifetime) + needed, levels) >= level.stars


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)), st.integers(1, 1200))
def test_the_review_window_is_the_months_up_to_today(today, months):
    first = tiers.review_window_start(today, months)
    assert first <= today
    assert 28 * months <= (today - first).days + 1 <= 31 * months + 1


# ---- the job ---------------------------------------------------------------------------------

def test_stars_fall_when_the_last_months_points_no_longer_reach_them(engine, clock, till):
    ann = engine.add_customer("Ann", platform="inbox", messaging_key="k-ann")
    engine.record_sale(till.sale(ann.id, 300_000))  # 3000 points: 4 stars
    assert engine.account(ann.id).stars == 4
    clock.advance(days=200)
    engine.record_sale(till.sale(ann.id, 60_000))  # 600 points and 20 for 4 stars, within 12 months
    (run,) = review_runs(engine)
    assert run.result == "No customer's stars fell."
    clock.advance(days=200)  # the 3000 points are now more than 12 months old
    (run,) = review_runs(engine)
    assert run.result == f"Lowered the stars of 1 customers: customer {ann.id} 4→2."
    assert engine.account(ann.id).stars == 2
    lowered = [m for m in engine.messages() if m.template == "tier_lowered"]
    assert len(lowered) == 1 and "620 points in the last 12 months" in lowered[0].text
    assert engine.run_job("tier_review").result == "No customer's stars fell."  # idempotent


def test_a_fall_is_an_entry_of_the_points_log_that_moves_no_points(engine, clock, till,
                                                                   loyalty_cli):
    ann = engine.add_customer("Ann")
    engine.record_sale(till.sale(ann.id, 300_000))  # 3000 points: 4 stars
    clock.advance(days=200)
    engine.record_sale(till.sale(ann.id, 60_000))  # 600 points and 20 for 4 stars
    before = engine.account(ann.id)
    active = engine.read(lambda conn: balances.get_balance(conn, ann.id)).last_activity_at
    clock.advance(days=200)
    review_runs(engine)

    fall = engine.history(ann.id)[-1]
    assert (fall.kind, fall.points, fall.source_type, fall.actor) == (
        "tier_lowered", 0, "tier_review", "system")
    assert fall.reason == "Stars lowered from 4 to 2: 620 points in the last 12 months."
    assert fall.business_date == clock.now.date()
    after = engine.account(ann.id)
    assert (after.points, after.lifetime_earned, after.stars) == (
        before.points, before.lifetime_earned, 2)
    # Nothing Ann did: her last activity stays, after a rebuild too, and so do her stars.
    assert engine.read(lambda conn: balances.get_balance(conn, ann.id)).last_activity_at == active
    assert_ledger_consistent(engine)
    assert engine.read(lambda conn: balances.get_balance(conn, ann.id)).last_activity_at == active
    assert engine.account(ann.id).stars == 2
    assert kind_title(fall.kind) == "Stars lowered"
    assert engine.statement(ann.id).lines[-1].description == fall.reason
    assert fall.business_date not in [f.start for f in engine.report(period="day").flows]
    (logged,) = [e for e in loyalty_cli("history", ann.id, "--json").json()
                 if e["kind"] == "tier_lowered"]
    assert (logged["points"], logged["reason"]) == (0, fall.reason)


def test_the_same_fall_twice_in_a_day_is_logged_twice(engine, clock, till):
    ann = engine.add_customer("Ann")
    engine.record_sale(till.sale(ann.id, 300_000))
    clock.advance(days=400)
    review_runs(engine)  # 4 stars to 0
    sale = till.sale(ann.id, 300_000)
    engine.record_sale(sale)  # back to 4 stars the same day ...
    engine.refund(till.refund(sale.document_id, 300_000))  # ... and the sale taken back
    assert engine.run_job("tier_review").result.startswith("Lowered the stars of 1 customers")
    falls = [e for e in engine.history(ann.id) if e.kind == "tier_lowered"]
    day = clock.now.date().isoformat()
    assert [e.idempotency_key for e in falls] == [f"tier-review/{ann.id}/{day}/4-0",
                                                  f"tier-review/{ann.id}/{day}/4-0/2"]
    assert engine.account(ann.id).stars == 0
    assert_ledger_consistent(engine)


def test_only_a_fall_of_stars_may_move_no_points(engine):
    from loyalty.domain.events import stable_id

    ann = engine.add_customer("Ann")
    entry = dict(customer_id=ann.id, points=0, tier_points=0, occurred_at=engine.clock(),
                 business_date=engine.clock().date(), recorded_at=engine.clock(),
                 source_type="test", actor="test", shop_id="main", till_id="till-1",
                 event_id=stable_id("x"))
    for kind, points, allowed in (("tier_lowered", 0, True), ("adjust", 0, False),
                                  ("tier_lowered", 5, False)):
        row = {**entry, "kind": kind, "points": points, "idempotency_key": f"{kind}/{points}"}
        if allowed:
            with engine.db.begin() as conn:
                conn.execute(schema.ledger_entries.insert(), row)
        else:
            with pytest.raises(sa.exc.IntegrityError), engine.db.begin() as conn:
                conn.execute(schema.ledger_entries.insert(), row)


def test_earning_raises_lowered_stars_only_as_far_as_the_months_points_reach(
        engine, clock, till):
    ann = engine.add_customer("Ann")
    engine.record_sale(till.sale(ann.id, 300_000))
    clock.advance(days=400)
    review_runs(engine)
    assert engine.account(ann.id).stars == 0
    engine.record_sale(till.sale(ann.id, 60_000))  # 600 recent points: 2 stars, not 4
    assert engine.account(ann.id).stars == 2
    assert engine.rebuild_balances().corrected == []  # the rebuild keeps the fallen stars


def test_a_review_switched_off_lowers_nothing_and_the_job_is_off(engine, clock, till):
    engine.update_settings(Settings(shop=engine.settings.shop))
    ann = engine.add_customer("Ann")
    engine.record_sale(till.sale(ann.id, 300_000))
    clock.advance(days=400)
    assert review_runs(engine) == []
    assert engine.account(ann.id).stars == 4


def test_an_empty_tier_lowered_template_sends_nothing(engine, clock, till):
    from loyalty.domain.settings import with_setting

    engine.update_settings(with_setting(engine.settings, "notifications.templates.tier_lowered",
                                        ""))
    ann = engine.add_customer("Ann", platform="inbox", messaging_key="k-ann")
    engine.record_sale(till.sale(ann.id, 300_000))
    clock.advance(days=400)
    review_runs(engine)
    assert engine.account(ann.id).stars == 0
    assert [m.template for m in engine.messages(None)] == ["points_earned", "tier_raised"]


def test_a_fallen_customer_s_next_stars_count_the_months_points_not_the_lifetime(
        engine, clock, till):
    ann = engine.add_customer("Ann")
    engine.record_sale(till.sale(ann.id, 300_000))  # 3000 points: 4 stars
    clock.advance(days=200)
    engine.record_sale(till.sale(ann.id, 60_000))  # 600 points and 20 for 4 stars
    clock.advance(days=200)
    review_runs(engine)  # only the 620 points count now: 2 stars
    view = engine.account(ann.id)
    assert (view.stars, view.lifetime_earned) == (2, 3620)
    assert (view.next_stars, view.points_to_next) == (3, 1000 - 620)
    (listed,) = engine.accounts()
    assert (listed.next_stars, listed.points_to_next) == (3, 380)

    engine.record_sale(till.sale(ann.id, 38_000))  # the 380 points (and 5): 3 stars
    assert engine.account(ann.id).stars == 3

    engine.update_settings(Settings(shop=engine.settings.shop))  # the review off: lifetime
    view = engine.account(ann.id)
    assert (view.next_stars, view.points_to_next) == (5, 5000 - view.lifetime_earned)


def test_a_customer_who_did_not_fall_needs_recent_points_for_the_next_stars(engine, clock,
                                                                          till):
    bob = engine.add_customer("Bob")
    engine.record_sale(till.sale(bob.id, 50_000))  # 500 points: 2 stars
    clock.advance(days=300)
    engine.record_sale(till.sale(bob.id, 40_000))  # 400 more and 5 for 2 stars: 905
    clock.advance(days=100)  # the first 500 are past the 12 months: 2 stars still, until
    view = engine.account(bob.id)  # the review runs, but 405 recent points
    assert (view.stars, view.next_stars, view.points_to_next) == (2, 3, 1000 - 405)


def test_the_next_stars_of_a_page_of_customers_cost_one_query_however_long_the_page(
        engine, clock, till):
    for number in range(30):
        customer = engine.add_customer(f"Customer {number}")
        engine.record_sale(till.sale(customer.id, 10_000 * (number + 1)))
    statements = []

    def count(conn, cursor, statement, *args):  # noqa: ANN001, ANN202
        statements.append(statement)

    sa.event.listen(engine.db, "before_cursor_execute", count)
    try:
        short = len(engine.accounts(limit=2)), len(statements)
        statements.clear()
        long = len(engine.accounts(limit=30)), len(statements)
    finally:
        sa.event.remove(engine.db, "before_cursor_execute", count)
    assert short[0] == 2 and long[0] == 30
    assert short[1] == long[1]
    assert sum("tier_points" in s for s in statements) == 1


def test_the_default_tiers_fall_one_level_at_a_time_only_as_far_as_needed():
    assert tiers.reviewed_stars(5, 2_499, DEFAULT_TIERS) == 3
    assert tiers.reviewed_stars(5, 5_000, DEFAULT_TIERS) == 5
    assert tiers.reviewed_stars(2, 5_000, DEFAULT_TIERS) == 2



# ---- the log of falls, under any sequence -----------------------------------------------------

days = st.tuples(  # a sale, maybe a refund of an earlier one, some days, the daily review
    st.integers(1, 2), st.integers(0, 300_000), st.integers(0, 50), st.integers(0, 300_000),
    st.sampled_from([1, 30, 90, 200]))


@hypothesis_settings(max_examples=max(10, hypothesis_settings.default.max_examples // 4))
@given(st.lists(days, min_size=1, max_size=8))
def test_every_fall_is_one_entry_that_moves_nothing_and_the_ledger_still_adds_up(rounds):
    """Any days of sales, refunds and daily reviews: each fall a review reports is one
    ``tier_lowered`` entry of 0 points, 0 tier points and no lot that says that fall, the
    balance shows it, balances still equal their entries and lots, and a rebuild changes
    nothing."""
    settings = Settings(shop=ShopSettings(timezone="UTC"), tier_review=TierReview(enabled=True,
                                                                                  months=6))
    clock = FakeClock()
    with tempfile.TemporaryDirectory() as folder, Engine(
            Path(folder) / "ledger.db", settings, plugins=Plugins(load_installed=False),
            clock=clock) as engine:
        till, documents = Till(engine), []
        for customer in range(2):
            engine.add_customer(f"Customer {customer + 1}")
        for customer, total, refunded, amount, later in rounds:
            sale = till.sale(customer, total)
            engine.record_sale(sale)
            documents.append(sale.document_id)
            if amount:
                engine.refund(till.refund(documents[refunded % len(documents)], amount))
            clock.advance(days=later)
            logged = len(_falls(engine))
            lowered = engine.write(lambda uow: review_tiers(engine.shop, uow))
            new = _falls(engine)[logged:]
            assert [(e.customer_id, e.reason.split(" points in")[0]) for e in new] == [
                (f.customer_id, f"Stars lowered from {f.old_stars} to {f.new_stars}: "
                                f"{f.recent_points:,}") for f in lowered]
            assert all(engine.account(f.customer_id).stars == f.new_stars for f in lowered)
        e, lots = schema.ledger_entries, schema.point_lots
        assert engine.read(lambda conn: conn.execute(
            sa.select(e.c.id).outerjoin(lots, lots.c.entry_id == e.c.id)
            .where(e.c.kind == "tier_lowered",
                   (e.c.points != 0) | (e.c.tier_points != 0) | lots.c.entry_id.is_not(None))
        ).all()) == []
        assert_ledger_consistent(engine)


def _falls(engine: Engine) -> list:
    e = schema.ledger_entries
    return engine.read(lambda conn: conn.execute(
        sa.select(e).where(e.c.kind == "tier_lowered").order_by(e.c.id)).all())
