"""Sync on its own: on a timer, soon after a note changes, and as soon as the server is reachable again.

`SyncService.run()` does rounds on the thread that calls it, with its own database connection, until
`stop()`: the GUI runs it as a job on its `sync` lane, `start()` gives it a thread of its own. Failures
back off exponentially with full jitter (and never sooner than a server's Retry-After); while offline
it only makes a cheap reachability check. Every state change is reported as a `SyncStatus` to the
listeners, from the service's thread: the GUI re-emits it as a queued signal, it never touches widgets
from there.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from .. import db as dbmod
from .. import notes as notesmod
from ..errors import Cancelled
from .config import SyncConfig
from .config import from_settings as config_from_settings
from .couch import AuthError, CouchClient, RetryLater, ServerUnreachable, SyncError
from .replicator import DEFAULT_BATCH, Replicator, SyncReport

if TYPE_CHECKING:
    from ..settings import Settings

log = logging.getLogger(__name__)

DEFAULT_INTERVAL_S = 300.0  # as settings.sync_interval_s
STATES = ("offline", "syncing", "synced", "waiting", "conflict", "error", "stopped")


@dataclass(frozen=True)
class SyncStatus:
    """What the sync indicator shows.

    state: "offline" (server unreachable), "syncing", "synced" (nothing waits), "waiting" (`pending`
    notes wait to be pushed or parked ones need a look), "conflict" (`conflicts` notes hold a
    conflicting copy to tidy), "error" (e.g. wrong credentials; see `message`), "stopped".
    """

    state: str
    pending: int = 0
    conflicts: int = 0
    parked: int = 0
    last_synced_at: str | None = None
    next_attempt_in_s: float | None = None
    message: str = ""
    last_report: SyncReport | None = None
    depot: dict | None = None  # the last depot round's report (issue 15), when a depot is configured
    depot_progress: object | None = None  # fleet.progress.DepotProgress while a depot round runs

    @property
    def label(self) -> str:
        """A short text for the indicator, e.g. "Offline - 3 waiting"."""
        waiting = f"{self.pending} waiting" if self.pending else ""
        if self.state == "offline":
            return "Offline" + (f" - {waiting}" if waiting else "")
        if self.state == "syncing":
            return "Syncing..."
        if self.state == "conflict":
            return f"{self.conflicts} conflict{'s' if self.conflicts != 1 else ''} to review"
        if self.state == "waiting":
            parts = [waiting] if waiting else []
            if self.parked:
                parts.append(f"{self.parked} rejected by the server")
            return ", ".join(parts) or "Waiting"
        if self.state == "error":
            return f"Sync error: {self.message}"
        if self.state == "stopped":
            return "Sync off"
        return "Synced"


def _depot_round(conn, settings, cancel, progress=None):
    """One depot round when a depot is configured (None otherwise)."""
    from ..fleet import round as depot_round

    if not depot_round.configured(settings):
        return None

    def embedder():
        from .. import models
        from ..embedding import OnnxEmbedder

        return OnnxEmbedder(models.default("embedding", settings).path)

    return depot_round.run(conn, settings, embedder, cancel=cancel, progress=progress)


def status_of(store: notesmod.NoteStore, state: str | None = None, **kw) -> SyncStatus:
    """The status computed from the local store (state chosen from the counts unless given)."""
    pending, conflicts, parked = store.pending_count(), store.conflict_count(), len(store.parked())
    if state is None:
        state = "conflict" if conflicts else ("waiting" if pending or parked else "synced")
    return SyncStatus(state, pending=pending, conflicts=conflicts, parked=parked, **kw)


class Backoff:
    """Exponential backoff with full jitter: a random wait in [floor, min(cap, base * 2**failures)]."""

    def __init__(self, base: float = 2.0, cap: float = 300.0, floor: float = 0.5, rng: random.Random | None = None):
        self.base, self.cap, self.floor = base, cap, floor
        self.failures = 0
        self.rng = rng or random.Random()

    def next(self, at_least: float | None = None) -> float:
        high = min(self.cap, self.base * 2 ** self.failures)
        self.failures += 1
        delay = self.rng.uniform(min(self.floor, high), high)
        return max(delay, at_least or 0.0)

    def reset(self) -> None:
        self.failures = 0


def _usable(conn) -> bool:
    try:
        conn.execute("SELECT 1").fetchone()
        return True
    except Exception:  # closed, or the file went away: reopen
        return False


class SyncService:
    """Automatic sync in the background.

    Args:
        config: the server, or a function that gives it at each round (so changes apply at the next).
        db_path: the database file (default: the app's).
        interval_s: time between rounds when nothing happens.
        debounce_s: wait after a note changes, so a burst of edits goes in one round.
        watch_s: how often to look for changes made by another process (the CLI beside the GUI).
        on_status: called with every new `SyncStatus` (from the service's thread).
    """

    def __init__(self, config: SyncConfig | Callable[[], SyncConfig], *, db_path=None,
                 interval_s: float = DEFAULT_INTERVAL_S, debounce_s: float = 2.0, watch_s: float = 5.0,
                 batch_size: int = DEFAULT_BATCH, on_status: Callable[[SyncStatus], None] | None = None,
                 backoff: Backoff | None = None, settings: Callable[[], Settings] | None = None,
                 depot: Callable[[object, threading.Event, Callable], object] | None = None):
        self._config = config
        # With settings, every round also pushes the health document (assistant/fleet/health.py).
        self._settings = settings
        # One depot round on the service's connection after each notes round: (conn, cancel, progress).
        self._depot = depot
        self.db_path = db_path
        self.interval_s, self.debounce_s, self.watch_s = interval_s, debounce_s, watch_s
        self.batch_size = batch_size
        self.backoff = backoff or Backoff()
        self._listeners: list[Callable[[SyncStatus], None]] = [on_status] if on_status else []
        self._wake = threading.Condition()
        self._due = 0.0  # monotonic time of the next round; 0 = now
        self._stop = threading.Event()
        self._cancel = threading.Event()  # cancels the round in flight
        self._thread: threading.Thread | None = None
        self._status = SyncStatus("stopped")
        self._last_synced_at: str | None = None
        self.rounds = 0
        self.health_error: str | None = None  # why the last health push failed (None: sent)

    @classmethod
    def from_settings(cls, settings: Settings | Callable[[], Settings], **kw) -> SyncService:
        """A service that takes its server and interval from `settings`.

        Args:
            settings: the settings, or a function giving the caller's current ones: the server (and
                the keyring's password) is read from them at every round, so a change applies at the
                next round without a restart; the interval is read once.
            **kw: the other arguments of `SyncService`.

        Returns:
            The service, not started.
        """
        current = settings if callable(settings) else (lambda: settings)
        kw.setdefault("interval_s", float(current().sync_interval_s))
        kw.setdefault("settings", current)
        kw.setdefault("depot", lambda conn, cancel, progress: _depot_round(conn, current(), cancel, progress))
        return cls(lambda: config_from_settings(current()), **kw)

    # ------------------------------------------------------------ control

    def start(self) -> None:
        """Run `run()` on a thread of its own (idempotent); the GUI runs it on its `sync` lane instead."""
        if self._thread and self._thread.is_alive():
            return
        self._stop.clear()
        self._cancel.clear()
        self._thread = threading.Thread(target=self.run, name="sync", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Cancel the round in flight at its next safe point and end `run()`; waits up to `timeout`
        seconds for the thread `start()` made (0: do not wait). Any thread may call it."""
        self._stop.set()
        self._cancel.set()
        with self._wake:
            self._wake.notify_all()
        if self._thread and timeout > 0:
            self._thread.join(timeout)

    def sync_now(self) -> None:
        """Ask for a round as soon as possible (the "sync now" button; also after connectivity returns)."""
        self._schedule(0.0)

    def add_listener(self, fn: Callable[[SyncStatus], None]) -> None:
        self._listeners.append(fn)

    @property
    def status(self) -> SyncStatus:
        return self._status

    # ------------------------------------------------------------ internals

    def _on_note_changed(self, _note_id: str) -> None:
        self._schedule(self.debounce_s)

    def _schedule(self, delay: float) -> None:
        with self._wake:
            # Only ever brings the next round forward; a round already due stays due.
            self._due = min(self._due, time.monotonic() + delay)
            self._wake.notify_all()

    def _config_now(self) -> SyncConfig:
        return self._config if isinstance(self._config, SyncConfig) else self._config()

    def _set_status(self, status: SyncStatus) -> None:
        if status.depot is None and self._status.depot is not None:
            # A notes status carries the last depot report on: it stands until the next depot round.
            status = replace(status, depot=self._status.depot)
        self._status = status
        for fn in list(self._listeners):
            try:
                fn(status)
            except Exception:  # a listener bug must not stop sync
                log.exception("sync status listener failed")

    def run(self) -> None:
        """Rounds on the calling thread until `stop()`, which any thread may call. Nothing else ends
        it: a database that cannot be opened, a client that cannot be built or a round that fails in
        an unforeseen way is reported and tried again after the backoff, like an unreachable server.
        Its last status is "stopped"."""
        notesmod.add_listener(self._on_note_changed)
        conn, store, last_seen = None, None, 0
        try:
            while not self._stop.is_set():
                try:
                    if store is None:
                        conn = dbmod.connect(self.db_path)
                        store = notesmod.NoteStore(conn)
                        last_seen = self._outbox_mark(conn)
                        self._set_status(status_of(store, last_synced_at=self._last_synced_at))
                    last_seen = self._wait_until_due(conn, last_seen)
                    if self._stop.is_set():
                        break
                    with self._wake:  # a "sync now" (or a note change) during the round lowers it again
                        self._due = float("inf")
                    delay = self._round(store)
                    last_seen = self._outbox_mark(conn)
                except Exception as e:
                    log.exception("sync failed outside a round's own error handling")
                    delay = self.backoff.next()
                    self._set_status(SyncStatus("error", message=str(e) or type(e).__name__,
                                                next_attempt_in_s=round(delay, 1), last_synced_at=self._last_synced_at))
                    if store is not None and not _usable(conn):
                        conn, store = None, None  # open it again next time
                with self._wake:  # the next round: after `delay`, or sooner if asked for during this one
                    self._due = min(self._due, time.monotonic() + delay)
        finally:
            notesmod.remove_listener(self._on_note_changed)
            if conn is not None:
                conn.close()
            self._set_status(replace(self._status, state="stopped", next_attempt_in_s=None))

    def _depot_round(self, conn) -> None:
        """The depot's round, independent of the notes round: neither one's failure stops the other."""
        if self._depot is None or self._stop.is_set():
            return

        def progress(p) -> None:
            self._set_status(replace(self._status, depot_progress=p))

        try:
            report = self._depot(conn, self._cancel, progress)
        except Exception as e:  # the depot's own errors are in its report; anything else is logged
            log.exception("depot round failed")
            report = {"error": str(e) or type(e).__name__}
        if report is None:
            return
        if self._cancel.is_set():
            # Stopped (settings changed, app closing): not a depot problem, so the last round's
            # report stands rather than a "depot: cancelled" error.
            self._set_status(replace(self._status, depot_progress=None))
            return
        data = report.to_json() if hasattr(report, "to_json") else report
        self._set_status(replace(self._status, depot=data, depot_progress=None))

    def _wait_until_due(self, conn, last_seen: int) -> int:
        """Sleep until the next round is due (or stop); a change made by another process brings it
        forward to the debounce. Returns the outbox mark last seen."""
        with self._wake:
            while not self._stop.is_set():
                now = time.monotonic()
                if self._due <= now:
                    break
                self._wake.wait(min(self._due - now, self.watch_s))
                mark = self._outbox_mark(conn)
                if mark != last_seen:  # a change from another process (or a resolution)
                    last_seen = mark
                    if self._due - time.monotonic() > self.debounce_s:
                        self._due = time.monotonic() + self.debounce_s
        return last_seen

    @staticmethod
    def _outbox_mark(conn) -> int:
        return conn.execute("SELECT coalesce(max(seq), 0) FROM outbox").fetchone()[0]

    def _round(self, store: notesmod.NoteStore) -> float:
        """One attempt at the notes, then the depot, then the health document, each whatever became of
        the others (a failure is counted and logged; the notes' status is what the indicator shows).
        Health goes last so that it reports what this round installed, not the state before it."""
        delay = self._notes_round(store)
        self._depot_round(store.db)
        if self._settings is not None and not self._cancel.is_set():
            from ..fleet import counters, health

            offline = self._status.state == "offline"
            if offline or self._status.state == "error":
                counters.record(store.db, "sync_error")
            try:
                settings = self._settings()
                if offline and not getattr(settings, "depot_url", None):
                    problem = "the server is offline"  # the notes round just found it unreachable
                else:
                    # One attempt: the round must stay short, a "sync now" during it is not re-queued.
                    problem = health.push_quietly(store.db, settings, cancel=self._cancel, retries=1)
            except Exception as e:  # noqa: BLE001 - settings unreadable: the notes round already said so
                problem = str(e)
            if problem:
                counters.record(store.db, "sync_error")
            self.health_error = problem
        return delay

    def _notes_round(self, store: notesmod.NoteStore) -> float:
        """One attempt; returns the delay until the next one."""
        self.rounds += 1
        try:
            config = self._config_now()
        except SyncError as e:
            self._set_status(status_of(store, "error", message=str(e), last_synced_at=self._last_synced_at))
            return self.interval_s
        except Exception as e:  # SyncConfigError and settings problems: show them, try again later
            self._set_status(status_of(store, "error", message=str(e), last_synced_at=self._last_synced_at))
            return self.interval_s
        with CouchClient(config, cancel=self._cancel) as client:
            try:
                client.ping()  # the cheap reachability check before any real work
            except (ServerUnreachable, RetryLater) as e:
                delay = self.backoff.next(getattr(e, "retry_after", None))
                self._set_status(status_of(store, "offline", message=str(e), next_attempt_in_s=round(delay, 1),
                                           last_synced_at=self._last_synced_at))
                return delay
            except Cancelled:
                return 0.0
            except SyncError as e:
                delay = self.backoff.next()
                self._set_status(status_of(store, "error", message=str(e), next_attempt_in_s=round(delay, 1),
                                           last_synced_at=self._last_synced_at))
                return delay
            self._set_status(status_of(store, "syncing", last_synced_at=self._last_synced_at))
            try:
                report = Replicator(store, client, batch_size=self.batch_size, cancel=self._cancel).run()
            except Cancelled:
                self._set_status(status_of(store, "waiting", message="cancelled", last_synced_at=self._last_synced_at))
                return 0.0
            except (ServerUnreachable, RetryLater) as e:
                delay = self.backoff.next(getattr(e, "retry_after", None))
                self._set_status(status_of(store, "offline", message=str(e), next_attempt_in_s=round(delay, 1),
                                           last_synced_at=self._last_synced_at))
                return delay
            except AuthError as e:
                delay = self.backoff.next()
                self._set_status(status_of(store, "error", message=str(e), next_attempt_in_s=round(delay, 1),
                                           last_synced_at=self._last_synced_at))
                return delay
            except Exception as e:  # keep the thread alive whatever happens; the log has the trace
                log.exception("sync round failed")
                delay = self.backoff.next()
                self._set_status(status_of(store, "error", message=str(e), next_attempt_in_s=round(delay, 1),
                                           last_synced_at=self._last_synced_at))
                return delay
        self._last_synced_at = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
        if report.pull_error:  # pushed, but the server's side did not come in: say so, try again soon
            delay = self.backoff.next()
            self._set_status(status_of(store, "error", message=f"pulling failed ({report.pull_error})",
                                       last_synced_at=self._last_synced_at, last_report=report,
                                       next_attempt_in_s=round(delay, 1)))
            return delay
        self.backoff.reset()
        self._set_status(status_of(store, last_synced_at=self._last_synced_at, last_report=report,
                                   next_attempt_in_s=self.interval_s))
        # Our own merges queued new revisions: push them straight away rather than at the next tick.
        return self.debounce_s if report.pending else self.interval_s
