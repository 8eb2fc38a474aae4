"""Late interaction: the hybrid search's best passages reordered by MaxSim over token vectors.

For each token of the question, the best cosine with a token of the passage (as the embedder
sees it: manual title, heading path, text), averaged over the question's tokens (ColBERT's
MaxSim), with all-MiniLM-L6-v2's own token vectors. MiniLM was trained for pooled vectors, not
for MaxSim; its token vectors carry the signal anyway: on the independent set's tuning half MaxSim
alone found answers the hybrid ranked lower (bench/README.md, "Late interaction in the app").
The MaxSim order is fused with the hybrid order by reciprocal rank (weight WEIGHT against 1), so a
passage both rank well stays first.

The passages' token vectors are stored at ingest (`library.token_store`); a passage without a
readable stored row (a library from before m013 not yet filled, a corrupt row) has its vectors
computed here, which costs ~70 ms a passage on two cores.
"""

from __future__ import annotations

import logging

import numpy as np

from ..embedding import Embedder
from ..library import token_store

log = logging.getLogger(__name__)

# Passages of the hybrid order reordered; 0: off. Off, because no setting of the sweep won on every
# tuning half: the best (depth 20, weight 0.5, whole passages) raised MRR on the independent, S10
# and Smart TV halves but cost Klipper's one question a rank (bench/README.md, "Late interaction
# in the app"). Switch it on with `token_store.STORE`, which has ingest keep the vectors.
DEPTH = 0
WEIGHT = 0.5  # MaxSim's order in the fusion, the hybrid order's being 1
FUSE_K = 60  # reciprocal-rank constant of this fusion


def maxsim(q: np.ndarray, d: np.ndarray) -> float:
    """Mean over the question's tokens of the best cosine with one of the passage's tokens."""
    if not len(q) or not len(d):
        return 0.0
    return float((q @ d.T).max(axis=1).mean())


def maxsims(q: np.ndarray, docs: list[np.ndarray]) -> list[float]:
    """`maxsim` of the question against each passage, in one matrix product: twenty small ones
    cost ~250 ms on two loaded cores (BLAS threads started per call), one ~5-20 ms."""
    if not len(q) or not docs or any(not len(d) for d in docs):
        return [maxsim(q, d) for d in docs]
    sims = q @ np.concatenate(docs).T
    starts = np.cumsum([0] + [len(d) for d in docs[:-1]])
    return [float(x) for x in np.maximum.reduceat(sims, starts, axis=1).mean(axis=0)]


def query_tokens(tokens: np.ndarray) -> np.ndarray:
    """The question's token vectors without [CLS] and [SEP], which stand for no word of it."""
    return tokens[1:-1] if len(tokens) > 2 else tokens


def passage_tokens(db, embedder: Embedder, ids: list[int]) -> dict[int, np.ndarray]:
    """Token vectors of these passages: stored ones, the rest computed now."""
    got = {cid: token_store.cap(v) for cid, v in token_store.load(db, ids, embedder.dim).items()}
    todo = [cid for cid in ids if cid not in got]
    if todo:
        from ..library.ingest import embed_text  # ingest imports the storage this module reads

        rows = {r["id"]: r for r in db.execute(
            "SELECT c.id, c.section, c.text, m.title FROM chunks c JOIN manuals m ON m.id = c.manual_id"
            f" WHERE c.id IN ({','.join('?' * len(todo))})", todo)}
        todo = [cid for cid in todo if cid in rows]
        _, tokens = embedder.embed_with_tokens(
            [embed_text(rows[c]["title"], rows[c]["section"], rows[c]["text"]) for c in todo])
        if tokens is not None:
            # Rounded as if stored, so a passage ranks the same before and after the library is filled.
            got.update((cid, token_store.decode(token_store.encode(t), embedder.dim))
                       for cid, t in zip(todo, tokens, strict=True))
        log.debug("late interaction: %d of %d passages had no stored token vectors", len(todo), len(ids))
    return got


def rerank(db, embedder: Embedder, qtokens: np.ndarray, order: list[int]) -> list[tuple[int, float]] | None:
    """The first DEPTH passages of `order` (chunk ids, best first) reordered: (chunk id, fused
    score), best first; None when some passage's token vectors cannot be had (a backend without
    them), so the hybrid order stands."""
    top = order[:DEPTH]
    q = query_tokens(qtokens)
    vecs = passage_tokens(db, embedder, top)
    if len(vecs) < len(top):
        return None
    scores = maxsims(q, [vecs[cid] for cid in top])
    fused = [1.0 / (FUSE_K + rank + 1) for rank in range(len(top))]
    for rank, i in enumerate(sorted(range(len(top)), key=lambda i: -scores[i])):
        fused[i] += WEIGHT / (FUSE_K + rank + 1)
    # A tie goes to the hybrid order (sorted is stable).
    return sorted(zip(top, fused, strict=True), key=lambda kv: -kv[1])
