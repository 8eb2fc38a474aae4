"""ui/workers.py: results reach the GUI thread, batched; cancel; failures; shutdown."""

from __future__ import annotations

import threading
import time

import pytest
from PySide6.QtCore import QThread
from PySide6.QtWidgets import QApplication

from assistant.errors import AssistantError, Cancelled
from ui.workers import Workers


@pytest.fixture
def workers():
    w = Workers()
    yield w
    assert w.shutdown(2.0)


def test_results_and_progress_arrive_on_the_gui_thread_in_batches(qtbot):
    # The throttle runs on a clock the job advances (1/256 s per item: a fast token stream; a binary
    # fraction, so the sums are exact), so the batching is the same whatever the machine's speed.
    now = [1000.0]
    workers = Workers(clock=lambda: now[0])
    gui = QApplication.instance().thread()
    seen_threads, batches, job_threads = [], [], []
    first_batch_seen = threading.Event()

    def job(ctx):
        job_threads.append(threading.current_thread().name)
        for i in range(200):  # a fast stream, like tokens
            ctx.report(i)
            if i == 0:  # progress reaches the GUI while the job still runs, not only at its end
                assert first_batch_seen.wait(10)
            now[0] += 1 / 256
        return "done"

    def on_progress(batch):
        seen_threads.append(QThread.currentThread() is gui)
        batches.append(batch)
        first_batch_seen.set()

    j = workers.submit(job, lane="llm", on_progress=on_progress,
                       on_result=lambda r: seen_threads.append(QThread.currentThread() is gui))
    with qtbot.waitSignal(j.finished, timeout=30_000):
        pass
    assert workers.shutdown(5.0)
    assert j.state == "succeeded"
    assert job_threads == ["llm"]
    assert all(seen_threads) and len(seen_threads) == len(batches) + 1
    assert [x for b in batches for x in b] == list(range(200))
    # Item 0 at once, then a batch each time 60 ms of the job's clock have passed (16 items), the
    # rest when the job ends: 14 signals, not 200.
    assert [b[0] for b in batches] == [0, *range(1, 200, 16)]


def test_cancel_raises_cancelled_in_the_job(qtbot, workers):
    started = threading.Event()

    def job(ctx):
        started.set()
        while True:
            ctx.check()
            time.sleep(0.005)

    j = workers.submit(job, lane="pool")
    assert started.wait(5)
    with qtbot.waitSignal(j.cancelled, timeout=5_000):
        j.cancel()
    assert j.state == "cancelled"


def test_failure_is_delivered_not_raised(qtbot, workers):
    errors = []
    j = workers.submit(lambda ctx: (_ for _ in ()).throw(AssistantError("disk on fire")), lane="db-writer",
                       on_error=errors.append)
    with qtbot.waitSignal(j.finished, timeout=5_000):
        pass
    assert j.state == "failed" and str(errors[0]) == "disk on fire"


def test_each_worker_thread_has_its_own_connection(qtbot, home, workers):
    conns = {}

    def job(ctx):
        conns[threading.current_thread().name] = ctx.db  # kept alive: ids of live objects never repeat
        return ctx.db.execute("SELECT count(*) FROM manuals").fetchone()[0]

    errors = []
    jobs = [workers.submit(job, lane=lane, on_error=errors.append) for lane in ("llm", "db-writer")]
    qtbot.waitUntil(lambda: all(j.done for j in jobs), timeout=60_000)
    assert not errors
    assert len({id(c) for c in conns.values()}) == 2


def test_shutdown_cancels_running_and_queued_work(qtbot):
    w = Workers()
    started = threading.Event()

    ran = 0

    def job(ctx):
        nonlocal ran
        ran += 1
        started.set()
        while True:
            if ctx.cancel.is_set():
                raise Cancelled("stop")
            time.sleep(0.01)

    jobs = [w.submit(job, lane="llm"), w.submit(job, lane="llm")]  # the second queued behind: dropped
    assert started.wait(5)
    # True only if every lane's thread ended: the running job saw the cancel (how fast is for
    # bench/gui_bench.py to measure, not for a shared CI machine to assert).
    assert w.shutdown(10.0)
    assert all(j.cancel_event.is_set() for j in jobs)
    assert ran == 1  # the queued job never started
