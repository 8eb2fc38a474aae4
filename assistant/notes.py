"""Field notes: the local store (a CouchDB-style revision tree per note) and the outbox of changes to push.

Each note is a document whose revisions form a tree, exactly as on the server, so replication can
exchange revisions without ever inventing or losing one. The `notes` table holds the winning revision
of each note, materialised for listing and full-text search; `note_revs` holds the tree; `outbox`
queues the revisions this device made. A change, its revision and its outbox entry are written in one
transaction, so a crash leaves either all three or none.
"""

from __future__ import annotations

import getpass
import json
import logging
import secrets
import socket
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from . import db as dbmod
from .errors import AssistantError
from .sync import merge
from .sync.revs import HybridClock, canonical_json, parse_rev, rev_id, revisions_path, uuid7, winner_key

log = logging.getLogger(__name__)

# Bodies of revisions more than this many generations below a leaf are dropped: the three-way merge
# only ever needs a recent common ancestor, and the ids alone keep the history the protocol needs.
KEEP_BODIES_GENERATIONS = 50
# CouchDB's default revs_limit: longer histories are truncated by the server anyway.
MAX_HISTORY = 1000
EDITABLE = ("title", "body", "tags", "work_order", "asset", "serial")


class NoteExistsError(AssistantError):
    """A note with the id given to `NoteStore.add` is already stored."""


class NoteNotFoundError(AssistantError):
    """No note with that id (or it was deleted)."""


@dataclass
class Note:
    """The current (winning) version of a note."""

    id: str
    rev: str
    title: str
    body: str
    tags: list[str]
    work_order: str | None
    asset: str | None
    serial: str | None
    created_at: str | None
    edited_at: str | None
    author: str | None
    device: str | None
    citations: list[dict] = field(default_factory=list)
    source: dict | None = None
    deleted: bool = False
    # True while the note holds a "conflicting copy" marker or concurrent versions not yet merged.
    conflict: bool = False

    def to_json(self) -> dict:
        return {
            "id": self.id, "rev": self.rev, "title": self.title, "body": self.body, "tags": self.tags,
            "work_order": self.work_order, "edited_at": self.edited_at, "conflict": self.conflict,
            "asset": self.asset, "serial": self.serial, "created_at": self.created_at,
            "author": self.author, "device": self.device, "citations": self.citations,
            "source": self.source, "deleted": self.deleted,
        }


@dataclass
class ParkedDoc:
    """A revision that did not sync: ours that the server refused (`direction` "push": it stays
    local and visible until edited or retried), or the server's that could not be stored here
    ("pull": malformed; a later valid revision of the note replaces it)."""

    id: str
    rev: str
    error: str
    reason: str
    parked_at: str
    title: str | None = None
    direction: str = "push"


# In-process listeners told after a note changes (the sync scheduler, the GUI's list model).
_listeners: list[Callable[[str], None]] = []
_listeners_lock = threading.Lock()


def add_listener(fn: Callable[[str], None]) -> None:
    """Call `fn(note_id)` after every committed local change, from the thread that made it."""
    with _listeners_lock:
        _listeners.append(fn)


def remove_listener(fn: Callable[[str], None]) -> None:
    with _listeners_lock:
        if fn in _listeners:
            _listeners.remove(fn)


