"""Label vectors for the spec rows a library stored before they existed (migration m013).

Ingest embeds each spec row twice: its whole text and its label cell alone (`spec_store.embed_rows`).
Rows stored by an older version have only the first. Their label is in their stored cells, so the
library upgrade (`backfill.upgrade`) fills the second vector from the database alone, without the
manual's file: one manual at a time, each in one transaction, so a killed run resumes at the
manual it stopped in and a manual done is never done twice.
"""

from __future__ import annotations

import json

import numpy as np

from .. import db as dbmod
from .spec_store import label_text

_LACKING = ("SELECT r.id, r.cells FROM spec_rows r WHERE r.manual_id = ?"
            " AND r.id NOT IN (SELECT rowid FROM spec_rows_label_vec)")


def lacking(db) -> list[int]:
    """The manuals with spec rows that have no label vector, in id order ([] without the table)."""
    if not dbmod.has_table(db, "spec_rows_label_vec"):
        return []
    return [r[0] for r in db.execute(
        "SELECT DISTINCT manual_id FROM spec_rows WHERE id NOT IN (SELECT rowid FROM spec_rows_label_vec)"
        " ORDER BY manual_id")]


def fill(db, embedder, manual_id: int) -> int:
    """Embed the label cell of each of a manual's rows that lacks one; returns how many were added.
    Embedded outside the write transaction; inside it only the rows still there and still lacking
    one get theirs (the manual may have been re-indexed meanwhile)."""
    rows = [(r[0], label_text(json.loads(r[1]))) for r in db.execute(_LACKING, (manual_id,))]
    if not rows:
        return 0
    labels = list(dict.fromkeys(label for _id, label in rows))
    by_label = dict(zip(labels, embedder.embed(labels), strict=True))
    with dbmod.transaction(db):
        still = {r[0] for r in db.execute(_LACKING, (manual_id,))}
        todo = [(row_id, np.asarray(by_label[label], dtype=np.float32).tobytes())
                for row_id, label in rows if row_id in still]
        db.executemany("INSERT INTO spec_rows_label_vec(rowid, embedding) VALUES (?, ?)", todo)
    return len(todo)
