"""'Settings': values load, validate next to their field, save all or nothing, persist."""

from __future__ import annotations

from decimal import Decimal

from loyalty.domain.settings import load_settings
from loyalty.engine import Engine


def entry_text(app, path: str) -> str:
    return app.settings.bindings[path].widget.get()


def set_entry(app, path: str, text: str) -> None:
    widget = app.settings.bindings[path].widget
    widget.delete(0, "end")
    widget.insert(0, text)


def set_text(app, template: str, text: str) -> None:
    widget = app.settings.template_texts[template]
    widget.delete("1.0", "end")
    widget.insert("1.0", text)


def test_settings_persist_across_a_restart(app, demo, make_app, plugins, clock, ledger_url):
    set_entry(app, "shop.name", "Corner Shop Colombo")
    app.settings.currency_var.set(app.settings._currency_label("LKR"))
    set_entry(app, "earning.points_per_unit", "2")
    set_entry(app, "earning.payment_threshold", "10.00")
    app.settings.tier_rows[4][1].set("6000")
    set_text(app, "points_earned", "Thanks {customer_name}! +{points_earned}")
    app.settings.theme_chosen("Green")
    app.settings.bindings["draw.enabled"].write(True)
    app.settings.bindings["draw.days"].write(["tuesday", "friday"])
    app.settings.bindings["pos.keyboard_emulation"].write(True)
    assert app.settings.update_settings()
    assert app.settings.status.cget("text") == "✓ Settings saved."
    app.close()

    saved = load_settings(demo.settings_path)
    with Engine(ledger_url, saved, plugins=plugins, clock=clock,
                settings_path=demo.settings_path) as reopened:
        again = make_app(reopened)
        assert entry_text(again, "shop.name") == "Corner Shop Colombo"
        assert again.settings.currency_var.get().startswith("LKR")
        assert entry_text(again, "earning.points_per_unit") == "2"
        assert entry_text(again, "earning.payment_threshold") == "10.00"
        assert again.settings.tier_rows[4][1].get() == "6000"
        assert again.settings.template_texts["points_earned"].get("1.0", "end-1c") == \
            "Thanks {customer_name}! +{points_earned}"
        assert again.settings.theme_var.get() == "Green"
        assert again.settings.bindings["draw.days"].read() == ["tuesday", "friday"]
        assert again.settings.bindings["draw.enabled"].read() is True
        assert again.settings.bindings["pos.keyboard_emulation"].read() is True
        assert again.customers.cell(12, "value").startswith("රු.")  # as Sri Lanka writes it
        again.close()


def test_a_bad_value_is_shown_next_to_its_field_and_nothing_is_saved(app, demo):
    before = demo.settings
    set_entry(app, "shop.name", "Renamed")
    set_entry(app, "earning.points_per_unit", "lots")
    set_entry(app, "draw.prize_points", "-5")
    assert not app.settings.update_settings()
    assert app.settings.bindings["earning.points_per_unit"].error.cget("text") == \
        "expected a number, got 'lots'"
    assert app.settings.bindings["draw.prize_points"].error.cget("text") == \
        "must be greater than zero (got -5)"
    assert str(app.settings.bindings["earning.points_per_unit"].widget.cget("style")) == \
        "Invalid.TEntry"
    assert "Nothing was saved" in app.settings.status.cget("text")
    assert app.settings.pages.select() == str(app.settings.rules)
    assert demo.settings == before
    assert not demo.settings_path.exists()


def test_fixing_the_value_clears_its_error_and_saves(app, demo):
    set_entry(app, "earning.points_per_unit", "-1")
    assert not app.settings.update_settings()
    set_entry(app, "earning.points_per_unit", "3")
    assert app.settings.update_settings()
    assert app.settings.bindings["earning.points_per_unit"].error.cget("text") == ""
    assert demo.settings.earning.points_per_unit == Decimal(3)


def test_a_star_level_threshold_error_is_shown_on_that_level(app, demo):
    app.settings.tier_rows[2][1].set("abc")
    assert not app.settings.update_settings()
    assert app.settings.tier_rows[2][5].cget("text") == "expected a whole number, got 'abc'"
    assert app.settings.tier_rows[1][5].cget("text") == ""


def test_star_levels_out_of_order_are_refused_under_the_table(app, demo):
    app.settings.tier_rows[1][1].set("50")  # 2 stars for fewer points than 1 star
    assert not app.settings.update_settings()
    assert "thresholds must increase" in app.settings.tiers_error.cget("text")


def test_a_star_level_can_be_added(app, demo):
    app.settings.add_tier()
    app.settings.tier_rows[-1][1].set("10000")
    app.settings.tier_rows[-1][2].set("50")
    assert app.settings.update_settings()
    assert demo.max_stars == 6
    assert demo.settings.tiers[-1].points_to_add == 50


