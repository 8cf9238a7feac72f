"""Reading the next batch of ``pos.db`` in a second process while this one records the last.

A first sync alternates reading a batch and recording it, both CPU-bound. A thread reading
ahead was slower than none: both sides call into SQLite once per row, and each call hands the
interpreter lock to the other thread. A process has an interpreter of its own, so it reads
batch n+1 on the second core while this process records batch n; what is left here is
unpickling the batch, a quarter to a third of the cost of reading it (``_BatchPickler``).

* The worker is *spawned*, never forked: spawn is all Windows (the shops' platform) has, and
  forking a process that runs threads (a UI, the outbox dispatcher) is unsafe.
* It starts only after a full batch (more is waiting) and stops after a partial one (caught
  up): ``loyalty watch`` holds no idle process, and one new sale pays for no start.
* A batch read ahead is a read of an earlier snapshot for one cursor and limit; it is used for
  exactly that read, if it is ready, or discarded. Whatever goes wrong in the worker, the read
  is then done in this process, which reports the real problem, if there is one, as always.
* The worker never scans for edits: the adapter that started it does, and reads itself while
  its scan is due.
* The worker runs at a lower priority: on a machine with no core to spare (Aronium busy on the
  till) it gives way, its batches come too late to be used, and the sync reads as it would
  without it.
"""

from __future__ import annotations

import collections
import io
import logging
import multiprocessing
import os
import pickle
import sys
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any
from typing import Protocol

import attrs
from loyalty.domain.events import SaleLine
from loyalty.domain.events import SaleRecorded
from loyalty.domain.events import SaleRefunded
from loyalty.domain.pos import PosBatch
from loyalty.domain.pos import PosCustomer
from loyalty.domain.pos import SkippedDocument
from loyalty.services.sync import collector_paused

log = logging.getLogger(__name__)

MIN_LIMIT = 10_000
"""Reads of fewer documents never start the worker. Starting it takes one to two seconds of
the other core (importing the engine), and recording a smaller batch takes less than that, so
this process would only wait for it."""


class BatchReader(Protocol):
    """What the worker needs of the reader it opens for itself (the adapter, read-only)."""

    def read_once(self, cursor: str | None, limit: int) -> tuple[PosBatch, bool]: ...

    def leave_edits_to_another(self) -> None: ...

    def close(self) -> None: ...


OpenReader = Callable[[], BatchReader]
"""Opens the worker's own reader, in the worker. It crosses to the spawned process pickled, so
it is a module-level callable with its arguments (a ``functools.partial`` of the adapter's
class): this module never imports the adapter, and the worker imports it by unpickling."""


