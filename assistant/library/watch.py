"""Watch folders: the library follows the manuals in folders the admin names.

A scan compares the supported files under each watched folder with the library's manuals under
that folder: a new or changed file is ingested (the same idempotent ingest, by content hash), a
file that is gone is removed. Two rules keep it safe on a tablet with USB sticks and shares:

- A file is ingested only once it has settled: its size and mtime unchanged across two looks at
  least `settle_s` apart (a half-copied file is left alone). At the first look of a `Watcher`
  (start-up, or a one-off `watch scan`) a file whose mtime is older than `settle_s` counts as
  settled, so the library catches up at start without waiting.
- Manuals are removed only from a folder that is present and readable. An unplugged stick, an
  unmounted share or a folder that is suddenly empty (a mount point without its mount) is
  reported and its manuals are kept. Manuals outside the watched folders are never touched.
  An empty folder is trusted only when this watcher saw it with files on the same device (its
  files were deleted while the app ran); an empty folder met first (a share not yet mounted at
  start-up) keeps its manuals.

A `Watcher` remembers what it saw between scans (the running app, `watch run`): which files it
has confirmed as stored, and which failed to parse (reported once, retried only when they change).
"""

from __future__ import annotations

import logging
import os
import stat
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..embedding import Embedder
from ..errors import AssistantError, Cancelled
from . import ingest as ingestmod

log = logging.getLogger(__name__)

SETTLE_S = 2.0
SAME_CONTENT = "same content as "  # the start of ingest's skip reason for a copy


class WatchError(AssistantError):
    """A watch folder that cannot be added or removed (not a folder, not watched)."""


# -- the watched folders (kept in settings.json) ---------------------------------------------


def normalise(folder: Path | str) -> str:
    """The form a folder is kept and compared in: absolute, user home expanded, symlinks resolved."""
    return str(Path(folder).expanduser().resolve())


def folders(settings=None) -> list[str]:
    from .. import settings as settingsmod

    return list((settings or settingsmod.load()).watch_folders)


def add_folder(folder: Path | str) -> list[str]:
    """Watch `folder` (saved in settings.json); returns the watched folders.

    Raises:
        WatchError: `folder` is not an existing folder.
    """
    from .. import settings as settingsmod

    path = normalise(folder)
    if not Path(path).is_dir():
        raise WatchError(f"not a folder: {folder}")
    current = folders()
    if path not in current:
        current.append(path)
        settingsmod.save(watch_folders=current)
    return current


def remove_folder(folder: Path | str) -> list[str]:
    """Stop watching `folder`; its manuals stay in the library. Returns the watched folders.

    Raises:
        WatchError: `folder` is not watched.
    """
    from .. import settings as settingsmod

    current = folders()
    # The folder may be gone already (that is often why it is dropped): match it as typed too.
    wanted = {normalise(folder), str(Path(folder).expanduser().absolute())}
    kept = [f for f in current if f not in wanted]
    if len(kept) == len(current):
        raise WatchError(f"not a watched folder: {folder}")
    settingsmod.save(watch_folders=kept)
    return kept


# -- scanning ---------------------------------------------------------------------------------


@dataclass
class WatchReport:
    """What one scan did. `added`/`skipped`/`failed` read like an ingest report's (the GUI shows both)."""

    added: list[dict] = field(default_factory=list)  # new manuals
    replaced: list[dict] = field(default_factory=list)  # changed files, re-indexed
    removed: list[dict] = field(default_factory=list)  # files gone from a watched folder
    pending: list[dict] = field(default_factory=list)  # still changing (being copied)
    skipped: list[dict] = field(default_factory=list)  # looked at, nothing to store (same content)
    failed: list[dict] = field(default_factory=list)  # could not be read or parsed
    unavailable: list[dict] = field(default_factory=list)  # folders missing or unreadable: manuals kept

    def to_json(self) -> dict:
        return {"added": self.added, "replaced": self.replaced, "removed": self.removed,
                "pending": self.pending, "skipped": self.skipped, "failed": self.failed,
                "unavailable": self.unavailable}

    @property
    def changed(self) -> bool:
        """The library changed (something stored or removed)."""
        return bool(self.added or self.replaced or self.removed)


@dataclass
class Plan:
    """What a scan will do, decided from file metadata and the library (no writes)."""

    ingest: list[Path] = field(default_factory=list)
    remove: list[str] = field(default_factory=list)
    roots: dict[str, str] = field(default_factory=dict)  # path to remove -> its watched folder
    pending: list[dict] = field(default_factory=list)
    unavailable: list[dict] = field(default_factory=list)
    seen: dict[str, tuple[int, int]] = field(default_factory=dict)  # path -> (size, mtime_ns) of files to ingest

    @property
    def work(self) -> bool:
        """There is something to write (the GUI shows progress only then)."""
        return bool(self.ingest or self.remove)


