"""The direct answer (assistant.rag.direct): does the line shown before the model speak hold the answer?

    .venv/bin/python bench/direct_answer.py [DEVDATA] [--half tune|report] [--grid] [--json OUT.json]
        [--home DIR] [--show] [--sets S10,TV,Klipper,Debian] [--peer REV]

For each question the app's own retrieval runs (`answer.retrieve`: the hybrid search at the app's
k, then the spec-row lookup, and the chunks beside the first passages in their sections), then the app's choice of direct answer (`answer.direct_answer`: the
spec row that answers, else the unit `direct.find` picks with the search's query vector, none when
retrieval found nothing relevant).
A direct answer is right when it restates the reference answer: its content tokens overlap one
key sentence of the reference by Dice >= 0.6 (the rule bench/retrieval_quality.py uses for a
Klipper hit), or it carries one of the reference's values or codes (assistant.values).
Questions whose reference has no key sentence and no value (pointer answers, "See the ...") are
left out and counted. The E-Manual references glue paragraphs without a space ("cities.From
Clock, tap ..."), which makes one key "sentence" of several; the "(unglued)" column scores the
same direct answers with the space put back. The strict column is the one quoted.

Sets: E-Manual QA (the S10 and Smart TV 50-question sets; the reference is the answering section's
text), Smart Remote QA (E-Manual QA's question-answer pairs over the same TV manual,
`smart_remote_QA_salvaged.json`, less the questions the TV set asks: 624; the reference is the
answering section's text), Klipper FAQ (all docs, FAQ.md included; the reference is the FAQ's answer), and the
independent Debian set (bench/devset_debian.py: 79 questions over 12 Debian manuals, fetched with
apt-get and cached). A Debian question's reference is its writer's verbatim evidence quote and the
facts the writer listed: the direct answer is right when it holds one of those facts (as written,
case and spacing aside, not inside a longer word) or restates the quote by the same Dice rule (its
key sentences, or the whole quote); it comes from an answering passage when that passage answers
by `devset_debian.answers` (half the quote's word bigrams). Each set is cut
in two halves by a hash of the question id: `--half tune` is where the weights and the floor in
assistant/rag/direct.py were chosen (`--grid` prints the grid), `--half report` (default) is the
half that never influenced them.

Figures: right / answerable (the issue's target: >= 0.70), from an answering passage (the unit is in
a chunk that holds the answer: E-Manual, the answering section's; Klipper, a key-sentence hit as in
bench/retrieval_quality.py; lenient where "right" is strict about short sentences), shown (a direct answer at all), right
among shown (precision), and the time of `direct.find` alone (median, p95) beside the search it
follows, both measured in this run. `--home DIR` keeps the ingested libraries in DIR and reuses them
next time (ingest skips the files it already holds); `--show` prints every answerable question's
direct answer, marked right (ok) or not (--). `--peer REV` times `direct.find` as it was at git
revision REV against the working tree's, interleaved over the same passages in this run (the
order flipped every other question), and scores the peer's answers too.
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import inspect
import itertools
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import DEFAULT_DEVDATA, banner, half_of, load_embedder, median, percentile, table, temp_home
from devset_debian import answers as debian_answers
from devset_debian import fetch as debian_fetch
from devset_debian import questions as debian_questions
from retrieval_quality import (
    chunk_sections,
    content_tokens,
    emanual_questions,
    key_sentences,
    klipper_relevant,
    normalise_md,
    remote_qa_questions,
    write_emanual,
)

from assistant import db as dbmod
from assistant import values
from assistant.library import ingest
from assistant.rag import answer, direct, spec_answer
from assistant.settings import Settings

# The E-Manual QA references glue a section's paragraphs with no space between them ("...listed
# cities.From Clock, tap World clock.Tap More options > Time zone converter."), so the sentence
# splitter sees one long "sentence" that no single sentence of the manual can match by Dice.
_GLUED = re.compile(r"(?<=[a-z)][.!?])(?=[A-Z])")


def reference(answer: str, unglue: bool = False) -> tuple[list[set[str]], set[str]]:
    """The reference's key sentences and values; `unglue` first puts a space back between glued
    sentences (the second rule the bench reports; the first, strict, is the one quoted)."""
    text = normalise_md(_GLUED.sub(" ", answer) if unglue else answer)
    return key_sentences(text), {f.key for f in values.facts(text)}


def _spaced(text: str) -> str:
    return " ".join(text.lower().split())


def holds_fact(unit: str, fact: str) -> bool:
    """The writer's fact as written in the unit, case and spacing aside, not inside a longer word
    ("-U" in "-U flash:w:...", not in "-Uflash"; "root" not in "rootfs")."""
    f = re.escape(_spaced(fact))
    return re.search(rf"(?<![\w]){f}(?![\w])", _spaced(unit)) is not None


def is_right(unit: str, keys: list[set[str]], facts: set[str], literal: list[str] = ()) -> bool:
    u = content_tokens(normalise_md(unit))
    if any(2 * len(k & u) >= 0.6 * (len(k) + len(u)) for k in keys):
        return True
    if any(holds_fact(unit, f) for f in literal):
        return True
    return bool(facts & {f.key for f in values.facts(unit)})


def debian_items(home: Path, embedder) -> list[tuple]:
    """The Debian set's questions over its 12 manuals, ingested into home/debian.sqlite3. The
    reference is the evidence quote, whose sentences (and the whole quote) are the keys."""
    files = debian_fetch()
    db = dbmod.connect(home / "debian.sqlite3")
    rep = ingest.run(db, embedder, list(files.values()))
    if rep.failed:
        raise SystemExit(f"ingest failed: {rep.failed}")
    chunks = db.execute("SELECT c.id, c.text, m.path FROM chunks c JOIN manuals m ON m.id = c.manual_id").fetchall()
    out = []
    for q in debian_questions():
        rel = {c["id"] for c in chunks if debian_answers(q, c["path"], c["text"])}
        out.append(("Debian", db, q["id"], q["question"], q["evidence"], rel, q["facts"]))
    return out


def questions(devdata: Path, home: Path, embedder, sets: tuple[str, ...] = ()) -> list[tuple]:
    """(set, db, qid, question, reference answer, answering chunk ids, literal facts) for every
    question of the sets named (all by default), libraries ingested."""
    out = []
    if sets and "Debian" in sets and len(sets) == 1:
        return debian_items(home, embedder)
    src = devdata / "emanualqa"
    mdir = home / "emanual-src"
    mdir.mkdir(exist_ok=True)
    manuals = write_emanual(src, mdir)
    db = dbmod.connect(home / "emanual.sqlite3")
    rep = ingest.run(db, embedder, list(manuals))
    if rep.failed:
        raise SystemExit(f"ingest failed: {rep.failed}")
    chunk_sec = {p: chunk_sections(db, p, len(secs)) for p, secs in manuals.items()}
    relevant = {(name, q.qid): q.relevant
                for name, (qs, _u) in emanual_questions(src, manuals, chunk_sec).items() for q in qs}
    for name, fname in (("E-Manual S10", "s10_50_questions.csv"), ("E-Manual TV", "smart_tv_remote_50_questions.csv")):
        with open(src / fname, newline="", encoding="utf-8") as fh:
            for r in csv.DictReader(fh):
                out.append((name, db, f"{name}:{r['question_id']}", r["question"].strip(), r["answer"],
                            relevant[(name, r["question_id"])], []))
    if not sets or any(n in "Smart Remote QA" for n in sets):
        remote, _unresolved = remote_qa_questions(src, manuals, chunk_sec)
        out += [("Smart Remote QA", db, qid, q, ans, rel, []) for qid, q, ans, rel in remote]
    kdb = dbmod.connect(home / "klipper.sqlite3")
    rep = ingest.run(kdb, embedder, ingest.expand([devdata / "klipper" / "docs"]))
    if rep.failed:
        raise SystemExit(f"ingest failed: {rep.failed}")
    chunks = kdb.execute("SELECT c.id, c.text, c.section, m.path FROM chunks c JOIN manuals m"
                         " ON m.id = c.manual_id").fetchall()
    with open(devdata / "klipper" / "klipper_faq_qa.jsonl", encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                d = json.loads(line)
                out.append(("Klipper FAQ", kdb, d["id"], d["question"], d["answer"],
                            klipper_relevant(d["answer"], chunks), []))
    if not sets or "Debian" in sets:
        out += debian_items(home, embedder)
    return [x for x in out if not sets or any(n in x[0] for n in sets)]


def run(items, embedder, settings: Settings) -> list[dict]:
    """Retrieve once per question as the app does (`answer.retrieve`: the passage search, then the
    spec-row lookup); keep what it found so the grid re-scores without searching again."""
    rows = []
    for name, db, qid, q, ans, rel, literal in items:
        keys, facts = reference(ans)
        keys_u, facts_u = reference(ans, unglue=True)
        if literal:  # the Debian set: the evidence quote is a key as a whole too
            whole = content_tokens(normalise_md(ans))
            keys, keys_u = keys + [whole], keys_u + [whole]
        t0 = time.perf_counter()
        got = answer.retrieve(db, embedder, q, settings)  # the app's passages, spec row and relevance
        search_ms = (time.perf_counter() - t0) * 1000
        rows.append({"set": name, "qid": qid, "q": q, "keys": keys, "facts": facts, "keys_u": keys_u,
                     "facts_u": facts_u, "passages": got.res.passages, "qvec": got.res.qvec,
                     "around": got.around,
                     "relevant_q": got.relevant, "spec": spec_answer.direct(got.spec, got.res.passages),
                     "search_ms": search_ms, "answerable": bool(keys or facts or literal), "literal": literal,
                     "relevant": rel})
    return rows


def score(rows: list[dict], embedder) -> dict[str, dict]:
    """Right / shown per set. The candidates (the embedding work) are computed once per question
    and kept, so the grid re-weighs them without embedding again; find_ms is that first time."""
    by_set: dict[str, dict] = {}
    for r in rows:
        s = by_set.setdefault(r["set"], {"n": 0, "answerable": 0, "shown": 0, "right": 0, "right_u": 0,
                                         "in_answer": 0, "find_ms": [], "search_ms": []})
        s["n"] += 1
        if "cands" not in r:
            # As `answer.direct_answer`: the spec row that answers, else `direct.find` with the
            # search's query vector, and nothing when retrieval found nothing to answer from.
            t0 = time.perf_counter()
            qvec = r["qvec"] if embedder is not None else None
            r["cands"] = direct.candidates(r["q"], r["passages"], embedder, qvec, r["around"]) \
                if r["relevant_q"] and r["spec"] is None else []
            direct.pick(r["q"], r["cands"], embedder is not None)
            r["find_ms"] = (time.perf_counter() - t0) * 1000
        d = r["spec"] or direct.pick(r["q"], r["cands"], embedder is not None)
        s["find_ms"].append(r["find_ms"])
        s["search_ms"].append(r["search_ms"])
        if not r["answerable"]:
            continue
        s["answerable"] += 1
        if d is not None:
            s["shown"] += 1
            r["right"] = is_right(d.text, r["keys"], r["facts"], r["literal"])
            s["right"] += r["right"]
            s["right_u"] += is_right(d.text, r["keys_u"], r["facts_u"], r["literal"])
            s["in_answer"] += d.chunk_id in r["relevant"]
            r["direct"] = d.text
            r["direct_n"] = d.n
    sets = list(by_set.items())
    by_set["all"] = _total(s for _name, s in sets)
    if "Smart Remote QA" in by_set and len(sets) > 1:
        # The four sets the figure was quoted on before the Smart Remote QA pairs joined, so the
        # two can be compared; "all" is the figure against the target.
        by_set["all but Smart Remote QA"] = _total(s for name, s in sets if name != "Smart Remote QA")
    return by_set


def _total(sets) -> dict:
    """One set's tallies summed over `sets` (counts added, the timing lists joined)."""
    total: dict = {"n": 0, "answerable": 0, "shown": 0, "right": 0, "right_u": 0, "in_answer": 0, "find_ms": [],
                   "search_ms": []}
    for s in sets:
        for key in total:
            total[key] += s[key]
    return total


