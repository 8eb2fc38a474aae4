"""The one way the desktop app runs background work (house rule 2).

Views do not submit here themselves: they go through `ui.services.Services.submit`, whose
docstring states the threading rule. A job is a plain function `fn(ctx) -> result` that calls
the core. It runs on a named lane: single-thread lanes for work that must never run twice at once
(`llm`: llama.cpp contexts are not thread-safe; `stt`; `db-writer`: ingest, one manual at a time;
`notes`: every note write, in order, so a save never waits behind a manual being parsed and two
saves never race; `sync`: the note sync's rounds, which run as long as the app does) and a small
general `pool`.
Everything a job reports comes back to the GUI thread as queued Qt signals on its `Job`
object, batched so that a token stream costs the GUI thread one update per ~60 ms, not one
per token. No widget is ever touched off the GUI thread: job functions get a `JobContext`,
never a widget.

Every job has a cancel event; the core's long calls take it and raise `Cancelled`. A job that
waits on something else than its cancel event (the sync service's timer) registers a hook with
`ctx.on_cancel`, run when the job is cancelled. `shutdown()` cancels running and queued jobs.
Each worker thread gets its own SQLite connection (`ctx.db`): sqlean connections must not be
shared between threads, and WAL lets the readers search while the db-writer lane ingests.
"""

from __future__ import annotations

import itertools
import logging
import os
import queue
import threading
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal, Slot

from assistant.errors import Cancelled

log = logging.getLogger(__name__)

LANES = {"llm": 1, "stt": 1, "db-writer": 1, "notes": 1, "sync": 1, "pool": 2}
THROTTLE_S = 0.06  # a batch of progress items at most every 60 ms
# Worker threads run at a lower CPU priority than the GUI thread (Linux: per-thread nice), so
# a busy CPU delays the next token by a little rather than the next repaint.
WORKER_NICE = 2


class Job(QObject):
    """A unit of background work, observed from the GUI thread through its signals.

    Exactly one of `succeeded`, `failed`, `cancelled` is emitted, then `finished`.
    """

    progress = Signal(list)  # a batch of the items the job reported, in order
    succeeded = Signal(object)
    failed = Signal(object)  # the exception
    cancelled = Signal()
    finished = Signal()
    _relay = Signal(str, object)  # worker thread -> GUI thread

    def __init__(self, name: str, fn: Callable[[JobContext], Any], lane: str, throttle: float,
                 workers: Workers):
        super().__init__()
        self.id = next(_ids)
        self.name = name
        self.lane = lane
        self.fn = fn
        self.throttle = throttle
        self.cancel_event = threading.Event()
        self._cancel_hooks: list[Callable[[], None]] = []
        self._hooks_lock = threading.Lock()
        self.state = "queued"  # queued | running | succeeded | failed | cancelled
        self.started_at: float | None = None
        self.ended_at: float | None = None
        self._workers = workers
        # Explicitly queued: the slot runs on the thread this object lives in (the GUI thread),
        # whichever thread emits.
        self._relay.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    def cancel(self) -> None:
        """Ask the job to stop; the core notices at its next check (the next token, the next file)."""
        with self._hooks_lock:
            self.cancel_event.set()
            hooks, self._cancel_hooks = self._cancel_hooks, []
        for fn in hooks:
            _call_hook(self, fn)

    def on_cancel(self, fn: Callable[[], None]) -> None:
        """Call `fn` when the job is cancelled (at once if it already is), from the cancelling thread."""
        with self._hooks_lock:
            if not self.cancel_event.is_set():
                self._cancel_hooks.append(fn)
                return
        _call_hook(self, fn)

    @property
    def done(self) -> bool:
        return self.state in ("succeeded", "failed", "cancelled")

    @Slot(str, object)
    def _deliver(self, kind: str, payload: object) -> None:
        if kind == "progress":
            self.progress.emit(payload)
            return
        self.state = kind
        self.ended_at = time.perf_counter()
        if kind == "succeeded":
            self.succeeded.emit(payload)
        elif kind == "failed":
            self.failed.emit(payload)
        else:
            self.cancelled.emit()
        self.finished.emit()
        self._workers._forget(self)

    def __repr__(self) -> str:
        return f"<Job {self.id} {self.name} on {self.lane}: {self.state}>"


_ids = itertools.count(1)


def _call_hook(job: Job, fn: Callable[[], None]) -> None:
    try:
        fn()
    except Exception:  # a hook bug must not stop the cancel (or the shutdown) that called it
        log.exception("cancel hook of %r failed", job)


class JobContext:
    """What a job function may use: the cancel event, `report()`, and its thread's connection."""

    def __init__(self, job: Job, workers: Workers):
        self._job = job
        self._workers = workers
        self.cancel = job.cancel_event
        self.on_cancel = job.on_cancel
        self._buffer: list = []
        self._last = 0.0

    @property
    def db(self):
        return self._workers.thread_db()

    def check(self) -> None:
        """Raise Cancelled if the job was cancelled."""
        if self.cancel.is_set():
            raise Cancelled(f"{self._job.name} cancelled")

    def report(self, item: Any, flush: bool = False) -> None:
        """Send `item` to the GUI thread, batched with others unless `flush` (for state changes)."""
        self._buffer.append(item)
        now = self._workers.clock()
        if flush or now - self._last >= self._job.throttle:
            self.flush(now)

    def flush(self, now: float | None = None) -> None:
        if self._buffer:
            batch, self._buffer = self._buffer, []
            self._job._relay.emit("progress", batch)
        self._last = now or self._workers.clock()


