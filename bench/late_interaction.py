"""Late interaction (MaxSim over MiniLM's token vectors) as a reranker of the app's hybrid search.

    .venv/bin/python bench/late_interaction.py [--half tune|report|all] [--home DIR] [--depth 20]

An experiment for issue 11 (retrieval on manuals never tuned on), not what the app runs. The
independent dev set's library is ingested as `retrieval_independent.py` does (`--home DIR` keeps
it). For each question the app's hybrid search returns its top `--depth` passages; each passage
is re-scored by ColBERT-style MaxSim: for every token of the question, the best cosine with a
token of the passage (as the embedder sees it: title, heading path, text), averaged over the
question's tokens. The token vectors are all-MiniLM-L6-v2's own (`OnnxEmbedder.token_vectors`,
the set-up's export now ends at them); MiniLM was trained for pooled vectors, not for MaxSim, so
this measures whether its token vectors carry the signal anyway. Rankings scored with the set's
hit rule (Recall@5, MRR@10):
  - hybrid: the app's order;
  - maxsim: the candidates by MaxSim alone;
  - rrf(hybrid, maxsim): reciprocal rank fusion of the two (k = 60);
  - and the cost: token-vector seconds per question (the candidates' tokens are computed at
    query time here; an app would store them at ingest).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
from _common import banner, half_of, load_embedder, table, temp_home
from devset_debian import fetch, questions
from retrieval_independent import K, first_hit, summary

from assistant import db as dbmod
from assistant.library import ingest
from assistant.library.ingest import embed_text
from assistant.rag.search import search

RRF_K = 60


def maxsim(q: np.ndarray, d: np.ndarray) -> float:
    return float((q @ d.T).max(axis=1).mean())


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--half", choices=("report", "tune", "all"), default="tune")
    ap.add_argument("--home", type=Path, help="keep the library here and reuse it next time")
    ap.add_argument("--depth", type=int, default=20, help="hybrid candidates to rerank")
    args = ap.parse_args()
    files = fetch()
    qs = [q for q in questions() if args.half == "all" or half_of(q["id"]) == args.half]
    banner(f"late interaction on the independent set ({args.half} half, {len(qs)} questions)")
    ranks: dict[str, list[int | None]] = defaultdict(list)
    costs: list[float] = []
    with temp_home(at=args.home):
        db = dbmod.connect()
        embedder = load_embedder()
        ingest.run(db, embedder, list(files.values()))
        for q in qs:
            res = search(db, embedder, q["question"], k=args.depth, mode="hybrid")
            cands = res.passages
            t0 = time.perf_counter()
            qv = embedder.token_vectors([q["question"]])[0][1:-1]  # [CLS] and [SEP] carry no term
            dv = embedder.token_vectors([embed_text(p.manual, p.section, p.text) for p in cands])
            scores = [maxsim(qv, d) for d in dv]
            costs.append(time.perf_counter() - t0)
            by_ms = sorted(range(len(cands)), key=lambda i: -scores[i])
            fused: dict[int, float] = defaultdict(float)
            for order in (list(range(len(cands))), by_ms):
                for rank, i in enumerate(order):
                    fused[i] += 1.0 / (RRF_K + rank + 1)
            by_rrf = sorted(fused, key=lambda i: -fused[i])
            for name, order in (("hybrid", list(range(len(cands)))), ("maxsim", by_ms), ("rrf(hybrid, maxsim)", by_rrf)):
                ranks[name].append(first_hit(q, [(cands[i].path, cands[i].text) for i in order[:K]]))
    print(table(["ranking", "questions", "Recall@5", "MRR@10"],
                [[name, len(rs), *summary(rs)] for name, rs in ranks.items()]))
    print(f"   token vectors: median {sorted(costs)[len(costs) // 2]:.2f} s per question for {args.depth} candidates")
    return 0


if __name__ == "__main__":
    sys.exit(main())