def test_an_unknown_placeholder_in_a_template_is_refused_next_to_the_template(app, demo):
    set_text(app, "points_spent", "You spent {points_spnt}")
    assert not app.settings.update_settings()
    error = app.settings.bindings["notifications.templates.points_spent"].error.cget("text")
    assert error.startswith("unknown placeholder {points_spnt}; valid ones are")
    assert app.settings.pages.select() == str(app.settings.notifications)


def test_insert_placeholder_inserts_at_the_cursor(app):
    text = app.settings.template_texts["points_earned"]
    text.delete("1.0", "end")
    text.insert("1.0", "Hello , welcome")
    text.mark_set("insert", "1.6")
    app.settings.insert_placeholder(text, "customer_name")
    assert text.get("1.0", "end-1c") == "Hello {customer_name}, welcome"


def test_the_insert_placeholder_menu_lists_that_templates_placeholders(app):
    cell = app.settings.template_texts["draw_won"].master
    button = next(w for w in cell.winfo_children() if w.winfo_class() == "TMenubutton")
    menu = button.nametowidget(button.cget("menu"))
    labels = [menu.entrycget(i, "label") for i in range(menu.index("end") + 1)]
    assert any(label.startswith("{prize_points}") for label in labels)
    assert not any(label.startswith("{points_spent}") for label in labels)
    menu.invoke(labels.index(next(x for x in labels if x.startswith("{prize_points}"))))
    assert "{prize_points}" in app.settings.template_texts["draw_won"].get("1.0", "end-1c")


def test_the_points_per_currency_label_follows_the_currency_chosen(app):
    assert app.settings.earn_label.get() == "Points per 1 $"
    app.settings.currency_var.set(app.settings._currency_label("NGN"))
    assert app.settings.earn_label.get() == "Points per 1 ₦"
    assert app.settings.threshold_label.get() == "Payment threshold (₦)"


def test_changing_the_database_path_reloads_the_customers(app, demo, tmp_path, until):
    started: list[str] = []
    app.background_tasks.append(lambda engine, stop: started.append("sync"))
    generation = app.customers.generation
    app.settings.database_var.set(str(tmp_path / "pos.db"))
    assert app.settings.update_settings()
    assert demo.settings.pos.database == str(tmp_path / "pos.db")
    until(app, lambda: started == ["sync"] and not app.customers.loading)
    assert app.customers.generation > generation
    assert "customers reloaded" in app.footer.cget("text")


def test_saving_a_new_currency_redraws_the_values_in_the_table(app, demo, until):
    app.settings.currency_var.set(app.settings._currency_label("NGN"))
    assert app.settings.update_settings()
    until(app, lambda: app.customers.cell(12, "value") == demo.account(12).value_text
          and app.customers.cell(12, "value").startswith("₦"))
    assert "₦" in app.rules_label.cget("text")


def test_settings_changed_elsewhere_show_in_the_form_and_are_not_overwritten(app, demo, until):
    from loyalty.domain.settings import with_setting

    demo.update_settings(with_setting(demo.settings, "pos.adapter", "fakepos"))
    until(app, lambda: app.settings.adapter_var.get() == "Fake POS")
    set_entry(app, "shop.name", "Renamed")
    assert app.settings.update_settings()
    assert demo.settings.pos.adapter == "fakepos"
    assert demo.settings.shop.name == "Renamed"


def test_a_first_run_offers_the_pos_database_found_on_this_computer(demo, make_app, shop_plugin,
                                                                     tmp_path):
    from loyalty.domain.settings import with_setting

    found = tmp_path / "Aronium" / "Data" / "pos.db"
    shop_plugin.found = str(found)
    demo.update_settings(with_setting(with_setting(demo.settings, "pos.database", None),
                                      "pos.adapter", None))

    app = make_app(demo)

    assert app.settings.found_database == str(found)
    assert app.settings.database_var.get() == str(found)
    assert app.settings.adapter_var.get() == "Fake POS"
    assert "Found the Fake POS database" in app.settings.status.cget("text")
    assert demo.settings.pos.database is None  # offered, saved only with Update Settings
    assert app.settings.update_settings()
    assert demo.settings.pos.database == str(found)


def test_a_database_path_the_pos_refuses_is_refused_next_to_the_field(app, demo, tmp_path):
    before = demo.settings.pos.database
    app.settings.adapter_var.set("Fake POS")
    app.settings.database_var.set(str(tmp_path / "not-a-pos.db"))

    assert not app.settings.update_settings()

    assert app.settings.errors == {
        "pos.database": f"{tmp_path / 'not-a-pos.db'}: not a Fake POS database"}
    assert app.settings.bindings["pos.database"].error.cget("text").endswith(
        "not a Fake POS database")
    assert demo.settings.pos.database == before
