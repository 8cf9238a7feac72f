"""Every rule as a form: typed in, saved with 'Update Settings', refused in red beside its input.

The tests use the window as a person does: they type into the inputs, tick boxes, press the
buttons by their text and read what the window shows; then they read the settings file.
"""

from __future__ import annotations

import subprocess
import tkinter as tk
from datetime import date
from decimal import Decimal
from tkinter import ttk

import attrs

from loyalty.domain.settings import load_settings
from loyalty.domain.settings import settings_from_dict
from loyalty.domain.settings import settings_to_dict
from loyalty.domain.settings import with_setting


SAVED = "✓ Settings saved."


def type_into(widget: tk.Widget, text: str) -> None:
    """Select what the input holds and type over it."""
    widget.focus_set()
    widget.delete(0, "end")
    widget.insert(0, text)


def press(root: tk.Misc, text: str) -> None:
    """Click the button that reads ``text`` (the first one found under ``root``)."""
    found = _find(root, lambda w: isinstance(w, ttk.Button) and w.cget("text") == text)
    assert found is not None, f"no button {text!r}"
    found.invoke()


def _find(root: tk.Misc, wanted) -> tk.Misc | None:  # noqa: ANN001
    for child in root.winfo_children():
        if wanted(child):
            return child
        deeper = _find(child, wanted)
        if deeper is not None:
            return deeper
    return None


def entry(app, path: str) -> ttk.Entry:  # noqa: ANN001
    return app.settings.bindings[path].widget


def save(app) -> bool:  # noqa: ANN001
    app.settings.save_button.invoke()
    return app.settings.status.cget("text") == SAVED


def refused(app, page: ttk.Frame, settings_path) -> None:  # noqa: ANN001
    """Nothing saved, said so, never 'Settings saved', and the page with the error shown."""
    status = app.settings.status.cget("text")
    assert status.startswith("Nothing was saved") and "saved." not in status.replace(
        "Nothing was saved", "")
    assert app.settings.pages.select() == str(page)
    assert not settings_path.exists()


