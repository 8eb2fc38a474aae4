"""The revision tree of every note (`note_revs`), exactly as the server keeps it, and the `notes`
table that holds each note's winning revision, materialised for listing and full-text search.

Replication exchanges revisions of this tree without ever inventing or losing one: a revision is
stored with the ids of its ancestors, a revision already held is skipped, and the winner is chosen
by CouchDB's rule so every device shows the same version. Callers own the transaction.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from . import merge
from .revs import canonical_json, parse_rev, winner_key

# Bodies of revisions more than this many generations below a leaf are dropped: the three-way merge
# only ever needs a recent common ancestor, and the ids alone keep the history the protocol needs.
KEEP_BODIES_GENERATIONS = 50
# CouchDB's default revs_limit: longer histories are truncated by the server anyway.
MAX_HISTORY = 1000


class RevisionTree:
    def __init__(self, db):
        self.db = db

    # ------------------------------------------------------------ reading

    def exists(self, doc_id: str) -> bool:
        """A note with this id is stored (live or deleted)."""
        return self.db.execute("SELECT 1 FROM note_revs WHERE doc_id = ? LIMIT 1", (doc_id,)).fetchone() is not None

    def leaves(self, doc_id: str) -> list[merge.Leaf]:
        rows = self.db.execute("SELECT rev, deleted, content FROM note_revs WHERE doc_id = ? AND leaf = 1",
                               (doc_id,)).fetchall()
        return [merge.Leaf(r["rev"], bool(r["deleted"]), json.loads(r["content"] or "{}")) for r in rows]

    def leaf_revs(self, doc_ids: Iterable[str]) -> dict[str, list[str]]:
        return {d: [lf.rev for lf in self.leaves(d)] for d in doc_ids}

    def content(self, doc_id: str, rev: str) -> str | None:
        """A revision's content as stored (canonical JSON), None if unknown or only its id is known."""
        row = self.db.execute("SELECT content FROM note_revs WHERE doc_id = ? AND rev = ?", (doc_id, rev)).fetchone()
        return row[0] if row else None

    def ancestors(self, doc_id: str, rev: str) -> list[str]:
        """`rev` and its ancestors, newest first (as far as the local tree knows them)."""
        rows = self.db.execute(
            "WITH RECURSIVE chain(rev, parent, depth) AS ("
            " SELECT rev, parent, 0 FROM note_revs WHERE doc_id = ?1 AND rev = ?2"
            " UNION ALL SELECT r.rev, r.parent, c.depth + 1 FROM note_revs r JOIN chain c"
            "  ON r.doc_id = ?1 AND r.rev = c.parent WHERE c.depth < ?3)"
            " SELECT rev FROM chain ORDER BY depth", (doc_id, rev, MAX_HISTORY)).fetchall()
        return [r[0] for r in rows]

    def history(self, doc_id: str, rev: str) -> dict:
        """`rev`'s ancestry as a CouchDB `_revisions` object."""
        chain = self.ancestors(doc_id, rev)
        # Stop at a gap (a parent we never learnt of) so the ids stay consecutive generations.
        ids, expect = [], parse_rev(rev)[0]
        for r in chain:
            gen, h = parse_rev(r)
            if gen != expect:
                break
            ids.append(h)
            expect -= 1
        return {"start": parse_rev(rev)[0], "ids": ids}

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
            for lf in self.leaves(doc_id):
                doc = dict(lf.content)
                doc.update(_id=doc_id, _rev=lf.rev, _revisions=self.history(doc_id, lf.rev))
                if lf.deleted:
                    doc["_deleted"] = True
                docs.append(doc)
            out[doc_id] = docs
        return out

    def open_conflicts(self) -> list[str]:
        """Notes with two or more live versions waiting for the merge."""
        return [r[0] for r in self.db.execute("SELECT id FROM notes WHERE open_conflict = 1 ORDER BY id")]

    def absorbable(self, doc_id: str, leaves: list[merge.Leaf]) -> list[tuple[merge.Leaf, merge.Leaf]]:
        """Deleted branches whose last live version holds text the live versions never saw:
        (deleted leaf, its last live version). Only those whose text this device holds count; a
        device that has it will do the merge."""
        live = [lf for lf in leaves if not lf.deleted]
        candidates = [lf for lf in leaves if lf.deleted and not lf.content.get("merged")]
        if not live or not candidates:
            return []
        seen = set()
        for lf in live:
            seen.update(self.ancestors(doc_id, lf.rev))
        out = []
        for d in sorted(candidates, key=lambda x: x.rev):
            row = self.db.execute("SELECT parent FROM note_revs WHERE doc_id = ? AND rev = ?", (doc_id, d.rev)).fetchone()
            parent = row[0] if row else None
            if not parent or parent in seen:
                continue  # deleted from a version the live ones already contain: nothing to bring back
            text = self.content(doc_id, parent)
            prow = self.db.execute("SELECT deleted FROM note_revs WHERE doc_id = ? AND rev = ?",
                                   (doc_id, parent)).fetchone()
            if text and prow is not None and not prow[0]:
                out.append((d, merge.Leaf(parent, False, json.loads(text))))
        return out

    def conflict_base(self, doc_id: str) -> tuple[str | None, dict | None]:
        """The deepest common ancestor of the versions to merge: (rev, content or None if unknown)."""
        leaves = self.leaves(doc_id)
        heads = [lf.rev for lf in leaves if not lf.deleted] + [p.rev for _d, p in self.absorbable(doc_id, leaves)]
        if len(heads) < 2:
            return None, None
        chains = [self.ancestors(doc_id, rev) for rev in heads]
        common = set(chains[0]).intersection(*map(set, chains[1:]))
        if not common:
            return None, None
        base = max(common, key=lambda r: parse_rev(r)[0])
        text = self.content(doc_id, base)
        return base, (json.loads(text) if text else None)

    # ------------------------------------------------------------ writing (inside a transaction)

    def insert_path(self, doc_id: str, path: list[str], content: dict, deleted: bool) -> bool:
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

    def materialize(self, doc_id: str) -> None:
        """Write the note's winning revision into the `notes` table (and so its search index)."""
        leaves = self.leaves(doc_id)
        if not leaves:
            return
        win = max(leaves, key=lambda x: winner_key(x.rev, x.deleted))
        c = win.content
        live = sum(1 for x in leaves if not x.deleted)
        needs_merge = live > 1 or (live == 1 and bool(self.absorbable(doc_id, leaves)))
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
