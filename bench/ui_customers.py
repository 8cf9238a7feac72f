"""How the 'All Customers' tab copes with a big ledger: window up, filter per keystroke, scroll.

    uv run python bench/ui_customers.py [CUSTOMERS]      (default 100,000)

Builds a SQLite ledger with CUSTOMERS customers (a few thousand with sales; kept in the temp
folder as loyalty-bench-ui-CUSTOMERS.db for the next run), opens the real
window on a private Xvfb and measures, in wall-clock time:

* window up: from creating the app until the first page of rows is in the table;
* keystroke to rows: typing a name letter by letter, from the last keystroke until the
  filtered rows are shown (includes the debounce pause of ``DEBOUNCE_MS``);
* longest UI stall: the longest single pass of the Tk loop while typing, i.e. how long the
  window could not react (the search itself runs on the worker thread);
* next page on scroll.
"""

from __future__ import annotations

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
from loyalty_ui_tk.customers_tab import DEBOUNCE_MS
from loyalty_ui_tk.customers_tab import PAGE
from loyalty_ui_tk.xvfb import virtual_display


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


def main(count: int) -> None:
    folder = Path(tempfile.mkdtemp(prefix="loyalty-bench-"))
    engine = build_ledger(folder, count)
    started = time.perf_counter()
    app = LoyaltyApp(engine)
    pump_until(app, lambda: len(app.customers.views) > 0)
    print(f"window up with the first {len(app.customers.views)} rows: "
          f"{(time.perf_counter() - started) * 1000:.0f} ms")

    tab = app.customers
    rows_shown: list[float] = []
    stalls: list[float] = []
    words = [DEMO_NAMES[i] for i in (0, 3, 7, 12)] + ["zzz no such customer", "4711"]
    for word in words:
        for length in range(1, len(word) + 1):
            tab.search_var.set(word[:length])
            before = time.perf_counter()
            app.pump()
            stalls.append(time.perf_counter() - before)
            time.sleep(0.05)  # a fast typist: 20 keys a second
        generation = tab.generation
        typed = time.perf_counter()
        pump_until(app, lambda g=generation: tab.generation > g and not tab.loading, stalls)
        pump_until(app, lambda: not tab.loading, stalls)
        rows_shown.append(time.perf_counter() - typed)
        print(f"  {word!r:24} -> {len(tab.views):>4} rows "
              f"in {rows_shown[-1] * 1000:5.0f} ms after the last key")
    print(f"keystroke to rows (incl. {DEBOUNCE_MS} ms debounce): median "
          f"{statistics.median(rows_shown) * 1000:.0f} ms, worst {max(rows_shown) * 1000:.0f} ms")
    print(f"longest UI stall while typing: {max(stalls) * 1000:.1f} ms "
          f"(median pass {statistics.median(stalls) * 1000:.2f} ms)")

    tab.search_var.set("")
    pump_until(app, lambda: tab.search_var.get() == "" and not tab.loading
               and len(tab.views) == PAGE)
    time.sleep(DEBOUNCE_MS / 1000 * 2)
    pump_until(app, lambda: not tab.loading and len(tab.views) == PAGE)
    tab.tree.yview_moveto(1.0)
    scrolled = pump_until(app, lambda: len(tab.views) == 2 * PAGE)
    print(f"next {PAGE} rows on scrolling to the end: {scrolled * 1000:.0f} ms")
    app.close()
    engine.close()


if __name__ == "__main__":
    with virtual_display():
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
