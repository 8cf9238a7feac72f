"""The per-customer points log and the notification log."""

from __future__ import annotations

import subprocess
from datetime import datetime
from datetime import timezone

import attrs

from loyalty.domain.settings import TierReview


def test_double_clicking_a_customer_opens_their_points_log(app, demo, until):
    opened = []
    original = app.customers.on_history
    app.customers.on_history = lambda cid: opened.append(original(cid))
    tree = app.customers.tree
    tree.see("12")  # below the fold under the demo's banner
    app.pump()
    x, y, _, height = tree.bbox("12", "name")
    subprocess.run(["xdotool", "mousemove", str(tree.winfo_rootx() + x + 10),
                    str(tree.winfo_rooty() + y + height // 2), "click", "--repeat", "2",
                    "--delay", "60", "1"], check=True)
    until(app, lambda: opened)
    (window,) = opened
    entries = demo.history(12)
    assert len(window.rows()) == len(entries)
    newest = max(entries, key=lambda e: (e.occurred_at, e.id))
    assert window.rows()[0][2] == f"{newest.points:+,}"
    assert window.rows()[0][1] == "Earned"
    assert window.balance_label.cget("text").startswith(f"{demo.balance(12):,} points")


def test_the_points_log_shows_a_payment_as_it_happens(app, demo, until):
    window = app.open_history(12)
    count = len(window.rows())
    demo.redeem(12, 200, reason="Paid with points")
    until(app, lambda: len(window.rows()) == count + 1)
    assert window.rows()[0][1:4] == ("Paid with points", "-200", "Paid with points")


def test_the_points_log_shows_a_fall_of_stars_as_it_happens(app, demo, clock, until):
    window = app.open_history(12)  # 1,349 points, 3 stars
    demo.update_settings(attrs.evolve(demo.settings, tier_review=TierReview(enabled=True)))
    clock.advance(days=400)
    demo.run_job("tier_review")
    until(app, lambda: any(row[1] == "Stars lowered" for row in window.rows()))
    (row,) = [row for row in window.rows() if row[1] == "Stars lowered"]
    assert row[2:4] == ("0", "Stars lowered from 3 to 0: 0 points in the last 12 months.")
    fall = window.tree.get_children()[window.rows().index(row)]
    assert window.tree.item(fall, "tags") == ""  # not in the colour of a debit
    assert window.stars_label.cget("text") == demo.account(12).rating
    # Only the last 12 months' points count now (none): 1 star is 100 of them away, not the
    # 1,151 that lifetime points would say for 4 stars.
    until(app, lambda: window.next_label.cget("text") == "100 more points to reach 1 star")


def test_the_points_log_says_how_far_the_next_rating_is(app, demo):
    window = app.open_history(1)  # the demo's customer 1 has earned 45 points; 1 star is 100
    assert window.next_label.cget("text") == "55 more points to reach 1 star"
    window = app.open_history(12)  # 1,349 points earned; 3 stars are 1,000, 4 are 2,500
    assert window.next_label.cget("text") == "1,151 more points to reach 4 stars"


def test_without_notifications_installed_the_log_says_how_to_get_them(app):
    assert not app.messages.installed
    assert "Notifications are not installed" in app.messages.notice.cget("text")
    assert "loyalty-notify-callmebot" in app.messages.notice.cget("text")


def test_the_notification_log_lists_the_outbox_and_follows_new_events(demo, make_app, until):
    outbox = [{"created_at": datetime(2026, 1, 5, 10, tzinfo=timezone.utc),
               "customer_name": "Nimal Perera", "platform": "whatsapp", "status": "sent",
               "attempts": 1, "text": "Hi Nimal"}]
    app = make_app(demo, list_messages=lambda statuses: list(outbox))
    until(app, lambda: len(app.messages.rows()) == 1)
    assert app.messages.rows()[0][1:5] == ("Nimal Perera", "WhatsApp", "sent", "1")
    outbox.append({"created_at": datetime(2026, 1, 5, 11, tzinfo=timezone.utc),
                   "customer_name": "Ayesha Khan", "platform": "messenger", "status": "failed",
                   "attempts": 3, "error": "key rejected", "text": "Hi Ayesha"})
    demo.redeem(2, 10)
    until(app, lambda: len(app.messages.rows()) == 2)
    assert app.messages.rows()[1][5:] == ("Hi Ayesha", "key rejected")
    assert app.messages.status.cget("text") == "2 messages, 1 failed"


def test_the_notification_log_shows_what_the_outbox_queued(demo, make_app, until):
    from loyalty_ui_tk.notification_log import message_source

    demo.update_customer(1, platform="whatsapp", messaging_key="123456")
    app = make_app(demo, list_messages=message_source(demo))
    demo.redeem(1, 10)
    until(app, lambda: any(row[1] == "Nimal Perera" for row in app.messages.rows()))
    row = next(row for row in app.messages.rows() if row[1] == "Nimal Perera")
    assert row[2] == "WhatsApp"
    assert "Nimal Perera" in row[5]


def test_while_the_window_is_open_queued_messages_are_delivered(demo, make_app, until):
    from loyalty.scheduler import run_jobs
    from loyalty_ui_tk.app import default_background_tasks
    from loyalty_ui_tk.notification_log import message_source

    (task,) = default_background_tasks()
    assert task is run_jobs  # the window runs the jobs at their schedules' pace
    demo.update_customer(1, platform="whatsapp", messaging_key="123456")
    app = make_app(demo, list_messages=message_source(demo),
                   background_tasks=[lambda engine, stop: run_jobs(engine, stop,
                                                                   every={"messages": 0.1})])
    demo.redeem(1, 10)
    until(app, lambda: any(row[1] == "Nimal Perera" and row[3] == "sent"
                           for row in app.messages.rows()))
