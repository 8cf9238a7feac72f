"""Messages the scheduled jobs cause reach the outbox with the points that cause them.

Cross-feature: the expiry and lucky-draw jobs produce events in a ledger transaction, and the
notifications hook turns them into queued messages in that same transaction.
"""

from __future__ import annotations

from datetime import datetime
from datetime import timezone

import pytest

from loyalty.domain.settings import DrawSettings
from loyalty.domain.settings import ExpirySettings
from loyalty.domain.settings import Settings
from loyalty.domain.settings import ShopSettings
from loyalty.engine import Engine
from loyalty.ledger import outbox
from loyalty.plugins.manager import Plugins
from loyalty.testing.notifications import ChannelPlugin
from loyalty.testing.notifications import RecordingChannel


@pytest.fixture
def plugins() -> Plugins:
    return Plugins(load_installed=False, extra=[ChannelPlugin([RecordingChannel()])])


@pytest.fixture
def settings() -> Settings:
    return Settings(
        shop=ShopSettings(name="Corner Shop", timezone="UTC"),
        expiry=ExpirySettings(mode="days", days=30, remind_days_before=7),
        draw=DrawSettings(enabled=True, days=("friday",), time="18:00", prize_points=500),
    )


def queued(engine: Engine) -> list[outbox.OutboxMessage]:
    with engine.db.connect() as conn:
        return outbox.listing(conn, None)


def test_an_expiry_reminder_is_queued_once_with_the_date(engine, clock, till):
    ann = engine.add_customer("Ann", platform="inbox", messaging_key="k-ann")
    engine.record_sale(till.sale(ann.id, 3000))  # earned 2026-01-05, last day 2026-02-04
    clock.advance(days=23)
    engine.expire()
    engine.expire()
    reminders = [m for m in queued(engine) if m.template == "points_expiring"]
    assert [m.text for m in reminders] == [
        "Hi Ann, 30 of your points at Corner Shop expire on 2026-02-04. Use them before then!"
    ]


def test_a_lucky_draw_winner_gets_one_you_won_message(engine, clock, till):
    ann = engine.add_customer("Ann", platform="inbox", messaging_key="k-ann")
    engine.record_sale(till.sale(ann.id, 3000))
    clock.now = datetime(2026, 1, 9, 18, 5, tzinfo=timezone.utc)  # Friday, after 18:00
    assert engine.run_draw().status == "drawn"
    assert engine.run_draw().status == "already_drawn"
    won = [m for m in queued(engine) if m.template == "draw_won"]
    assert len(won) == 1
    assert won[0].text.startswith("You won! Ann, our lucky draw gave you 500 points")
