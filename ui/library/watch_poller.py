"""Keeps the library in line with the watched folders while the app runs (assistant.library.watch).

Each round is two jobs: the plan (stat the files, read the library: cheap, on the `pool` lane)
and, only when there is something to write, the apply on the `db-writer` lane, announced like
any ingest (`Services.ingest_started`), so the Library page shows its progress. Rounds never
overlap: a wake-up during a round asks for one more round after it.

Wake-ups: a QFileSystemWatcher on the folders (quick, local disks) and a timer every
`watch_interval_s` (network shares send no change events, and files still being copied are
looked at again), plus one round a settle time after a file was seen changing.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal

from assistant.library import watch

log = logging.getLogger(__name__)

DEBOUNCE_MS = 300  # a copy of many files fires many change events: one round for all of them


class WatchPoller(QObject):
    """Runs watch rounds in the background; `message` carries a line for the user (a folder
    became unavailable or came back)."""

    message = Signal(str)
    round_done = Signal(object)  # the WatchReport of a round that wrote, or the Plan of one that did not

    def __init__(self, services, parent=None):
        super().__init__(parent)
        self.services = services
        s = services.settings
        self.watcher = watch.Watcher(s.watch_settle_s)
        self.folders: list[str] = list(s.watch_folders)
        self.fs = QFileSystemWatcher(self)
        self.fs.directoryChanged.connect(lambda _p: self.soon())
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.scan)
        self.later = QTimer(self, singleShot=True)
        self.later.timeout.connect(self.scan)
        self._running = False
        self._busy = False
        self._again = False
        self._unavailable: set[str] = set()
        self._warned_embedder = False
        services.settings_changed.connect(self._settings)

    # -- control ----------------------------------------------------------------------------

    def start(self) -> None:
        """Begin watching (the app is ready): a round now, then on changes and every interval."""
        self._running = True
        self._configure()
        self.scan()

    def stop(self) -> None:
        self._running = False
        self.timer.stop()
        self.later.stop()

    def soon(self, ms: int = DEBOUNCE_MS) -> None:
        if self._running and (not self.later.isActive() or self.later.remainingTime() > ms):
            self.later.start(ms)

    def _configure(self) -> None:
        s = self.services.settings
        self.folders = list(s.watch_folders)
        self.watcher.settle_s = s.watch_settle_s
        # The folders join the quick wake-ups once a plan has found them present (`_report_folders`):
        # a stat here, on the GUI thread, could hang on an unreachable share.
        if self.fs.directories():
            self.fs.removePaths(self.fs.directories())
        self.timer.setInterval(max(100, int(s.watch_interval_s * 1000)))
        if self._running and self.folders:
            self.timer.start()
        else:
            self.timer.stop()

    def _settings(self, new) -> None:
        if (list(new.watch_folders), new.watch_interval_s, new.watch_settle_s) != (
                self.folders, self.timer.interval() / 1000, self.watcher.settle_s):
            self._unavailable &= set(new.watch_folders)
            self._configure()
            self.soon()

    # -- a round ----------------------------------------------------------------------------

    def scan(self) -> None:
        """Plan a round (and apply it if there is work); never blocks the GUI thread."""
        if not self._running or not self.folders:
            return
        if self._busy:
            self._again = True
            return
        self._busy = True
        watcher, folders = self.watcher, list(self.folders)
        self.services.submit(lambda ctx: watcher.plan(ctx.db, folders), lane="pool", name="watch-plan",
                             on_result=self._planned, on_error=self._plan_failed)

    def _planned(self, plan: watch.Plan) -> None:
        self._report_folders(plan)
        if plan.pending:  # look again once those files may have settled
            self.soon(int(self.watcher.settle_s * 1000) + DEBOUNCE_MS)
        if plan.ingest and self.services.embedder_state == "missing":
            # Without the embedding model nothing can be indexed; say so once, not every round.
            if not self._warned_embedder:
                self._warned_embedder = True
                self.message.emit(self.tr("New manuals in the watched folders wait for the embedding model."))
            plan.ingest = []
        if not self._running or not plan.work:
            self.round_done.emit(plan)
            self._end_round()
            return
        watcher, embedder_of = self.watcher, lambda: self.services.session.embedder

        def run(ctx):
            report = None
            for ev in watcher.apply(ctx.db, embedder_of(), plan, ctx.cancel):
                ctx.report(ev, flush=ev.kind in ("start", "failed", "added", "finished"))
                if ev.report is not None:
                    report = ev.report
            return report

        job = self.services.submit(run, lane="db-writer", name="watch", on_result=self.round_done.emit)
        job.finished.connect(self.services.refresh_library)
        job.finished.connect(self._end_round)
        self.services.ingest_started.emit(job)

    def _plan_failed(self, e: BaseException) -> None:
        log.warning("watch folders: could not look at the folders: %s", e)
        self._end_round()

    def _end_round(self) -> None:
        self._busy = False
        if self._again:
            self._again = False
            self.soon()

    def _report_folders(self, plan: watch.Plan) -> None:
        """One message when a folder becomes unavailable, one when it is back."""
        now = {u["folder"]: u["error"] for u in plan.unavailable}
        for folder in now.keys() - self._unavailable:
            self.message.emit(self.tr("Watched folder {0}: {1}").format(folder, now[folder]))
        for folder in self._unavailable - now.keys():
            if folder in self.folders:
                self.message.emit(self.tr("Watched folder {0} is available again.").format(folder))
        self._unavailable = set(now)
        # Folders the plan found present (a stick plugged in, or at start) join the quick wake-ups.
        watched = set(self.fs.directories())
        present = [f for f in self.folders if f not in watched and f not in now]
        if present:
            self.fs.addPaths(present)
