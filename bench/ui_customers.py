"""How the 'All Customers' tab copes with a big ledger: window up, filter per keystroke, scroll.

    uv run python bench/ui_customers.py [CUSTOMERS ...]      (default 100,000 and 1,000,000)

For each size, builds a SQLite ledger with CUSTOMERS customers (a few thousand with sales; kept
in the temp folder as loyalty-bench-ui-CUSTOMERS.db for the next run), opens the real
window on a private Xvfb and measures, in wall-clock time:

* window up: from creating the app until the first page of rows is in the table;
* keystroke to rows: typing a name letter by letter, 20, 50 and 500 keys a second with the window's
  loop running between keys (each key's rows are shown, as in the real window), from the last
  keystroke until the filtered rows are shown (a search starts at every keystroke: there is
  no pause), against the goal of ``GOAL_MS`` at worst; the search alone (``Engine.accounts``,
  on the search thread) is timed apart, so the rest is the Tk loop filling the table;
* how the searches ended: shown, or replaced by the next keystroke before they started
  (skipped), while they ran (stopped) or after, before their rows were shown (late);
* longest UI stall: the longest single pass of the Tk loop while typing, i.e. how long the
  window could not react (the search itself runs on the worker thread);
* next page on scroll.
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from loyalty.domain.demo import DEMO_NAMES
from loyalty.domain.demo import demo_customers
from loyalty.domain.demo import demo_facts
from loyalty.engine import Engine
from loyalty_ui_tk.app import LoyaltyApp
from loyalty_ui_tk.customers_tab import FIRST_PAGE
from loyalty_ui_tk.customers_tab import PAGE
from loyalty_ui_tk.xvfb import virtual_display


GOAL_MS = 50
KEYS_A_SECOND = (20, 50, 500)
"""A fast typist; the bursts of one (a key every 20 ms); a card reader or barcode scanner that
types as a keyboard (a key every 2 ms: each search is replaced while it runs)."""
WORDS = [DEMO_NAMES[i] for i in (0, 3, 7, 12)] + ["zzz no such customer", "4711", "q", "Zq"]
"""Typed letter by letter: names, a miss, a number, short ones that match nobody."""


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} cores"


def build_ledger(folder: Path, count: int) -> Engine:
    """Build once, then reuse: recording 100,000 customers takes minutes."""
    ledger = Path(tempfile.gettempdir()) / f"loyalty-bench-ui-{count}.db"
    if ledger.exists():
        print(f"ledger: reusing {ledger} ({count:,} customers)")
        return Engine(ledger, settings_path=folder / "settings.toml")
    engine = Engine(folder / "ledger.db", settings_path=folder / "settings.toml")
    started = time.perf_counter()
    customers = demo_customers(count)
    for start in range(0, count, 20_000):
        chunk = customers[start:start + 20_000]
        facts = demo_facts(chunk[:500], currency=engine.currency.code, shop_id="main",
                           till_id="till-1", now=engine.clock(), seed=start)
        engine.record(list(facts), customers=chunk, origin="demo")
    print(f"ledger: {count:,} customers built in {time.perf_counter() - started:.1f} s")
    engine.close()
    shutil.copyfile(folder / "ledger.db", ledger)
    return Engine(ledger, settings_path=folder / "settings.toml")


def pump_until(app: LoyaltyApp, condition, stalls: list[float] | None = None) -> float:
    started = time.perf_counter()
    while not condition():
        before = time.perf_counter()
        app.pump()
        if stalls is not None:
            stalls.append(time.perf_counter() - before)
        time.sleep(0.001)
    return time.perf_counter() - started


def search_alone(engine: Engine) -> tuple[list[float], list[float]]:
    """Each word's search as the worker runs it, best of three: SQL, lapsed points, views;
    in wall and in CPU seconds (the CPU seconds are what a quiet machine would take)."""
    times, cpu_times = [], []
    for word in WORDS:
        runs, cpu_runs = [], []
        for _ in range(3):
            started, cpu = time.perf_counter(), time.thread_time()
            engine.accounts(word, limit=FIRST_PAGE)
            runs.append(time.perf_counter() - started)
            cpu_runs.append(time.thread_time() - cpu)
        times.append(min(runs))
        cpu_times.append(min(cpu_runs))
    return times, cpu_times


def type_words(app: LoyaltyApp, count: int, keys_a_second: int, alone: list[float],
               alone_cpu: list[float]) -> None:
    """Type every word letter by letter, the window's loop running between keys (each key's
    rows are shown, as in the real window); print the time from each word's last key to its
    rows, and how the searches ended."""
    print(f"typing {keys_a_second} keys a second:")
    tab = app.customers
    tab.searches.clear()
    rows_shown: list[float] = []
    cpu_shown: list[float] = []
    stalls: list[float] = []
    for word, searched, searched_cpu in zip(WORDS, alone, alone_cpu):
        for length in range(1, len(word)):
            tab.search_var.set(word[:length])
            next_key = time.perf_counter() + 1 / keys_a_second
            pump_until(app, lambda t=next_key: time.perf_counter() >= t, stalls)
        generation = tab.generation
        typed, window_cpu = time.perf_counter(), time.thread_time()
        tab.search_var.set(word)
        pump_until(app, lambda g=generation: tab.generation > g and not tab.loading, stalls)
        rows_shown.append(time.perf_counter() - typed)
        window_cpu = time.thread_time() - window_cpu
        cpu_shown.append(searched_cpu + window_cpu)
        print(f"  {word!r:24} -> {len(tab.views):>4} rows "
              f"in {rows_shown[-1] * 1000:5.1f} ms after the last key "
              f"(the search alone {searched * 1000:5.1f} ms); CPU: search "
              f"{searched_cpu * 1000:4.1f} ms + window {window_cpu * 1000:4.1f} ms")
    print("searches: " + ", ".join(
        f"{number} {outcome}" for outcome, number in sorted(tab.searches.items())))
    worst = max(rows_shown) * 1000
    print(f"keystroke to rows at {count:,} customers, {keys_a_second} keys a second (no "
          f"debounce): median {statistics.median(rows_shown) * 1000:.1f} ms, worst "
          f"{worst:.1f} ms = {worst / GOAL_MS:.2f}x the {GOAL_MS} ms goal; {load()}")
    print(f"CPU per last keystroke (search on the worker + the Tk thread filling the table, "
          f"what an idle machine would take): median {statistics.median(cpu_shown) * 1000:.1f}"
          f" ms, worst {max(cpu_shown) * 1000:.1f} ms = {max(cpu_shown) * 1000 / GOAL_MS:.2f}x "
          f"the goal")
    print(f"longest UI stall while typing: {max(stalls) * 1000:.1f} ms "
          f"(median pass {statistics.median(stalls) * 1000:.2f} ms)")


def main(count: int) -> None:
    print(f"-- {count:,} customers; {load()}")
    folder = Path(tempfile.mkdtemp(prefix="loyalty-bench-"))
    engine = build_ledger(folder, count)
    alone, alone_cpu = search_alone(engine)
    started = time.perf_counter()
    app = LoyaltyApp(engine)
    pump_until(app, lambda: len(app.customers.views) > 0)
    print(f"window up with the first {len(app.customers.views)} rows: "
          f"{(time.perf_counter() - started) * 1000:.0f} ms")

    for keys_a_second in KEYS_A_SECOND:
        type_words(app, count, keys_a_second, alone, alone_cpu)

    tab = app.customers
    tab.search_var.set("")
    pump_until(app, lambda: not tab.loading and len(tab.views) == FIRST_PAGE)
    tab.tree.yview_moveto(1.0)
    scrolled = pump_until(app, lambda: len(tab.views) == FIRST_PAGE + PAGE)
    print(f"next {PAGE} rows on scrolling to the end: {scrolled * 1000:.0f} ms")
    app.close()
    engine.close()


if __name__ == "__main__":
    with virtual_display():
        for size in [int(a) for a in sys.argv[1:]] or [100_000, 1_000_000]:
            main(size)