@dataclass
class _Stored:
    sig: tuple[int, int]  # (size, mtime_ns) when it was confirmed
    same_as: str | None = None  # stored under another path (same content): re-check if that one goes


class Watcher:
    """Scans watched folders and remembers, between scans, what it saw.

    Args:
        settle_s: how long a file's size and mtime must stay unchanged before it is ingested.
        clock: wall-clock seconds (compared with file mtimes).

    Not for two threads at once; the GUI runs one scan at a time (a lock guards the state anyway).
    """

    def __init__(self, settle_s: float = SETTLE_S, clock=time.time):
        self.settle_s = settle_s
        self.clock = clock
        self._looks: dict[str, tuple[tuple[int, int], float]] = {}  # path -> (sig, first seen with it)
        self._stored: dict[str, _Stored] = {}
        self._failed: dict[str, tuple[int, int]] = {}  # reported once; retried when the file changes
        self._devices: dict[str, int] = {}  # folder -> st_dev when last seen holding files
        self._first = True
        self._lock = threading.Lock()

    def plan(self, db, watched: Iterable[str]) -> Plan:
        """Decide what to ingest, remove, and wait for. Reads the library and stats files; writes nothing."""
        with self._lock:
            return self._plan(db, [normalise(f) for f in watched])

    def _plan(self, db, watched: list[str]) -> Plan:
        plan = Plan()
        now = self.clock()
        first, self._first = self._first, False
        library = {r["path"] for r in db.execute("SELECT path FROM manuals")}
        listed: dict[str, tuple[int, int]] = {}
        for folder in watched:
            problem = _unavailable(folder, library, self._devices)
            if problem:
                plan.unavailable.append({"folder": folder, "error": problem})
                continue
            try:
                files = ingestmod.expand([folder])
            except OSError as e:  # an I/O error on a flaky share mid-listing: nothing is trusted
                plan.unavailable.append({"folder": folder, "error": f"cannot list the folder "
                                         f"({e.strerror or e}); its manuals are kept"})
                continue
            for f in files:
                try:
                    st = f.stat()
                except OSError:  # gone between the listing and now: the next scan sees it
                    continue
                if stat.S_ISREG(st.st_mode):
                    listed[str(f)] = (st.st_size, st.st_mtime_ns)
            # Gone: a manual under this folder whose file is not there. An unreadable subfolder's
            # files raise something other than "not found" and are kept.
            gone = [p for p in library if Path(p).is_relative_to(folder) and p not in listed and _gone(p)]
            # Looked at again after the listing: a share that dropped while it was listed left a
            # partial listing, and nothing may be removed on the strength of it.
            if gone and _unavailable(folder, library, self._devices) is None:
                plan.remove += gone
                plan.roots.update(dict.fromkeys(gone, folder))
        removing = set(plan.remove)
        for path, sig in listed.items():
            prev = self._looks.get(path)
            if prev and prev[0] == sig:
                since = prev[1]
            elif first and now - sig[1] / 1e9 >= self.settle_s:
                since = float("-inf")  # an old file at the first look: settled already
            else:
                since = now
            self._looks[path] = (sig, since)
            if now - since < self.settle_s:
                plan.pending.append({"path": path, "size_bytes": sig[0]})
                continue
            if self._failed.get(path) == sig:
                continue
            known = self._stored.get(path)
            if known and known.sig == sig and (
                    path in library if known.same_as is None
                    else known.same_as in library and known.same_as not in removing):
                continue
            log.debug("watch: %s settled at %s, to ingest", path, sig)
            plan.ingest.append(Path(path))
            plan.seen[path] = sig
        for path in set(self._looks) - set(listed):  # forget files that went away
            self._looks.pop(path, None)
            self._stored.pop(path, None)
            self._failed.pop(path, None)
        plan.ingest.sort()
        plan.remove.sort()
        return plan

    def apply(self, db, embedder: Embedder, plan: Plan,
              cancel: threading.Event | None = None) -> Iterator[ingestmod.IngestEvent]:
        """Carry out a plan: removals first, then ingest (progress events; the last carries a WatchReport).

        A removal is checked again first (the file may be back); an ingest skips content already stored.
        """
        report = WatchReport(pending=list(plan.pending), unavailable=list(plan.unavailable))
        for path in plan.remove:
            if cancel is not None and cancel.is_set():
                raise Cancelled("watch scan cancelled")
            # Checked again: the file may be back, or its whole folder gone since the plan.
            if _gone(path) and not _gone(plan.roots.get(path, path)) and ingestmod.remove(db, path):
                log.info("watch: removed %s (its file is gone)", path)
                report.removed.append({"path": path})
        # A file that changed since the plan waits for the next round (it is being written again).
        files = [p for p in plan.ingest if _sig(p) == plan.seen.get(str(p))]
        report.pending += [{"path": str(p), "size_bytes": plan.seen[str(p)][0]}
                           for p in plan.ingest if p not in files]
        total = len(files)
        for ev in ingestmod.ingest(db, embedder, files, cancel):
            if ev.report is not None:  # ingest's own last event: its entries, split new / replaced
                for entry in ev.report.added:
                    (report.replaced if entry.get("replaced") else report.added).append(entry)
                break
            if ev.kind in ("added", "skipped", "failed"):
                self._record(ev, plan.seen.get(ev.path), report)
            yield ev
        yield ingestmod.IngestEvent("finished", done=total, total=total,
                                    report=report)  # type: ignore[arg-type]

    def _record(self, ev: ingestmod.IngestEvent, sig: tuple[int, int] | None, report: WatchReport) -> None:
        with self._lock:
            if ev.kind == "failed":
                if sig is not None:
                    self._failed[ev.path] = sig
                report.failed.append({"path": ev.path, "error": ev.message})
                return
            same_as = None
            if ev.kind == "skipped":
                report.skipped.append({"path": ev.path, "reason": ev.message})
                # ingest's reason for a copy of a stored manual names that manual's path.
                if ev.message.startswith(SAME_CONTENT):
                    same_as = ev.message[len(SAME_CONTENT):]
            if sig is not None:
                self._stored[ev.path] = _Stored(sig, same_as)
            self._failed.pop(ev.path, None)

    def scan(self, db, embedder: Embedder, watched: Iterable[str],
             cancel: threading.Event | None = None) -> Iterator[ingestmod.IngestEvent]:
        """Plan and apply in one go (the CLI, `watch run`); events as `apply` yields them."""
        yield from self.apply(db, embedder, self.plan(db, watched), cancel)