class ReadAhead:
    """The batch after the one just returned, being read by a worker process."""

    def __init__(self, open_reader: OpenReader, source: str) -> None:
        """``source`` names what is read, for the log."""
        self._open_reader = open_reader
        self._source = source
        self._worker: _Worker | None = None
        self._stopped: list[_Worker] = []
        """Workers told to exit, which ``close`` makes sure of."""
        self._pending: tuple[str, int, Future[bytes]] | None = None
        self._lock = threading.Lock()
        self.enabled = not (multiprocessing.current_process().daemon
                            or getattr(sys, "frozen", False))
        """False once the worker failed, in a daemonic process (which may have no children) and
        in a frozen executable (whose spawned worker would start the whole program again unless
        it calls ``multiprocessing.freeze_support()``): every read is then done here."""

    def submit(self, cursor: str, limit: int) -> None:
        """Have the worker read ``read(cursor, limit=limit)``, starting it if needed.

        A worker still reading a batch that was not ready in time gets the request queued
        behind it, but a worker with two requests unanswered gets none: it is short of a core,
        and this process reads the next batch itself.
        """
        with self._lock:
            self._pending = None
            if not self.enabled or limit < MIN_LIMIT:
                return
            if self._worker is not None and self._worker.unanswered >= 2:
                return
            try:
                if self._worker is None:
                    self._worker = _Worker(self._open_reader)
                self._pending = (cursor, limit, self._worker.ask(cursor, limit))
            except Exception as error:  # noqa: BLE001 - no process can be started here
                self._give_up(error)

    def take(self, cursor: str | None, limit: int) -> tuple[PosBatch, bool] | None:
        """The batch read ahead for exactly this read, if it is ready, and whether it was full;
        else None, and it is discarded.

        A batch not ready yet is not waited for: the worker is behind (starting up, or short
        of a core), and reading here costs no more than waiting would.
        """
        with self._lock:
            pending, self._pending = self._pending, None
            if pending is None or pending[:2] != (cursor, limit):
                return None
            future = pending[2]
            alive = self._worker is not None and self._worker.process.is_alive()
            if alive and not future.done():
                return None
            try:
                answer = future.result(timeout=0)  # raises if the worker died
                return unpickle_batch(answer) if answer else None
            except Exception as error:  # noqa: BLE001 - a dead or broken worker
                self._give_up(error)
                return None

    def discard(self) -> None:
        """Forget the batch being read ahead (this process reads the next one itself)."""
        with self._lock:
            self._pending = None

    def wait(self, timeout: float = 60) -> None:
        """Until the batch being read ahead is ready or failed (for tests)."""
        pending = self._pending
        if pending is not None:
            pending[2].exception(timeout)

    def stop(self) -> None:
        """Let the worker go (caught up); a later full batch starts another.

        It exits in the background: an interpreter with the engine imported takes about
        0.3 s to finish, which the last read of a sync need not wait for.
        """
        with self._lock:
            self._pending = None
            if self._worker is not None:
                self._worker.stop()
                self._stopped = [w for w in self._stopped if w.process.is_alive()]
                self._stopped.append(self._worker)
                self._worker = None

    def close(self) -> None:
        """End the workers now: they hold nothing worth finishing (a read-only connection, a
        batch nobody will ask for)."""
        with self._lock:
            self._pending = None
            if self._worker is not None:
                self._stopped.append(self._worker)
                self._worker = None
            for worker in self._stopped:
                worker.end()
            self._stopped = []

    def _give_up(self, error: BaseException) -> None:
        log.info("reading %s ahead stopped, reading it in this process only: %r",
                 self._source, error)
        self.enabled = False
        self._pending = None
        if self._worker is not None:
            self._worker.end()
            self._worker = None


class _Worker:
    """A spawned process answering read requests in order, and a thread receiving its answers.

    The pipes are this module's own, not a ``ProcessPoolExecutor``'s: this process keeps no
    copy of the worker's ends, so a worker that dies, even halfway through sending a batch,
    ends the answers with an error instead of leaving a reader waiting for ever.
    """

    def __init__(self, open_reader: OpenReader) -> None:
        context = multiprocessing.get_context("spawn")
        requests, self._requests = context.Pipe(duplex=False)
        self._answers, answers = context.Pipe(duplex=False)
        self.process = context.Process(target=_serve, args=(open_reader, requests, answers),
                                       name="loyalty-read-ahead", daemon=True)
        self.process.start()
        requests.close()
        answers.close()
        self._waiting: collections.deque[Future[bytes]] = collections.deque()
        self._gone: BaseException | None = None
        self._lock = threading.Lock()
        threading.Thread(target=self._receive, name="loyalty-read-ahead-answers",
                         daemon=True).start()

    @property
    def unanswered(self) -> int:
        """Batches asked for and not sent yet."""
        return len(self._waiting)

    def ask(self, cursor: str, limit: int) -> Future[bytes]:
        """The pickled batch and whether it was full, or ``b""`` if the worker's read failed."""
        future: Future[bytes] = Future()
        with self._lock:  # never waits for an answer after the last one came
            if self._gone is not None:
                raise self._gone
            self._waiting.append(future)
        self._requests.send((cursor, limit))
        return future

    def stop(self) -> None:
        """Ask the worker to exit once it has answered what it was asked."""
        try:
            self._requests.send(None)
        except OSError:  # it has exited already
            pass
        self._requests.close()

    def end(self) -> None:
        """End the worker now and wait until it has gone."""
        self.stop()
        self.process.kill()
        self.process.join()

    def _receive(self) -> None:
        try:
            while True:
                answer = self._answers.recv_bytes()
                self._waiting.popleft().set_result(answer)
        except (EOFError, OSError) as error:  # the worker exited, or died
            self._answers.close()
            with self._lock:
                self._gone = error
            while self._waiting:
                self._waiting.popleft().set_exception(error)


