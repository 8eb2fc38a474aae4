"""ui/workers.py: results reach the GUI thread, batched; cancel; failures; shutdown."""

from __future__ import annotations

import threading
import time

import pytest
import shiboken6
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


def test_a_cancel_hook_runs_on_cancel_or_at_once_when_already_cancelled(qtbot, workers):
    """A job that waits on something else than its cancel event (the sync timer) is woken by its hook."""
    wake, calls = threading.Event(), []

    def job(ctx):
        ctx.on_cancel(wake.set)
        assert wake.wait(10)
        ctx.on_cancel(lambda: calls.append("late"))  # registered after the cancel: called at once
        ctx.check()

    j = workers.submit(job, lane="sync")
    qtbot.waitUntil(lambda: j.state == "running", timeout=5_000)
    with qtbot.waitSignal(j.cancelled, timeout=5_000):
        j.cancel()
    assert calls == ["late"]


def test_closing_the_services_cancels_running_and_queued_jobs(qtbot, home):
    """Services.shutdown (the window closing) cancels what runs, drops what waits, wakes cancel hooks."""
    from ui.services import Services

    services = Services()
    started, hook_woke = threading.Event(), threading.Event()
    ran = []

    def running(ctx):
        ran.append("running")
        started.set()
        ctx.on_cancel(hook_woke.set)
        while not ctx.cancel.wait(0.01):
            pass
        ctx.check()

    first = services.submit(running, lane="db-writer", name="running")
    queued = services.submit(lambda ctx: ran.append("queued"), lane="db-writer", name="queued")
    assert started.wait(10)
    assert services.shutdown(10.0)  # every lane's thread ended
    assert first.cancel_event.is_set() and queued.cancel_event.is_set() and hook_woke.is_set()
    assert ran == ["running"]  # the queued job never started


def test_two_database_writes_submitted_together_run_one_after_the_other(qtbot, home):
    from assistant import db as dbmod
    from ui.services import Services

    services = Services()
    spans, errors = [], []

    def write(tag):
        def op(ctx):
            t0 = time.perf_counter()
            with dbmod.transaction(ctx.db):  # a real write on the lane thread's own connection
                ctx.db.execute("CREATE TABLE IF NOT EXISTS t (x)")
                ctx.db.execute("INSERT INTO t VALUES (?)", (tag,))
            time.sleep(0.05)  # long enough that two threads would overlap
            spans.append((tag, t0, time.perf_counter(), threading.current_thread().name))
        return op

    jobs = [services.submit(write(tag), lane="db-writer", name=f"write-{tag}", on_error=errors.append)
            for tag in ("a", "b")]
    qtbot.waitUntil(lambda: all(j.done for j in jobs), timeout=30_000)
    assert services.shutdown(5.0)
    assert not errors
    (a, a0, a1, ta), (b, b0, b1, tb) = spans
    assert (a, b) == ("a", "b") and a1 <= b0  # in order, never at once
    assert ta == tb == "db-writer"


def test_a_result_for_a_closed_window_is_dropped_not_delivered(qtbot, home):
    """A dialog closed while its job ran (Settings listing the models): the result must not reach
    the deleted widget (it raised "Internal C++ object already deleted" in the event loop)."""
    from PySide6.QtWidgets import QComboBox

    from ui.services import Services

    services = Services()
    release = threading.Event()
    box, seen = QComboBox(), []
    job = services.submit(lambda ctx: release.wait(10) and ["model"], name="list", owner=box,
                          on_result=lambda items: (box.clear(), seen.append(items)))
    box.deleteLater()
    qtbot.waitUntil(lambda: not shiboken6.isValid(box), timeout=5_000)
    release.set()
    qtbot.waitUntil(lambda: job.done, timeout=10_000)
    assert seen == [] and job.state == "succeeded"
    kept = QComboBox()
    job = services.submit(lambda ctx: ["model"], name="list", owner=kept, on_result=seen.append)
    qtbot.waitUntil(lambda: job.done, timeout=10_000)
    assert seen == [["model"]]  # while the owner lives, results arrive as before
    assert services.shutdown(5.0)


def test_views_submit_background_work_only_through_services():
    """One path for background work: no view submits to the workers or starts a thread itself."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "ui"
    offenders = []
    for path in root.rglob("*.py"):
        rel = path.relative_to(root).as_posix()
        text = path.read_text(encoding="utf-8")
        if rel != "services.py" and "workers.submit(" in text:
            offenders.append(f"{rel}: workers.submit")
        if rel != "workers.py" and re.search(r"threading\.Thread\(|QThread\b|ThreadPoolExecutor", text):
            offenders.append(f"{rel}: a thread of its own")
    assert not offenders, offenders
