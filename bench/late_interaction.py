"""Late interaction (MaxSim over MiniLM's token vectors) in the app's search: the sweep that chose
its depth, weight and token cap, on the independent set.

    .venv/bin/python bench/late_interaction.py [--half tune|report|all] [--home DIR]

The app reorders its hybrid top `late_interaction.DEPTH` passages by MaxSim, fused with the
hybrid order by reciprocal rank (`WEIGHT` against 1), over each passage's first
`token_store.TOKEN_CAP` token vectors stored at ingest as int8 (`assistant.rag.late_interaction`).
This runs the app's search under each setting of the grid (`GRID`) and scores it with the
independent set's hit rule (Recall@5, MRR@10); "off" is the plain hybrid. The passages' token
vectors are read or computed once per process (`memo_tokens`) and cut to each cap, so the grid
costs one model run per candidate passage. `retrieval_quality.py --late-sweep` runs the same grid
on the older sets. Choose on `--half tune` only.
"""

from __future__ import annotations

import argparse
import itertools
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from _common import banner, half_of, load_embedder, table, temp_home
from devset_debian import fetch, questions

from assistant import db as dbmod
from assistant.library import ingest, token_store
from assistant.rag import late_interaction
from assistant.rag.search import search

GRID = {"depth": (10, 20, 30), "weight": (0.5, 1.0, 2.0), "cap": (32, 64, 128, 256)}
# The best setting of the sweep on the tuning halves (depth, weight, cap), which the benches run
# beside the app's search while the app keeps late interaction off (bench/README.md).
CANDIDATE = (20, 0.5, 256)
FULL = 512  # more tokens than the model reads (256): the whole passage


@contextmanager
def setting(depth: int, weight: float = late_interaction.WEIGHT, cap: int = token_store.TOKEN_CAP) -> Iterator[None]:
    """The app's late interaction with these constants for the duration of the block (depth 0: off)."""
    old = late_interaction.DEPTH, late_interaction.WEIGHT, token_store.TOKEN_CAP
    late_interaction.DEPTH, late_interaction.WEIGHT, token_store.TOKEN_CAP = depth, weight, cap
    try:
        yield
    finally:
        late_interaction.DEPTH, late_interaction.WEIGHT, token_store.TOKEN_CAP = old


@contextmanager
def memo_tokens() -> Iterator[None]:
    """Passages' token vectors kept in memory whole and cut to the cap in force: a grid over one
    library runs the model once per passage."""
    original = late_interaction.passage_tokens
    memo: dict[int, object] = {}

    def cached(db, embedder, ids):
        cap = token_store.TOKEN_CAP
        need = [i for i in ids if i not in memo]
        if need:
            token_store.TOKEN_CAP = FULL
            try:
                memo.update(original(db, embedder, need))
            finally:
                token_store.TOKEN_CAP = cap
        return {i: memo[i][:cap] for i in ids if i in memo}

    late_interaction.passage_tokens = cached
    try:
        yield
    finally:
        late_interaction.passage_tokens = original


def grid() -> list[tuple[int, float, int]]:
    return [(0, 0.0, 0), *itertools.product(GRID["depth"], GRID["weight"], GRID["cap"])]


def label(depth: int, weight: float, cap: int) -> str:
    return "off (plain hybrid)" if not depth else f"depth {depth}, weight {weight:g}, cap {cap}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--half", choices=("report", "tune", "all"), default="tune")
    ap.add_argument("--home", type=Path, help="keep the library here and reuse it next time")
    args = ap.parse_args()
    from retrieval_independent import K, first_hit, summary  # it imports `setting` from here

    files = fetch()
    qs = [q for q in questions() if args.half == "all" or half_of(q["id"]) == args.half]
    banner(f"late interaction sweep on the independent set ({args.half} half, {len(qs)} questions)")
    rows = []
    with temp_home(at=args.home), memo_tokens():
        db = dbmod.connect()
        embedder = load_embedder()
        ingest.run(db, embedder, list(files.values()))
        for depth, weight, cap in grid():
            with setting(depth, weight, cap):
                ranks = [first_hit(q, [(p.path, p.text) for p in search(db, embedder, q["question"], k=K).passages])
                         for q in qs]
            rows.append([label(depth, weight, cap), *summary(ranks)])
            print(f"   {rows[-1][0]}: {rows[-1][1]:.3f} / {rows[-1][2]:.3f}", flush=True)
    print(table(["setting", "Recall@5", "MRR@10"], rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