def load_peer(rev: str):
    """assistant/rag/direct.py as it was at git revision `rev`, as a module of the package (its
    relative imports resolve to today's search and values)."""
    root = Path(__file__).resolve().parents[1]
    src = subprocess.run(["git", "show", f"{rev}:assistant/rag/direct.py"], cwd=root, check=True,
                         capture_output=True, text=True).stdout
    path = Path(tempfile.mkdtemp(prefix="direct-peer-")) / "direct_peer.py"
    path.write_text(src, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("assistant.rag.direct_peer", path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # its dataclasses look their module up there
    spec.loader.exec_module(mod)
    return mod


def _app_direct(mod, r: dict, embedder):
    """`answer.direct_answer` over a question's retrieval, with `mod` (today's direct module, or
    the peer's) finding the passages' line."""
    if r["spec"] is not None:
        return r["spec"]
    if not r["relevant_q"]:
        return None
    qvec = r["qvec"] if embedder is not None else None
    if "around" in inspect.signature(mod.find).parameters:  # before round 9, `find` read no chunk beside
        return mod.find(r["q"], r["passages"], embedder, qvec=qvec, around=r["around"])
    return mod.find(r["q"], r["passages"], embedder, qvec=qvec)


def time_peer(rows: list[dict], peer, embedder) -> list[list[object]]:
    """find ms p50 / p95 of the peer and of today's `direct`, interleaved, and the peer's right."""
    ms: dict[str, list[float]] = {"peer": [], "now": []}
    right = {"peer": 0, "now": 0}
    answerable = 0
    for i, r in enumerate(rows):
        order = (("peer", peer), ("now", direct)) if i % 2 == 0 else (("now", direct), ("peer", peer))
        for name, mod in order:
            t0 = time.perf_counter()
            d = _app_direct(mod, r, embedder)
            ms[name].append((time.perf_counter() - t0) * 1000)
            if r["answerable"] and d is not None:
                right[name] += is_right(d.text, r["keys"], r["facts"], r["literal"])
        answerable += r["answerable"]
    return [[name, f"{right[name] / max(1, answerable):.2f}", f"{median(v):.0f}", f"{percentile(v, 95):.0f}"]
            for name, v in ms.items()]


def _summary(by_set: dict[str, dict]) -> list[list[object]]:
    out = []
    for name, s in by_set.items():
        a = max(1, s["answerable"])
        out.append([name, s["n"], s["answerable"], f"{s['right'] / a:.2f}", f"{s['right_u'] / a:.2f}",
                    f"{s['shown'] / a:.2f}",
                    f"{s['right'] / max(1, s['shown']):.2f}", f"{s['in_answer'] / a:.2f}", f"{median(s['find_ms']):.0f}",
                    f"{percentile(s['find_ms'], 95):.0f}", f"{median(s['search_ms']):.0f}"])
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("devdata", nargs="?", type=Path, default=DEFAULT_DEVDATA)
    ap.add_argument("--half", choices=("tune", "report"), default="report")
    ap.add_argument("--grid", action="store_true", help="score a grid of weights and floors (tuning half)")
    ap.add_argument("--no-embedder", action="store_true", help="keyword search and term overlap only")
    ap.add_argument("--show", action="store_true", help="print each question's direct answer")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--home", type=Path, help="keep the libraries here and reuse them next time")
    ap.add_argument("--peer", metavar="REV", help="time direct.find at git revision REV against today's")
    ap.add_argument("--sets", default="", help="only these sets, comma-separated (S10,TV,Remote,Klipper,Debian)")
    args = ap.parse_args()
    devdata = args.devdata.resolve()
    if not (devdata / "emanualqa").is_dir():
        print(f"no devdata at {devdata}", file=sys.stderr)
        return 2
    banner(f"direct answer ({args.half} half)")
    with temp_home(at=args.home) as home:
        embedder = load_embedder()
        sets = tuple(x.strip() for x in args.sets.split(",") if x.strip())
        items = [x for x in questions(devdata, home, embedder, sets) if half_of(x[2]) == args.half]
        rows = run(items, embedder, Settings())
        used = None if args.no_embedder else embedder
        by_set = score(rows, used)
        headers = ["set", "questions", "answerable", "right/answerable", "(unglued)", "shown", "right/shown",
                   "from an answering passage", "find ms p50", "find ms p95", "search ms p50"]
        print(table(headers, _summary(by_set)))
        if args.show:
            for r in rows:
                if r["answerable"]:
                    mark = "ok " if r.get("right") else "-- "
                    ranks = [i + 1 for i, p in enumerate(r["passages"]) if p.chunk_id in r["relevant"]]
                    where = f"from passage {r.get('direct_n')}, answering passages at {ranks[:3]}"
                    print(f"{mark}{r['set']} {r['qid']}: {r['q']}\n     direct ({where}): {r.get('direct', '')[:240]!r}")
                    if not r.get("right") and r["literal"]:
                        print(f"     facts: {r['literal']}")
        if args.peer:
            print(f"\n   direct.find at {args.peer} vs the working tree, interleaved ({len(rows)} questions):")
            print(table(["find", "right/answerable", "find ms p50", "find ms p95"],
                        time_peer(rows, load_peer(args.peer), used)))
        if args.grid:
            grid = []
            base = (direct.W_TERMS, direct.W_SIMILARITY, direct.W_VALUE, direct.MIN_SCORE)
            for wt, ws, wv, floor in itertools.product((0.4, 0.55, 0.7), (0.3, 0.45, 0.6), (0.0, 0.12),
                                                       (0.2, 0.3, 0.4)):
                direct.W_TERMS, direct.W_SIMILARITY, direct.W_VALUE, direct.MIN_SCORE = wt, ws, wv, floor
                s = score(rows, used)["all"]
                grid.append((s["right"] / max(1, s["answerable"]), s["right"] / max(1, s["shown"]), wt, ws, wv,
                             floor))
            direct.W_TERMS, direct.W_SIMILARITY, direct.W_VALUE, direct.MIN_SCORE = base
            grid.sort(reverse=True)
            print(table(["right/answerable", "right/shown", "W_TERMS", "W_SIMILARITY", "W_VALUE", "MIN_SCORE"],
                        [[f"{a:.3f}", f"{p:.3f}", wt, ws, wv, fl] for a, p, wt, ws, wv, fl in grid[:12]]))
        if args.json:
            args.json.write_text(json.dumps({k: {kk: vv for kk, vv in v.items() if not kk.endswith("_ms")}
                                             | {"find_ms_p50": median(v["find_ms"])}
                                             for k, v in by_set.items()}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
