"""A first start: the demo, in a ledger of its own, says how to leave it; leaving it (or
choosing the POS) shows the shop's own ledger; the first sync of a big POS shows its progress."""

from __future__ import annotations

import re
import subprocess
import threading
import time

import pytest

from loyalty.domain.settings import PosSettings
from loyalty.domain.settings import Settings
from loyalty.domain.settings import load_settings
from loyalty.engine import Engine
from loyalty_pos_aronium.testing import build_bulk
from loyalty_ui_tk.app import LoyaltyApp
from loyalty_ui_tk.app import default_background_tasks


@pytest.fixture
def shop_ledger(tmp_path, plugins, clock):
    """Opens the shop's own ledger (beside the demo's, sharing its settings file), as leaving
    the demo does; ``shop_ledger.opened`` lists what it opened."""
    opened: list[Engine] = []
    settings_path = tmp_path / "settings.toml"

    def open_real() -> Engine:
        settings = load_settings(settings_path) if settings_path.exists() else Settings()
        engine = Engine(tmp_path / "shop.db", settings, plugins=plugins, clock=clock,
                        settings_path=settings_path)
        opened.append(engine)
        return engine

    open_real.opened = opened  # type: ignore[attr-defined]
    yield open_real
    for engine in opened:
        engine.close()


@pytest.fixture
def demo_app(demo, make_app, shop_ledger) -> LoyaltyApp:
    """The window on the demo's ledger, as a first start opens it."""
    return make_app(demo, real_programme=lambda root: LoyaltyApp(shop_ledger(), root=root))


def click(widget) -> None:
    """Move the pointer onto ``widget`` and click it, as a person would."""
    subprocess.run(["xdotool", "mousemove", str(widget.winfo_rootx() + 12),
                    str(widget.winfo_rooty() + 10), "click", "1"], check=True)


def test_the_demo_says_it_is_the_demo_and_how_to_leave_it(demo_app, until):
    until(demo_app, lambda: demo_app.banner_button.winfo_viewable())
    assert demo_app.banner.winfo_ismapped()
    assert "Start my real programme" in demo_app.banner_text.cget("text")
    assert demo_app.banner_button.cget("text") == "Start my real programme"
    assert len(demo_app.customers.tree.get_children()) == 20


def test_start_my_real_programme_shows_the_shops_own_ledger_without_the_demo(
        demo_app, demo, shop_ledger, until):
    until(demo_app, lambda: demo_app.banner_button.winfo_viewable())
    click(demo_app.banner_button)
    until(demo_app, lambda: demo_app.successor is not None)
    window = demo_app.current
    until(window, lambda: not window.customers.loading)
    assert window.engine is shop_ledger.opened[0]
    assert window.root is demo_app.root  # the same window, now on the shop's ledger
    assert not window.banner.winfo_ismapped()
    assert window.customers.tree.get_children() == ()
    assert window.engine.customers() == []
    assert "Your own programme has started" in window.footer.cget("text")
    assert len(demo.customers()) == 20  # the demo's ledger is as it was


def test_the_mouse_wheel_scrolls_the_settings_after_leaving_the_demo_without_errors(
        demo_app, until):
    errors = []
    demo_app.root.report_callback_exception = lambda *exc: errors.append(exc)
    until(demo_app, lambda: demo_app.banner_button.winfo_viewable())
    click(demo_app.banner_button)
    until(demo_app, lambda: demo_app.successor is not None)
    window = demo_app.current
    window.notebook.select(window.settings)
    window.settings.pages.select(window.settings.rules)
    page = window.settings.rules
    until(window, page.winfo_viewable)
    subprocess.run(["xdotool", "mousemove", str(page.winfo_rootx() + 200),
                    str(page.winfo_rooty() + 150), "click", "5", "click", "5"], check=True)
    deadline = time.monotonic() + 0.5
    while time.monotonic() < deadline:
        window.pump()
    assert errors == []  # the demo's destroyed pages answer no wheel any more


def test_choosing_the_pos_in_the_demos_settings_starts_the_real_programme(
        demo_app, demo, shop_ledger, shop_plugin, tmp_path, until):
    demo_app.notebook.select(demo_app.settings)
    demo_app.settings.adapter_var.set("Fake POS")
    demo_app.settings.database_var.set(str(tmp_path / "pos.db"))
    assert demo_app.settings.update_settings()
    until(demo_app, lambda: demo_app.successor is not None)
    window = demo_app.current
    assert window.engine.settings.pos.database == str(tmp_path / "pos.db")
    assert window.engine.customers() == []
    assert not window.banner.winfo_ismapped()


