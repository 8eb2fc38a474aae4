"""The embedding model's two graphs side by side: fp32 (model.onnx) vs int8 (model_qint8.onnx).

    .venv/bin/python bench/embedding_precision.py [DEVDATA] [--passages 512] [--queries 100] [--rounds 3]

Both graphs come from the set-up's sentence-transformers export (`model_setup.export_embedding_onnx`)
and run through the app's own embedder (`assistant.embedding.OnnxEmbedder`, same threads). Texts are real:
passages are the Klipper docs' paragraphs and the E-Manual QA sections from devdata (as the
embedder sees them at ingest, up to 256 word pieces), queries the dev sets' questions. Each round
embeds the passages and the queries (one at a time, as a question is) with each graph in turn,
so machine load hits both alike; the table gives the median of the rounds and int8's ratio to
fp32. Agreement: cosine of int8's vector to fp32's on the same text (1.0 = identical).
Retrieval quality with each graph: `retrieval_quality.py --embedding-file` and
`retrieval_independent.py --embedding-file` (bench/README.md, "Embedding precision").
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import time
from pathlib import Path

import numpy as np
from _common import DEFAULT_DEVDATA, banner, load_embedder, median, table


def _texts(devdata: Path, n_passages: int, n_queries: int) -> tuple[list[str], list[str]]:
    """Passages: Klipper docs paragraphs and E-Manual sections; queries: the E-Manual questions."""
    paras: list[str] = []
    for md in sorted((devdata / "klipper").rglob("*.md")):
        paras += [p.strip() for p in re.split(r"\n\s*\n", md.read_text(encoding="utf-8", errors="replace"))
                  if len(p.strip()) > 200]
    for f in sorted((devdata / "emanualqa").glob("*_corpus.json")):
        for sec in json.loads(f.read_text(encoding="utf-8")).values():
            text = " ".join(sec.get("text") or [])
            if len(text) > 200:
                paras.append(text[:2000])
    queries: list[str] = []
    for f in sorted((devdata / "emanualqa").glob("*_questions.csv")):
        with f.open(encoding="utf-8") as fh:
            queries += [row["question"] for row in csv.DictReader(fh)]
    step = max(1, len(paras) // n_passages)
    return paras[::step][:n_passages], queries[:n_queries]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("devdata", nargs="?", type=Path, default=DEFAULT_DEVDATA)
    ap.add_argument("--passages", type=int, default=512)
    ap.add_argument("--queries", type=int, default=100)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    passages, queries = _texts(args.devdata.resolve(), args.passages, args.queries)
    if not passages or not queries:
        print(f"no texts found in {args.devdata}", file=sys.stderr)
        return 2
    banner(f"embedding precision: fp32 vs int8 ({len(passages)} passages, {len(queries)} queries)")
    graphs = {"fp32": load_embedder("model.onnx"), "int8": load_embedder("model_qint8.onnx")}
    times: dict[str, dict[str, list[float]]] = {g: {"passages": [], "query": []} for g in graphs}
    vecs: dict[str, np.ndarray] = {}
    for e in graphs.values():  # warm-up
        e.embed(passages[:32])
    for _ in range(args.rounds):
        for g, e in graphs.items():
            t0 = time.perf_counter()
            vecs[g] = e.embed(passages)
            times[g]["passages"].append(len(passages) / (time.perf_counter() - t0))
            lat = []
            for q in queries:
                t0 = time.perf_counter()
                e.embed([q])
                lat.append((time.perf_counter() - t0) * 1000)
            times[g]["query"].append(median(lat))
    agree = (vecs["fp32"] * vecs["int8"]).sum(axis=1)
    p, q = ({g: median(times[g][k]) for g in graphs} for k in ("passages", "query"))
    print(table(["graph", "passages/s", "query embed ms (median)"],
                [["fp32", f"{p['fp32']:.1f}", f"{q['fp32']:.1f}"],
                 ["int8", f"{p['int8']:.1f}", f"{q['int8']:.1f}"],
                 ["int8 / fp32", f"{p['int8'] / p['fp32']:.2f}x", f"{q['int8'] / q['fp32']:.2f}x"]]))
    print(f"   agreement (cosine int8 to fp32 on the passages): min {agree.min():.4f}, "
          f"p10 {np.percentile(agree, 10):.4f}, median {np.median(agree):.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
