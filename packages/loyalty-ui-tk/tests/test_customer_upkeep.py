"""Customers kept from the window: add, edit, adjust, merge, remove, sort, count, the row
menu, the stars, and CSV files; clicked and typed as a person would (xdotool)."""

from __future__ import annotations

import subprocess
import tkinter as tk
from datetime import date
from decimal import Decimal
from pathlib import Path

import attrs

from loyalty.domain.settings import MembershipLevel
from loyalty.domain.settings import MembershipSettings
from loyalty.domain.settings import with_setting

from loyalty_ui_tk.customer_dialogs import AdjustDialog
from loyalty_ui_tk.customer_dialogs import AwardDialog
from loyalty_ui_tk.customer_dialogs import ConfirmDialog
from loyalty_ui_tk.customer_dialogs import CustomerDialog
from loyalty_ui_tk.customer_dialogs import MergeDialog
from loyalty_ui_tk.customer_dialogs import ProblemsDialog
from loyalty_ui_tk.customer_dialogs import window_actor


def click(app, widget: tk.Misc, x: int | None = None, y: int | None = None,
          button: int = 1) -> None:
    """Move the mouse over ``widget`` (its middle, or x, y inside it) and click."""
    app.pump()
    widget.update_idletasks()
    x = widget.winfo_rootx() + (widget.winfo_width() // 2 if x is None else x)
    y = widget.winfo_rooty() + (widget.winfo_height() // 2 if y is None else y)
    subprocess.run(["xdotool", "mousemove", str(x), str(y), "click", str(button)], check=True)
    app.pump()


def type_into(app, until, entry: tk.Misc, text: str) -> None:
    click(app, entry)
    until(app, lambda: entry.focus_get() is entry)
    subprocess.run(["xdotool", "type", "--delay", "10", text], check=True)
    until(app, lambda: entry.get().endswith(text))


def opened(app, until, kind: type) -> tk.Toplevel:
    until(app, lambda: isinstance(app.customers.dialog, kind)
          and app.customers.dialog.winfo_ismapped())
    return app.customers.dialog


def menu_item(app, until, customer_id: int, label: str) -> None:
    """Right-click the customer's row and choose ``label`` from its menu."""
    tree = app.customers.tree
    tree.see(str(customer_id))
    app.pump()
    x, y, width, height = tree.bbox(str(customer_id))
    click(app, tree, x + 300, y + height // 2, button=3)
    until(app, lambda: app.customers.menu is not None and app.customers.menu.winfo_ismapped())
    menu = app.customers.menu
    index = menu.index(label)
    next_y = menu.yposition(index + 1) if index < menu.index("end") else menu.winfo_height()
    click(app, menu, 30, (menu.yposition(index) + next_y) // 2)
    until(app, lambda: not menu.winfo_ismapped())


def names(app) -> list[str]:
    return [app.customers.views[str(i)].customer.name for i in app.customers.visible_ids()]


def test_a_customer_added_in_the_dialog_appears_in_the_table_and_the_count(app, demo, until):
    assert app.customers.status.cget("text").startswith("Showing 20 of 20 customers.")
    click(app, app.customers.add_button)
    dialog = opened(app, until, CustomerDialog)
    type_into(app, until, dialog.name_entry, "Zara Newcomer")
    type_into(app, until, dialog.phone_entry, "071 222 3333")
    click(app, dialog.save_button)
    until(app, lambda: "Zara Newcomer" in names(app))
    until(app, lambda: app.customers.status.cget("text").startswith("Showing 21 of 21"))
    assert app.footer.cget("text") == "Added Zara Newcomer (ID 21)."
    assert demo.customers()[-1].customer.phone == "071 222 3333"


def test_a_look_alike_is_shown_before_adding_and_added_only_on_add_anyway(app, demo, until):
    dialog = app.customers.open_add()
    type_into(app, until, dialog.name_entry, "NIMAL perera")
    click(app, dialog.save_button)
    until(app, lambda: "Nimal Perera (ID 1" in dialog.similar_label.cget("text"))
    assert dialog.save_button.cget("text") == "Add anyway"
    assert len(demo.customers()) == 20
    click(app, dialog.save_button)
    until(app, lambda: len(demo.customers()) == 21)


def test_choosing_whatsapp_without_a_key_says_so_at_once_and_the_edit_is_saved(app, demo, until):
    dialog = app.customers.open_edit(3)
    assert dialog.name_var.get() == "Bishnu Shrestha"
    dialog.platform_box.set("WhatsApp")
    assert "WhatsApp needs the customer's key" in dialog.key_hint.cget("text")
    assert str(dialog.key_entry.cget("style")) == "Invalid.TEntry"
    type_into(app, until, dialog.key_entry, "123456")
    assert "needs" not in dialog.key_hint.cget("text")
    click(app, dialog.save_button)
    until(app, lambda: app.customers.cell(3, "platform").startswith("WhatsApp"))
    customer = demo.customer(3)
    assert (customer.platform, customer.messaging_key) == ("whatsapp", "123456")


def test_a_birthday_typed_in_the_edit_dialog_is_kept_and_a_mistyped_one_is_refused(
        app, demo, until):
    dialog = app.customers.open_edit(5)
    type_into(app, until, dialog.birthday_entry, "1990-13-01")
    click(app, dialog.save_button)
    until(app, lambda: "is not a date" in dialog.error_label.cget("text"))
    assert str(dialog.birthday_entry.cget("style")) == "Invalid.TEntry"
    assert demo.customer(5).birthday is None
    dialog.birthday_entry.delete(0, "end")
    type_into(app, until, dialog.birthday_entry, "1990-05-17")
    click(app, dialog.save_button)
    until(app, lambda: demo.customer(5).birthday == date(1990, 5, 17))
    assert app.customers.open_edit(5).birthday_var.get() == "1990-05-17"


def test_adjusting_points_needs_a_reason_and_the_log_says_who_did_it(app, demo, until):
    before = demo.balance(12)
    menu_item(app, until, 12, "Adjust points…")
    dialog = opened(app, until, AdjustDialog)
    type_into(app, until, dialog.points_entry, "250")
    click(app, dialog.save_button)
    until(app, lambda: "needs a reason" in dialog.error_label.cget("text"))
    assert demo.balance(12) == before
    type_into(app, until, dialog.reason_entry, "Points from the old card")
    click(app, dialog.save_button)
    until(app, lambda: app.customers.cell(12, "points") == f"{before + 250:,} points")
    entry = demo.history(12)[-1]
    assert (entry.points, entry.reason) == (250, "Points from the old card")
    assert entry.actor.startswith("ui:")


def set_actions(demo, **points: int) -> None:  # noqa: ANN001
    settings = demo.settings
    for action, value in points.items():
        settings = with_setting(settings, f"campaigns.actions.{action}", value)
    demo.update_settings(settings)


def test_a_review_is_awarded_from_the_row_menu_once_and_needs_its_number(app, demo, until):
    set_actions(demo, review=50, anniversary=200, referral_referrer=250)
    before = demo.balance(12)
    menu_item(app, until, 12, "Award points for…")
    dialog = opened(app, until, AwardDialog)
    assert dialog.offered == ["referral", "anniversary", "review"]  # appointment gives none
    assert dialog.choices["review"].cget("text") == "A review: 50 points"
    assert dialog.choices["anniversary"].cget("text") == "Anniversary: 200 points, once a year"
    click(app, dialog.choices["review"])
    until(app, lambda: dialog.ask_var.get() == "Which review (its number or date)")
    click(app, dialog.award_button)
    until(app, lambda: "Fill in 'Which review" in dialog.error_label.cget("text"))
    assert str(dialog.which_entry.cget("style")) == "Invalid.TEntry"
    assert demo.balance(12) == before
    type_into(app, until, dialog.which_entry, "R-17")
    click(app, dialog.award_button)
    until(app, lambda: app.customers.cell(12, "points") == f"{before + 50:,} points")
    assert app.footer.cget("text") == \
        f"Sita Thapa: +50 points (Review R-17), balance {before + 50:,}."
    entry = demo.history(12)[-1]
    assert (entry.points, entry.reason) == (50, "Review R-17")
    assert entry.actor.startswith("ui:")

    again = app.customers.open_award(12)  # the same review twice gives nothing more
    again.choose("review")
    type_into(app, until, again.which_entry, "R-17")
    click(app, again.award_button)
    until(app, lambda: "awarded before" in again.error_label.cget("text"))
    assert demo.balance(12) == before + 50


def test_a_referral_awarded_in_the_window_gives_both_customers_their_points(app, demo, until):
    set_actions(demo, referral_referrer=250, referral_referred=100)
    before = demo.balance(12), demo.balance(5)
    dialog = app.customers.open_award(12)
    assert dialog.choices["referral"].cget("text") == \
        "Bringing a new customer: 250 points (the new customer gets 100 points)"
    dialog.choose("referral")
    type_into(app, until, dialog.which_entry, "five")
    click(app, dialog.award_button)
    until(app, lambda: "is not a number" in dialog.error_label.cget("text"))
    dialog.which_entry.delete(0, "end")
    type_into(app, until, dialog.which_entry, "12")
    click(app, dialog.award_button)
    until(app, lambda: "cannot bring themselves" in dialog.error_label.cget("text"))
    dialog.which_entry.delete(0, "end")
    type_into(app, until, dialog.which_entry, "999")
    click(app, dialog.award_button)
    until(app, lambda: "No customer with id 999." in dialog.error_label.cget("text"))
    assert "loyalty" not in dialog.error_label.cget("text")  # no command line in the window
    assert (demo.balance(12), demo.balance(5)) == before
    dialog.which_entry.delete(0, "end")
    type_into(app, until, dialog.which_entry, "5")
    click(app, dialog.award_button)
    until(app, lambda: not dialog.winfo_exists())
    assert (demo.balance(12), demo.balance(5)) == (before[0] + 250, before[1] + 100)
    assert "; " in app.footer.cget("text")  # both named


def test_with_no_action_points_the_award_dialog_says_where_to_set_them(app, until):
    dialog = app.customers.open_award(12)
    assert dialog.offered == []
    assert str(dialog.award_button.cget("state")) == "disabled"
    assert any("Settings, Bonuses" in str(w.cget("text")) for w in dialog.body.winfo_children()
               if w.winfo_class() == "TLabel")


def test_remove_asks_first_and_cancel_keeps_the_customer(app, demo, until):
    menu_item(app, until, 5, "Remove…")
    dialog = opened(app, until, ConfirmDialog)
    click(app, dialog.no_button)
    until(app, lambda: not dialog.winfo_exists())
    assert demo.customer(5).removed_at is None
    menu_item(app, until, 5, "Remove…")
    dialog = opened(app, until, ConfirmDialog)
    click(app, dialog.yes_button)
    until(app, lambda: 5 not in app.customers.visible_ids())
    until(app, lambda: app.customers.status.cget("text").startswith("Showing 19 of 19"))
    assert demo.customer(5).removed_at is not None


def test_merging_picks_the_other_customer_and_sums_their_points(app, demo, until):
    twin = demo.add_customer("Sita T.")
    demo.adjust(twin.id, 100, reason="old card")
    before = demo.balance(12)
    until(app, lambda: twin.id in app.customers.visible_ids())
    menu_item(app, until, 12, "Merge…")
    dialog = opened(app, until, MergeDialog)
    type_into(app, until, dialog.search, "sita")
    until(app, lambda: dialog.tree.get_children() == (str(twin.id),))
    x, y, width, height = dialog.tree.bbox(str(twin.id))
    click(app, dialog.tree, x + 50, y + height // 2)
    until(app, lambda: dialog.merge_button.cget("text") == "Merge Sita T. into Sita Thapa")
    click(app, dialog.merge_button)
    until(app, lambda: twin.id not in app.customers.visible_ids())
    until(app, lambda: app.customers.cell(12, "points") == f"{before + 100:,} points")
    assert app.footer.cget("text").startswith(f"Merged customer {twin.id} (Sita T.) into")


def test_clicking_a_heading_sorts_by_it_as_numbers_and_again_reverses(app, demo, until):
    tree = app.customers.tree
    x = sum(tree.column(c, "width") for c in ("#0", "id", "name"))
    click(app, tree, x + tree.column("points", "width") // 2, 12)
    until(app, lambda: app.customers.sort_column == "points" and not app.customers.loading)
    points = [app.customers.views[str(i)].points for i in app.customers.visible_ids()]
    assert points == sorted(points) and max(points) >= 1000 > min(points)
    assert tree.heading("points", "text") == "Points ▲"
    click(app, tree, x + tree.column("points", "width") // 2, 12)
    until(app, lambda: app.customers.descending and not app.customers.loading)
    points = [app.customers.views[str(i)].points for i in app.customers.visible_ids()]
    assert points == sorted(points, reverse=True)
    click(app, tree, tree.column("#0", "width") // 2, 12)  # the stars
    until(app, lambda: app.customers.sort_column == "#0" and not app.customers.loading)
    stars = [app.customers.views[str(i)].stars for i in app.customers.visible_ids()]
    assert stars == sorted(stars)


def test_a_search_shows_how_many_match_of_all(app, until):
    app.customers.search_var.set("khan")
    until(app, lambda: names(app) == ["Ayesha Khan"])
    assert app.customers.status.cget("text").startswith(
        "Showing 1 customer matching “khan” (of 20).")


def test_send_message_in_the_row_menu_opens_the_window_s_message_dialog(app, until):
    assert app.customers.row_menu(3).entrycget("Send message…", "state") == "disabled" \
        or hasattr(app, "send_message_to")
    asked: list[int] = []
    app.send_message_to = asked.append
    menu_item(app, until, 3, "Send message…")
    assert asked == [3]


def test_every_row_shows_its_stars_as_a_picture_redrawn_for_the_theme(app, demo, until):
    light = app.customers.tree.item("12", "image")
    assert light and light != app.customers.tree.item("1", "image")  # 3 stars, not 0
    app.settings.theme_chosen("Dark")
    until(app, lambda: app.customers.tree.item("12", "image") != light)
    image = app.customers.stars_image(demo.account(12).stars)
    assert image.width() > 5 * 14 and image.height() >= 14


def test_export_then_import_of_a_file_with_a_bad_row_lists_it_and_imports_nothing(
        app, demo, until, tmp_path: Path):
    app.customers.export_file(tmp_path / "all.csv")
    until(app, lambda: "Exported 20 customers" in app.footer.cget("text"))
    lines = (tmp_path / "all.csv").read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) == 21 and lines[0] == "id,name,phone,platform,key,points,birthday,stars"
    bad = tmp_path / "bad.csv"
    bad.write_text("name,points\nNew One,10\n,5\n", encoding="utf-8")
    app.customers.import_file(bad)
    dialog = opened(app, until, ProblemsDialog)
    assert dialog.text.get("1.0", "end").strip() == \
        "row 3: The customer's name is empty. Give the customer's name."
    assert len(demo.customers()) == 20
    good = tmp_path / "good.csv"
    good.write_bytes(b"\xef\xbb\xbfname,points\r\nNew One,10\r\n")
    app.customers.import_file(good)
    until(app, lambda: "New One" in names(app))
    assert app.footer.cget("text") == "Imported 1 customers from good.csv with 10 opening points."
    until(app, lambda: app.customers.status.cget("text").startswith("Showing 21 of 21"))


def test_the_edit_dialog_shows_the_membership_and_grants_a_level_with_its_reason(
        app, demo, until):
    demo.update_settings(attrs.evolve(demo.settings, memberships=MembershipSettings(levels=(
        MembershipLevel("silver", "Silver", 500, Decimal(5), valid_days=90),
        MembershipLevel("gold", "Gold", 1000, Decimal(10), valid_days=90)))))
    menu_item(app, until, 4, "Edit…")
    dialog = opened(app, until, CustomerDialog)
    assert dialog.membership_label.cget("text") == "None running."
    assert list(dialog.level_box.cget("values")) == ["Silver", "Gold"]
    dialog.level_box.set("Gold")
    click(app, dialog.grant_button)
    until(app, lambda: "needs a reason" in dialog.error_label.cget("text"))
    assert str(dialog.grant_reason_entry.cget("style")) == "Invalid.TEntry"
    assert demo.membership(4) is None
    type_into(app, until, dialog.grant_reason_entry, "staff")
    click(app, dialog.grant_button)
    until(app, lambda: demo.membership(4) is not None)
    held = demo.membership(4)
    assert (held.level.id, held.reason, held.granted_by) == ("gold", "staff", window_actor())
    until(app, lambda: dialog.membership_label.cget("text").startswith(
        f"Gold until {held.held.expires_on}: 10% off everything. Granted by ui:"))
    assert not dialog.error_label.winfo_ismapped() and dialog.grant_reason_var.get() == ""
    dialog.level_box.set("Silver")
    type_into(app, until, dialog.grant_reason_entry, "VIP")
    subprocess.run(["xdotool", "key", "Return"], check=True)  # Enter grants, does not save
    until(app, lambda: "already holds Gold" in dialog.error_label.cget("text"))
    assert demo.membership(4).level.id == "gold"
    assert dialog.winfo_exists()  # granting is not saving: the dialog stays open


def test_without_levels_the_grant_is_switched_off_and_says_where_to_add_them(app, until):
    dialog = app.customers.open_edit(2)
    assert str(dialog.grant_button.cget("state")) == "disabled"
    assert dialog.membership_label.cget("text") == "None running."


def test_one_point_is_one_point_in_the_table_and_the_points_log(app, demo, until):
    zara = demo.add_customer("Zara One")
    demo.adjust(zara.id, 1, reason="a single point")
    app.customers.search_var.set("Zara One")
    until(app, lambda: app.customers.visible_ids() == [zara.id])
    assert app.customers.cell(zara.id, "points") == "1 point"
    log = app.open_history(zara.id)
    until(app, lambda: log.balance_label.cget("text").startswith("1 point · "))
    assert log.footer.cget("text") == "1 entry; lifetime earned 0 points."  # not earned
