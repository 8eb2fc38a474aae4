"""Retrieval on manuals the tuning never saw: the app's search against whole-page peers, same run.

    .venv/bin/python bench/retrieval_independent.py [--half report|tune|all] [--show-misses]
        [--json OUT.json] [--home DIR]

The library is the independent dev set's 12 Debian manuals (`devset_debian.py`: fetched with
apt-get, cached), ingested with the app's own ingest into a temporary FIELD_ASSISTANT_HOME.
Questions are cut in two halves by a hash of their id (`_common.half_of`); settings are
chosen on `tune`, and `report` (the default) is what gets quoted.

Rankings, each scored by Recall@5 and MRR@10 with `devset_debian.answers` as the hit rule:
  - app: `assistant.rag.search.search` as the app runs it (hybrid), and its bm25 and vector
    modes over the same chunks;
  - peer "BM25 pages": plain FTS5 BM25 over whole pages (a PDF page; for HTML a section, the
    text under one heading), the question's terms OR-ed as the app does;
  - peer "RRF pages": reciprocal rank fusion (k = 60) of that BM25 and MiniLM cosine over the
    same whole pages (each page embedded as title, heading and text; MiniLM reads its first 256
    word pieces).
`--home DIR` keeps the library (and the peers' page vectors) in DIR for the next run: ingest
skips manuals it already holds, so a change to search alone is measured in a minute. Delete DIR
after a change to parsing or chunking.

A page is a coarser unit than a passage, so it holds the evidence more often; the target is for
the app's passages to do at least as well.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
from _common import EMBEDDING_FILE_HELP, banner, half_of, load_embedder, table, temp_home
from devset_debian import answers, fetch, questions

from assistant import db as dbmod
from assistant.library import ingest
from assistant.library import parse as parser
from assistant.rag.search import fts_query, query_terms, search

K = 10
PEER_RRF_K = 60


def pages_of(path: Path) -> list[dict]:
    """Whole pages of a manual: PDF pages, or for other formats the text under each heading."""
    doc = parser.parse(path)
    pages: list[dict] = []
    for b in doc.blocks:
        key = b.page if b.page is not None else b.section
        if not pages or pages[-1]["key"] != key:
            pages.append({"key": key, "path": str(path), "title": doc.title,
                          "section": " > ".join(b.section), "parts": []})
        pages[-1]["parts"].append(b.text)
    for p in pages:
        p["text"] = "\n\n".join(p.pop("parts"))
    return pages


class PagePeers:
    """BM25 and BM25+MiniLM RRF over whole pages, in memory."""

    def __init__(self, pages: list[dict], embedder, cache: Path | None = None) -> None:
        import sqlean

        self.pages = pages
        self.db = sqlean.connect(":memory:")
        self.db.execute("CREATE VIRTUAL TABLE p USING fts5(text)")
        self.db.executemany("INSERT INTO p(rowid, text) VALUES (?, ?)",
                            [(i, pg["text"]) for i, pg in enumerate(pages)])
        if cache is not None and cache.is_file() and np.load(cache).shape[0] == len(pages):
            self.vecs = np.load(cache)
            return
        vecs = embedder.embed([f"{pg['title']}\n{pg['section']}\n{pg['text']}" for pg in pages])
        self.vecs = np.asarray(vecs, dtype=np.float32)
        if cache is not None:
            np.save(cache, self.vecs)

    def bm25(self, question: str, limit: int = 50) -> list[int]:
        expr = fts_query(query_terms(question))
        if not expr:
            return []
        rows = self.db.execute("SELECT rowid FROM p WHERE p MATCH ? ORDER BY bm25(p) LIMIT ?", (expr, limit))
        return [r[0] for r in rows]

    def rrf(self, question: str, qvec: np.ndarray, limit: int = 50) -> list[int]:
        sims = self.vecs @ np.asarray(qvec, dtype=np.float32)
        vec = list(np.argsort(-sims)[:limit])
        fused: dict[int, float] = defaultdict(float)
        for ranking in (self.bm25(question, limit), vec):
            for rank, i in enumerate(ranking):
                fused[int(i)] += 1.0 / (PEER_RRF_K + rank + 1)
        return sorted(fused, key=lambda i: -fused[i])


def first_hit(q: dict, ranked: list[tuple[str, str]]) -> int | None:
    """1-based rank of the first (path, text) that answers q, within K."""
    for i, (path, text) in enumerate(ranked[:K]):
        if answers(q, path, text):
            return i + 1
    return None


def summary(ranks: list[int | None]) -> tuple[float, float]:
    n = max(1, len(ranks))
    r5 = sum(1 for r in ranks if r is not None and r <= 5) / n
    mrr = sum(1.0 / r for r in ranks if r is not None) / n
    return r5, mrr


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--half", choices=("report", "tune", "all"), default="report")
    ap.add_argument("--show-misses", action="store_true", help="print each question the app misses at 5")
    ap.add_argument("--json", type=Path, help="also write per-question ranks to this file")
    ap.add_argument("--embedding-file", default="model.onnx", help=EMBEDDING_FILE_HELP)
    ap.add_argument("--home", type=Path, help="keep the library here and reuse it next time")
    ap.add_argument("--modes", default="hybrid,bm25,vector", help="app search modes to score")
    args = ap.parse_args()
    files = fetch()
    qs = [q for q in questions() if args.half == "all" or half_of(q["id"]) == args.half]
    banner(f"retrieval on the independent set ({args.half} half, {len(qs)} questions, {len(files)} manuals)")
    modes = [m for m in args.modes.split(",") if m]
    ranks: dict[str, list[int | None]] = {m: [] for m in [*modes, "BM25 pages", "RRF pages"]}
    per_q: list[dict] = []
    with temp_home(at=args.home) as home:
        db = dbmod.connect()
        embedder = load_embedder(args.embedding_file)
        t0 = time.perf_counter()
        report = ingest.run(db, embedder, list(files.values()))
        n_chunks = db.execute("SELECT count(*) FROM chunks").fetchone()[0]
        print(f"   ingest: {n_chunks} passages in {time.perf_counter() - t0:.0f} s"
              f" ({len(report.failed)} failed, {len(report.skipped)} already held)")
        t0 = time.perf_counter()
        pages = [pg for path in files.values() for pg in pages_of(path)]
        peers = PagePeers(pages, embedder, home / "peer_pages.npy" if args.home else None)
        print(f"   peers: {len(pages)} whole pages indexed in {time.perf_counter() - t0:.0f} s")
        search_ms: list[float] = []
        for q in qs:
            row = {"id": q["id"], "kind": q["kind"], "manual": q["manual"], "question": q["question"]}
            for mode in modes:
                t1 = time.perf_counter()
                res = search(db, embedder, q["question"], k=K, mode=mode)
                if mode == "hybrid":
                    search_ms.append((time.perf_counter() - t1) * 1000)
                r = first_hit(q, [(p.path, p.text) for p in res.passages])
                ranks[mode].append(r)
                row[mode] = r
                if mode == "hybrid":
                    row["top"] = [f"{Path(p.path).name} p{p.page} {p.section[:60]}" for p in res.passages[:3]]
            qvec = embedder.embed([q["question"]])[0]
            for name, order in (("BM25 pages", peers.bm25(q["question"])),
                                ("RRF pages", peers.rrf(q["question"], qvec))):
                r = first_hit(q, [(pages[i]["path"], pages[i]["text"]) for i in order])
                ranks[name].append(r)
                row[name] = r
            per_q.append(row)
    rows = []
    for name, rs in ranks.items():
        r5, mrr = summary(rs)
        rows.append([name, len(rs), r5, mrr])
    print(table(["ranking", "questions", "Recall@5", "MRR@10"], rows))
    print()
    by_manual: dict[str, list[dict]] = defaultdict(list)
    for row in per_q:
        by_manual[row["manual"].split("-")[0].split(".")[0]].append(row)
    mrows = []
    for name, group in sorted(by_manual.items()):
        cells = [name, len(group)]
        for m in ("hybrid", "BM25 pages", "RRF pages"):
            if m in ranks:
                r5, mrr = summary([g.get(m) for g in group])
                cells.append(f"{r5:.2f} / {mrr:.2f}")
        mrows.append(cells)
    print(table(["manual", "n", "app R@5 / MRR", "BM25 pages", "RRF pages"], mrows))
    kinds = Counter(q["kind"] for q in qs)
    print("\n   kinds: " + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())))
    if search_ms:
        print(f"   app search: median {sorted(search_ms)[len(search_ms) // 2]:.0f} ms per question")
    if args.show_misses:
        for row in per_q:
            r = row.get("hybrid")
            if r is None or r > 5:
                print(f"\n-- {row['id']} ({row['kind']}) rank {r}; pages {row['BM25 pages']}/{row['RRF pages']}:"
                      f" {row['question']}")
                for t in row.get("top", []):
                    print(f"     {t}")
    if args.json:
        args.json.write_text(json.dumps({"ranks": per_q}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
