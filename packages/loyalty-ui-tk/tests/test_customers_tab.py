"""'All Customers': search as you type, live refresh, the platform dropdown, paging."""

from __future__ import annotations

import subprocess
import threading

from loyalty.engine import Engine
from loyalty.ledger.database import create_database_engine
from loyalty.domain.pos import PosCustomer
from loyalty.testing.plugin import Till
from loyalty_ui_tk.customers_tab import FIRST_PAGE
from loyalty_ui_tk.customers_tab import PAGE


def names(app) -> list[str]:
    return [app.customers.views[str(i)].customer.name for i in app.customers.visible_ids()]


def test_the_table_shows_every_customer_with_points_value_rating_platform_and_pay(app, demo):
    view = demo.account(12)
    assert len(app.customers.visible_ids()) == 20
    assert app.customers.cell(12, "name") == view.customer.name
    assert app.customers.cell(12, "points") == f"{view.points:,} points"
    assert app.customers.cell(12, "value") == view.value_text
    assert app.customers.cell(12, "rating") == view.rating
    assert app.customers.cell(12, "platform").startswith("None")
    assert app.customers.cell(12, "action") == "Pay ›"


def test_typing_into_the_search_box_filters_the_table_as_you_type(app, until):
    app.root.focus_force()
    app.customers.search.focus_force()
    until(app, lambda: app.root.focus_get() is app.customers.search)
    subprocess.run(["xdotool", "type", "--delay", "30", "pere"], check=True)
    until(app, lambda: app.customers.search_var.get() == "pere")
    until(app, lambda: names(app) == ["Nimal Perera"])
    assert "matching “pere”" in app.customers.status.cget("text")


def test_clearing_the_search_shows_everyone_again(app, until):
    app.customers.search_var.set("khan")
    until(app, lambda: names(app) == ["Ayesha Khan"])
    app.customers.clear_search()
    until(app, lambda: len(names(app)) == 20)


def test_a_search_without_matches_says_so_in_the_table(app, until):
    app.customers.search_var.set("nobody like this")
    until(app, lambda: app.customers.visible_ids() == [] and app.customers.empty.winfo_ismapped())
    assert "No customer matches “nobody like this”" in app.customers.empty.cget("text")


def test_every_keystroke_searches_and_the_last_one_s_rows_stay(app, until):
    before = app.customers.generation
    for text in ("s", "sh", "shr", "shre"):
        app.customers.search_var.set(text)
        app.pump()
    until(app, lambda: names(app) == ["Bishnu Shrestha"] and not app.customers.loading)
    assert app.customers.generation == before + 4


def test_points_earned_by_a_background_thread_refresh_the_row_by_themselves(app, demo, until):
    till = Till(demo)
    before = demo.balance(3)
    worker = threading.Thread(target=lambda: demo.record_sale(till.sale(3, 10_000)))
    worker.start()
    worker.join()
    after = demo.balance(3)
    assert after > before
    until(app, lambda: app.customers.cell(3, "points") == f"{after:,} points")


def test_a_customer_added_elsewhere_appears_without_a_restart(app, demo, until):
    customer = demo.add_customer("Zara Newcomer")
    until(app, lambda: customer.id in app.customers.visible_ids())


def test_the_platform_dropdown_offers_every_installed_channel_and_saves_the_choice(app, demo,
                                                                                   until):
    editor = app.customers.edit_platform(5)
    offered = list(editor.cget("values"))
    assert sorted(offered) == sorted(demo.platforms().values())
    assert offered[0] == "None" and {"Facebook Messenger", "WhatsApp"} <= set(offered)
    editor.set("WhatsApp")
    editor.event_generate("<<ComboboxSelected>>")
    assert demo.customer(5).platform == "whatsapp"
    until(app, lambda: app.customers.cell(5, "platform").startswith("WhatsApp"))
    assert "WhatsApp" in app.customers.status.cget("text")


def test_clicking_a_rows_pay_cell_opens_the_pay_dialog(app, until, monkeypatch):
    opened: list[int] = []
    app.customers.on_pay = opened.append
    tree = app.customers.tree
    app.customers.tree.see("4")
    app.pump()
    x, y, width, height = tree.bbox("4", "action")
    tree.event_generate("<ButtonRelease-1>", x=x + width // 2, y=y + height // 2)
    assert opened == [4]


def test_a_large_ledger_loads_one_page_then_more_as_you_scroll(engine: Engine, make_app, until):
    engine.record([], customers=[PosCustomer(str(i), f"Customer {i}") for i in range(450)],
                  origin="test")
    app = make_app(engine)
    assert len(app.customers.visible_ids()) == FIRST_PAGE
    assert "scroll down for more" in app.customers.status.cget("text")
    app.customers.tree.yview_moveto(1.0)
    until(app, lambda: len(app.customers.visible_ids()) == FIRST_PAGE + PAGE)
    app.customers.tree.yview_moveto(1.0)
    until(app, lambda: len(app.customers.visible_ids()) == 450)
    assert app.customers.visible_ids() == sorted(app.customers.visible_ids())


def test_enter_in_the_search_box_pays_for_the_only_customer_found(app, until):
    opened: list[int] = []
    app.customers.on_pay = opened.append
    app.customers.search_var.set("Okafor")
    until(app, lambda: names(app) == ["Chinedu Okafor"] and not app.customers.loading)
    app.customers.search.event_generate("<Return>")
    assert opened == [4]


def test_a_refresh_keeps_the_place_the_cashier_scrolled_to(engine, make_app, until):
    engine.record([], customers=[PosCustomer(str(i), f"Customer {i}") for i in range(150)],
                  origin="test")
    app = make_app(engine)
    app.customers.tree.yview_moveto(0.5)
    app.pump()
    top = app.customers.tree.yview()[0]
    generation = app.customers.generation
    engine.add_customer("Late Arrival")
    until(app, lambda: app.customers.generation > generation and not app.customers.loading)
    assert abs(app.customers.tree.yview()[0] - top) < 0.02


def test_a_search_that_cannot_read_the_ledger_says_so_and_the_next_one_works(app, demo,
                                                                            tmp_path, until):
    ledger = demo.db
    demo.db = create_database_engine(str(tmp_path / "no such folder" / "ledger.db"))
    try:
        app.customers.search_var.set("perera")
        until(app, lambda: "Could not read the customers" in app.customers.status.cget("text"))
        assert not app.customers.loading
    finally:
        demo.db.dispose()
        demo.db = ledger
    app.customers.search_var.set("perer")
    until(app, lambda: names(app) == ["Nimal Perera"])


def test_a_new_search_starts_at_the_top(engine, make_app, until):
    engine.record([], customers=[PosCustomer(str(i), f"Customer {i}") for i in range(150)],
                  origin="test")
    app = make_app(engine)
    app.customers.tree.yview_moveto(0.5)
    app.customers.search_var.set("Customer 1")
    until(app, lambda: app.customers.generation > 1 and not app.customers.loading)
    assert app.customers.tree.yview()[0] == 0.0
