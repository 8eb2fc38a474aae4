"""Passages' token vectors as stored for late interaction (table `chunk_tokens`, migration m013).

A passage's token vectors are the embedding model's own (all-MiniLM-L6-v2 before pooling), L2
normalised, at most TOKEN_CAP of them (the first ones: title, heading path, start of the text).
Each vector is kept as int8 with its own float32 scale (max |x| / 127): 388 bytes a token instead
of 1,536; each vector's cosine with its full-precision self stays above 0.995.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Sequence

import numpy as np

from .. import db as dbmod
from ..embedding import Embedder

log = logging.getLogger(__name__)

# Tokens kept per passage: the model reads 256, and shorter caps lost on the tuning halves
# (bench/README.md); 256 costs ~97 KiB a passage.
TOKEN_CAP = 256
# Ingest stores token vectors only while late interaction is on (`rag.late_interaction.DEPTH`):
# they are most of the database's size otherwise spent for nothing.
STORE = False
FILL_BATCH = 64  # passages per transaction when `fill` catches an older library up


def cap(vectors: np.ndarray) -> np.ndarray:
    return vectors[:TOKEN_CAP]


def encode(vectors: np.ndarray) -> bytes:
    """(tokens, dim) float rows -> the stored blob: float32 scales, then int8 rows."""
    v = cap(np.asarray(vectors, dtype=np.float32))
    scale = np.abs(v).max(axis=1) / 127.0 if len(v) else np.zeros(0, dtype=np.float32)
    scale = np.where(scale > 0, scale, 1.0).astype(np.float32)
    q = np.clip(np.rint(v / scale[:, None]), -127, 127).astype(np.int8)
    return scale.tobytes() + q.tobytes()


def decode(blob: bytes | None, dim: int) -> np.ndarray | None:
    """The stored blob as float32 rows, or None when it is missing or not a whole number of
    tokens of this dimension (a corrupt row, or one from another model): the caller recomputes."""
    if not blob or len(blob) % (4 + dim):
        return None
    n = len(blob) // (4 + dim)
    scale = np.frombuffer(blob, dtype=np.float32, count=n)
    q = np.frombuffer(blob, dtype=np.int8, offset=4 * n).reshape(n, dim)
    if not np.all(np.isfinite(scale)):
        return None
    return q.astype(np.float32) * scale[:, None]


def store(db, rows: Iterable[tuple[int, np.ndarray]]) -> None:
    """Keep (chunk id, token vectors) rows; inside the caller's transaction."""
    db.executemany("INSERT OR REPLACE INTO chunk_tokens(chunk_id, vectors) VALUES (?, ?)",
                   [(cid, encode(v)) for cid, v in rows])


def load(db, ids: Sequence[int], dim: int) -> dict[int, np.ndarray]:
    """The stored token vectors of these passages; those without a (readable) row are left out."""
    if not ids:
        return {}
    out = {}
    for cid, blob in db.execute(
            f"SELECT chunk_id, vectors FROM chunk_tokens WHERE chunk_id IN ({','.join('?' * len(ids))})", list(ids)):
        v = decode(blob, dim)
        if v is None:
            log.warning("passage %d: its stored token vectors are unreadable; computed again", cid)
        else:
            out[cid] = v
    return out


def missing(db) -> int:
    """Passages stored without token vectors (by a version before m013)."""
    return db.execute(
        "SELECT count(*) FROM chunks c WHERE NOT EXISTS (SELECT 1 FROM chunk_tokens t WHERE t.chunk_id = c.id)"
    ).fetchone()[0]


def fill(db, embedder: Embedder, cancel: threading.Event | None = None, limit: int | None = None) -> int:
    """Store the token vectors of passages that have none, FILL_BATCH per transaction, so a killed
    run resumes where it stopped. Returns how many were stored. A no-op with a backend without
    token vectors."""
    from .ingest import embed_text  # ingest stores through this module

    done = 0
    while limit is None or done < limit:
        if cancel is not None and cancel.is_set():
            break
        rows = db.execute(
            "SELECT c.id, c.section, c.text, m.title FROM chunks c JOIN manuals m ON m.id = c.manual_id"
            " WHERE NOT EXISTS (SELECT 1 FROM chunk_tokens t WHERE t.chunk_id = c.id) ORDER BY c.id LIMIT ?",
            (FILL_BATCH,)).fetchall()
        if not rows:
            break
        _, tokens = embedder.embed_with_tokens([embed_text(r["title"], r["section"], r["text"]) for r in rows])
        if tokens is None:
            break
        with dbmod.transaction(db):
            # Only passages still there: a manual removed meanwhile took its passages with it.
            present = {r[0] for r in db.execute(
                f"SELECT id FROM chunks WHERE id IN ({','.join('?' * len(rows))})", [r["id"] for r in rows])}
            store(db, ((r["id"], t) for r, t in zip(rows, tokens, strict=True) if r["id"] in present))
        done += len(rows)
    return done
