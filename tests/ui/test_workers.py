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


def test_results_and_progress_arrive_on_the_gui_thread_in_batches(qtbot, workers):
    gui = QApplication.instance().thread()
    seen_threads, batches, job_threads = [], [], []

    def job(ctx):
        job_threads.append(threading.current_thread().name)
        for i in range(200):  # a fast stream, like tokens
            ctx.report(i)
            time.sleep(0.001)
        return "done"

    def on_progress(batch):
        seen_threads.append(QThread.currentThread() is gui)
        batches.append(batch)

    j = workers.submit(job, lane="llm", on_progress=on_progress,
                       on_result=lambda r: seen_threads.append(QThread.currentThread() is gui))
    with qtbot.waitSignal(j.finished, timeout=10_000):
        pass
    assert j.state == "succeeded"
    assert job_threads == ["llm"]
    assert all(seen_threads) and len(seen_threads) == len(batches) + 1
    assert [x for b in batches for x in b] == list(range(200))
    # ~0.2 s of items throttled at 60 ms: a handful of signals, not 200.
    assert 2 <= len(batches) <= 20


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


def test_shutdown_cancels_running_work_within_a_second(qtbot):
    w = Workers()
    started = threading.Event()

    def job(ctx):
        started.set()
        while True:
            if ctx.cancel.is_set():
                raise Cancelled("stop")
            time.sleep(0.01)

    w.submit(job, lane="llm")
    w.submit(job, lane="llm")  # queued behind it: dropped
    assert started.wait(5)
    t0 = time.perf_counter()
    assert w.shutdown(1.0)
    assert time.perf_counter() - t0 < 1.0
