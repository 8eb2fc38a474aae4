"""One round of two-way replication between the local note store and a CouchDB database.

Pull: `_changes` since the checkpoint -> which revisions we lack -> `_bulk_get` with histories -> stored
in one transaction -> checkpoint. Then the notes with concurrent versions are merged (new revisions).
Push: the outbox -> `_revs_diff` -> `_bulk_docs` with `new_edits: false` -> outbox entries dropped and
checkpoint saved in one transaction. A checkpoint is only ever written after the data it covers is
safe on the side that received it, first locally and then in the server's `_local/` document; a
round that resumes takes the older of the two, so an interruption anywhere costs a little repeated
work and never a lost or duplicated note.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field

from ..errors import Cancelled
from ..notes import NoteStore
from . import validate
from .config import SyncConfig
from .couch import CouchClient, ServerError

log = logging.getLogger(__name__)

DEFAULT_BATCH = 500
CHECKPOINT_PREFIX = "field-assistant-"


@dataclass
class SyncReport:
    """What one round did. `pending` is what still waits to be pushed (0 after a clean round)."""

    pushed: int = 0
    pulled: int = 0
    conflicts_resolved: int = 0
    parked: int = 0
    pending: int = 0
    full_resync: bool = False
    duration_s: float = 0.0
    parked_docs: list[dict] = field(default_factory=list)
    # Why the pull stopped early (a server error, an answer that is not the protocol), or None. The
    # push still ran: the device's own notes reach the server even when pulling from it fails.
    pull_error: str | None = None

    def to_json(self) -> dict:
        return asdict(self)


@dataclass
class Progress:
    """Progress of a round: phase is "pull", "resolve" or "push"; counts so far."""

    phase: str
    done: int


@dataclass
class _Checkpoint:
    session: str
    n: int
    pull_seq: str | int
    push_seq: int

    def to_json(self) -> dict:
        return {"session": self.session, "n": self.n, "pull_seq": self.pull_seq, "push_seq": self.push_seq}

    @classmethod
    def parse(cls, data) -> _Checkpoint | None:
        """A checkpoint from stored JSON, or None when it is missing or damaged (then: full re-sync)."""
        try:
            if isinstance(data, str):
                data = json.loads(data)
            cp = cls(str(data["session"]), int(data["n"]), data["pull_seq"], int(data["push_seq"]))
        except (TypeError, ValueError, KeyError):
            return None
        if not isinstance(cp.pull_seq, (str, int)) or isinstance(cp.pull_seq, bool):
            return None
        return cp


class Replicator:
    """Runs sync rounds for one store against one server database.

    Args:
        store: the local notes.
        client: the server database.
        batch_size: documents per request.
        cancel: set it to stop at the next safe point (raises `Cancelled`; work done so far is kept).
        progress: called with `Progress` as the round goes.
        probe: called with the name of each step once it completed ("pull:applied",
            "pull:checkpointed", "push:uploaded", "push:acked", "push:checkpointed"); the fault tests kill
            the process there.
    """

    def __init__(self, store: NoteStore, client: CouchClient, batch_size: int = DEFAULT_BATCH,
                 cancel: threading.Event | None = None, progress: Callable[[Progress], None] | None = None,
                 probe: Callable[[str], None] | None = None):
        self.store = store
        self.client = client
        self.batch = max(1, batch_size)
        self.cancel = cancel or client.cancel
        self.progress = progress or (lambda p: None)
        self.probe = probe or (lambda point: None)
        self.rep_id = client.config.replication_id(store.device_id)
        self.local_key = f"checkpoint:{self.rep_id}"
        self.remote_id = CHECKPOINT_PREFIX + self.rep_id

    def run(self) -> SyncReport:
        """One full round: pull, merge, push.

        Raises:
            ServerUnreachable, RetryLater, AuthError, ServerError: nothing is lost; the round can rerun.
            Cancelled: the cancel event was set.
        """
        t0 = time.monotonic()
        report = SyncReport()
        self.client.ping()
        self.client.ensure_db()
        cp = self._start_checkpoint(report)
        try:
            self._pull(cp, report)
        except (ServerError, ValueError, TypeError, KeyError, AttributeError) as e:
            # Unreachable, refused credentials and cancel are raised (the push would fail the same
            # way); a server that errs on, or garbles, the changes feed must not keep our notes in.
            report.pull_error = f"{type(e).__name__}: {e}"[:300]
            log.warning("pull from %s/%s failed, pushing anyway: %s", self.client.config.safe_url,
                        self.client.config.db, report.pull_error)
        self._resolve(report)
        self._push(cp, report)
        report.pending = self.store.pending_count()
        parked = self.store.parked()
        report.parked = len(parked)
        report.parked_docs = [{"id": p.id, "rev": p.rev, "error": p.error, "reason": p.reason, "title": p.title,
                               "direction": p.direction} for p in parked]
        report.duration_s = round(time.monotonic() - t0, 3)
        log.info("sync with %s/%s: pushed %d, pulled %d, merged %d, parked %d, pending %d in %.2f s",
                 self.client.config.safe_url, self.client.config.db, report.pushed, report.pulled,
                 report.conflicts_resolved, report.parked, report.pending, report.duration_s)
        return report

    # ------------------------------------------------------------ checkpoints

    def _start_checkpoint(self, report: SyncReport) -> _Checkpoint:
        local = _Checkpoint.parse(self.store.state(self.local_key))
        remote = _Checkpoint.parse(self.client.get_local(self.remote_id))
        if local and remote and local.session == remote.session:
            # Both sides saw this session. The one with the lower count is the one both sides have
            # reached (the other may be a write that the interruption left unmatched).
            cp = local if local.n <= remote.n else remote
            return _Checkpoint(cp.session, max(local.n, remote.n), cp.pull_seq, cp.push_seq)
        # No checkpoint both sides agree on: the server may be new, restored or wiped, or a checkpoint
        # was lost or damaged. Start over: pull everything (revisions we hold are skipped) and offer
        # every local leaf again (the server's _revs_diff skips what it holds). No duplicates either way.
        log.info("no shared sync checkpoint with %s/%s (local %s, server %s): full re-sync",
                 self.client.config.safe_url, self.client.config.db, "ok" if local else "none",
                 "ok" if remote else "none")
        report.full_resync = True
        self.store.outbox.requeue_all()
        return _Checkpoint(uuid.uuid4().hex, 0, 0, 0)

    def _save_remote(self, cp: _Checkpoint) -> None:
        self.client.put_local(self.remote_id, {**cp.to_json(), "device": self.store.device_id})

    # ------------------------------------------------------------ pull

    def _pull(self, cp: _Checkpoint, report: SyncReport) -> None:
        # A small pipeline, as PouchDB's replicator has: while one page of changes is stored, the next
        # page and its documents are on the way. Only network calls run on the helper threads; every
        # database access stays on this thread, and pages are stored and checkpointed in order.
        with ThreadPoolExecutor(max_workers=2, thread_name_prefix="sync-fetch") as pool:
            next_page: Future | None = pool.submit(self.client.changes, cp.pull_seq, self.batch)
            staged: tuple[Future | None, str | int] | None = None  # fetched, not yet stored
            while next_page is not None or staged is not None:
                self._check_cancel()
                fetched = None
                if next_page is not None:
                    page = next_page.result()
                    results = page.get("results", [])
                    last = page.get("last_seq", cp.pull_seq)
                    next_page = pool.submit(self.client.changes, last, self.batch) if len(results) >= self.batch else None
                    wanted = {r["id"]: [c["rev"] for c in r.get("changes", [])]
                              for r in results if not r["id"].startswith("_design/")}
                    # Pages hold distinct notes, so this page can be compared before the previous is stored.
                    missing = self.store.tree.revs_diff(wanted)
                    docs = pool.submit(self.client.bulk_get, [(i, rev) for i, revs in missing.items()
                                                               for rev in revs]) if missing else None
                    fetched = (docs, last)
                if staged is not None:
                    self._store_page(cp, report, *staged)
                staged = fetched

    def _store_page(self, cp: _Checkpoint, report: SyncReport, docs: Future | None, last: str | int) -> None:
        """Store one page of pulled revisions, then checkpoint it: locally first, then on the server."""
        if docs is not None:
            good, bad = [], []
            for d in docs.result():
                why = validate.problem(d)
                if why is not None:
                    bad.append((d, why))
                    log.warning("server sent a note revision that cannot be stored (%s): %s", why,
                                str(d.get("_id") if isinstance(d, dict) else d)[:80])
                elif d.get("type") == "note" or d.get("_deleted"):
                    good.append(d)
            # Stored and parked in one transaction, before the page's checkpoint: a bad document is
            # reported once, and never retried forever.
            report.pulled += self.store.apply_remote(
                good, parked=[(_str_id(d, "_id"), _str_id(d, "_rev"), "invalid", why) for d, why in bad])
            self.probe("pull:applied")
            self.progress(Progress("pull", report.pulled))
        if last != cp.pull_seq:
            cp.pull_seq, cp.n = last, cp.n + 1
            self.store.set_state(self.local_key, json.dumps(cp.to_json()))
            self.probe("pull:checkpointed")
            self._save_remote(cp)

    # ------------------------------------------------------------ merge

    def _resolve(self, report: SyncReport) -> None:
        for note_id in self.store.tree.open_conflicts():
            self._check_cancel()
            base_rev, base = self.store.tree.conflict_base(note_id)
            if base is None and base_rev:
                # Our copy of the common ancestor was never pulled or was pruned; the server may have it.
                doc = self.client.get_rev(note_id, base_rev)
                base = {k: v for k, v in doc.items() if not k.startswith("_")} if doc else None
            if self.store.resolve(note_id, base, base_rev):
                report.conflicts_resolved += 1
                self.progress(Progress("resolve", report.conflicts_resolved))

    # ------------------------------------------------------------ push

    def _push(self, cp: _Checkpoint, report: SyncReport) -> None:
        # Changes queued while we push wait for the next round, so a busy editor cannot hold us here.
        stop_at = self.store.outbox.last_seq()
        while True:
            self._check_cancel()
            upto, ids = self.store.outbox.batch(self.batch, max_seq=stop_at)
            if not ids:
                return
            missing = self.client.revs_diff(self.store.tree.leaf_revs(ids))
            docs = [d for doc_id, ds in self.store.tree.docs_for_push(missing).items()
                    for d in ds if d["_rev"] in missing[doc_id]]
            parked = self._upload(docs)
            parked_ids = {p[0] for p in parked}
            accepted = [d["_id"] for d in docs if d["_id"] not in parked_ids]
            report.pushed += len(docs) - sum(1 for d in docs if d["_id"] in parked_ids)
            self.probe("push:uploaded")
            cp.push_seq, cp.n = upto, cp.n + 1
            self.store.outbox.ack(upto, parked=parked, pushed=[*accepted, *(set(ids) - set(missing))],
                                  checkpoint={self.local_key: json.dumps(cp.to_json())})
            self.probe("push:acked")
            self._save_remote(cp)
            self.probe("push:checkpointed")
            self.progress(Progress("push", report.pushed))

    def _upload(self, docs: list[dict]) -> list[tuple[str, str, str, str]]:
        """Send docs; returns the (id, rev, error, reason) the server refused. A request refused as a
        whole (too large, malformed) is split until the offending document is found."""
        if not docs:
            return []
        r = self.client.bulk_docs(docs)
        if r.status_code in (400, 413, 415) or (r.status_code == 403 and len(docs) > 1):
            if len(docs) == 1:
                d = docs[0]
                return [(d["_id"], d["_rev"], f"http_{r.status_code}", _reason(r))]
            mid = len(docs) // 2
            return self._upload(docs[:mid]) + self._upload(docs[mid:])
        if r.status_code == 403:
            d = docs[0]
            return [(d["_id"], d["_rev"], "forbidden", _reason(r))]
        if r.status_code >= 400:
            self.client._raise_for(r)
        try:
            results = r.json()
        except ValueError as e:
            raise ServerError("_bulk_docs: the server's answer is not JSON") from e
        parked = []
        sent = {}
        for d in docs:
            sent.setdefault(d["_id"], []).append(d["_rev"])
        for item in results if isinstance(results, list) else []:
            if not isinstance(item, dict) or "error" not in item:
                continue
            revs = [item["rev"]] if item.get("rev") else sent.get(item.get("id"), [])
            for rev in revs:
                parked.append((item.get("id"), rev, str(item["error"]), str(item.get("reason", ""))))
                log.warning("server rejected note %s rev %s: %s", item.get("id"), rev, item["error"])
        return parked

    def _check_cancel(self) -> None:
        if self.cancel.is_set():
            raise Cancelled("sync cancelled")


def _str_id(doc: object, key: str) -> str:
    """`doc[key]` as stored in the parked list (a bad document may hold anything there)."""
    value = doc.get(key) if isinstance(doc, dict) else None
    return value[:256] if isinstance(value, str) and value else f"<no {key}>"


def _reason(r) -> str:
    try:
        body = r.json()
        return str(body.get("reason") or body.get("error") or "")
    except ValueError:
        return r.text[:200]


def sync_once(config: SyncConfig, db=None, *, cancel: threading.Event | None = None,
              progress: Callable[[Progress], None] | None = None, probe: Callable[[str], None] | None = None,
              batch_size: int = DEFAULT_BATCH, store: NoteStore | None = None) -> SyncReport:
    """One replication round with the configured server, on its own database connection unless given.

    Safe to run from a worker thread while the GUI edits notes on its own connection.

    Raises:
        ServerUnreachable: offline (nothing lost; `NoteStore.pending_count()` tells what waits).
        RetryLater, AuthError, ServerError, Cancelled.
    """
    from .. import db as dbmod

    own = db is None and store is None
    conn = store.db if store is not None else (db or dbmod.connect())
    try:
        store = store or NoteStore(conn)
        with CouchClient(config, cancel=cancel) as client:
            return Replicator(store, client, batch_size=batch_size, cancel=cancel, progress=progress,
                              probe=probe).run()
    finally:
        if own:
            conn.close()
