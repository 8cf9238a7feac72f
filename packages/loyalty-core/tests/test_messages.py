"""Which message an event calls for: pure composition, and the outbox schema's migration."""

from __future__ import annotations

from datetime import date
from datetime import datetime
from datetime import timezone

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from hypothesis import given
from hypothesis import strategies as st

from loyalty.domain.events import DrawWon
from loyalty.domain.events import PointsAdjusted
from loyalty.domain.events import PointsEarned
from loyalty.domain.events import TierRaised
from loyalty.domain.records import Balance
from loyalty.domain.records import Customer
from loyalty.domain.settings import Settings
from loyalty.ledger import schema
from loyalty.ledger.customer_search import outside_search_index
from loyalty.ledger.database import create_database_engine
from loyalty.ledger.database import migrate
from loyalty.notifications.compose import compose
from loyalty.plugins.currencies import iso_currency


NOW = datetime(2026, 3, 1, 12, tzinfo=timezone.utc)
USD = iso_currency("USD")
SETTINGS = Settings()
CUSTOMER = Customer(7, "Ṣadé 🌟 Ọlá", platform="whatsapp", messaging_key="k")


def earned(points: int, stars: int) -> PointsEarned:
    return PointsEarned(occurred_at=NOW, customer_id=7, points=points, balance=points,
                        idempotency_key=f"sale/x/{points}", business_date=date(2026, 3, 1),
                        source_id="D-1", stars=stars, max_stars=5)


@given(points=st.integers(1, 10**9), stars=st.integers(0, 5))
def test_earned_points_pick_the_top_level_template_exactly_at_the_top(points, stars):
    message = compose(earned(points, stars), CUSTOMER, Balance(7, points, points, stars),
                      SETTINGS, USD)
    assert message.template == ("points_earned_max_level" if stars == 5 else "points_earned")
    assert f"earned {points} points" in message.text
    assert message.text.startswith("Hi Ṣadé 🌟 Ọlá")


@given(points=st.integers(1, 10**6))
def test_the_same_event_always_gets_the_same_outbox_key(points):
    first = compose(earned(points, 1), CUSTOMER, Balance(7, 0, 0, 1), SETTINGS, USD)
    again = compose(earned(points, 1), CUSTOMER, Balance(7, 0, 0, 1), SETTINGS, USD)
    assert first.key == again.key


def test_a_rating_increase_names_the_new_rating():
    event = TierRaised(occurred_at=NOW, customer_id=7, old_stars=2, new_stars=3, max_stars=5,
                       cause_key="sale/x/1")
    message = compose(event, CUSTOMER, Balance(7, 1200, 1200, 3), SETTINGS, USD)
    assert message.text == "Congratulations Ṣadé 🌟 Ọlá! You are now a ★★★☆☆ customer at My Shop."


def test_a_draw_win_tells_the_prize_and_the_new_balance():
    event = DrawWon(occurred_at=NOW, customer_id=7, draw_id="2026-03-06", prize_points=1000)
    message = compose(event, CUSTOMER, Balance(7, 1250, 1250, 3), SETTINGS, USD)
    assert message.template == "draw_won"
    assert "gave you 1000 points" in message.text and "Balance: 1250 points ($12.50)" in message.text


def test_an_admin_adjustment_sends_no_message():
    event = PointsAdjusted(occurred_at=NOW, customer_id=7, points=5, balance=5, reason="fix",
                           idempotency_key="adjust/1", business_date=date(2026, 3, 1))
    assert compose(event, CUSTOMER, Balance(7, 5, 5, 0), SETTINGS, USD) is None


def test_the_migrations_build_exactly_the_outbox_schema_py_describes(tmp_path):
    db = create_database_engine(tmp_path / "ledger.db")
    migrate(db)
    with db.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(
            conn, opts={"include_name": outside_search_index}), schema.metadata)
        assert differences == []
        assert "outbox" in sa.inspect(conn).get_table_names()
    db.dispose()