def _notify(doc_id: str) -> None:
    with _listeners_lock:
        fns = list(_listeners)
    for fn in fns:
        try:
            fn(doc_id)
        except Exception:  # a broken listener must not undo or hide a saved note
            log.exception("note listener failed")


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class NoteStore:
    """Notes in one local database.

    Args:
        db: a connection from `assistant.db.connect()` (migrated).
        author: who writes the notes (default: the OS user name).
        wall: the wall clock (seconds); tests pass a skewed one.
    """

    def __init__(self, db, author: str | None = None, wall: Callable[[], float] = time.time):
        self.db = db
        self.wall = wall
        self.device_id = self._state("device_id") or self._init_state("device_id", secrets.token_hex(6))
        self.device_name = self._state("device_name") or self._init_state("device_name", socket.gethostname())
        self.author = author or _user()
        self.clock = HybridClock(self.device_id, wall=wall, last=self._state("hlc"))

    # ------------------------------------------------------------ reading

    def get(self, note_id: str, include_deleted: bool = False) -> Note:
        """The current version of a note.

        Raises:
            NoteNotFoundError: no such note, or it is deleted and `include_deleted` is false.
        """
        row = self.db.execute("SELECT * FROM notes WHERE id = ?", (note_id,)).fetchone()
        if row is None and len(note_id) >= 4:
            # Let people type the start of an id, as with git hashes.
            rows = self.db.execute("SELECT * FROM notes WHERE id LIKE ? LIMIT 2",
                                   (note_id.replace("%", "").replace("_", "") + "%",)).fetchall()
            row = rows[0] if len(rows) == 1 else None
        if row is None or (row["deleted"] and not include_deleted):
            raise NoteNotFoundError(f"no note with id {note_id}")
        return _note(row)

    def list(self, query: str | None = None, *, tag: str | None = None, work_order: str | None = None,
             conflicts_only: bool = False, include_deleted: bool = False, limit: int | None = None,
             offset: int = 0) -> list[Note]:
        """Notes, newest edit first, or best match first when `query` is given.

        Args:
            query: words to find in title, body, tags or work order (prefix match, all words).
            tag: only notes with this tag.
            work_order: only notes for this work order.
            conflicts_only: only notes that need the technician's eye (conflicting copies).
        """
        where, params = ["1=1"], []
        if not include_deleted:
            where.append("n.deleted = 0")
        if tag:
            where.append("EXISTS (SELECT 1 FROM json_each(n.tags) WHERE json_each.value = ?)")
            params.append(tag)
        if work_order:
            where.append("n.work_order = ?")
            params.append(work_order)
        if conflicts_only:
            where.append("(n.conflict = 1 OR n.open_conflict = 1)")
        fts = _fts_query(query) if query else None
        if query and not fts:
            return []
        if fts:
            sql = (f"SELECT n.* FROM notes_fts JOIN notes n ON n.rowid = notes_fts.rowid "
                   f"WHERE notes_fts MATCH ? AND {' AND '.join(where)} ORDER BY bm25(notes_fts), n.edited_at DESC")
            params.insert(0, fts)
        else:
            sql = f"SELECT n.* FROM notes n WHERE {' AND '.join(where)} ORDER BY n.edited_at DESC, n.id DESC"
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params += [limit, offset]
        return [_note(r) for r in self.db.execute(sql, params)]

    def search(self, query: str, **filters) -> list[Note]:
        """Full-text search; the same filters as `list`."""
        return self.list(query, **filters)

    def work_orders(self) -> list[tuple[str, int]]:
        """(work order, number of notes) for a filter list."""
        return [(r[0], r[1]) for r in self.db.execute(
            "SELECT work_order, count(*) FROM notes WHERE deleted = 0 AND work_order IS NOT NULL "
            "AND work_order != '' GROUP BY work_order ORDER BY work_order")]

    def tags(self) -> list[tuple[str, int]]:
        """(tag, number of notes) over the notes that are not deleted."""
        return [(r[0], r[1]) for r in self.db.execute(
            "SELECT j.value, count(*) FROM notes n, json_each(n.tags) j WHERE n.deleted = 0 "
            "GROUP BY j.value ORDER BY j.value")]

    def versions(self, note_id: str) -> list[Note]:
        """Every live concurrent version of a note (one unless a conflict is still open), winner first."""
        leaves = self._leaves(note_id)
        out = []
        for lf in sorted(leaves, key=lambda x: winner_key(x.rev, x.deleted), reverse=True):
            if not lf.deleted:
                out.append(_note_from_content(note_id, lf.rev, lf.content))
        return out

    def count(self) -> int:
        return self.db.execute("SELECT count(*) FROM notes WHERE deleted = 0").fetchone()[0]

    def pending_count(self) -> int:
        """Notes with changes not yet confirmed by the server."""
        return self.db.execute("SELECT count(DISTINCT doc_id) FROM outbox").fetchone()[0]

    def conflict_count(self) -> int:
        return self.db.execute(
            "SELECT count(*) FROM notes WHERE deleted = 0 AND (conflict = 1 OR open_conflict = 1)").fetchone()[0]

    def parked(self) -> list[ParkedDoc]:
        """Revisions the server rejected (shown to the technician; the rest keep syncing)."""
        rows = self.db.execute(
            "SELECT p.*, n.title FROM sync_parked p LEFT JOIN notes n ON n.id = p.doc_id ORDER BY parked_at")
        return [ParkedDoc(r["doc_id"], r["rev"], r["error"], r["reason"], r["parked_at"], r["title"], r["direction"])
                for r in rows]

    # ------------------------------------------------------------ writing

    def add(self, title: str, body: str = "", tags: Iterable[str] = (), work_order: str | None = None,
            asset: str | None = None, serial: str | None = None, citations: Sequence[dict] = (),
            source: dict | None = None, note_id: str | None = None) -> Note:
        """Create a note (and queue it for sync) in one transaction.

        Args:
            note_id: the id to give it (`new_id()`), so a caller that may save twice (the editor, at
                close, while its first save is still running) creates one note, not two.
        Raises:
            AssistantError: the title is empty. NoteExistsError: a note with `note_id` exists.
        """
        title = (title or "").strip()
        if not title:
            raise AssistantError("a note needs a title")
        given, note_id = note_id is not None, note_id or uuid7()
        with dbmod.transaction(self.db):
            if given and self.exists(note_id):
                raise NoteExistsError(f"a note with id {note_id} exists")
            ts = self._tick()
            now = _iso(self.wall())
            content = {
                "type": "note", "title": title, "body": body or "", "tags": _clean_tags(tags),
                "work_order": work_order or None, "asset": asset or None, "serial": serial or None,
                "created_at": now, "edited_at": now, "author": self.author, "device": self.device_id,
                "device_name": self.device_name, "citations": list(citations), "source": source,
                "conflict": merge.has_conflict_marker(body or ""),
                "clock": {f: ts for f in (*merge.SIMPLE_FIELDS, "body", "tags")},
            }
            self._write(note_id, None, content, deleted=False)
        _notify(note_id)
        return self.get(note_id)

    def add_from_answer(self, question: str, answer: dict, title: str | None = None,
                        tags: Iterable[str] = (), work_order: str | None = None) -> Note:
        """"Save to notes" from an answer (`ask --json` output or `Answer.to_json()`): keeps the
        question, the answer text and the cited manual passages."""
        cites = [{k: c.get(k) for k in ("n", "manual", "path", "page", "section", "text")}
                 for c in answer.get("citations") or []]
        for c in cites:  # the manual's identity, for the device that opens the citation later
            row = self.db.execute("SELECT content_hash FROM manuals WHERE path = ?", (c.get("path"),)).fetchone()
            if row:
                c["content_hash"] = row[0]
        text = answer.get("answer") or ""
        lines = [f"Q: {question}", "", text]
        if cites:
            lines += ["", "Sources:"]
            lines += [f"[{c['n']}] {c['manual']}" + (f", page {c['page']}" if c.get("page") is not None else "")
                      for c in cites]
        return self.add(title or question[:80], "\n".join(lines), tags=tags, work_order=work_order,
                        citations=cites, source={"kind": "answer", "question": question, "answer": text,
                                                 "model": answer.get("model")})

    def exists(self, note_id: str) -> bool:
        """A note with this id is stored (live or deleted)."""
        return self.db.execute("SELECT 1 FROM note_revs WHERE doc_id = ? LIMIT 1", (note_id,)).fetchone() is not None

    @staticmethod
    def new_id() -> str:
        """An id for a note not saved yet (see `put`)."""
        return uuid7()

    def put(self, note_id: str, **fields: Any) -> Note:
        """Edit note `note_id`, or create it with that id if it is not stored yet: what a writer that
        may save the same new note twice (the editor's save, and its save at close) calls."""
        if not self.exists(note_id):
            try:
                return self.add(**fields, note_id=note_id)
            except NoteExistsError:  # another connection created it in between
                pass
        return self.edit(note_id, **fields)

    def edit(self, note_id: str, **changes: Any) -> Note:
        """Change some of title, body, tags, work_order, asset, serial; one new revision.

        A field given as None is left as it is; work_order, asset or serial given as "" is cleared.

        Raises:
            NoteNotFoundError: no such note.
            AssistantError: an unknown field or an empty title.
        """
        bad = set(changes) - set(EDITABLE)
        if bad:
            raise AssistantError(f"cannot edit {', '.join(sorted(bad))}; editable: {', '.join(EDITABLE)}")
        if "title" in changes and changes["title"] is not None and not changes["title"].strip():
            raise AssistantError("a note needs a title")
        return self._edit(note_id, lambda content: changes)

    def _edit(self, note_id: str, make_changes: Callable[[dict], dict[str, Any]]) -> Note:
        """One new revision with the changes `make_changes(current content)` returns, read and written
        in one transaction (so a change computed from the body cannot overwrite an edit made meanwhile)."""
        note_id = self.get(note_id).id
        with dbmod.transaction(self.db):
            row = self.db.execute("SELECT rev, deleted FROM notes WHERE id = ?", (note_id,)).fetchone()
            if row is None or row["deleted"]:
                raise NoteNotFoundError(f"no note with id {note_id}")
            parent = row["rev"]
            content = json.loads(self._content(note_id, parent) or "{}")
            changes = make_changes(content)
            ts = self._tick()
            clock = dict(content.get("clock") or {})
            changed = False
            for k, v in changes.items():
                if v is None:
                    continue
                if k == "tags":
                    v = _clean_tags(v)
                elif k == "title":
                    v = v.strip()
                elif k in ("work_order", "asset", "serial"):
                    v = v.strip() or None  # "" clears the field
                if content.get(k) != v:
                    content[k] = v
                    clock[k] = ts
                    changed = True
            if not changed:
                return self.get(note_id)
            # The flag follows the marker: once the technician tidies the conflicting copy away, it clears.
            content["conflict"] = merge.has_conflict_marker(content.get("body") or "")
            content.update(clock=clock, edited_at=_iso(self.wall()), device=self.device_id,
                           device_name=self.device_name)
            self._write(note_id, parent, content, deleted=False)
        _notify(note_id)
        return self.get(note_id)

    def delete(self, note_id: str) -> Note:
        """Delete a note (a tombstone revision on every live version, so it does not come back).

        Raises:
            NoteNotFoundError: no such note.
        """
        note_id = self.get(note_id).id
        with dbmod.transaction(self.db):
            ts = self._tick()
            live = [lf for lf in self._leaves(note_id) if not lf.deleted]
            if not live:
                raise NoteNotFoundError(f"no note with id {note_id}")
            for lf in live:
                self._write(note_id, lf.rev, {"type": "note", "deleted_at": _iso(self.wall()),
                                              "device": self.device_id, "clock": {"deleted": ts}}, deleted=True)
        _notify(note_id)
        return self.get(note_id, include_deleted=True)

    def settle_conflict(self, note_id: str, index: int, keep: str) -> Note:
        """Settle one conflicting copy in a note's body ("first", "other" or "both"): a normal edit,
        synced like any other. `merge.split_conflicts(note.body)` lists the conflicts for display.

        Raises:
            NoteNotFoundError, ValueError (no such conflict).
        """
        return self._edit(note_id, lambda content: {"body": merge.choose(content.get("body") or "", index, keep)})

    def retry_parked(self) -> int:
        """Try every parked revision again (after the admin fixed the server side). Returns how many.

        Ours go back into the outbox; for the server's, the sync checkpoints are dropped so the next
        round pulls everything again (revisions held are skipped, so nothing is duplicated).
        """
        with dbmod.transaction(self.db):
            rows = self.db.execute("SELECT doc_id, rev, direction FROM sync_parked").fetchall()
            for r in rows:
                if r["direction"] == "push":
                    self.db.execute("INSERT INTO outbox(doc_id, rev) VALUES (?, ?)", (r["doc_id"], r["rev"]))
            if any(r["direction"] == "pull" for r in rows):
                self.db.execute("DELETE FROM sync_state WHERE key LIKE 'checkpoint:%'")
            self.db.execute("DELETE FROM sync_parked")
        return len(rows)

    # ------------------------------------------------------------ the revision tree (used by sync)

    def revs_diff(self, wanted: dict[str, list[str]]) -> dict[str, list[str]]:
        """Of the given revisions per note, those this store lacks (or knows only by id)."""
        have: set[tuple[str, str]] = set()
        ids = list(wanted)
        for i in range(0, len(ids), 500):  # one query per 500 notes, under SQLite's variable limit
            chunk = ids[i:i + 500]
            have.update((r[0], r[1]) for r in self.db.execute(
                f"SELECT doc_id, rev FROM note_revs WHERE doc_id IN ({','.join('?' * len(chunk))}) "
                "AND content IS NOT NULL", chunk))
        missing: dict[str, list[str]] = {}
        for doc_id, revs in wanted.items():
            lack = [r for r in revs if (doc_id, r) not in have]
            if lack:
                missing[doc_id] = lack
        return missing

    def docs_for_push(self, doc_ids: Iterable[str]) -> dict[str, list[dict]]:
        """Every leaf revision of the given notes as CouchDB documents with `_revisions` histories."""
        out: dict[str, list[dict]] = {}
        for doc_id in doc_ids:
            docs = []
            for lf in self._leaves(doc_id):
                doc = dict(lf.content)
                doc.update(_id=doc_id, _rev=lf.rev, _revisions=self._history(doc_id, lf.rev))
                if lf.deleted:
                    doc["_deleted"] = True
                docs.append(doc)
            out[doc_id] = docs
        return out

    def leaf_revs(self, doc_ids: Iterable[str]) -> dict[str, list[str]]:
        return {d: [lf.rev for lf in self._leaves(d)] for d in doc_ids}

    def apply_remote(self, docs: Iterable[dict], parked: Iterable[tuple[str, str, str, str]] = ()) -> int:
        """Store revisions pulled from the server (with their `_revisions` histories) in one transaction.
        Revisions already held are skipped, so applying the same batch twice changes nothing.

        Args:
            docs: valid note documents (`assistant.sync.validate.problem` found nothing wrong).
            parked: (id, rev, error, reason) of the page's documents that cannot be stored, recorded
                in the same transaction.
        Returns:
            How many new revisions were stored.
        """
        stored = 0
        touched: set[str] = set()
        with dbmod.transaction(self.db):
            for doc_id, rev, error, reason in parked:
                self.db.execute("INSERT OR REPLACE INTO sync_parked(doc_id, rev, error, reason, direction) "
                                "VALUES (?,?,?,?, 'pull')", (doc_id, rev, error, reason))
            for doc in docs:
                doc_id, rev = doc["_id"], doc["_rev"]
                content = {k: v for k, v in doc.items() if not k.startswith("_")}
                deleted = bool(doc.get("_deleted"))
                path = revisions_path(doc["_revisions"]) if doc.get("_revisions") else [rev]
                if path[0] != rev:
                    raise ValueError(f"{doc_id}: _revisions does not start at {rev}")
                if self._insert_path(doc_id, path, content, deleted):
                    stored += 1
                    touched.add(doc_id)
                    clock = content.get("clock") or {}
                    if clock:
                        self.clock.observe(str(max(clock.values(), key=str)))
            for doc_id in touched:
                self._materialize(doc_id)
            # A valid revision of a note replaces a malformed one parked before.
            self.db.executemany("DELETE FROM sync_parked WHERE doc_id = ? AND direction = 'pull'",
                                [(d,) for d in touched])
            if touched:
                self._set_state("hlc", self.clock.state())
        for doc_id in touched:
            _notify(doc_id)
        return stored

    def open_conflicts(self) -> list[str]:
        """Notes with two or more live versions waiting for the merge."""
        return [r[0] for r in self.db.execute("SELECT id FROM notes WHERE open_conflict = 1 ORDER BY id")]

    def conflict_base(self, note_id: str) -> tuple[str | None, dict | None]:
        """The deepest common ancestor of the versions to merge: (rev, content or None if unknown)."""
        leaves = self._leaves(note_id)
        heads = [lf.rev for lf in leaves if not lf.deleted] + [p.rev for _d, p in self._absorbable(note_id, leaves)]
        if len(heads) < 2:
            return None, None
        chains = [self._ancestors(note_id, rev) for rev in heads]
        common = set(chains[0]).intersection(*map(set, chains[1:]))
        if not common:
            return None, None
        base = max(common, key=lambda r: parse_rev(r)[0])
        text = self._content(note_id, base)
        return base, (json.loads(text) if text else None)

    def resolve(self, note_id: str, base: dict | None = None, base_rev: str | None = None) -> bool:
        """Merge the live versions of a note (see `assistant.sync.merge`) and write the result as a new
        revision on the winner, with a deletion on every losing branch, all in one transaction.

        Args:
            base: the common ancestor's content when the caller fetched it (else the local copy is used).
            base_rev: which revision `base` is; ignored unless it is still the common ancestor.
        Returns:
            True when a merge was written.
        """
        with dbmod.transaction(self.db):
            leaves = self._leaves(note_id)
            absorb = self._absorbable(note_id, leaves)
            if not merge.needs_resolution(leaves) and not absorb:
                self._materialize(note_id)
                return False
            rev, local_base = self.conflict_base(note_id)
            if local_base is None and base is not None and base_rev == rev:
                local_base = base
            res = merge.resolve(leaves, local_base, absorb=[p for _d, p in absorb])
            self._write(note_id, res.parent, res.merged, deleted=False, materialize=False)
            # Close the merged branches with a deletion of fixed content, so every device that merges
            # the same versions writes the same revision ids and the conflict closes everywhere at once.
            for loser in res.losers:
                self._write(note_id, loser, merge.MERGED_TOMBSTONE, deleted=True, materialize=False)
            for deleted_leaf, _p in absorb:
                self._write(note_id, deleted_leaf.rev, merge.MERGED_TOMBSTONE, deleted=True, materialize=False)
            self._materialize(note_id)
            log.info("merged %d versions of note %s (%s)", len(res.losers) + 1, note_id,
                     "clean" if res.clean else "conflicting copy kept")
        _notify(note_id)
        return True

    def outbox_batch(self, limit: int, max_seq: int | None = None) -> tuple[int, list[str]]:
        """The oldest queued changes: (highest outbox seq covered, distinct note ids)."""
        rows = self.db.execute("SELECT seq, doc_id FROM outbox WHERE seq <= ? ORDER BY seq LIMIT ?",
                               (max_seq if max_seq is not None else 2**62, limit)).fetchall()
        if not rows:
            return 0, []
        return rows[-1]["seq"], list(dict.fromkeys(r["doc_id"] for r in rows))

    def ack_outbox(self, upto_seq: int, parked: Iterable[tuple[str, str, str, str]] = (),
                   pushed: Iterable[str] = (), state: dict[str, str] | None = None) -> None:
        """After the server confirmed a batch: drop its outbox entries, record parked revisions, clear
        parked entries of notes that went through, and save `state` (the checkpoint), in one transaction."""
        with dbmod.transaction(self.db):
            self.db.execute("DELETE FROM outbox WHERE seq <= ?", (upto_seq,))
            for doc_id, rev, error, reason in parked:
                self.db.execute("INSERT OR REPLACE INTO sync_parked(doc_id, rev, error, reason) VALUES (?,?,?,?)",
                                (doc_id, rev, error, reason))
            self.db.executemany("DELETE FROM sync_parked WHERE doc_id = ? AND direction = 'push'",
                                [(d,) for d in pushed])
            for k, v in (state or {}).items():
                self._set_state(k, v)

    def requeue_all(self) -> int:
        """Queue every note's leaves again (the server lost our checkpoint: it may have lost data)."""
        with dbmod.transaction(self.db):
            # A note already queued is pushed with all its leaves anyway: queue only the others.
            cur = self.db.execute(
                "INSERT INTO outbox(doc_id, rev) SELECT r.doc_id, r.rev FROM note_revs r WHERE r.leaf = 1 "
                "AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.doc_id = r.doc_id)")
            return cur.rowcount

    def state(self, key: str) -> str | None:
        return self._state(key)

    def set_state(self, key: str, value: str | None) -> None:
        with dbmod.transaction(self.db):
            self._set_state(key, value)

    # ------------------------------------------------------------ internals

    def _write(self, doc_id: str, parent: str | None, content: dict, deleted: bool,
               materialize: bool = True) -> str:
        """Add one local revision and its outbox entry. Call inside a transaction."""
        rev = rev_id(parent, content, deleted)
        self._insert_path(doc_id, [rev] + ([parent] if parent else []), content, deleted)
        self.db.execute("INSERT INTO outbox(doc_id, rev) VALUES (?, ?)", (doc_id, rev))
        self._set_state("hlc", self.clock.state())
        if materialize:
            self._materialize(doc_id)
        return rev

    def _insert_path(self, doc_id: str, path: list[str], content: dict, deleted: bool) -> bool:
        """Insert leaf `path[0]` (with content) and its ancestors (ids only if unknown). False if held."""
        leaf = path[0]
        have = self.db.execute("SELECT content IS NOT NULL, leaf FROM note_revs WHERE doc_id = ? AND rev = ?",
                               (doc_id, leaf)).fetchone()
        if have is not None and have[0]:
            return False
        parent = path[1] if len(path) > 1 else None
        gen = parse_rev(leaf)[0]
        text = canonical_json(content)
        if have is None:
            self.db.execute("INSERT INTO note_revs(doc_id, rev, gen, parent, deleted, leaf, content) "
                            "VALUES (?,?,?,?,?,1,?)", (doc_id, leaf, gen, parent, int(deleted), text))
        else:  # known so far only as an ancestor of a revision we hold: fill in its content
            self.db.execute("UPDATE note_revs SET content = ?, deleted = ?, parent = COALESCE(parent, ?) "
                            "WHERE doc_id = ? AND rev = ?", (text, int(deleted), parent, doc_id, leaf))
        for i in range(1, len(path)):
            anc, grand = path[i], (path[i + 1] if i + 1 < len(path) else None)
            row = self.db.execute("SELECT leaf, parent FROM note_revs WHERE doc_id = ? AND rev = ?",
                                  (doc_id, anc)).fetchone()
            if row is None:
                self.db.execute("INSERT INTO note_revs(doc_id, rev, gen, parent, deleted, leaf, content) "
                                "VALUES (?,?,?,?,0,0,NULL)", (doc_id, anc, parse_rev(anc)[0], grand))
                continue
            if row["leaf"]:
                self.db.execute("UPDATE note_revs SET leaf = 0 WHERE doc_id = ? AND rev = ?", (doc_id, anc))
            if row["parent"] is None and grand:
                self.db.execute("UPDATE note_revs SET parent = ? WHERE doc_id = ? AND rev = ?", (grand, doc_id, anc))
            else:
                break  # the rest of the chain is already known
        if gen > KEEP_BODIES_GENERATIONS:
            self.db.execute("UPDATE note_revs SET content = NULL WHERE doc_id = ? AND leaf = 0 AND gen < ? "
                            "AND content IS NOT NULL", (doc_id, gen - KEEP_BODIES_GENERATIONS))
        return True

    def _tick(self) -> str:
        """A new clock reading inside a write transaction; another process's edits count too."""
        self.clock.observe(self._state("hlc"))
        return str(self.clock.now())

    def _leaves(self, doc_id: str) -> list[merge.Leaf]:
        rows = self.db.execute("SELECT rev, deleted, content FROM note_revs WHERE doc_id = ? AND leaf = 1",
                               (doc_id,)).fetchall()
        return [merge.Leaf(r["rev"], bool(r["deleted"]), json.loads(r["content"] or "{}")) for r in rows]

    def _absorbable(self, doc_id: str, leaves: list[merge.Leaf]) -> list[tuple[merge.Leaf, merge.Leaf]]:
        """Deleted branches whose last live version holds text the live versions never saw:
        (deleted leaf, its last live version). Only those whose text this device holds count; a
        device that has it will do the merge."""
        live = [lf for lf in leaves if not lf.deleted]
        candidates = [lf for lf in leaves if lf.deleted and not lf.content.get("merged")]
        if not live or not candidates:
            return []
        seen = set()
        for lf in live:
            seen.update(self._ancestors(doc_id, lf.rev))
        out = []
        for d in sorted(candidates, key=lambda x: x.rev):
            row = self.db.execute("SELECT parent FROM note_revs WHERE doc_id = ? AND rev = ?", (doc_id, d.rev)).fetchone()
            parent = row[0] if row else None
            if not parent or parent in seen:
                continue  # deleted from a version the live ones already contain: nothing to bring back
            text = self._content(doc_id, parent)
            prow = self.db.execute("SELECT deleted FROM note_revs WHERE doc_id = ? AND rev = ?",
                                   (doc_id, parent)).fetchone()
            if text and prow is not None and not prow[0]:
                out.append((d, merge.Leaf(parent, False, json.loads(text))))
        return out

    def _content(self, doc_id: str, rev: str) -> str | None:
        row = self.db.execute("SELECT content FROM note_revs WHERE doc_id = ? AND rev = ?", (doc_id, rev)).fetchone()
        return row[0] if row else None

    def _ancestors(self, doc_id: str, rev: str) -> list[str]:
        """`rev` and its ancestors, newest first (as far as the local tree knows them)."""
        rows = self.db.execute(
            "WITH RECURSIVE chain(rev, parent, depth) AS ("
            " SELECT rev, parent, 0 FROM note_revs WHERE doc_id = ?1 AND rev = ?2"
            " UNION ALL SELECT r.rev, r.parent, c.depth + 1 FROM note_revs r JOIN chain c"
            "  ON r.doc_id = ?1 AND r.rev = c.parent WHERE c.depth < ?3)"
            " SELECT rev FROM chain ORDER BY depth", (doc_id, rev, MAX_HISTORY)).fetchall()
        return [r[0] for r in rows]

    def _history(self, doc_id: str, rev: str) -> dict:
        chain = self._ancestors(doc_id, rev)
        # Stop at a gap (a parent we never learnt of) so the ids stay consecutive generations.
        ids, expect = [], parse_rev(rev)[0]
        for r in chain:
            gen, h = parse_rev(r)
            if gen != expect:
                break
            ids.append(h)
            expect -= 1
        return {"start": parse_rev(rev)[0], "ids": ids}

    def _materialize(self, doc_id: str) -> None:
        leaves = self._leaves(doc_id)
        if not leaves:
            return
        win = max(leaves, key=lambda x: winner_key(x.rev, x.deleted))
        c = win.content
        live = sum(1 for x in leaves if not x.deleted)
        needs_merge = live > 1 or (live == 1 and bool(self._absorbable(doc_id, leaves)))
        values = (
            win.rev, c.get("title") or "", c.get("body") or "", json.dumps(c.get("tags") or [], ensure_ascii=False),
            c.get("work_order"), c.get("asset"), c.get("serial"), c.get("created_at"),
            c.get("edited_at") or c.get("deleted_at"), c.get("author"), c.get("device_name") or c.get("device"),
            json.dumps(c.get("citations") or [], ensure_ascii=False),
            json.dumps(c["source"], ensure_ascii=False) if c.get("source") else None,
            int(win.deleted), int(bool(c.get("conflict"))), int(needs_merge),
        )
        if win.deleted:
            # A deleted note keeps its id, title and time (for a "deleted" list), not its text.
            prev = self.db.execute("SELECT title FROM notes WHERE id = ?", (doc_id,)).fetchone()
            title = prev[0] if prev else ""
            values = (win.rev, title, "", "[]", None, None, None, None, c.get("deleted_at"), None,
                      c.get("device"), "[]", None, 1, 0, 0)
        cur = self.db.execute(
            "UPDATE notes SET rev=?, title=?, body=?, tags=?, work_order=?, asset=?, serial=?, created_at=?, "
            "edited_at=?, author=?, device=?, citations=?, source=?, deleted=?, conflict=?, open_conflict=? "
            "WHERE id = ?", (*values, doc_id))
        if cur.rowcount == 0:
            self.db.execute(
                "INSERT INTO notes(rev, title, body, tags, work_order, asset, serial, created_at, edited_at, "
                "author, device, citations, source, deleted, conflict, open_conflict, id) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", (*values, doc_id))

    def _state(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM sync_state WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def _set_state(self, key: str, value: str | None) -> None:
        if value is None:
            self.db.execute("DELETE FROM sync_state WHERE key = ?", (key,))
        else:
            self.db.execute("INSERT INTO sync_state(key, value) VALUES (?, ?) "
                            "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (key, value))

    def _init_state(self, key: str, value: str) -> str:
        # INSERT OR IGNORE then read back: two processes opening a new database agree on one device id.
        self.db.execute("INSERT OR IGNORE INTO sync_state(key, value) VALUES (?, ?)", (key, value))
        return self._state(key) or value


def dictate(audio, cancel: threading.Event | None = None) -> tuple[str, dict]:
    """A note body from a recording, through the speech model (`assistant.stt`).

    Returns:
        (text, source) where source records that the note was dictated, for `NoteStore.add(source=)`.
    Raises:
        AssistantError: no speech model, unreadable audio, or nothing was said.
    """
    from . import stt  # loads the speech stack only when someone dictates

    t = stt.transcribe_all(audio, cancel=cancel)
    text = t.require_text()
    label = getattr(audio, "name", None) or str(audio)
    return text, {"kind": "dictation", "audio": label, "model": t.model, "duration_s": round(t.duration_s, 2)}


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers and services
        return "technician"


def _clean_tags(tags: Iterable[str] | str) -> list[str]:
    if isinstance(tags, str):
        tags = tags.split(",")
    return sorted({t.strip() for t in tags if t and t.strip()})


def _fts_query(query: str) -> str | None:
    """User words -> an FTS5 query: every word must match (as a prefix); quotes neutralise operators."""
    words = [w for w in "".join(ch if ch.isalnum() else " " for ch in query).split() if w]
    return " AND ".join(f'"{w}"*' for w in words) or None


def _note(row) -> Note:
    return Note(
        id=row["id"], rev=row["rev"], title=row["title"], body=row["body"], tags=json.loads(row["tags"] or "[]"),
        work_order=row["work_order"], asset=row["asset"], serial=row["serial"], created_at=row["created_at"],
        edited_at=row["edited_at"], author=row["author"], device=row["device"],
        citations=json.loads(row["citations"] or "[]"), source=json.loads(row["source"]) if row["source"] else None,
        deleted=bool(row["deleted"]), conflict=bool(row["conflict"] or row["open_conflict"]),
    )


def _note_from_content(doc_id: str, rev: str, c: dict) -> Note:
    return Note(
        id=doc_id, rev=rev, title=c.get("title") or "", body=c.get("body") or "", tags=list(c.get("tags") or []),
        work_order=c.get("work_order"), asset=c.get("asset"), serial=c.get("serial"),
        created_at=c.get("created_at"), edited_at=c.get("edited_at"), author=c.get("author"),
        device=c.get("device_name") or c.get("device"), citations=list(c.get("citations") or []),
        source=c.get("source"), deleted=False, conflict=bool(c.get("conflict")),
    )
