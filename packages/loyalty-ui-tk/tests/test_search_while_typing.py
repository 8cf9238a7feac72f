"""Typing fast into 'All Customers': only the last keystroke's search is worth finishing.

A search waiting behind another never starts, one still running when the next key comes is
interrupted in the database, and the table only ever shows the rows of the text in the box.
"""

from __future__ import annotations

import subprocess
import threading
import time

from loyalty.domain.pos import PosCustomer
from loyalty.engine import Engine
from loyalty_ui_tk.app import LoyaltyApp
from loyalty_ui_tk.customers_tab import FIRST_PAGE
from loyalty_ui_tk.customers_tab import PAGE
from loyalty_ui_tk.ui_queue import POLL_MS


SLOW_SEARCH = ("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
               "WHERE i < 300000000) SELECT count(*) FROM n")
"""About half a minute of SQLite work: a search that would keep the worker long busy."""


def shown_ids(app: LoyaltyApp) -> list[int]:
    return app.customers.visible_ids()


def found_ids(engine: Engine, text: str) -> list[int]:
    return [view.customer.id for view in engine.accounts(text or None, limit=200)]


def type_into_search(app: LoyaltyApp, until, text: str) -> None:
    """Type ``text`` as fast as X delivers keys (``xdotool --delay 0``)."""
    app.root.focus_force()
    app.customers.search.focus_force()
    until(app, lambda: app.root.focus_get() is app.customers.search)
    subprocess.run(["xdotool", "type", "--delay", "0", text], check=True)


def test_fast_typing_shows_only_rows_of_the_text_in_the_box_and_ends_on_the_last(
    app, demo, until, monkeypatch,
):
    tab = app.customers
    shown: list[tuple[str, list[int]]] = []
    show = tab._show

    def record(*args: object, **options: object) -> None:
        show(*args, **options)  # type: ignore[arg-type]
        shown.append((tab.search_var.get().strip(), shown_ids(app)))

    monkeypatch.setattr(tab, "_show", record)
    tab.searches.clear()

    type_into_search(app, until, "perera")
    until(app, lambda: tab.search_var.get() == "perera" and not tab.loading)

    assert shown_ids(app) == found_ids(demo, "perera") != []
    assert all(ids == found_ids(demo, text) for text, ids in shown), shown
    assert sum(tab.searches.values()) == len("perera")
    assert tab.searches["shown"] == len(shown)


def test_a_search_does_not_wait_behind_another_tab_s_slow_read(app, demo, until):
    release = threading.Event()
    app.worker.submit(lambda: release.wait(10), lambda _: None)  # a report, say
    try:
        type_into_search(app, until, "okafor")
        until(app, lambda: app.customers.search_var.get() == "okafor"
              and not app.customers.loading, timeout=5)
        assert shown_ids(app) == found_ids(demo, "okafor") != []
    finally:
        release.set()


def test_searches_queued_behind_a_running_one_never_run_but_the_last(app, demo, until):
    tab = app.customers
    release = threading.Event()
    tab.searcher.submit(lambda: release.wait(10), lambda _: None)  # a slow search ahead
    tab.searches.clear()

    type_into_search(app, until, "shrestha")
    until(app, lambda: tab.search_var.get() == "shrestha")
    release.set()
    until(app, lambda: not tab.loading)

    assert tab.searches == {"skipped": len("shrestha") - 1, "shown": 1}
    assert shown_ids(app) == found_ids(demo, "shrestha") != []


def test_a_search_still_running_when_the_next_key_comes_is_stopped_in_the_database(
    app, demo, until, monkeypatch,
):
    tab = app.customers
    accounts = demo.accounts
    running = threading.Event()

    def slow_first_letter(search: str | None, **options: object) -> object:
        if search == "p":
            running.set()
            demo.read(lambda conn: conn.exec_driver_sql(SLOW_SEARCH).all(),
                      cancel=options["cancel"])  # type: ignore[arg-type]
        return accounts(search, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(demo, "accounts", slow_first_letter)
    tab.searches.clear()

    type_into_search(app, until, "p")
    until(app, running.is_set)
    typed = time.monotonic()
    type_into_search(app, until, "e")
    until(app, lambda: tab.search_var.get() == "pe" and not tab.loading)

    assert time.monotonic() - typed < 5  # not the half minute the first search would take
    assert tab.searches == {"stopped": 1, "shown": 1}
    assert shown_ids(app) == found_ids(demo, "pe") != []


def test_a_window_taller_than_the_first_page_reads_more_rows_by_itself(engine, make_app, until):
    engine.record([], customers=[PosCustomer(str(i), f"Customer {i}") for i in range(300)],
                  origin="test")
    app = make_app(engine)
    assert len(shown_ids(app)) == FIRST_PAGE

    app.root.geometry("1120x3000")  # a tall screen: the first page leaves the table half empty

    until(app, lambda: len(shown_ids(app)) == FIRST_PAGE + PAGE)




def run_tk_loop(app: LoyaltyApp, seconds: float) -> None:
    """The Tk loop alone, as mainloop runs it (``pump`` would also empty the queue itself)."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        app.root.update()
        time.sleep(0.002)


def test_the_window_polls_every_few_ms_while_an_answer_is_awaited_then_calms_down(
    app, monkeypatch,
):
    polls: list[float] = []
    poll = app.ui._poll

    def counted() -> None:
        polls.append(time.monotonic())
        poll()

    monkeypatch.setattr(app.ui, "_poll", counted)
    release = threading.Event()
    # submitted from posted work, as a refresh's search is: inside a poll
    app.ui.post(lambda: app.worker.submit(lambda: release.wait(10), lambda _: None))
    run_tk_loop(app, 0.1)
    assert app.worker.busy
    polls.clear()
    run_tk_loop(app, 0.3)
    assert len(polls) >= 300 / 30 * 2  # every AWAITED_POLL_MS while it is awaited
    release.set()
    run_tk_loop(app, 0.1)
    assert not app.worker.busy

    polls.clear()
    run_tk_loop(app, 0.6)
    assert len(polls) <= 600 / POLL_MS + 2  # one chain of polls, at POLL_MS again
