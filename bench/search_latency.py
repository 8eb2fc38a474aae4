"""Search latency at 100k chunks: hybrid, vector (sqlite-vec), BM25, beside a NumPy brute-force scan.

    .venv/bin/python bench/search_latency.py [DEVDATA] [--chunks 100000] [--distinct 17500]
        [--queries 200] [--cache DIR]

Corpus: real repair text from devdata/myfixit/*.json (iFixit guides): every step's text, then
every pair of consecutive steps of a guide (a longer, chunk-like passage), up to --distinct
texts, each embedded once with the app's ONNX embedder (this is the slow part on 2 cores;
--cache DIR keeps the vectors between runs). The database is then filled to --chunks rows by
cycling those texts: copy 0 carries the exact vector, copy j > 0 the same vector plus a random
perturbation of norm 0.15, re-normalised (cosine ~0.99 to the original), and a different
section label ("<guide title> > Step n (rev j)"). Rows go in through the app's schema
(assistant.db.connect(): manuals, chunks with its FTS5 trigger, chunks_vec), as
assistant.library.ingest._store does, 200 chunks per manual.

Queries: real question texts from devdata (the E-Manual QA and Klipper FAQ questions, topped
up from smart_remote_QA_salvaged.json), --queries of them. After a warm-up, each query runs
every measure in turn (so load changes hit all of them alike):
  - embed: the query embedding alone;
  - hybrid: assistant.rag.search.search(mode="hybrid"), end to end (query embedding, FTS5,
    sqlite-vec, exact-identifier ranking, fusion, loading the passages);
  - vector / bm25: search(mode=...), end to end;
  - hybrid / vector search with the embedder's ONNX Runtime threads not spin-waiting after a
    run (session.intra_op.allow_spinning = 0): informational, not what the app does;
  - sqlite-vec KNN: assistant.rag.search.vector() with a precomputed query vector (k = 50,
    the candidates the app asks for);
  - sqlite-vec KNN with a bigger page cache (PRAGMA cache_size = -400000, i.e. ~400 MB, and
    mmap_size 1 GB on a second connection): informational, not what the app does;
  - peer: NumPy brute force over the same vectors held in memory (matrix @ query, then
    argpartition for the top 50 and a sort of those), on one BLAS thread (threadpoolctl) as
    sqlite-vec scans on one thread.
p50/p95 in milliseconds, and the ratio sqlite-vec / NumPy.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import hashlib
import json
import sys
import time
from pathlib import Path

import numpy as np
from _common import DEFAULT_DEVDATA, banner, load_embedder, loadavg, percentile, table, temp_home

from assistant import db as dbmod
from assistant.rag import search as searchmod

CANDIDATES = searchmod.CANDIDATES
PER_MANUAL = 200


def corpus_texts(devdata: Path, limit: int) -> list[tuple[str, int, str]]:
    """(guide title, step number, text): single steps first, then consecutive pairs."""
    guides = []
    for f in sorted((devdata / "myfixit").glob("*.json")):
        with open(f, encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    g = json.loads(line)
                    steps = [" ".join(s.get("Text_raw", "").split()) for s in g.get("Steps", [])]
                    guides.append((g.get("Title", "Guide"), [s for s in steps if s]))
    singles = [(title, i + 1, s) for title, steps in guides for i, s in enumerate(steps)]
    pairs = [(title, i + 1, a + "\n\n" + b) for title, steps in guides
             for i, (a, b) in enumerate(zip(steps, steps[1:], strict=False))]
    seen, out = set(), []
    for item in singles + pairs:
        if item[2] not in seen:
            seen.add(item[2])
            out.append(item)
        if len(out) >= limit:
            break
    return out


def questions(devdata: Path, n: int) -> list[str]:
    qs: list[str] = []
    em = devdata / "emanualqa"
    for fname in ("s10_50_questions.csv", "smart_tv_remote_50_questions.csv"):
        with open(em / fname, newline="", encoding="utf-8") as fh:
            qs += [r["question"].strip() for r in csv.DictReader(fh)]
    with open(devdata / "klipper" / "klipper_faq_qa.jsonl", encoding="utf-8") as fh:
        qs += [json.loads(line)["question"] for line in fh if line.strip()]
    salvaged = json.loads((em / "smart_remote_QA_salvaged.json").read_text(encoding="utf-8"))
    qs += [d["Question"].strip() for d in salvaged if d.get("Question")]
    seen: set[str] = set()
    uniq = [q for q in qs if q and not (q in seen or seen.add(q))]
    return uniq[:n]


def embed_corpus(embedder, texts: list[str], cache: Path | None) -> np.ndarray:
    key = hashlib.sha256("\x00".join(texts).encode()).hexdigest()[:16]
    path = cache / f"myfixit-{len(texts)}-{key}.npy" if cache else None
    if path and path.exists():
        print(f"   vectors from cache {path}")
        return np.load(path)
    t0 = time.perf_counter()
    vecs = embedder.embed(texts)
    dt = time.perf_counter() - t0
    print(f"   embedded {len(texts)} distinct texts in {dt:.0f} s ({len(texts) / dt:.0f}/s)   [{loadavg()}]")
    if path:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.save(path, vecs)
    return vecs


def build(db, items: list[tuple[str, int, str]], base: np.ndarray, total: int,
          seed: int = 7) -> tuple[np.ndarray, np.ndarray]:
    """Insert `total` chunks through the app's schema; returns their vectors and chunk ids."""
    rng = np.random.default_rng(seed)
    n = len(items)
    all_vecs = np.empty((total, base.shape[1]), dtype=np.float32)
    ids = np.empty(total, dtype=np.int64)
    manual_id = None
    for lo in range(0, total, 10_000):
        with dbmod.transaction(db):
            for i in range(lo, min(lo + 10_000, total)):
                title, step, text = items[i % n]
                rev = i // n
                vec = base[i % n]
                if rev:
                    noise = rng.standard_normal(vec.shape).astype(np.float32)
                    vec = vec + 0.15 * noise / np.linalg.norm(noise)
                    vec = (vec / np.linalg.norm(vec)).astype(np.float32)
                if i % PER_MANUAL == 0:
                    m = i // PER_MANUAL
                    manual_id = db.execute(
                        "INSERT INTO manuals(path, title, format, content_hash, size_bytes, pages, scanned_pages)"
                        " VALUES (?, ?, 'md', ?, 0, NULL, '[]')",
                        (f"/bench/myfixit-{m:04d}.md", f"{title} and related repairs, vol. {m + 1}", f"bench-{m}"),
                    ).lastrowid
                section = f"{title} > Step {step}" + (f" (rev {rev})" if rev else "")
                cid = db.execute(
                    "INSERT INTO chunks(manual_id, ord, page, section, kind, text, char_start, char_end, safety)"
                    " VALUES (?, ?, NULL, ?, 'text', ?, 0, ?, NULL)",
                    (manual_id, i % PER_MANUAL, section, text, len(text)),
                ).lastrowid
                db.execute("INSERT INTO chunks_vec(rowid, embedding) VALUES (?, ?)", (cid, vec.tobytes()))
                all_vecs[i] = vec
                ids[i] = cid
    return all_vecs, ids