class _Lane:
    """A named executor: `size` daemon threads taking jobs from one queue, in order."""

    def __init__(self, name: str, size: int, run: Callable[[Job], None]):
        self.name = name
        self.queue: queue.Queue[Job | None] = queue.Queue()
        self.current: set[Job] = set()
        self._run = run
        self.threads = [
            threading.Thread(target=self._loop, name=f"{name}-{i}" if size > 1 else name, daemon=True)
            for i in range(size)
        ]
        for t in self.threads:
            t.start()

    def _loop(self) -> None:
        _lower_priority()
        while True:
            job = self.queue.get()
            if job is None:
                return
            self.current.add(job)
            try:
                self._run(job)
            finally:
                self.current.discard(job)

    def stop(self) -> None:
        """Drop queued jobs and tell the threads to exit after their current job."""
        while True:
            try:
                job = self.queue.get_nowait()
            except queue.Empty:
                break
            if job is not None:
                job.cancel()
        for _ in self.threads:
            self.queue.put(None)


def _lower_priority() -> None:
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), WORKER_NICE)
    except (AttributeError, OSError):  # not Linux, or not permitted: run at normal priority
        pass


class Workers(QObject):
    """The app's lanes. Create one on the GUI thread; call `shutdown()` before exit."""

    def __init__(self, lanes: dict[str, int] | None = None, clock: Callable[[], float] = time.perf_counter):
        """`clock` times the progress throttle (a test passes a clock its job advances)."""
        super().__init__()
        self.clock = clock
        self._jobs: set[Job] = set()
        self._local = threading.local()
        self._connections: list = []
        self._conn_lock = threading.Lock()
        self._stopped = False
        self.lanes = {name: _Lane(name, n, self._run) for name, n in (lanes or LANES).items()}

    # -- submitting -----------------------------------------------------------------------

    def submit(self, fn: Callable[[JobContext], Any], *, lane: str = "pool", name: str = "",
               throttle: float = THROTTLE_S, on_progress=None, on_result=None, on_error=None,
               on_cancelled=None, on_finished=None) -> Job:
        """Queue `fn(ctx)` on `lane`; the callbacks run on the GUI thread.

        Must be called from the GUI thread (the Job object lives there).
        """
        if lane not in self.lanes:
            raise ValueError(f"unknown lane {lane!r}, expected one of: {', '.join(self.lanes)}")
        job = Job(name or getattr(fn, "__name__", "job"), fn, lane, throttle, self)
        for signal, cb in ((job.progress, on_progress), (job.succeeded, on_result), (job.failed, on_error),
                           (job.cancelled, on_cancelled), (job.finished, on_finished)):
            if cb is not None:
                signal.connect(cb)
        self._jobs.add(job)
        if self._stopped:
            job.cancel()
        self.lanes[lane].queue.put(job)
        log.debug("queued %r", job)
        return job

    def _run(self, job: Job) -> None:
        """Runs on a worker thread."""
        ctx = JobContext(job, self)
        if job.cancel_event.is_set():
            job._relay.emit("cancelled", None)
            return
        job.state = "running"
        job.started_at = time.perf_counter()
        try:
            result = job.fn(ctx)
        except Cancelled:
            ctx.flush()
            job._relay.emit("cancelled", None)
        except Exception as e:  # every failure reaches the GUI thread as one message
            ctx.flush()
            if not _expected(e):
                log.exception("job %s failed", job.name)
            else:
                log.info("job %s failed: %s", job.name, e)
            job._relay.emit("failed", e)
        else:
            ctx.flush()
            job._relay.emit("succeeded", result)

    def _forget(self, job: Job) -> None:
        self._jobs.discard(job)

    # -- per-thread database connections ---------------------------------------------------

    def thread_db(self):
        """This worker thread's own connection to the library database (opened on first use)."""
        db = getattr(self._local, "db", None)
        if db is None:
            from assistant import db as dbmod

            db = dbmod.connect()
            self._local.db = db
            with self._conn_lock:
                self._connections.append((threading.current_thread(), db))
        return db

    # -- state and shutdown -----------------------------------------------------------------

    def active(self, lane: str | None = None) -> list[Job]:
        return [j for j in self._jobs if not j.done and (lane is None or j.lane == lane)]

    def busy(self, lane: str) -> bool:
        return bool(self.lanes[lane].current) or not self.lanes[lane].queue.empty()

    def shutdown(self, timeout: float = 1.0) -> bool:
        """Cancel everything, stop the lanes, close connections. True if every thread stopped in time."""
        if not self._stopped:
            self._stopped = True
            for job in list(self._jobs):
                job.cancel()
                # The window that listened is going away: nothing is delivered after shutdown.
                job.blockSignals(True)
            for lane in self.lanes.values():
                for job in list(lane.current):
                    job.cancel()
                lane.stop()
        deadline = time.monotonic() + timeout
        clean = True
        for lane in self.lanes.values():
            for t in lane.threads:
                t.join(max(0.0, deadline - time.monotonic()))
                if t.is_alive():
                    log.warning("worker thread %s still busy at shutdown", t.name)
                    clean = False
        with self._conn_lock:
            for thread, db in self._connections:
                if not thread.is_alive():
                    try:
                        db.close()
                    except Exception:  # closing at exit: nothing useful to do with an error
                        pass
            self._connections.clear()
        return clean


def _expected(e: BaseException) -> bool:
    from assistant.errors import AssistantError

    return isinstance(e, AssistantError)
