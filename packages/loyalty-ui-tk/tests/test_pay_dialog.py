"""The Pay dialog: balance and value, points or an amount, refusals, one redemption, the POS."""

from __future__ import annotations

from loyalty.domain.events import PointsRedeemed
from loyalty import signals
from loyalty.domain.settings import with_setting


def test_the_dialog_shows_the_balance_and_what_it_is_worth(app, demo):
    view = demo.account(12)
    dialog = app.open_pay(12)
    assert dialog.balance_label.cget("text") == f"{view.points:,} points"
    assert dialog.value_label.cget("text") == view.value_text
    assert view.customer.name in dialog.title()


def test_paying_an_amount_with_points_reduces_the_balance(app, demo, until):
    before = demo.balance(12)  # 1,349 points, worth $13.49
    dialog = app.open_pay(12)
    dialog.set_amount("5.00")
    assert dialog.plan_label.cget("text") == "500 points pay $5.00."
    assert dialog.confirm()
    assert demo.balance(12) == before - 500
    assert "Paid $5.00 with points" in dialog.plan_label.cget("text")
    until(app, lambda: app.customers.cell(12, "points") == f"{before - 500:,} points")


def test_a_bill_larger_than_the_points_are_worth_leaves_the_rest_for_cash(app, demo):
    dialog = app.open_pay(1)  # 45 points, worth $0.45
    dialog.set_amount("2.00")
    assert dialog.plan_label.cget("text") == "45 points pay $0.45. Take $1.55 in cash."
    assert dialog.confirm()
    assert demo.balance(1) == 0


def test_more_points_than_the_balance_are_refused_with_a_clear_message(app, demo):
    before = demo.balance(12)
    dialog = app.open_pay(12)
    dialog.set_points(str(before + 1))
    assert not dialog.confirm()
    assert dialog.error_label.cget("text") == (
        f"Customer 12 has {before:,} points; {before + 1:,} were asked. "
        f"Redeem at most {before:,} points.")
    assert demo.balance(12) == before
    assert str(dialog.confirm_button.cget("state")) != "disabled"


def test_a_mistyped_amount_is_explained_before_confirming(app, demo):
    dialog = app.open_pay(12)
    dialog.set_amount("12,5x")
    assert "is not an amount of money" in dialog.error_label.cget("text")
    assert not dialog.confirm()


def test_paying_with_a_number_of_points(app, demo):
    before = demo.balance(12)
    dialog = app.open_pay(12)
    dialog.set_points("300")
    assert dialog.plan_label.cget("text") == "300 points pay $3.00."
    assert dialog.confirm()
    assert demo.balance(12) == before - 300


def test_confirming_twice_redeems_once(app, demo):
    redeemed: list[PointsRedeemed] = []
    receiver = redeemed.append

    def listen(sender, event, engine):  # noqa: ANN001, ANN202 - a blinker receiver
        receiver(event)

    signals.event_published.connect(listen, sender=PointsRedeemed)
    try:
        before = demo.balance(12)
        dialog = app.open_pay(12)
        dialog.set_points("100")
        assert dialog.confirm()
        dialog.paid = False  # as if the second click arrived before the first finished
        assert dialog.confirm()
    finally:
        signals.event_published.disconnect(listen, sender=PointsRedeemed)
    assert demo.balance(12) == before - 100
    assert len(redeemed) == 1
    assert [e.kind for e in demo.history(12)].count("redeem") == 1


def test_with_keyboard_emulation_the_amount_is_typed_into_the_pos(app, demo, shop_plugin, until):
    settings = with_setting(demo.settings, "pos.adapter", "fakepos")
    demo.update_settings(with_setting(settings, "pos.keyboard_emulation", True))
    dialog = app.open_pay(12)
    dialog.set_amount("4.50")
    assert dialog.confirm()
    until(app, lambda: shop_plugin.typed == ["4.50"])
    assert dialog.typed == "4.50"


def test_without_keyboard_emulation_nothing_is_typed(app, demo, shop_plugin, pump):
    demo.update_settings(with_setting(demo.settings, "pos.adapter", "fakepos"))
    dialog = app.open_pay(12)
    dialog.set_amount("4.50")
    assert dialog.confirm()
    pump(app, 0.6)
    assert shop_plugin.typed == []
    assert dialog.winfo_exists()


def test_confirming_an_empty_dialog_asks_for_the_amount(app, demo):
    before = demo.balance(12)
    dialog = app.open_pay(12)
    assert not dialog.confirm()
    assert dialog.error_label.cget("text") == "Enter the bill amount first."
    assert demo.balance(12) == before