def scan(db, embedder: Embedder, watched: Iterable[str], settle_s: float = SETTLE_S,
         watcher: Watcher | None = None, cancel: threading.Event | None = None) -> WatchReport:
    """One scan without progress rendering; returns its report."""
    watcher = watcher or Watcher(settle_s)
    return scan_plan(db, embedder, watcher, watcher.plan(db, watched), cancel)


def scan_plan(db, embedder: Embedder, watcher: Watcher, plan: Plan,
              cancel: threading.Event | None = None) -> WatchReport:
    """Apply a plan made earlier (the GUI's two steps) without progress rendering; returns its report."""
    report = WatchReport()
    for ev in watcher.apply(db, embedder, plan, cancel):
        if ev.report is not None:
            report = ev.report  # type: ignore[assignment]
    return report


def _sig(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


def _gone(path: str) -> bool:
    """The file is not there (an unreadable or vanished parent folder is not "gone")."""
    try:
        os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return True
    except OSError:
        return False
    return False


def _unavailable(folder: str, library: set[str], devices: dict[str, int]) -> str | None:
    """Why `folder` cannot be trusted for removals this scan, or None when it can.

    `devices` (folder -> device it was last seen holding files on) is updated here.
    """
    try:
        st = os.stat(folder)
    except FileNotFoundError:
        return "folder not found (an unplugged drive or unmounted share?); its manuals are kept"
    except OSError as e:
        return f"cannot open the folder ({e.strerror or e}); its manuals are kept"
    if not stat.S_ISDIR(st.st_mode):
        return "not a folder; its manuals are kept"
    try:
        with os.scandir(folder) as it:
            empty = next(it, None) is None
    except OSError as e:
        return f"cannot read the folder ({e.strerror or e}); its manuals are kept"
    if not empty:
        devices[folder] = st.st_dev
    elif devices.get(folder) != st.st_dev and any(Path(p).is_relative_to(folder) for p in library):
        # A mount point without its share or stick looks exactly like this: an empty folder on
        # another device than the files were seen on, or one never seen with files.
        return ("the folder is empty (not mounted?); its manuals are kept (remove them with "
                "`field-assistant remove` if they were deleted)")
    return None