def test_the_first_sync_of_a_big_pos_database_shows_its_progress(
        engine, tmp_path, make_app, until):
    pos = tmp_path / "pos.db"
    counts = build_bulk(pos, documents=3_000, customers=300)
    assert sum(counts.values()) - counts["sale_with_customer"] == 3_000
    engine.update_settings(Settings(pos=PosSettings(adapter="aronium", database=str(pos))))
    app = make_app(engine)
    seen: list[str] = []
    longest_pause = 0.0

    def first_sync() -> None:
        adapter = engine.open_pos()
        try:
            engine.sync(adapter, batch_size=400)
        finally:
            adapter.close()

    sync = threading.Thread(target=first_sync)
    sync.start()
    last = time.monotonic()
    while sync.is_alive() or app.ui.run_pending():
        app.pump()  # the window keeps answering while the sync runs
        now = time.monotonic()
        longest_pause, last = max(longest_pause, now - last), now
        text = app.progress_label.cget("text")
        if app.progress.winfo_ismapped() and (not seen or seen[-1] != text):
            seen.append(text)
        time.sleep(0.005)
    sync.join()
    until(app, lambda: not app.progress.winfo_ismapped())
    shown = [re.fullmatch(r"Reading your POS: ([\d,]+) of 3,000 sales \(\d+%\)", t)
             for t in seen]
    assert all(shown), seen
    done = [int(m.group(1).replace(",", "")) for m in shown if m]
    assert len(done) >= 3 and done == sorted(done) and done[0] < 3_000, seen  # batch by batch
    assert app.progress_bar.cget("maximum") == 3_000
    assert longest_pause < 1.0


def test_demo_customers_an_earlier_version_left_in_the_shops_ledger_can_be_removed(
        demo, make_app, until):
    real = demo.add_customer("Real Customer")  # this is the shop's ledger, from an old version
    app = make_app(demo)
    until(app, lambda: app.banner.winfo_ismapped())
    assert "20 demo customers" in app.banner_text.cget("text")
    assert app.banner_button.cget("text") == "Remove demo customers"
    until(app, lambda: app.banner_button.winfo_viewable())
    click(app.banner_button)
    until(app, lambda: not app.banner.winfo_ismapped())
    assert "Removed 20 demo customers." in app.footer.cget("text")
    until(app, lambda: app.customers.tree.get_children() == (str(real.id),))
    assert [s.customer.id for s in demo.customers()] == [real.id]
    assert demo.history(12)  # a removed customer's points log stays


def test_a_shop_ledger_without_demo_customers_shows_no_banner(engine, make_app, pump):
    engine.add_customer("Real Customer")
    app = make_app(engine)
    pump(app, 0.5)
    assert not app.banner.winfo_ismapped()


def test_the_windows_own_sync_job_shows_the_progress_of_a_first_sync(
        engine, tmp_path, make_app, until, monkeypatch):
    pos = tmp_path / "pos.db"
    build_bulk(pos, documents=3_000, customers=300)
    monkeypatch.setitem(Engine.sync.__kwdefaults__, "batch_size", 300)  # many small batches
    engine.update_settings(Settings(pos=PosSettings(adapter="aronium", database=str(pos))))
    shown: list[tuple[int, int | None, bool]] = []
    app = make_app(engine)
    show = app.show_sync_progress
    app.show_sync_progress = lambda *step: (shown.append(step), show(*step))  # type: ignore
    app.background_tasks = default_background_tasks()  # what the window runs while open
    app.start_background_tasks()

    until(app, lambda: shown and shown[-1][2], timeout=60)  # the job's sync has finished
    assert not app.progress.winfo_ismapped()
    steps = [(done, total) for done, total, finished in shown if not finished]
    assert len(steps) >= 5 and {total for _, total in steps} == {3_000}, shown
    assert [done for done, _ in steps] == sorted(done for done, _ in steps)
    assert engine.cursor(f"pos/aronium/{engine.shop.id}/{engine.shop.till}") is not None


def test_the_earlier_versions_demo_banner_stays_when_settings_change(demo, make_app, until):
    app = make_app(demo)
    until(app, lambda: app.banner.winfo_ismapped())
    app.settings.bindings["shop.name"].widget.delete(0, "end")
    app.settings.bindings["shop.name"].widget.insert(0, "Renamed")
    assert app.settings.update_settings()
    until(app, lambda: app.shop_label.cget("text").startswith("Renamed"))
    assert app.banner.winfo_ismapped()
