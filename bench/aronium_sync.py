"""How long a first full sync of a big Aronium database takes, and how fast one new sale arrives.

    uv run python bench/aronium_sync.py [--documents 1000000] [--customers 100000]

Builds ``pos.db`` (85% sales, 40% of them with a customer, 3% refunds, the rest other
document types; 1-4 items each) in a temporary folder, then times:

* the full sync: every customer and document into a fresh SQLite ledger (``Engine.sync``, in
  batches of ``loyalty sync``'s default size);
* one new sale picked up afterwards by the same open adapter, as ``loyalty watch`` does
  (the edit scan is not due), and by a freshly opened adapter, as ``loyalty sync`` does
  (opening the file plus one edit scan over all documents);
* ``loyalty sync`` with nothing new: a freshly opened adapter on the unchanged file (its
  change stamp equals the one the cursor kept from the last scan, so it scans nothing).

Items are read only with ``--lines``, as the adapter does only when per-product or
per-category points are configured (they change nothing else). The adapter reads ahead in a
worker process as ``loyalty sync`` does; ``--no-read-ahead`` reads every batch in this one.
The CPU time of the full sync is this process's; the worker's is printed apart, and so is the
time each read took this process (a batch read ahead costs it only the unpickling).

Goals (issue 16): full sync under 20 s wall, its peak RSS under 500 MB; one new sale with an
open adapter under 10 ms; ``loyalty sync`` with nothing new under 100 ms. Each figure is printed
with its ratio to the goal (below 1.00 is met). Wall times grow with the machine's load, which
is printed; CPU times much less.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from loyalty.domain.pos import PosBatch
from loyalty.domain.settings import Settings
from loyalty.engine import Engine
from loyalty.services.sync import DEFAULT_BATCH_SIZE
from loyalty_pos_aronium.adapter import AroniumAdapter
from loyalty_pos_aronium.testing import AroniumFixture
from loyalty_pos_aronium.testing import build_bulk


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=1_000_000)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE,
                        help="Documents per ledger transaction (what 'loyalty sync' uses).")
    parser.add_argument("--lines", action="store_true",
                        help="Read document items too (as when product or category points are set).")
    parser.add_argument("--folder", type=Path, default=None, help="Keep the files here.")
    parser.add_argument("--reuse", action="store_true",
                        help="Use the pos.db already in --folder instead of building one.")
    parser.add_argument("--no-read-ahead", dest="read_ahead", action="store_false",
                        help="Read every batch in this process, none in a worker process.")
    args = parser.parse_args()
    folder = args.folder or Path(tempfile.mkdtemp(prefix="aronium-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    pos_db = folder / "pos.db"
    for leftover in ("ledger.db", "ledger.db-wal", "ledger.db-shm"):
        (folder / leftover).unlink(missing_ok=True)
    if not (args.reuse and pos_db.exists()):
        pos_db.unlink(missing_ok=True)
        started = time.perf_counter()
        counts = build_bulk(pos_db, documents=args.documents, customers=args.customers)
        built = time.perf_counter() - started
        print(f"workload: {args.documents:,} documents ({counts['sale']:,} sales, "
              f"{counts['sale_with_customer']:,} with a customer, {counts['refund']:,} refunds, "
              f"{counts['other']:,} other), {args.customers:,} customers; "
              f"pos.db {pos_db.stat().st_size / 1e6:.0f} MB built in {built:.1f} s")
    load = f"load average {os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else "load unknown"
    print(f"machine: {os.cpu_count()} cores, {load} "
          "(wall times grow with the load; CPU times much less)")

    settings = Settings()
    with Engine(folder / "ledger.db", settings) as engine:
        adapter = AroniumAdapter(pos_db, timezone_name="Asia/Colombo", edit_scan_interval=3600,
                                 with_lines=args.lines, read_ahead=args.read_ahead)
        reads = TimedReads(adapter)
        started, cpu, worker = time.perf_counter(), time.process_time(), children_cpu()
        report = engine.sync(reads, batch_size=args.batch_size)
        full, cpu = time.perf_counter() - started, time.process_time() - cpu
        rate = report.documents_read / full if full else 0
        print(f"full sync: {full:.1f} s wall, {cpu:.1f} s CPU ({rate:,.0f} documents/s); "
              f"{report.sales_recorded:,} sales and {report.refunds_recorded:,} refunds "
              f"recorded, {report.points_awarded:,} points, {report.skipped_count:,} skipped, "
              f"{report.customers_imported:,} customers imported  {goal(full, 20, 's')}; "
              f"load average now {load_now()}")
        print(f"  peak RSS: {peak_rss()}")
        print(f"  of which reading, in this process: {reads.seconds:.2f} s "
              f"({', '.join(f'{s * 1000:.0f}' for s in reads.each)} ms)")

        till = AroniumFixture.attach(pos_db)
        warm = []
        for _ in range(5):
            till.sale(2, [(1, 2)])
            started, cpu = time.perf_counter(), time.process_time()
            report = engine.sync(adapter)
            warm.append(((time.perf_counter() - started) * 1000,
                         (time.process_time() - cpu) * 1000))
            assert report.sales_recorded == 1, report
        wall, cpu = median(warm)
        print(f"1 new sale, open adapter (loyalty watch): median of 5 {wall:.1f} ms wall, "
              f"{cpu:.1f} ms CPU  {goal(wall, 10, 'ms')}")

        till.sale(3, [(2, 1)])
        started = time.perf_counter()
        fresh = AroniumAdapter(pos_db, timezone_name="Asia/Colombo", with_lines=args.lines,
                               read_ahead=args.read_ahead)
        report = engine.sync(fresh)
        cold = (time.perf_counter() - started) * 1000
        assert report.sales_recorded == 1, report
        print(f"1 new sale, newly opened adapter with edit scan (loyalty sync): {cold:.0f} ms")
        fresh.close()

        idle = []
        for _ in range(5):
            started, cpu = time.perf_counter(), time.process_time()
            again = AroniumAdapter(pos_db, timezone_name="Asia/Colombo", with_lines=args.lines,
                                   read_ahead=args.read_ahead)
            report = engine.sync(again)
            idle.append(((time.perf_counter() - started) * 1000,
                         (time.process_time() - cpu) * 1000))
            again.close()
            assert report.documents_read == 0, report
        wall, cpu = median(idle)
        print(f"nothing new, newly opened adapter (loyalty sync): median of 5 {wall:.0f} ms "
              f"wall, {cpu:.0f} ms CPU  {goal(wall, 100, 'ms')}")
        adapter.close()
        till.close()
    if args.read_ahead:
        print(f"read-ahead worker: {children_cpu() - worker:.1f} s CPU, on the other core; "
              f"peak RSS: {peak_rss()}")
    print(f"files kept in {folder}" if args.folder else f"(temporary files in {folder})")


def median(runs: list[tuple[float, float]]) -> tuple[float, float]:
    """The run of median wall time: its wall and CPU time."""
    return sorted(runs)[len(runs) // 2]


def load_now() -> str:
    return f"{os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else "unknown"


def goal(value: float, limit: float, unit: str) -> str:
    met = "met" if value < limit else "NOT met"
    return f"[goal < {limit:g} {unit}: {value / limit:.2f}x of it, {met}]"


def peak_rss() -> str:
    """The most memory this process, and the largest of its exited children (the read-ahead
    worker), held at once (POSIX ``ru_maxrss``; building pos.db in this process counts too:
    use --reuse for the sync alone); n/a on Windows."""
    if sys.platform == "win32":
        return "n/a on Windows"
    import resource

    def mb(who: int) -> float:
        maxrss = resource.getrusage(who).ru_maxrss  # bytes on macOS, KiB elsewhere
        return maxrss / 1024 / (1024 if sys.platform == "darwin" else 1)

    own, worker = mb(resource.RUSAGE_SELF), mb(resource.RUSAGE_CHILDREN)
    return (f"{own:,.0f} MB this process {goal(own, 500, 'MB')}; "
            f"{worker:,.0f} MB a worker that exited")


class TimedReads:
    """The adapter, timing each ``read`` (what reading costs the sync's own process)."""

    def __init__(self, adapter: AroniumAdapter) -> None:
        self.adapter = adapter
        self.name, self.shop_id, self.till_id = adapter.name, adapter.shop_id, adapter.till_id
        self.each: list[float] = []

    @property
    def seconds(self) -> float:
        return sum(self.each)

    def read(self, cursor: str | None, *, limit: int) -> PosBatch:
        started = time.perf_counter()
        batch = self.adapter.read(cursor, limit=limit)
        self.each.append(time.perf_counter() - started)
        return batch

    def remaining(self, cursor: str | None) -> int | None:
        return self.adapter.remaining(cursor)

    def close(self) -> None:
        self.adapter.close()


def children_cpu() -> float:
    """CPU seconds of this process's exited children (the read-ahead worker); 0 on Windows."""
    if sys.platform == "win32":
        return 0.0
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


if __name__ == "__main__":
    main()