def click(app, widget: tk.Widget, until) -> None:  # noqa: ANN001
    """A real mouse click (xdotool) in the middle of ``widget``."""
    app.root.update()
    until(app, widget.winfo_viewable)
    subprocess.run(["xdotool", "mousemove", str(widget.winfo_rootx() + widget.winfo_width() // 2),
                    str(widget.winfo_rooty() + widget.winfo_height() // 2), "click", "1"],
                   check=True)


def keys(app, widget: tk.Widget, text: str, until) -> None:  # noqa: ANN001
    """Click into ``widget`` and type ``text`` on the keyboard (xdotool)."""
    click(app, widget, until)
    until(app, lambda: app.root.focus_get() is widget)
    subprocess.run(["xdotool", "key", "End", "shift+Home", "BackSpace"], check=True)
    subprocess.run(["xdotool", "type", "--delay", "20", text], check=True)
    until(app, lambda: widget.get() == text)


def is_red(widget: tk.Widget) -> bool:
    return str(widget.cget("style")).startswith("Invalid.")


# ---- expiry and bonuses ---------------------------------------------------------------------


def test_expiry_and_the_bonuses_are_typed_in_and_saved(app, demo):
    mode = entry(app, "expiry.mode")
    mode.set("A number of days after they are earned")
    mode.event_generate("<<ComboboxSelected>>")
    for path, text in (("expiry.days", "180"), ("expiry.remind_days_before", "10"),
                       ("campaigns.actions.register", "100"),
                       ("campaigns.actions.referral_referrer", "250"),
                       ("campaigns.actions.referral_referred", "75"),
                       ("campaigns.actions.birthday", "300"),
                       ("campaigns.actions.anniversary", "200"),
                       ("campaigns.actions.review", "40"),
                       ("campaigns.actions.appointment", "25"),
                       ("campaigns.comeback.points", "50"),
                       ("campaigns.comeback.inactive_days", "45")):
        type_into(entry(app, path), text)
    assert save(app)

    saved = load_settings(demo.settings_path)
    assert (saved.expiry.mode, saved.expiry.days, saved.expiry.remind_days_before) == \
        ("days", 180, 10)
    actions = saved.campaigns.actions
    assert (actions.register, actions.referral_referrer, actions.referral_referred,
            actions.birthday) == (100, 250, 75, 300)
    assert (actions.anniversary, actions.review, actions.appointment) == (200, 40, 25)
    assert (saved.campaigns.comeback.points, saved.campaigns.comeback.inactive_days) == (50, 45)
    assert demo.settings == saved


def test_every_action_of_loyalty_award_has_its_input_on_the_bonuses_page(app):
    from loyalty.domain.settings import ActionPoints

    page = str(app.settings.rule_pages["Bonuses"])
    for action in attrs.fields_dict(ActionPoints):
        binding = app.settings.bindings[f"campaigns.actions.{action}"]
        assert str(app.settings.page_of(binding.widget)) == page


def test_a_review_s_points_set_on_the_page_are_given_from_the_customer_s_row(app, demo):
    type_into(entry(app, "campaigns.actions.review"), "40")
    assert save(app)
    dialog = app.customers.open_award(12)
    assert dialog.offered == ["review"]
    dialog.which_var.set("Google 2026-12-01")
    dialog.award()
    assert demo.history(12)[-1].reason == "Review Google 2026-12-01"


def test_a_negative_referral_is_refused_beside_its_input_and_nothing_is_saved(app, demo):
    type_into(entry(app, "campaigns.actions.birthday"), "300")
    type_into(entry(app, "campaigns.actions.referral_referrer"), "-5")
    assert not save(app)
    binding = app.settings.bindings["campaigns.actions.referral_referrer"]
    assert binding.error.cget("text") == "must not be negative (got -5)"
    assert is_red(binding.widget)
    refused(app, app.settings.rule_pages["Bonuses"], demo.settings_path)
    assert demo.settings.campaigns.actions.birthday == 0

    type_into(binding.widget, "5")
    assert save(app)
    assert binding.error.cget("text") == "" and not is_red(binding.widget)
    assert demo.settings.campaigns.actions.referral_referrer == 5


# ---- campaigns ------------------------------------------------------------------------------


def test_a_happy_hour_is_added_as_a_row_and_saved(app, demo):
    press(app.settings.rule_pages["Campaigns"], "Add a campaign")
    row = app.settings.tables["campaigns.multipliers"].rows[-1]
    for key, text in (("id", "friday-happy"), ("factor", "2.5"), ("start", "17:00"),
                      ("end", "19:00"), ("from_date", "2026-12-01"),
                      ("to_date", "2026-12-31")):
        type_into(row.inputs[key], text)
    row.variables["days"]["friday"].set(True)
    assert save(app)

    (happy,) = load_settings(demo.settings_path).campaigns.multipliers
    assert (happy.id, happy.factor, happy.days, happy.start, happy.end) == \
        ("friday-happy", Decimal("2.5"), ("friday",), "17:00", "19:00")
    assert (happy.from_date, happy.to_date) == (date(2026, 12, 1), date(2026, 12, 31))


def test_a_campaign_row_is_edited_and_removed(app, demo):
    settings = settings_from_dict({**settings_to_dict(demo.settings), "campaigns": {
        "multipliers": [{"id": "a", "factor": "2"}, {"id": "b", "factor": "3"}]}})
    demo.update_settings(settings)
    app.settings.load(demo.settings)
    table = app.settings.tables["campaigns.multipliers"]
    assert [r.variables["id"].get() for r in table.rows] == ["a", "b"]
    type_into(table.rows[1].inputs["factor"], "4")
    table.rows[0].remove.invoke()
    assert [r.variables["id"].get() for r in table.rows] == ["b"]
    assert table.rows[0].variables["factor"].get() == "4"  # the edit survives the removal
    assert save(app)
    (left,) = demo.settings.campaigns.multipliers
    assert (left.id, left.factor, left.days) == ("b", Decimal(4), ())


def test_a_campaign_ending_before_it_starts_is_red_on_its_row(app, demo):
    press(app.settings.rule_pages["Campaigns"], "Add a campaign")
    press(app.settings.rule_pages["Campaigns"], "Add a campaign")
    table = app.settings.tables["campaigns.multipliers"]
    type_into(table.rows[0].inputs["id"], "ok")
    type_into(table.rows[1].inputs["id"], "evening")
    type_into(table.rows[1].inputs["start"], "18:00")
    type_into(table.rows[1].inputs["end"], "17:00")
    assert not save(app)
    assert table.rows[1].error.cget("text") == "must be after start 18:00 (got 17:00)"
    assert table.rows[1].error.winfo_manager() == "grid"
    assert is_red(table.rows[1].inputs["end"])
    assert table.rows[0].error.cget("text") == "" and not is_red(table.rows[0].inputs["end"])
    refused(app, app.settings.rule_pages["Campaigns"], demo.settings_path)
    assert demo.settings.campaigns.multipliers == ()


def test_a_mistyped_date_and_a_twice_used_name_are_explained(app, demo):
    page = app.settings.rule_pages["Campaigns"]
    table = app.settings.tables["campaigns.multipliers"]
    press(page, "Add a campaign")
    type_into(table.rows[0].inputs["id"], "xmas")
    type_into(table.rows[0].inputs["to_date"], "2026-02-30")
    assert not save(app)
    assert table.rows[0].error.cget("text") == \
        "expected a date like 2026-12-24, got '2026-02-30'"
    assert is_red(table.rows[0].inputs["to_date"])

    type_into(table.rows[0].inputs["to_date"], "")
    press(page, "Add a campaign")
    type_into(table.rows[1].inputs["id"], "xmas")
    assert not save(app)
    assert table.error.cget("text") == "the id 'xmas' is used twice"
    assert table.rows[0].error.cget("text") == ""
    assert not demo.settings_path.exists()


# ---- product and category points ------------------------------------------------------------


def show(app, title: str, until) -> ttk.Frame:  # noqa: ANN001
    """Open Settings › ``title`` as a person would, and wait until it is on the screen."""
    app.notebook.select(app.settings)
    page = app.settings.rule_pages[title]
    app.settings.pages.select(page)
    until(app, page.winfo_viewable)
    return page


def show_products(app, until) -> ttk.Frame:  # noqa: ANN001
    """Open Settings › Products and wait until it has said what it read from the POS."""
    page = show(app, "Products", until)
    until(app, lambda: pos_note(page) != "")
    return page


def pos_note(page: ttk.Frame) -> str:
    """What the Products page says about the POS's list (its first muted line after the
    heading's explanation)."""
    found = _find(page, lambda w: isinstance(w, ttk.Label) and str(w.cget("textvariable")))
    return str(found.cget("text")) if found is not None else ""


def test_products_and_groups_are_chosen_from_the_pos_by_name(app, demo, until):
    demo.update_settings(with_setting(demo.settings, "pos.adapter", "fakepos"))
    page = show_products(app, until)
    products = app.settings.tables["earning.product_points"]
    groups = app.settings.tables["earning.category_points"]
    press(page, "Add a product")
    names = list(products.rows[0].inputs["code"].cget("values"))
    assert names == ["Ceylon tea 100g  [101]", "Coconut oil 1l  [205]", "Sugar 1kg  [7]"]
    products.rows[0].inputs["code"].set("Coconut oil 1l  [205]")
    type_into(products.rows[0].inputs["points"], "20")
    press(page, "Add a product")
    type_into(products.rows[1].inputs["code"], "999")  # not in the list: its code is typed
    type_into(products.rows[1].inputs["points"], "3")
    press(page, "Add a product group")
    groups.rows[0].inputs["code"].set("Drinks  [1]")
    type_into(groups.rows[0].inputs["points"], "2")
    assert save(app)

    earning = load_settings(demo.settings_path).earning
    assert earning.product_points == {"205": 20, "999": 3}
    assert earning.category_points == {"1": 2}
    assert products.rows[0].variables["code"].get() == "Coconut oil 1l  [205]"


def test_the_pos_list_is_read_when_the_page_is_shown_and_again_after_the_pos_changed(
        app, demo, until):
    table = app.settings.tables["earning.product_points"]
    press(app.settings.rule_pages["Products"], "Add a product")
    assert list(table.rows[0].inputs["code"].cget("values")) == []
    page = show_products(app, until)
    assert pos_note(page).startswith("No POS is chosen")
    assert list(table.rows[0].inputs["code"].cget("values")) == []
    app.settings.pages.select(app.settings.general)
    app.settings.adapter_var.set("Fake POS")
    assert save(app)
    show(app, "Products", until)
    until(app, lambda: pos_note(page).startswith("3 products and 2 groups from Fake POS"))
    press(page, "Add a product")  # the empty row was not saved
    assert len(table.rows[0].inputs["code"].cget("values")) == 3


def test_without_a_pos_list_the_codes_are_typed(app, demo, until):
    page = show_products(app, until)
    assert "type the product and group codes" in pos_note(page)
    press(page, "Add a product")
    table = app.settings.tables["earning.product_points"]
    type_into(table.rows[0].inputs["code"], "101")
    type_into(table.rows[0].inputs["points"], "5")
    assert save(app)
    assert demo.settings.earning.product_points == {"101": 5}


def test_negative_product_points_and_a_product_listed_twice_are_refused(app, demo):
    page = app.settings.rule_pages["Products"]
    table = app.settings.tables["earning.product_points"]
    press(page, "Add a product")
    type_into(table.rows[0].inputs["code"], "101")
    type_into(table.rows[0].inputs["points"], "-1")
    assert not save(app)
    assert table.rows[0].error.cget("text") == "must not be negative (got -1)"
    assert is_red(table.rows[0].inputs["points"])
    refused(app, page, demo.settings_path)

    type_into(table.rows[0].inputs["points"], "1")
    press(page, "Add a product")
    type_into(table.rows[1].inputs["code"], "101")
    type_into(table.rows[1].inputs["points"], "2")
    assert not save(app)
    assert table.rows[1].error.cget("text") == "is listed twice"
    assert not demo.settings_path.exists()


# ---- coupons and rewards --------------------------------------------------------------------


def test_coupons_and_a_reward_are_set_in_the_form(app, demo):
    page = app.settings.rule_pages["Rewards"]
    app.settings.bindings["coupons.enabled"].widget.invoke()
    type_into(entry(app, "coupons.points_per_unit"), "50")
    type_into(entry(app, "coupons.minimum_points"), "500")
    type_into(entry(app, "coupons.valid_days"), "0")
    press(page, "Add a reward")
    row = app.settings.tables["rewards.catalogue"].rows[0]
    for key, text in (("id", "tea"), ("name", "Cup of tea"), ("points", "150"),
                      ("description", "At the counter")):
        type_into(row.inputs[key], text)
    assert save(app)

    saved = load_settings(demo.settings_path)
    assert (saved.coupons.enabled, saved.coupons.points_per_unit, saved.coupons.minimum_points,
            saved.coupons.valid_days) == (True, Decimal(50), 500, 0)
    (tea,) = saved.rewards.catalogue
    assert (tea.id, tea.name, tea.points, tea.description) == \
        ("tea", "Cup of tea", 150, "At the counter")


def test_a_free_reward_is_refused_on_its_row(app, demo):
    press(app.settings.rule_pages["Rewards"], "Add a reward")
    row = app.settings.tables["rewards.catalogue"].rows[0]
    type_into(row.inputs["id"], "tea")
    type_into(row.inputs["name"], "Tea")
    type_into(row.inputs["points"], "0")
    assert not save(app)
    assert row.error.cget("text") == "must be greater than zero (got 0)"
    assert is_red(row.inputs["points"])
    refused(app, app.settings.rule_pages["Rewards"], demo.settings_path)


# ---- memberships ----------------------------------------------------------------------------


def add_level(app, *values: str) -> None:  # noqa: ANN001
    press(app.settings.rule_pages["Memberships"], "Add a level")
    row = app.settings.tables["memberships.levels"].rows[-1]
    for key, text in zip(("id", "name", "threshold", "discount_percent", "valid_days"), values):
        type_into(row.inputs[key], text)


def test_membership_levels_are_set_in_the_form(app, demo):
    add_level(app, "silver", "Silver", "1000", "2", "365")
    add_level(app, "gold", "Gold", "2500", "7.5", "180")
    type_into(entry(app, "memberships.window_days"), "90")
    assert save(app)
    saved = load_settings(demo.settings_path).memberships
    assert [(lv.id, lv.name, lv.threshold, lv.discount_percent, lv.valid_days)
            for lv in saved.levels] == [("silver", "Silver", 1000, Decimal(2), 365),
                                        ("gold", "Gold", 2500, Decimal("7.5"), 180)]
    assert saved.window_days == 90


def test_levels_out_of_order_and_a_discount_over_100_are_refused(app, demo):
    add_level(app, "gold", "Gold", "2500", "5", "365")
    add_level(app, "silver", "Silver", "1000", "2", "365")
    assert not save(app)
    table = app.settings.tables["memberships.levels"]
    assert "thresholds must increase" in table.error.cget("text")
    refused(app, app.settings.rule_pages["Memberships"], demo.settings_path)

    table.rows[1].remove.invoke()
    type_into(table.rows[0].inputs["discount_percent"], "120")
    assert not save(app)
    assert table.rows[0].error.cget("text") == \
        "must be a percentage from 0 to 100 (got 120)"
    assert is_red(table.rows[0].inputs["discount_percent"])
    assert not demo.settings_path.exists()


def test_saving_the_form_keeps_a_levels_categories_set_on_the_command_line(app, demo):
    data = settings_to_dict(demo.settings)
    data["memberships"]["levels"] = [{"id": "bakers", "name": "Bakers", "threshold": 100,
                                      "discount_percent": "5", "categories": ["2"]}]
    demo.update_settings(settings_from_dict(data))
    app.settings.load(demo.settings)
    type_into(app.settings.tables["memberships.levels"].rows[0].inputs["name"], "Bakers Club")
    assert save(app)
    (level,) = demo.settings.memberships.levels
    assert (level.name, level.categories) == ("Bakers Club", ("2",))


def test_a_level_limited_to_a_product_group_is_chosen_by_name_and_the_pay_dialog_names_it(
        app, demo, until):
    demo.update_settings(with_setting(demo.settings, "pos.adapter", "fakepos"))
    show(app, "Memberships", until)
    add_level(app, "bakers", "Bakers", "100", "5", "365")
    table = app.settings.tables["memberships.levels"]
    groups = table.rows[0].inputs["categories"]
    assert groups.cget("text") == "Any …"
    groups.invoke()
    picker = table.picker
    assert list(picker.box.cget("values")) == ["Drinks  [1]", "Groceries  [2]"]
    picker.box.set("Groceries  [2]")
    press(picker, "Add")
    press(picker, "Done")
    assert groups.cget("text") == "Groceries …"
    table.rows[0].inputs["products"].invoke()
    type_into(table.picker.box, "999")  # not in the POS's list: its code is typed
    press(table.picker, "Add")
    press(table.picker, "Cancel")  # ... and dropped
    assert save(app)
    (level,) = load_settings(demo.settings_path).memberships.levels
    assert (level.id, level.categories, level.products) == ("bakers", ("2",), ())

    demo.refresh_memberships()
    dialog = app.open_pay(12)
    assert "Bakers member until" in dialog.member_label.cget("text")
    assert "5% off some products only, so none is taken off here" in \
        dialog.member_label.cget("text")
    dialog.set_amount("5.00")
    assert dialog.plan_label.cget("text") == "500 points pay $5.00."


def test_without_a_pos_list_a_level_s_products_are_typed_as_codes(app, demo):
    add_level(app, "tea", "Tea lovers", "100", "10", "365")
    table = app.settings.tables["memberships.levels"]
    table.rows[0].inputs["products"].invoke()
    assert "Type a code" in " ".join(
        str(w.cget("text")) for w in table.picker.winfo_children()[0].winfo_children()
        if w.winfo_class() == "TLabel")
    for code in ("101", "205", "101"):  # the same code twice is kept once
        table.picker.box.set(code)
        table.picker.add()
    press(table.picker, "Done")
    assert save(app)
    (level,) = demo.settings.memberships.levels
    assert level.products == ("101", "205")
    assert table.rows[0].inputs["products"].cget("text") == "101, 205 …"


# ---- the membership discount in the Pay dialog ----------------------------------------------


def test_a_members_discount_is_shown_and_taken_off_the_bill(app, demo):
    add_level(app, "gold", "Gold", "100", "10", "365")
    assert save(app)
    demo.refresh_memberships()
    before = demo.balance(12)  # 1,349 points, worth $13.49
    dialog = app.open_pay(12)
    assert dialog.member_label.cget("text").startswith("Gold member until ")
    assert dialog.member_label.cget("text").endswith(": 10% off the bill.")
    dialog.set_amount("5.00")
    assert dialog.plan_label.cget("text") == \
        "Gold discount $0.50: the bill is $4.50. 450 points pay $4.50."
    assert dialog.confirm()
    assert demo.balance(12) == before - 450


def test_a_customer_without_a_membership_pays_the_whole_bill(app, demo):
    dialog = app.open_pay(12)
    assert not dialog.member_label.winfo_ismapped()
    dialog.set_amount("5.00")
    assert dialog.plan_label.cget("text") == "500 points pay $5.00."


def test_every_bad_row_is_red_at_once(app, demo):
    page = app.settings.rule_pages["Campaigns"]
    table = app.settings.tables["campaigns.multipliers"]
    for name in ("fine", "late", "small"):
        press(page, "Add a campaign")
        type_into(table.rows[-1].inputs["id"], name)
    type_into(table.rows[1].inputs["start"], "25:00")
    type_into(table.rows[2].inputs["factor"], "1")
    assert not save(app)
    assert table.rows[0].error.cget("text") == ""
    assert table.rows[1].error.cget("text") == "must be a time like 18:00 (got '25:00')"
    assert table.rows[2].error.cget("text") == "must be more than 1 and at most 100 (got 1)"
    assert is_red(table.rows[1].inputs["start"]) and is_red(table.rows[2].inputs["factor"])
    assert "fix the 2 values" in app.settings.status.cget("text")
    assert not demo.settings_path.exists()


def test_a_person_types_a_happy_hour_and_clicks_update_settings(app, demo, until):
    app.root.focus_force()
    app.notebook.select(app.settings)
    app.settings.pages.select(app.settings.rule_pages["Campaigns"])
    add = _find(app.settings.rule_pages["Campaigns"],
                lambda w: isinstance(w, ttk.Button) and w.cget("text") == "Add a campaign")
    click(app, add, until)
    table = app.settings.tables["campaigns.multipliers"]
    until(app, lambda: len(table.rows) == 1)
    row = table.rows[0]
    keys(app, row.inputs["id"], "tea-time", until)
    keys(app, row.inputs["factor"], "1", until)
    keys(app, row.inputs["start"], "15:00", until)
    keys(app, row.inputs["end"], "17:00", until)
    click(app, app.settings.save_button, until)
    until(app, lambda: row.error.cget("text") != "")
    assert row.error.cget("text") == "must be more than 1 and at most 100 (got 1)"
    assert is_red(row.inputs["factor"])
    assert not demo.settings_path.exists()

    keys(app, row.inputs["factor"], "2", until)
    click(app, app.settings.save_button, until)
    until(app, lambda: app.settings.status.cget("text") == SAVED)
    (tea,) = load_settings(demo.settings_path).campaigns.multipliers
    assert (tea.id, tea.factor, tea.start, tea.end) == ("tea-time", Decimal(2), "15:00", "17:00")


def test_a_discount_for_some_products_only_is_named_but_not_taken_off_the_total(app, demo):
    data = settings_to_dict(demo.settings)
    data["memberships"]["levels"] = [{"id": "bakers", "name": "Bakers", "threshold": 100,
                                      "discount_percent": "5", "categories": ["2"]}]
    demo.update_settings(settings_from_dict(data))
    demo.refresh_memberships()
    dialog = app.open_pay(12)
    assert "5% off some products only, so none is taken off here" in \
        dialog.member_label.cget("text")
    dialog.set_amount("5.00")
    assert dialog.plan_label.cget("text") == "500 points pay $5.00."


# ---- stars that fall ------------------------------------------------------------------------


def test_stars_that_fall_are_switched_on_with_their_months_under_the_star_levels(app, demo):
    entry(app, "tier_review.enabled").invoke()
    type_into(entry(app, "tier_review.months"), "6")
    assert save(app)
    saved = load_settings(demo.settings_path)
    assert (saved.tier_review.enabled, saved.tier_review.months) == (True, 6)
    assert demo.settings.tier_review == saved.tier_review


def test_a_review_of_no_months_is_refused_in_red_on_the_rules_page(app, demo):
    months = entry(app, "tier_review.months")
    type_into(months, "0")
    assert not save(app)
    assert is_red(months)
    refused(app, app.settings.rules, demo.settings_path)
    type_into(months, "twelve")
    assert not save(app)
    assert is_red(months)
    assert demo.settings.tier_review.months == 12