def _one_blas_thread():
    """The NumPy peer runs on one BLAS thread, like sqlite-vec's scan (and like the app's one query
    at a time); with two OpenBLAS threads on a busy 2-core machine a mat-vec waits on a descheduled
    thread and takes 10-100x longer."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        print("   (threadpoolctl missing: NumPy uses its default BLAS threads)")
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


def non_spinning(embedder):
    """The app's embedder with ONNX Runtime's intra-op threads told not to spin-wait after a run
    (session.intra_op.allow_spinning = 0); informational, not what the app does."""
    import copy

    import onnxruntime as ort

    from assistant import models

    quiet = copy.copy(embedder)
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = embedder._session.get_session_options().intra_op_num_threads
    opts.inter_op_num_threads = 1
    opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
    quiet._session = ort.InferenceSession(str(Path(models.default("embedding").path) / "model.onnx"),
                                          sess_options=opts, providers=["CPUExecutionProvider"])
    return quiet


def numpy_topk(mat: np.ndarray, q: np.ndarray, k: int) -> np.ndarray:
    sims = mat @ q
    top = np.argpartition(-sims, k)[:k]
    return top[np.argsort(-sims[top])]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("devdata", nargs="?", type=Path, default=DEFAULT_DEVDATA)
    ap.add_argument("--chunks", type=int, default=100_000)
    ap.add_argument("--distinct", type=int, default=17_500, help="distinct texts embedded (the rest reuse them)")
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--warmup", type=int, default=10)
    ap.add_argument("--cache", type=Path, help="folder to keep the corpus vectors between runs")
    args = ap.parse_args()
    devdata = args.devdata.resolve()
    if not (devdata / "myfixit").is_dir():
        print(f"no devdata at {devdata}", file=sys.stderr)
        return 2
    banner(f"search latency at {args.chunks} chunks")
    try:
        from threadpoolctl import threadpool_info

        blas = [f"{i.get('internal_api')} {i.get('version')} {i.get('architecture')} x{i.get('num_threads')}"
                for i in threadpool_info() if i.get("user_api") == "blas"]
        print(f"   numpy {np.__version__}, BLAS: {', '.join(blas) or 'none'}")
    except ImportError:
        print(f"   numpy {np.__version__}")

    items = corpus_texts(devdata, args.distinct)
    qs = questions(devdata, args.queries)
    print(f"   corpus: {len(items)} distinct texts (mean {np.mean([len(t) for _, _, t in items]):.0f} chars),"
          f" cycled to {args.chunks} chunks; {len(qs)} queries")
    with temp_home() as home:
        embedder = load_embedder()
        base = embed_corpus(embedder, [t for _, _, t in items], args.cache)
        db = dbmod.connect()
        t0 = time.perf_counter()
        mat, ids = build(db, items, base, args.chunks)
        db.execute("PRAGMA optimize")
        db.execute("INSERT INTO chunks_fts(chunks_fts) VALUES ('optimize')")
        size = (home / "library.sqlite3").stat().st_size
        print(f"   built the database in {time.perf_counter() - t0:.0f} s ({size / 1e6:.0f} MB)   [{loadavg()}]")
        big = dbmod.connect()
        big.execute("PRAGMA cache_size = -400000")
        big.execute("PRAGMA mmap_size = 1073741824")

        qvecs = embedder.embed(qs)
        quiet = non_spinning(embedder)
        measures = {
            "embed (query only)": lambda i: embedder.embed([qs[i]]),
            "hybrid search (end to end)": lambda i: searchmod.search(db, embedder, qs[i], k=5, mode="hybrid"),
            "vector search (end to end)": lambda i: searchmod.search(db, embedder, qs[i], k=5, mode="vector"),
            "bm25 search (end to end)": lambda i: searchmod.search(db, embedder, qs[i], k=5, mode="bm25"),
            "hybrid, embedder not spinning": lambda i: searchmod.search(db, quiet, qs[i], k=5, mode="hybrid"),
            "vector, embedder not spinning": lambda i: searchmod.search(db, quiet, qs[i], k=5, mode="vector"),
            "sqlite-vec KNN k=50": lambda i: searchmod.vector(db, qvecs[i], CANDIDATES),
            "sqlite-vec KNN k=50, big cache": lambda i: searchmod.vector(big, qvecs[i], CANDIDATES),
            "numpy brute force k=50 (peer)": lambda i: numpy_topk(mat, qvecs[i], CANDIDATES),
        }
        # Same answers? (sqlite-vec vs numpy top 50; ties and float order can differ at the edge)
        agree = []
        for i in range(min(20, len(qs))):
            a = {r[0] for r in searchmod.vector(db, qvecs[i], CANDIDATES)}
            b = set(ids[numpy_topk(mat, qvecs[i], CANDIDATES)].tolist())
            agree.append(len(a & b) / CANDIDATES)
        print(f"   top-50 agreement sqlite-vec vs numpy: {np.mean(agree):.1%}")
        for i in range(min(args.warmup, len(qs))):
            for fn in measures.values():
                fn(i)
        print(f"   measuring   [{loadavg()}]")
        times: dict[str, list[float]] = {name: [] for name in measures}
        names = list(measures)
        with _one_blas_thread():
            for i in range(len(qs)):
                order = names[i % len(names):] + names[: i % len(names)]  # rotate who goes first
                for name in order:
                    t = time.perf_counter()
                    measures[name](i)
                    times[name].append((time.perf_counter() - t) * 1000)
        print(f"   done        [{loadavg()}]")
        big.close()
        db.close()

    rows = [[name, percentile(v, 50), percentile(v, 95), np.mean(v)] for name, v in times.items()]
    print()
    print(table(["measure (ms)", "p50", "p95", "mean"], rows))
    sv, npy = times["sqlite-vec KNN k=50"], times["numpy brute force k=50 (peer)"]
    print(f"ratio sqlite-vec / numpy: p50 {percentile(sv, 50) / percentile(npy, 50):.2f}x,"
          f" p95 {percentile(sv, 95) / percentile(npy, 95):.2f}x")
    svb = times["sqlite-vec KNN k=50, big cache"]
    print(f"ratio sqlite-vec (big cache) / numpy: p50 {percentile(svb, 50) / percentile(npy, 50):.2f}x,"
          f" p95 {percentile(svb, 95) / percentile(npy, 95):.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