def _serve(open_reader: OpenReader, requests: Any, answers: Any) -> None:
    """The worker process: its own reader, which leaves the edit scan to the one that started
    it, reading one batch per request until told to stop or its parent is gone."""
    _lower_priority()
    try:
        reader = open_reader()
    except Exception:  # noqa: BLE001 - the syncing process reads, and reports it, itself
        return
    reader.leave_edits_to_another()
    try:
        while (request := requests.recv()) is not None:
            answers.send_bytes(_read(reader, *request))
    except (EOFError, OSError):  # the syncing process is gone
        pass
    finally:
        reader.close()


def _lower_priority() -> None:
    """Give way to the syncing process and to Aronium itself when no core is free: the worker
    only helps if it runs beside them, never instead of them. At best effort."""
    try:
        if sys.platform == "win32":
            import ctypes

            kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
            kernel32.GetCurrentProcess.restype = ctypes.c_void_p
            kernel32.SetPriorityClass.argtypes = (ctypes.c_void_p, ctypes.c_uint32)
            kernel32.SetPriorityClass(kernel32.GetCurrentProcess(), 0x4000)  # BELOW_NORMAL
        else:
            os.nice(10)
    except (AttributeError, OSError):
        pass


def _read(reader: BatchReader, cursor: str, limit: int) -> bytes:
    """The pickled batch and whether it was full; ``b""`` when reading failed, so the adapter
    reads again itself and raises the proper error."""
    try:
        with collector_paused():
            return pickle_batch(reader.read_once(cursor, limit))
    except Exception:  # noqa: BLE001 - the adapter's own read reports it
        return b""


# ---- the batch on the wire ------------------------------------------------------------------

_FIELDS: dict[type, tuple[str, ...]] = {
    cls: tuple(field.name for field in attrs.fields(cls))
    for cls in (PosBatch, PosCustomer, SkippedDocument, SaleRecorded, SaleRefunded, SaleLine)
}
"""The frozen classes a batch is made of, with their fields in order."""


class _BatchPickler(pickle.Pickler):
    """Pickles each object of ``_FIELDS`` as ``_rebuild(class, names, values)``.

    attrs' own pickling sends each object's fields as a dict and sets them back with a Python
    loop that looks each name up; a tuple of values costs less to unpickle: about 85 ms instead
    of 105 ms for a batch of 50,000 documents, whose reading costs about 230 ms.
    """

    def reducer_override(self, obj: object) -> tuple[Callable[..., object], tuple]:
        names = _FIELDS.get(type(obj))
        if names is None:
            return NotImplemented
        return _rebuild, (type(obj), names, tuple([getattr(obj, name) for name in names]))


def _rebuild(cls: type, names: tuple[str, ...], values: tuple) -> object:
    """``cls`` with these field values, set without ``__init__`` as unpickling always does."""
    obj: object = object.__new__(cls)
    for name, value in zip(names, values):
        object.__setattr__(obj, name, value)
    return obj


def pickle_batch(read: tuple[PosBatch, bool]) -> bytes:
    """A batch and whether it was full, as ``_BatchPickler`` pickles them."""
    buffer = io.BytesIO()
    _BatchPickler(buffer, pickle.HIGHEST_PROTOCOL).dump(read)
    return buffer.getvalue()


def unpickle_batch(data: bytes) -> tuple[PosBatch, bool]:
    return pickle.loads(data)
