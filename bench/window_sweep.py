"""Middle-grain (window) variants of the app's search against the BM25-pages peer, every dev set, one run.

    PYTHONPATH=. HOME_DIR=DIR QDIR=DIR2 [HALF=tune] [DUMP=OUT.json] [WINDOWS=r1:1:,r2:2:,s40:1:40] \
        .venv/bin/python bench/window_sweep.py \
        '[{}, {"WINDOW_MODE": "rrf", "WINDOW_TABLE": "win_r1_fts", "WINDOW_WEIGHT": 1}]'

An experiment (2026-12-07, bench/README.md "A middle grain: passages with their neighbours"),
after bench/page_grain_sweep.py (commit 995f2fa). WINDOWS names window indexes built in each
library before the runs, name:radius:short (`pages.windows`): table winc_<name>_fts (text, section, context: the neighbours' text), porter
unicode61 remove_diacritics 2 like chunks_fts, rowid = the centre passage's id. Each variant sets
module constants of `assistant.rag.search`. The independent library is kept in HOME_DIR (as
`retrieval_independent.py --home`), the E-Manual and Klipper libraries in QDIR, so a variant
costs one pass over the questions. Prints R@5 / MRR@10 per set, the peer first.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
HOME = Path(os.environ.get("HOME_DIR", "/tmp/fa-page-sweep-home"))
os.environ["FIELD_ASSISTANT_HOME"] = str(HOME)
QDIR = Path(os.environ.get("QDIR", "/tmp/fa-page-sweep-q"))
QDIR.mkdir(parents=True, exist_ok=True)
import retrieval_independent as RI  # noqa: E402
import retrieval_quality as RQ  # noqa: E402
from _common import DEFAULT_DEVDATA, half_of, load_embedder  # noqa: E402

from assistant import db as dbmod  # noqa: E402
from assistant.library import ingest  # noqa: E402
from assistant.library import pages as pagesmod  # noqa: E402
from assistant.rag import search as S  # noqa: E402

HALF = os.environ.get("HALF", "tune")


def libs(embedder):
    out = {}
    # independent
    files = RI.fetch()
    db = dbmod.connect(HOME / "library.sqlite3")
    ingest.run(db, embedder, list(files.values()))
    pages = [pg for path in files.values() for pg in RI.pages_of(path)]
    peers = RI.PagePeers(pages, embedder, HOME / "peer_pages.npy")
    qs = [q for q in RI.questions() if half_of(q["id"]) == HALF]
    out["independent"] = ("ind", db, qs, peers, pages)
    # emanual
    devdata = DEFAULT_DEVDATA.resolve()
    src = devdata / "emanualqa"
    mdir = QDIR / "emanual-src"
    mdir.mkdir(exist_ok=True)
    manuals = RQ.write_emanual(src, mdir, 1)
    db = dbmod.connect(QDIR / "emanual.sqlite3")
    ingest.run(db, embedder, list(manuals))
    chunk_sec = {p: RQ.chunk_sections(db, p, len(secs)) for p, secs in manuals.items()}
    for name, (qs, _) in RQ.emanual_questions(src, manuals, chunk_sec).items():
        qs = [q for q in qs if half_of(f"{name}:{q.qid}") == HALF and q.relevant]
        out[name] = ("q", db, qs)
    kdir = devdata / "klipper"
    files = ingest.expand([kdir / "docs"])
    db = dbmod.connect(QDIR / "klipper.sqlite3")
    ingest.run(db, embedder, files)
    qs = [
        q
        for q in RQ.klipper_questions(db, kdir / "klipper_faq_qa.jsonl")
        if half_of(q.qid) == HALF and q.relevant
    ]
    out["Klipper"] = ("q", db, qs)
    nf = QDIR / "klipper-nofaq.sqlite3"
    if not nf.exists():
        db.close()
        shutil.copy(QDIR / "klipper.sqlite3", nf)
        db = dbmod.connect(QDIR / "klipper.sqlite3")
        out["Klipper"] = ("q", db, qs)
        db2 = dbmod.connect(nf)
        ingest.remove(db2, next(str(f) for f in files if f.name == "FAQ.md"))
        db2.close()
    db2 = dbmod.connect(nf)
    qs = [
        q
        for q in RQ.klipper_questions(db2, kdir / "klipper_faq_qa.jsonl")
        if half_of(q.qid) == HALF and q.relevant
    ]
    out["Klipper noFAQ"] = ("q", db2, qs)
    return out


def build_windows(db, spec: str) -> None:
    """Window indexes named in `spec` ("name:radius:short,..."), built once per library."""
    for item in filter(None, spec.split(",")):
        name, radius, short = item.split(":")
        table = f"winc_{name}_fts"
        if dbmod.has_table(db, table):
            continue
        db.execute(f"CREATE VIRTUAL TABLE {table} USING fts5(text, section, context,"
                   " tokenize='porter unicode61 remove_diacritics 2')")
        rows = db.execute("SELECT id, manual_id, page, section, text FROM chunks ORDER BY manual_id, ord").fetchall()
        by_manual: dict[int, list] = {}
        for r in rows:
            by_manual.setdefault(r["manual_id"], []).append((r["id"], r["page"], r["section"], r["text"]))
        with dbmod.transaction(db):
            for chunks in by_manual.values():
                db.executemany(f"INSERT INTO {table}(rowid, text, section, context) VALUES (?, ?, ?, ?)",
                               [(cid, text, sec, ctx) for cid, sec, text, ctx in
                                pagesmod.windows(chunks, int(radius), int(short) if short else None)])


def score_set(entry, embedder, peer=False, times=None):
    kind, db, qs = entry[:3]
    r5 = mrr = 0.0
    per = {}
    for q in qs:
        if kind == "ind":
            if peer:
                order = entry[3].bm25(q["question"])
                r = RI.first_hit(q, [(entry[4][i]["path"], entry[4][i]["text"]) for i in order])
            else:
                t0 = time.perf_counter()
                res = S.search(db, embedder, q["question"], k=RI.K)
                if times is not None:
                    times.append((time.perf_counter() - t0) * 1000)
                r = RI.first_hit(q, [(p.path, p.text) for p in res.passages])
            qid = q["id"]
        else:
            if peer:
                keys = {
                    S.page_key(a, b, c)
                    for a, b, c in db.execute(
                        f"SELECT manual_id, page, section FROM chunks WHERE id IN ({','.join('?' * len(q.relevant))})",
                        list(q.relevant),
                    )
                }
                ranked = [k for k, _ in S.pages_keyword(db, S.fts_query(S.query_terms(q.text)), RQ.K)]
                r = next((i + 1 for i, k in enumerate(ranked) if k in keys), None)
            else:
                t0 = time.perf_counter()
                res = S.search(db, embedder, q.text, k=RQ.K)
                if times is not None:
                    times.append((time.perf_counter() - t0) * 1000)
                r = next(
                    (i + 1 for i, p in enumerate(res.passages[: RQ.K]) if p.chunk_id in q.relevant), None
                )
            qid = q.qid
        per[qid] = r
        r5 += 1.0 if r is not None and r <= 5 else 0.0
        mrr += 1.0 / r if r is not None else 0.0
    n = max(1, len(qs))
    return r5 / n, mrr / n, per


def main():
    emb = load_embedder()
    L = libs(emb)
    seen = set()
    for e in L.values():
        if id(e[1]) not in seen:
            seen.add(id(e[1]))
            build_windows(e[1], os.environ.get("WINDOWS", "r1:1:"))
    peers = {name: score_set(e, emb, peer=True) for name, e in L.items()}
    variants = json.loads(sys.argv[1]) if len(sys.argv) > 1 else [{}]
    names = list(L)
    print("variant".ljust(48) + "".join(f"{n[:13]:>15}" for n in names) + "  ok")
    print(
        "peer BM25 pages".ljust(48) + "".join(f"{peers[n][0]:.3f}/{peers[n][1]:.3f}".rjust(15) for n in names)
    )
    base = {k: getattr(S, k) for v in variants for k in v}
    results = {}
    for v in variants:
        for k, val in base.items():
            setattr(S, k, val)
        for k, val in v.items():
            setattr(S, k, val)
        times = []
        res = {n: score_set(L[n], emb, times=times) for n in names}
        ok = all(res[n][0] >= peers[n][0] - 1e-9 and res[n][1] >= peers[n][1] - 1e-9 for n in names)
        label = ",".join(f"{k}={val}" for k, val in v.items()) or "current"
        print(
            label.replace("WINDOW_", "").replace("_fts", "")[:48].ljust(48)
            + "".join(f"{res[n][0]:.3f}/{res[n][1]:.3f}".rjust(15) for n in names)
            + ("  OK" if ok else "")
            + f"  {sorted(times)[len(times) // 2]:.0f}ms",
            flush=True,
        )
        results[label] = {n: res[n][2] for n in names}
    if os.environ.get("DUMP"):
        Path(os.environ["DUMP"]).write_text(
            json.dumps({"peers": {n: peers[n][2] for n in names}, "app": results}, indent=0)
        )


main()
