"""Spec-row search on the spec-row dev set: is the right table row in the top 1 / top 3?

    .venv/bin/python bench/spec_rows.py [DEVDATA] [--half tune|report|heldout|all] [--home DIR]
        [--show] [--json OUT] [--no-cost]
    .venv/bin/python bench/spec_rows.py [DEVDATA] --set fresh|fresh2|...|fresh22 [--home DIR] [--show] [--json OUT] [--no-cost]

The dev set is devsets/spec_values.json (60 questions of kind "value", each answered by one row
of a table; bench/spec_tables.py checks every row in its source). Its manuals (the demo library,
Klipper docs from DEVDATA, KiCad, LIRC and Postfix manuals from Debian packages, fetched and cached by
bench/devset_debian.py) are ingested with the app's own ingest (assistant.library.ingest) into a
temporary FIELD_ASSISTANT_HOME (`--home DIR` keeps it, and a second run skips the ingest: it is
idempotent by content hash), then every question is asked of:

- the app's spec rows, `assistant.rag.specs.search(db, question, k=10, qvec=...)` given the
  question's embedding as ask gives it (and, as a column beside it, without: words and values
  only); a row is right when it
  comes from the question's manual and every `row_contains` string is inside one of its cells
  (case, whitespace and Unicode width ignored, as spec_tables.holds compares them);
- the peer in the same run, the passage search `assistant.rag.search.search(mode="hybrid")`: a
  top-3 passage is right when it comes from the question's manual and its text holds every
  `row_contains` string (the row is somewhere in the passage the reader is shown).

Scores per half (`--half`, default tune) and per form (thing_quantity: "torque for the pump
mounting bolts"; value_lookup: "what does E07 mean?"), and for the paraphrased questions. The
issue's target: the right row in the top 3 for >= 90% of the questions. Settings are tuned on
the "tune" half only; figures are quoted from "report". The "heldout" half (20 questions
written after the tuning) is for the final measurement only: run `--half heldout` (or `all`)
once, after the last change to the search, and never tune on what it shows; the default is
`tune` so that a routine run does not show it. `--set fresh` asks instead the 20 questions of
devsets/spec_values_fresh.json (half "fresh"), written after the tuning had seen all 60 of
spec_values.json; scored the same way, with the manuals of both sets in the library, and run
once, for the final measurement; `--set fresh2` likewise asks the 20 of
devsets/spec_values_fresh2.json (half "fresh2"), written while the search was tuned on both
earlier files, on manuals neither uses; `--set fresh3` the 20 of devsets/spec_values_fresh3.json
(half "fresh3"), written while it was tuned on all three, on manuals none of them uses; `--set fresh4`
the 20 of devsets/spec_values_fresh4.json (half "fresh4"), written while it was tuned on all four,
on manuals none of them uses; `--set fresh5` the 20 of devsets/spec_values_fresh5.json (half
"fresh5"), written while it was tuned on all five, on manuals none of them uses; `--set fresh6`
the 20 of devsets/spec_values_fresh6.json (half "fresh6"), written while it was tuned on all six,
on manuals none of them uses; `--set fresh7` the 20 of devsets/spec_values_fresh7.json (half
"fresh7"), written while it was tuned on all seven, on manuals none of them uses; `--set fresh8`
the 20 of devsets/spec_values_fresh8.json (half "fresh8"), written while it was tuned on all
eight, on manuals none of them uses; `--set fresh9` the 20 of devsets/spec_values_fresh9.json (half
"fresh9"), written while it was tuned on all nine, on manuals none of them uses; `--set fresh10` the
20 of devsets/spec_values_fresh10.json (half "fresh10"), written while it was tuned on all ten, on
manuals none of them uses; `--set fresh11` the 20 of devsets/spec_values_fresh11.json (half "fresh11"),
written while it was tuned on all eleven, on manuals none of them uses; `--set fresh12` the 20 of
devsets/spec_values_fresh12.json (half "fresh12"), written while it was tuned on all twelve, on manuals none
of them uses; `--set fresh13` the 20 of devsets/spec_values_fresh13.json (half "fresh13"), written while it was
tuned on all thirteen, on manuals none of them uses; `--set fresh14` the 20 of devsets/spec_values_fresh14.json (half
"fresh14"), written blind while it was tuned on all earlier files, on manuals none of them uses; `--set fresh15` the 20 of
devsets/spec_values_fresh15.json (half "fresh15"), `--set fresh16` the 20 of devsets/spec_values_fresh16.json (half
"fresh16"), `--set fresh17` the 20 of devsets/spec_values_fresh17.json (half "fresh17"), `--set fresh18` the 20 of
devsets/spec_values_fresh18.json (half "fresh18"), `--set fresh19` the 20 of devsets/spec_values_fresh19.json (half
"fresh19"), `--set fresh20` the 20 of devsets/spec_values_fresh20.json (half "fresh20"), `--set fresh21` the 20 of
devsets/spec_values_fresh21.json (half "fresh21") and `--set fresh22` the 20 of devsets/spec_values_fresh22.json (half
"fresh22"), each written blind the
same way, on manuals none of the earlier files uses. `--show`
prints each miss with the rows that came back. The 32 unrelated general-knowledge questions of retrieval_quality.py are asked
too: a spec row for any of them is a false answer. "right row stored" counts the questions whose row ingest stored at all (a miss
without it is the table extraction's, not the search's). Median search time of both is printed for scale (not a target),
and what the row vectors cost at ingest: all rows' texts embedded again beside all passages'.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from _common import DEFAULT_DEVDATA, banner, load_embedder, median, table, temp_home
from retrieval_quality import UNRELATED
from spec_tables import SETS, holds, load, resolve, squash

from assistant import db as dbmod
from assistant import paths
from assistant.library import ingest
from assistant.rag.search import search as passage_search

FORMS = ("thing_quantity", "value_lookup")


def _same_file(a: str | Path, b: Path) -> bool:
    try:
        return Path(a).resolve() == b.resolve()
    except OSError:
        return Path(a).name == b.name


def row_rank(rows, q: dict, manual: Path) -> int | None:
    """1-based rank of the first right row, or None."""
    for rank, r in enumerate(rows, 1):
        if _same_file(r.manual_path, manual) and holds(list(r.cells), q["row_contains"]):
            return rank
    return None


def passage_rank(passages, q: dict, manual: Path) -> int | None:
    for rank, p in enumerate(passages, 1):
        text = squash(p.text)
        if _same_file(p.path, manual) and all(squash(w) in text for w in q["row_contains"]):
            return rank
    return None


def stored(db, q: dict, manual: Path) -> bool | None:
    """Whether ingest stored the right row at all (None: the table layout is not the expected one),
    which tells a row the search missed from one the table extraction lost."""
    try:
        found = db.execute("SELECT r.cells, m.path FROM spec_rows r JOIN manuals m ON m.id = r.manual_id").fetchall()
    except Exception:  # noqa: BLE001 - another schema: the column is left blank
        return None
    for cells, path in found:
        if _same_file(path, manual) and holds(list(json.loads(cells)), q["row_contains"]):
            return True
    return False


def _share(hits: int, n: int) -> str:
    return f"{hits}/{n} {hits / n:.2f}" if n else "-"


def report(results: list[dict], halves: list[str]) -> str:
    lines = []
    groups: list[tuple[str, list[dict]]] = []
    for half in halves:
        sel = [r for r in results if half == "all" or r["half"] == half]
        groups.append((f"{half}: all", sel))
        for form in FORMS:
            groups.append((f"{half}: {form}", [r for r in sel if r["form"] == form]))
        groups.append((f"{half}: paraphrased", [r for r in sel if r["paraphrased"]]))
    rows = []
    for name, sel in groups:
        n = len(sel)
        rows.append([name, n,
                     _share(sum(1 for r in sel if r["row_rank"] == 1), n),
                     _share(sum(1 for r in sel if r["row_rank"] and r["row_rank"] <= 3), n),
                     _share(sum(1 for r in sel if r["lexical_rank"] and r["lexical_rank"] <= 3), n),
                     _share(sum(1 for r in sel if r["passage_rank"] and r["passage_rank"] <= 3), n),
                     _share(sum(1 for r in sel if r["stored"]), n)])
    lines.append(table(["questions", "n", "spec row top 1", "spec row top 3", "words only top 3", "peer: passage top 3",
                        "right row stored"], rows))
    return "\n".join(lines)


def _row_line(r) -> str:
    cells = " | ".join(c[:40] for c in r.cells)
    where = f"p{r.page}" if r.page is not None else (r.section or "").split(" > ")[-1][:40]
    return f"{Path(r.manual_path).name} {where} [{r.score:.2f} {getattr(r, 'match', '')}] {cells}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("devdata", nargs="?", type=Path, default=DEFAULT_DEVDATA)
    ap.add_argument("--set", choices=tuple(SETS), default="values",
                    help="values: devsets/spec_values.json (default); fresh: devsets/spec_values_fresh.json;"
                         " fresh2: devsets/spec_values_fresh2.json; fresh3: devsets/spec_values_fresh3.json;"
                         " fresh4: devsets/spec_values_fresh4.json; fresh5: devsets/spec_values_fresh5.json;"
                         " fresh6: devsets/spec_values_fresh6.json; fresh7: devsets/spec_values_fresh7.json;"
                         " fresh8: devsets/spec_values_fresh8.json; fresh9: devsets/spec_values_fresh9.json;"
                         " fresh10: devsets/spec_values_fresh10.json; fresh11: devsets/spec_values_fresh11.json;"
                         " fresh12: devsets/spec_values_fresh12.json; fresh13: devsets/spec_values_fresh13.json;"
                         " fresh14: devsets/spec_values_fresh14.json; fresh15: devsets/spec_values_fresh15.json;"
                         " fresh16: devsets/spec_values_fresh16.json; fresh17: devsets/spec_values_fresh17.json;"
                         " fresh18: devsets/spec_values_fresh18.json; fresh19: devsets/spec_values_fresh19.json;"
                         " fresh20: devsets/spec_values_fresh20.json; fresh21: devsets/spec_values_fresh21.json;"
                         " fresh22: devsets/spec_values_fresh22.json")
    ap.add_argument("--half", choices=("tune", "report", "heldout", "fresh", "fresh2", "fresh3", "fresh4", "fresh5", "fresh6",
                                       "fresh7", "fresh8", "fresh9", "fresh10", "fresh11", "fresh12", "fresh13",
                                       "fresh14", "fresh15", "fresh16", "fresh17", "fresh18", "fresh19", "fresh20", "fresh21",
                                       "fresh22", "all"),
                    help="default: tune for --set values, the set's own half for --set fresh, fresh2, ... fresh22")
    ap.add_argument("--home", type=Path, help="keep the library in this FIELD_ASSISTANT_HOME (reused next run)")
    ap.add_argument("--show", action="store_true", help="print every miss with the rows that came back")
    ap.add_argument("--json", type=Path, help="write per-question results here")
    ap.add_argument("--no-cost", action="store_true",
                    help="skip the row vectors' cost line (it embeds every row and passage of the library again)")
    args = ap.parse_args()

    try:
        from assistant.rag import specs
    except ImportError:
        print("assistant.rag.specs is missing: this checkout has no spec-row search", file=sys.stderr)
        return 1

    data = load(SETS[args.set])
    args.half = args.half or (args.set if args.set.startswith("fresh") else "tune")
    questions = [q for q in data["questions"] if args.half == "all" or q["half"] == args.half]
    if not questions:
        print(f"no questions of half {args.half!r} in {SETS[args.set].name}", file=sys.stderr)
        return 1
    manuals = {q["manual"]: resolve(q["manual"], args.devdata) for q in questions}
    library = dict(manuals)
    if args.set.startswith("fresh"):
        # A fresh file's own manuals alone would be a small library, with fewer wrong tables to
        # rank above the right row than the main set's run has: its 14 manuals are ingested too.
        library |= {q["manual"]: resolve(q["manual"], args.devdata) for q in load(SETS["values"])["questions"]}
    missing = [m for m, p in library.items() if not p.is_file()]
    if missing:
        print(f"manuals not found: {', '.join(missing)} (DEVDATA is {args.devdata})", file=sys.stderr)
        return 1

    banner(f"spec rows: {len(questions)} questions ({SETS[args.set].name}, {args.half}), {len(library)} manuals")
    with temp_home("fa-bench-specs-", at=args.home) as home:
        db = dbmod.connect(paths.db_path())
        embedder = load_embedder()
        t0 = time.perf_counter()
        rep = ingest.run(db, embedder, sorted(set(library.values())))
        print(f"   ingest: {len(rep.added)} added, {len(rep.skipped)} skipped, {len(rep.failed)} failed"
              f" in {time.perf_counter() - t0:.1f} s  (home {home})")
        for f in rep.failed:
            print(f"   failed: {f['path']}: {f['error']}")
        n_rows = db.execute("SELECT count(*) FROM spec_rows").fetchone()[0] if _has_table(db, "spec_rows") else "?"
        print(f"   spec rows stored: {n_rows}")

        cost = None if args.no_cost else row_vector_cost(db, embedder)
        if cost:
            print(f"   row vectors: {cost[0]} rows embedded in {cost[1]:.1f} s; the peer, {cost[2]} passages,"
                  f" in {cost[3]:.1f} s (rows cost {cost[1] / max(cost[3], 1e-9):.2f}x the passages' embedding);"
                  f" their label vectors: {cost[4]} distinct labels in {cost[5]:.1f} s"
                  f" ({cost[5] / max(cost[3], 1e-9):.2f}x the passages')")

        results = []
        spec_ms, passage_ms, lexical_ms = [], [], []
        for q in questions:
            manual = manuals[q["manual"]]
            # ask hands the spec-row search the question's embedding it computed for the passages.
            qvec = embedder.embed([q["question"]])[0]
            t = time.perf_counter()
            rows = specs.search(db, q["question"], k=10, qvec=qvec)
            spec_ms.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            lexical = specs.search(db, q["question"], k=10)
            lexical_ms.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            passages = passage_search(db, embedder, q["question"], k=3, mode="hybrid").passages
            passage_ms.append((time.perf_counter() - t) * 1000)
            res = {k: q[k] for k in ("id", "half", "form", "paraphrased", "question", "manual", "row_contains")}
            res.update(row_rank=row_rank(rows, q, manual), passage_rank=passage_rank(passages, q, manual),
                       lexical_rank=row_rank(lexical, q, manual),
                       stored=stored(db, q, manual),
                       returned=[_row_line(r) for r in rows[:3]])
            results.append(res)
        # rows for questions no manual answers: the search's threshold should return none
        unrelated = {u: _row_line(rows[0]) for u in UNRELATED if (rows := specs.search(db, u, k=3, embedder=embedder))}
        db.close()

    halves = ([h for h in ("tune", "report", "heldout", "fresh", "fresh2", "fresh3", "fresh4", "fresh5",
                         "fresh6", "fresh7", "fresh8", "fresh9", "fresh10", "fresh11", "fresh12", "fresh13", "fresh14",
                         "fresh15", "fresh16", "fresh17", "fresh18", "fresh19", "fresh20", "fresh21", "fresh22")
               if any(q["half"] == h for q in questions)]
              + ["all"] if args.half == "all" else [args.half])
    print(report(results, halves))
    print(f"   unrelated general-knowledge questions that got a spec row: {len(unrelated)}/{len(UNRELATED)}")
    print(f"   median search time: spec rows {median(spec_ms):.1f} ms (words only {median(lexical_ms):.1f} ms;"
          f" the question's embedding is reused from the passage search), passages (hybrid) {median(passage_ms):.1f} ms")
    if args.show:
        for r in results:
            if r["row_rank"] and r["row_rank"] <= 3:
                continue
            print(f"\nMISS {r['id']} [{r['half']}, {r['form']}] {r['question']}")
            print(f"   want: {r['manual']} row with {r['row_contains']}"
                  f" (rank {r['row_rank'] or '-'}; stored: {r['stored']};"
                  f" passage top 3: {'yes' if r['passage_rank'] else 'no'})")
            for line in r["returned"] or ["(no rows)"]:
                print(f"   got:  {line}")
        for u, line in unrelated.items():
            print(f"\nUNRELATED {u}\n   got:  {line}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")
    return 0


def row_vector_cost(db, embedder) -> tuple[int, float, int, float, int, float] | None:
    """What the row vectors add to ingest: (rows, seconds to embed their texts, passages, seconds to
    embed those, distinct label cells, seconds to embed those), the texts rebuilt from the library as
    ingest builds them (`spec_store.embed_rows`), embedded here in one run."""
    if not _has_table(db, "spec_rows_vec"):
        return None
    from assistant.library.ingest import embed_text as passage_text
    from assistant.library.spec_store import SpecTable, embed_text, label_text

    rows = [embed_text(SpecTable(None, r["section"], r["caption"], json.loads(r["headers"]), [], None),
                       json.loads(r["cells"]))
            for r in db.execute("SELECT r.cells, t.section, t.caption, t.headers FROM spec_rows r"
                                " JOIN spec_tables t ON t.id = r.table_id")]
    passages = [passage_text(r["title"], r["section"], r["text"]) for r in db.execute(
        "SELECT m.title, c.section, c.text FROM chunks c JOIN manuals m ON m.id = c.manual_id")]
    t = time.perf_counter()
    embedder.embed(rows)
    t_rows = time.perf_counter() - t
    t = time.perf_counter()
    embedder.embed(passages)
    t_passages = time.perf_counter() - t
    labels = list(dict.fromkeys(label_text(json.loads(r[0])) for r in db.execute("SELECT cells FROM spec_rows")))
    t = time.perf_counter()
    embedder.embed(labels)
    return len(rows), t_rows, len(passages), t_passages, len(labels), time.perf_counter() - t


def _has_table(db, name: str) -> bool:
    return db.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (name,)).fetchone() is not None


if __name__ == "__main__":
    raise SystemExit(main())
