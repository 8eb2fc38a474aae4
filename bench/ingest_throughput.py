"""Ingest throughput on a large real PDF: parse-only and full ingest, beside raw pypdfium2.

    .venv/bin/python bench/ingest_throughput.py PDF [--repeat N]

The PDF used for the figures in bench/README.md is the gnuplot 5.4 manual (311 pages), from
Debian's gnuplot-doc package; fetch it with:

    mkdir -p ~/.cache/field-assistant-bench && cd ~/.cache/field-assistant-bench
    apt-get download gnuplot-doc && dpkg-deb -x gnuplot-doc_*.deb gnuplot-doc
    # -> ~/.cache/field-assistant-bench/gnuplot-doc/usr/share/doc/gnuplot/gnuplot.pdf

(bench/run_all.sh does this when no PDF is given.) Any PDF works.

Measured in one run, in this order:
  1. peer: raw pypdfium2 text extraction (open, then get_textpage().get_text_range() for each
     page), best of N;
  2. the app's parser alone (assistant.library.parse.parse), best of N;
  3. one full ingest through assistant.library.ingest.run into a fresh database in a temporary
     FIELD_ASSISTANT_HOME, with the time split per stage by wrapping the functions the ingest
     calls (hash, parse, chunk, embed, store); "other" is the rest (look-ups, events).
"""

from __future__ import annotations

import argparse
import functools
import sys
import time
from pathlib import Path

from _common import banner, load_embedder, loadavg, table, temp_home

from assistant import db as dbmod
from assistant.library import ingest
from assistant.library import parse as parser


def raw_pdfium(pdf: Path) -> tuple[float, int, int]:
    """Seconds, pages and characters for plain PDFium text extraction of every page."""
    import pypdfium2 as pdfium

    t0 = time.perf_counter()
    doc = pdfium.PdfDocument(str(pdf))
    chars = 0
    n = len(doc)
    for i in range(n):
        page = doc[i]
        tp = page.get_textpage()
        chars += len(tp.get_text_range())
        tp.close()
        page.close()
    doc.close()
    return time.perf_counter() - t0, n, chars


class StageTimer:
    """Wraps callables and adds their wall time to a named stage."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    def wrap(self, name: str, fn):
        @functools.wraps(fn)
        def timed(*a, **kw):
            t0 = time.perf_counter()
            try:
                return fn(*a, **kw)
            finally:
                self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - t0
        return timed


def full_ingest(pdf: Path, embedder) -> tuple[float, dict[str, float], dict]:
    timer = StageTimer()
    saved = (ingest.file_hash, parser.parse, ingest.chunk_manual, ingest._store, embedder.embed)
    ingest.file_hash = timer.wrap("hash", ingest.file_hash)
    parser.parse = timer.wrap("parse", parser.parse)
    ingest.chunk_manual = timer.wrap("chunk", ingest.chunk_manual)
    ingest._store = timer.wrap("store", ingest._store)
    embedder.embed = timer.wrap("embed", embedder.embed)
    try:
        with temp_home():
            db = dbmod.connect()
            t0 = time.perf_counter()
            report = ingest.run(db, embedder, [pdf])
            total = time.perf_counter() - t0
            db.close()
    finally:
        ingest.file_hash, parser.parse, ingest.chunk_manual, ingest._store, embedder.embed = saved
    if report.failed:
        raise SystemExit(f"ingest failed: {report.failed}")
    return total, timer.seconds, report.added[0]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("pdf", type=Path, help="a large PDF (see the module docstring for the one we use)")
    ap.add_argument("--repeat", type=int, default=3, help="runs of the raw peer and of parse-only (best kept)")
    args = ap.parse_args()
    pdf = args.pdf.resolve()
    if not pdf.is_file():
        print(f"no PDF at {pdf}", file=sys.stderr)
        return 2
    banner(f"ingest throughput: {pdf.name} ({pdf.stat().st_size / 1e6:.1f} MB)")
    with temp_home():  # even model look-ups stay out of the user's data folder
        return _run(pdf, args.repeat)


def _run(pdf: Path, repeat: int) -> int:

    raw_runs = [raw_pdfium(pdf) for _ in range(repeat)]
    raw_s = min(r[0] for r in raw_runs)
    pages = raw_runs[0][1]
    print(f"   raw pypdfium2: {pages} pages, {raw_runs[0][2]} characters, best {raw_s:.2f} s"
          f" ({' '.join(f'{r[0]:.2f}' for r in raw_runs)})   [{loadavg()}]")

    parse_runs = []
    doc = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        doc = parser.parse(pdf)
        parse_runs.append(time.perf_counter() - t0)
    parse_s = min(parse_runs)
    print(f"   app parse: {len(doc.blocks)} blocks, best {parse_s:.2f} s"
          f" ({' '.join(f'{s:.2f}' for s in parse_runs)})   [{loadavg()}]")

    embedder = load_embedder()
    total, stages, entry = full_ingest(pdf, embedder)
    chunks = entry["chunks"]
    print(f"   full ingest: {chunks} chunks in {total:.2f} s   [{loadavg()}]")

    print()
    print(table(["measure", "seconds", "pages/s", "chunks/s", "vs raw pypdfium2"], [
        ["raw pypdfium2 text (peer)", raw_s, pages / raw_s, "-", "1.00"],
        ["app parse only", parse_s, pages / parse_s, "-", f"{raw_s / parse_s:.3f}x"],
        ["app full ingest", total, pages / total, chunks / total, f"{raw_s / total:.3f}x"],
    ]))
    print()
    other = total - sum(stages.values())
    rows = [[name, stages.get(name, 0.0), f"{stages.get(name, 0.0) / total:.1%}"]
            for name in ("hash", "parse", "chunk", "embed", "store")]
    rows.append(["other", other, f"{other / total:.1%}"])
    print("full ingest, time per stage:")
    print(table(["stage", "seconds", "share"], rows))
    print(f"   embed: {chunks / stages['embed']:.1f} chunks/s; parse: {pages / stages['parse']:.1f} pages/s"
          f" inside the ingest   [{loadavg()}]")
    return 0


if __name__ == "__main__":
    sys.exit(main())
