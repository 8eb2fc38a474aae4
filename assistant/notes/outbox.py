"""The outbox (revisions this device made, waiting for the server) and the parked revisions (ours the
server refused, the server's that could not be stored here).

An outbox entry is written in the same transaction as its revision (`NoteStore`), so a crash leaves
both or neither; entries leave only when the server has confirmed them (`ack`).
"""

from __future__ import annotations

from collections.abc import Iterable

from .. import db as dbmod
from . import state
from .model import ParkedDoc

# (id, rev, error, reason) of a revision that did not sync.
Parked = tuple[str, str, str, str]


class Outbox:
    def __init__(self, db):
        self.db = db

    def add(self, doc_id: str, rev: str) -> None:
        """Queue one revision. Call inside the transaction that wrote it."""
        self.db.execute("INSERT INTO outbox(doc_id, rev) VALUES (?, ?)", (doc_id, rev))

    def pending_count(self) -> int:
        """Notes with changes not yet confirmed by the server."""
        return self.db.execute("SELECT count(DISTINCT doc_id) FROM outbox").fetchone()[0]

    def last_seq(self) -> int:
        """The newest entry's sequence number (0 when empty)."""
        return self.db.execute("SELECT coalesce(max(seq), 0) FROM outbox").fetchone()[0]

    def batch(self, limit: int, max_seq: int | None = None) -> tuple[int, list[str]]:
        """The oldest queued changes: (highest outbox seq covered, distinct note ids)."""
        rows = self.db.execute("SELECT seq, doc_id FROM outbox WHERE seq <= ? ORDER BY seq LIMIT ?",
                               (max_seq if max_seq is not None else 2**62, limit)).fetchall()
        if not rows:
            return 0, []
        return rows[-1]["seq"], list(dict.fromkeys(r["doc_id"] for r in rows))

    def ack(self, upto_seq: int, parked: Iterable[Parked] = (), pushed: Iterable[str] = (),
            checkpoint: dict[str, str] | None = None) -> None:
        """After the server confirmed a batch: drop its outbox entries, record the revisions it refused,
        clear parked entries of notes that went through, and save `checkpoint` (sync_state keys), in one
        transaction."""
        with dbmod.transaction(self.db):
            self.db.execute("DELETE FROM outbox WHERE seq <= ?", (upto_seq,))
            _park(self.db, parked, "push")
            self.db.executemany("DELETE FROM sync_parked WHERE doc_id = ? AND direction = 'push'",
                                [(d,) for d in pushed])
            for k, v in (checkpoint or {}).items():
                state.write(self.db, k, v)

    def requeue_all(self) -> int:
        """Queue every note's leaves again (the server lost our checkpoint: it may have lost data)."""
        with dbmod.transaction(self.db):
            # A note already queued is pushed with all its leaves anyway: queue only the others.
            cur = self.db.execute(
                "INSERT INTO outbox(doc_id, rev) SELECT r.doc_id, r.rev FROM note_revs r WHERE r.leaf = 1 "
                "AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.doc_id = r.doc_id)")
            return cur.rowcount

    # ------------------------------------------------------------ parked revisions

    def parked(self) -> list[ParkedDoc]:
        """Revisions that did not sync (shown to the technician; the rest keep syncing)."""
        rows = self.db.execute(
            "SELECT p.*, n.title FROM sync_parked p LEFT JOIN notes n ON n.id = p.doc_id ORDER BY parked_at")
        return [ParkedDoc(r["doc_id"], r["rev"], r["error"], r["reason"], r["parked_at"], r["title"], r["direction"])
                for r in rows]

    def park_pulled(self, parked: Iterable[Parked]) -> None:
        """Record the server's revisions that cannot be stored. Call inside the pull's transaction."""
        _park(self.db, parked, "pull")

    def unpark_pulled(self, doc_ids: Iterable[str]) -> None:
        """A valid revision of these notes arrived: it replaces the malformed one parked before."""
        self.db.executemany("DELETE FROM sync_parked WHERE doc_id = ? AND direction = 'pull'",
                            [(d,) for d in doc_ids])

    def retry_parked(self) -> int:
        """Try every parked revision again (after the admin fixed the server side). Returns how many.

        Ours go back into the outbox; for the server's, the sync checkpoints are dropped so the next
        round pulls everything again (revisions held are skipped, so nothing is duplicated).
        """
        with dbmod.transaction(self.db):
            rows = self.db.execute("SELECT doc_id, rev, direction FROM sync_parked").fetchall()
            for r in rows:
                if r["direction"] == "push":
                    self.add(r["doc_id"], r["rev"])
            if any(r["direction"] == "pull" for r in rows):
                self.db.execute("DELETE FROM sync_state WHERE key LIKE 'checkpoint:%'")
            self.db.execute("DELETE FROM sync_parked")
        return len(rows)


def _park(db, parked: Iterable[Parked], direction: str) -> None:
    """Record refused or unstorable revisions; parking one again replaces its entry (new time, error
    and direction), as the technician's list should show the latest word on it."""
    dbmod.utils(db)["sync_parked"].insert_all(
        ({"doc_id": doc_id, "rev": rev, "error": error, "reason": reason, "direction": direction}
         for doc_id, rev, error, reason in parked), replace=True)
