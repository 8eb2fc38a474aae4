"""The notes on this device: `NoteStore` reads, creates, edits, deletes and merges them.

Each note is a document whose revisions form a tree, exactly as on the server (`tree`), so
replication can exchange revisions without ever inventing or losing one. A change, its revision and
its outbox entry (`outbox`) are written in one transaction, so a crash leaves either all three or none.
"""

from __future__ import annotations

import getpass
import json
import logging
import socket
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from .. import db as dbmod
from ..errors import AssistantError
from . import merge
from .listeners import notify
from .model import (
    EDITABLE,
    Note,
    NoteExistsError,
    NoteNotFoundError,
    ParkedDoc,
    clean_tags,
    iso,
    note_from_content,
    note_from_row,
)
from .outbox import Outbox, Parked
from .revs import HybridClock, rev_id, revisions_path, uuid7, winner_key
from .state import device_id, read_or_init
from .state import read as read_state
from .state import write as write_state
from .tree import RevisionTree

log = logging.getLogger(__name__)


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
        self.tree = RevisionTree(db)
        self.outbox = Outbox(db)
        self.device_id = device_id(db)
        self.device_name = (read_state(db, "device_name")
                            or read_or_init(db, "device_name", socket.gethostname()))
        self.author = author or _user()
        self.clock = HybridClock(self.device_id, wall=wall, last=read_state(db, "hlc"))

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
        return note_from_row(row)

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
        return [note_from_row(r) for r in self.db.execute(sql, params)]

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
        leaves = self.tree.leaves(note_id)
        out = []
        for lf in sorted(leaves, key=lambda x: winner_key(x.rev, x.deleted), reverse=True):
            if not lf.deleted:
                out.append(note_from_content(note_id, lf.rev, lf.content))
        return out

    def count(self) -> int:
        return self.db.execute("SELECT count(*) FROM notes WHERE deleted = 0").fetchone()[0]

    def pending_count(self) -> int:
        """Notes with changes not yet confirmed by the server."""
        return self.outbox.pending_count()

    def conflict_count(self) -> int:
        return self.db.execute(
            "SELECT count(*) FROM notes WHERE deleted = 0 AND (conflict = 1 OR open_conflict = 1)").fetchone()[0]

    def parked(self) -> list[ParkedDoc]:
        """Revisions that did not sync (shown to the technician; the rest keep syncing)."""
        return self.outbox.parked()

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
        if not (work_order or asset or serial):  # saved while a job is current: the job's fields
            from ..fleet.jobs import note_fields

            job = note_fields(self.db)
            work_order, asset, serial = job.get("work_order"), job.get("asset"), job.get("serial")
        with dbmod.transaction(self.db):
            if given and self.exists(note_id):
                raise NoteExistsError(f"a note with id {note_id} exists")
            ts = self._tick()
            now = iso(self.wall())
            content = {
                "type": "note", "title": title, "body": body or "", "tags": clean_tags(tags),
                "work_order": work_order or None, "asset": asset or None, "serial": serial or None,
                "created_at": now, "edited_at": now, "author": self.author, "device": self.device_id,
                "device_name": self.device_name, "citations": list(citations), "source": source,
                "conflict": merge.has_conflict_marker(body or ""),
                "clock": {f: ts for f in (*merge.SIMPLE_FIELDS, "body", "tags")},
            }
            self._write(note_id, None, content, deleted=False)
        notify(note_id)
        return self.get(note_id)

    def add_from_answer(self, question: str, answer: dict, title: str | None = None,
                        tags: Iterable[str] = (), work_order: str | None = None) -> Note:
        """"Save to notes" from an answer (`ask --json` output or `Answer.to_json()`): keeps the
        question, the answer text and the cited manual passages."""
        cites = [{k: c.get(k) for k in ("n", "manual", "path", "page", "section", "text", "revision", "depot_id")}
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
                                                 "model": answer.get("model"),
                                                 "model_version": answer.get("model_version")})

    def exists(self, note_id: str) -> bool:
        """A note with this id is stored (live or deleted)."""
        return self.tree.exists(note_id)

    @staticmethod
    def new_id() -> str:
        """An id for a note not saved yet (see `put`)."""
        return uuid7()

    def put(self, note_id: str, base_body: str | None = None, **fields: Any) -> Note:
        """Edit note `note_id`, or create it with that id if it is not stored yet: what a writer that
        may save the same new note twice (the editor's save, and its save at close) calls.

        A note deleted meanwhile (on another device, synced in while it was open here) comes back
        with these fields: the text in the editor is the technician's and is never dropped (as in
        the merge, an edit beats a delete).

        Args:
            base_body: the body the editor's text was written from. Given, the body is merged three
                ways (`merge.merge_text`, as sync merges) with the body stored now, so lines written
                to the note meanwhile (procedure mode's log, a synced edit) are kept, not replaced.
        """
        if not self.exists(note_id):
            try:
                return self.add(**fields, note_id=note_id)
            except NoteExistsError:  # another connection created it in between
                pass
        _check_edit(fields)
        return self._edit(note_id, lambda content: fields, revive=True, base_body=base_body)

    def edit(self, note_id: str, **changes: Any) -> Note:
        """Change some of title, body, tags, work_order, asset, serial; one new revision.

        A field given as None is left as it is; work_order, asset or serial given as "" is cleared.

        Raises:
            NoteNotFoundError: no such note.
            AssistantError: an unknown field or an empty title.
        """
        _check_edit(changes)
        return self._edit(note_id, lambda content: changes)

    def append(self, note_id: str, line: str) -> Note:
        """Add `line` at the end of a note's body: read and written in one transaction, so a log
        written as things happen (procedure mode) never overwrites an edit made meanwhile.

        Raises:
            NoteNotFoundError: no such note.
        """
        def changes(content: dict) -> dict:
            body = content.get("body") or ""
            return {"body": (body if not body or body.endswith("\n") else body + "\n") + line.rstrip("\n")}

        return self._edit(note_id, changes)

    def _edit(self, note_id: str, make_changes: Callable[[dict], dict[str, Any]], revive: bool = False,
              base_body: str | None = None) -> Note:
        """One new revision with the changes `make_changes(current content)` returns, read and written
        in one transaction (so a change computed from the body cannot overwrite an edit made meanwhile).
        With `revive`, a deleted note gets a live revision on top of its deletion. With `base_body`, a
        new body is merged with the stored one against that base (see `put`)."""
        note_id = self.get(note_id, include_deleted=revive).id
        with dbmod.transaction(self.db):
            row = self.db.execute("SELECT rev, deleted FROM notes WHERE id = ?", (note_id,)).fetchone()
            if row is None or (row["deleted"] and not revive):
                raise NoteNotFoundError(f"no note with id {note_id}")
            parent = row["rev"]
            reviving = bool(row["deleted"])
            if reviving:  # a tombstone holds no fields: start from an empty note
                now = iso(self.wall())
                content = {"type": "note", "title": "", "body": "", "tags": [], "work_order": None, "asset": None,
                           "serial": None, "created_at": now, "author": self.author, "citations": [],
                           "source": None}
            else:
                content = json.loads(self.tree.content(note_id, parent) or "{}")
            changes = make_changes(content)
            if base_body is not None and not reviving and changes.get("body") is not None:
                stored = content.get("body") or ""
                marker = merge.MARK_START.format(who=content.get("device_name") or "another device",
                                                 when=content.get("edited_at") or "?")
                changes = {**changes, "body": merge.merge_text(base_body, changes["body"], stored, marker)[0]}
            ts = self._tick()
            clock = dict(content.get("clock") or {})
            if reviving:  # every field is written now, as in `add`
                clock = {f: ts for f in (*merge.SIMPLE_FIELDS, "body", "tags")}
            changed = reviving
            for k, v in changes.items():
                if v is None:
                    continue
                if k == "tags":
                    v = clean_tags(v)
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
            content.update(clock=clock, edited_at=iso(self.wall()), device=self.device_id,
                           device_name=self.device_name)
            self._write(note_id, parent, content, deleted=False)
        notify(note_id)
        return self.get(note_id)

    def delete(self, note_id: str) -> Note:
        """Delete a note (a tombstone revision on every live version, so it does not come back).

        Raises:
            NoteNotFoundError: no such note.
        """
        note_id = self.get(note_id).id
        with dbmod.transaction(self.db):
            ts = self._tick()
            live = [lf for lf in self.tree.leaves(note_id) if not lf.deleted]
            if not live:
                raise NoteNotFoundError(f"no note with id {note_id}")
            for lf in live:
                self._write(note_id, lf.rev, {"type": "note", "deleted_at": iso(self.wall()),
                                              "device": self.device_id, "clock": {"deleted": ts}}, deleted=True)
        notify(note_id)
        return self.get(note_id, include_deleted=True)

    def settle_conflict(self, note_id: str, index: int, keep: str) -> Note:
        """Settle one conflicting copy in a note's body ("first", "other" or "both"): a normal edit,
        synced like any other. `merge.split_conflicts(note.body)` lists the conflicts for display.

        Raises:
            NoteNotFoundError, ValueError (no such conflict).
        """
        return self._edit(note_id, lambda content: {"body": merge.choose(content.get("body") or "", index, keep)})

    def retry_parked(self) -> int:
        """Try every parked revision again (after the admin fixed the server side). Returns how many."""
        return self.outbox.retry_parked()

    # ------------------------------------------------------------ replication (the sync side)

    def apply_remote(self, docs: Iterable[dict], parked: Iterable[Parked] = ()) -> int:
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
            self.outbox.park_pulled(parked)
            for doc in docs:
                doc_id, rev = doc["_id"], doc["_rev"]
                content = {k: v for k, v in doc.items() if not k.startswith("_")}
                deleted = bool(doc.get("_deleted"))
                path = revisions_path(doc["_revisions"]) if doc.get("_revisions") else [rev]
                if path[0] != rev:
                    raise ValueError(f"{doc_id}: _revisions does not start at {rev}")
                if self.tree.insert_path(doc_id, path, content, deleted):
                    stored += 1
                    touched.add(doc_id)
                    clock = content.get("clock") or {}
                    if clock:
                        self.clock.observe(str(max(clock.values(), key=str)))
            for doc_id in touched:
                self.tree.materialize(doc_id)
            # A valid revision of a note replaces a malformed one parked before.
            self.outbox.unpark_pulled(touched)
            if touched:
                write_state(self.db, "hlc", self.clock.state())
        for doc_id in touched:
            notify(doc_id)
        return stored

    def resolve(self, note_id: str, base: dict | None = None, base_rev: str | None = None) -> bool:
        """Merge the live versions of a note (see `merge`) and write the result as a new
        revision on the winner, with a deletion on every losing branch, all in one transaction.

        Args:
            base: the common ancestor's content when the caller fetched it (else the local copy is used).
            base_rev: which revision `base` is; ignored unless it is still the common ancestor.
        Returns:
            True when a merge was written.
        """
        with dbmod.transaction(self.db):
            leaves = self.tree.leaves(note_id)
            absorb = self.tree.absorbable(note_id, leaves)
            if not merge.needs_resolution(leaves) and not absorb:
                self.tree.materialize(note_id)
                return False
            rev, local_base = self.tree.conflict_base(note_id)
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
            self.tree.materialize(note_id)
            log.info("merged %d versions of note %s (%s)", len(res.losers) + 1, note_id,
                     "clean" if res.clean else "conflicting copy kept")
        notify(note_id)
        return True

    def state(self, key: str) -> str | None:
        """A `sync_state` value (the replicator's checkpoints)."""
        return read_state(self.db, key)

    def set_state(self, key: str, value: str | None) -> None:
        with dbmod.transaction(self.db):
            write_state(self.db, key, value)

    # ------------------------------------------------------------ internals

    def _write(self, doc_id: str, parent: str | None, content: dict, deleted: bool,
               materialize: bool = True) -> str:
        """Add one local revision and its outbox entry. Call inside a transaction."""
        rev = rev_id(parent, content, deleted)
        self.tree.insert_path(doc_id, [rev] + ([parent] if parent else []), content, deleted)
        self.outbox.add(doc_id, rev)
        write_state(self.db, "hlc", self.clock.state())
        if materialize:
            self.tree.materialize(doc_id)
        return rev

    def _tick(self) -> str:
        """A new clock reading inside a write transaction; another process's edits count too."""
        self.clock.observe(read_state(self.db, "hlc"))
        return str(self.clock.now())


def _check_edit(changes: dict) -> None:
    bad = set(changes) - set(EDITABLE)
    if bad:
        raise AssistantError(f"cannot edit {', '.join(sorted(bad))}; editable: {', '.join(EDITABLE)}")
    if "title" in changes and changes["title"] is not None and not changes["title"].strip():
        raise AssistantError("a note needs a title")


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers and services
        return "technician"


def _fts_query(query: str) -> str | None:
    """User words -> an FTS5 query: every word must match (as a prefix); quotes neutralise operators."""
    words = [w for w in "".join(ch if ch.isalnum() else " " for ch in query).split() if w]
    return " AND ".join(f'"{w}"*' for w in words) or None
