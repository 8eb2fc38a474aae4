"""What the answer carries, per chat model, side by side: the app's own ask() on real manuals.

    .venv/bin/python bench/answer_quality.py [DEVDATA] [--model GGUF]... [--half report|tune]
        [--limit N] [--remote] [--max-tokens N] [--json OUT.json] [--debian DIR] [--only SET] [--home DIR] [--no-quote]
        [--prime nav|line|none] [--specs DIR] [--spec-row table|quote|prime]

Without --model every installed chat model (`field-assistant models`) is measured. Each model runs
in a process of its own (so its peak RSS is its own) over the same libraries, ingested once with
the app's ingest. Questions are cut in halves by the hash bench/direct_answer.py uses: prompts and
settings are chosen on `--half tune`; the default, `report`, is the half that never influenced them.

Sets
- E-Manual QA S10 and Smart TV (50 + 50 questions; the reference is the answering section's text,
  the relevant passages are that section's chunks, as in bench/retrieval_quality.py).
- Smart Remote QA: E-Manual QA's question-answer pairs over the same TV manual
  (`smart_remote_QA_salvaged.json`: normal, paraphrased, compound and yes/no questions; 624 once
  the questions the TV set asks are left out), with `--remote` (or `--only "Smart Remote QA"`):
  324 on the report half, about 55 min with the 0.5B here; `--limit N` asks the first N of a set.
- Klipper FAQ with all docs (the reference is the FAQ's answer; relevant chunks by the
  key-sentence rule of bench/retrieval_quality.py).
- `--debian DIR`: the independent set of bench/devset_debian.py (12 Debian manuals, questions with
  a short reference answer and the facts it must carry, listed by the question's writer). DIR is
  a library made by `retrieval_independent.py --home DIR` (ingested there when it is not yet).
- `--specs DIR`: the spec-row questions of devsets/spec_values*.json ("torque for the pump
  mounting bolts", "what does F07 mean?"), asked of the library a `spec_rows.py --home DIR` run
  made; their facts are the answering row's `row_contains` strings (its label and the values
  only it holds). "Spec rows, a row answers" scores the ones whose direct answer is a table row:
  what `--spec-row table|quote|prime` (answer.SPEC_ROW) changes.
- Unanswerable: the Klipper FAQ questions that no chunk answers once FAQ.md is removed, and the
  general-knowledge questions of bench/retrieval_quality.py asked of the E-Manual library. The
  right answer is "not found".

Per answer
- fact recall: of the reference's facts (values with units, part numbers and codes by
  assistant.values; commands and setting names: `backticked` spans and snake_case names), the
  share in the answer text. Only questions whose reference has facts count (their number shown).
- recall, reads: fact recall of what the technician reads: the direct answer (shown first, before
  the model writes) and the model's answer under it, taken together. "fact recall" is the model's
  answer alone.
- F1: content-token F1 of the answer against the reference (low for E-Manual by construction: its
  reference is a whole section; compare models, not sets).
- grounded: of the answer's own facts, the share found in the passages it cites (answers with no
  fact are left out). Each row's `grounded_written` is the same over everything the model wrote,
  the sentences the app left out for an unverified value included (`answer.DROP_UNVERIFIED`).
- cite prec.: of the cited passages, the share that are relevant (hold the answer).
- said not found: on answerable questions (lower is better) and on unanswerable ones (higher).
- direct: the direct answer (assistant.rag.direct) restates the reference (bench/direct_answer.py's rule).
- TTFT and total time (median), peak RSS of the model's process. Times on a shared 2-core
  machine: compare the models' ratios in one run, not the seconds across runs.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

from _common import DEFAULT_DEVDATA, PROJECT_ROOT, banner, half_of, load_embedder, median, table, temp_home
from direct_answer import is_right, reference
from retrieval_quality import (
    UNRELATED,
    chunk_sections,
    content_tokens,
    emanual_questions,
    klipper_relevant,
    normalise_md,
    remote_qa_questions,
    write_emanual,
)

from assistant import db as dbmod
from assistant import procinfo, values
from assistant.library import ingest

_BACKTICK = re.compile(r"`([^`\n]{2,80})`")
_SNAKE = re.compile(r"\b[a-z][a-z0-9]*_[a-z0-9_]+\b")


# A menu path, the named setting of the E-Manual answers ("Settings > General > Accessibility >
# Grayscale", "tap  Connections > Mobile hotspot"): 2+ items of up to 6 words joined by ">". An item
# starts with a capital or digit, so "From Settings, tap" before the first item is not part of it.
_ITEM = r"[A-Z0-9][\w'’+&/\u2011-]*(?:[ \t]+[\w'’+&/\u2011-]+){0,5}"  # U+2011: "Text‑to‑speech"
_MENU_PATH = re.compile(rf"{_ITEM}(?:[ \t]*>[ \t]*{_ITEM})+")
# Between two items of a path in an answer: the arrow the model chose, or words such as "tap".
_PATH_GAP = r"(?:\W|\b(?:tap|then|select|go to|open|choose|and)\b){1,12}?"


# Where an item ends and the sentence goes on ("Tap My page > AODs to see downloaded AODs"): a
# lowercase word only, as "Always On Display" is a menu item; and the verbs before a path's first item.
_ITEM_END = re.compile(r"\s+\b(?:to|for|from|if|when|that|which|with|on|in|by|so|then|tap|is|are|can|you)\b.*$")
_LEAD = re.compile(r"^(?:(?:then|and)\s+)?(?:tap|open|select|go to|from|choose)\s+", re.I)


def _menu_paths(text: str) -> list[tuple[str, ...]]:
    # "External Device Manager>(Game Mode Settings)>Game Mode", "the clock ( Settings>General>Time)":
    # brackets around an item are dropped, other brackets end a path.
    text = re.sub(r"\s*\)\s*>", ">", re.sub(r">\s*\(\s*", ">", text))
    text = re.sub(r"[()]", "\n", text)
    paths = []
    for m in _MENU_PATH.finditer(text):
        parts = m.group(0).split(">")
        parts[0] = _LEAD.sub("", parts[0].strip())
        parts[-1] = _ITEM_END.sub("", parts[-1].strip())
        items = tuple(" ".join(x.split()).lower().replace("\u2011", "-") for x in parts)
        if all(items):
            paths.append(items)
    return paths


def reference_facts(answer_md: str) -> set[str]:
    """Keys of the reference's facts: values and codes, commands, and setting names (a menu path's
    items in order count as one fact: "path:settings>general>grayscale")."""
    text = normalise_md(answer_md)
    out = {f.key for f in values.facts(text)}
    out |= {"cmd:" + " ".join(m.split()).lower() for m in _BACKTICK.findall(answer_md)}
    out |= {"cmd:" + m for m in _SNAKE.findall(answer_md)}
    out |= {"path:" + ">".join(p) for p in _menu_paths(text)}
    return out


def _has_path(flat: str, key: str) -> bool:
    """The path's items in order, each as whole words, with only arrows, punctuation or a few
    linking words between them ("Settings → General, then tap Accessibility")."""
    items = key[5:].split(">")
    return re.search(r"\b" + _PATH_GAP.join(re.escape(x) for x in items) + r"\b", flat) is not None


def facts_found(answer: str, keys: set[str]) -> int:
    """How many of the reference's fact `keys` the answer holds (its values read once)."""
    own = {f.key for f in values.facts(answer)}
    flat = " ".join(answer.split()).lower().replace("\u2011", "-")
    return sum(_has_path(flat, k) if k.startswith("path:") else (k[4:] in flat) if k.startswith("cmd:")
               else (k in own) for k in keys)


def f1(answer: str, ref: str) -> float:
    a, r = content_tokens(normalise_md(answer)), content_tokens(normalise_md(ref))
    common = len(a & r)
    if not a or not r or not common:
        return 0.0
    p, rc = common / len(a), common / len(r)
    return 2 * p * rc / (p + rc)


# ------------------------------------------------------------------------------------------
# The libraries and questions (parent process)
# ------------------------------------------------------------------------------------------

def fact_keys(facts: list[str]) -> list[str]:
    """The writer's facts as keys facts_found compares: a value by its canonical unit form, else
    the text itself (a command, option or setting name)."""
    out = []
    for f in facts:
        found = values.facts(f)
        out += [x.key for x in found] if found else ["cmd:" + " ".join(f.split()).lower()]
    return out


def build_debian(library_home: Path, half: str, embedder) -> list[dict]:
    from devset_debian import answers, fetch, questions

    library_home.mkdir(parents=True, exist_ok=True)
    path = library_home / "library.sqlite3"
    db = dbmod.connect(path)
    if ingest.run(db, embedder, list(fetch().values())).failed:
        raise SystemExit("ingest of the Debian manuals failed")
    chunks = db.execute("SELECT c.id, c.text, m.path FROM chunks c JOIN manuals m ON m.id = c.manual_id").fetchall()
    out = []
    for q in questions():
        if half_of(q["id"]) != half:
            continue
        rel = sorted(r[0] for r in chunks if answers(q, r[2], r[1]))
        out.append({"set": "Debian docs", "db": str(path), "qid": q["id"], "q": q["question"], "ref": q["answer"],
                    "fact_keys": fact_keys(q["facts"]), "relevant": rel, "answerable": True})
    db.close()
    return out


def build_specs(library_home: Path, half: str) -> list[dict]:
    """The spec-row questions of every devsets/spec_values*.json file (bench/spec_tables.py SETS)
    whose manual the library in `library_home` holds (a `spec_rows.py --home DIR` library: each
    `--set` run adds its file's manuals). Facts: the row's `row_contains` strings (its label and
    the values only that row holds); relevant: the chunks of that manual holding all of them."""
    from spec_tables import SETS, load, resolve, squash

    path = library_home / "library.sqlite3"
    if not path.is_file():
        raise SystemExit(f"no spec-row library at {path}: build it with spec_rows.py --set ... --home {library_home}")
    db = dbmod.connect(path)
    by_path = {}
    for mid, mpath in db.execute("SELECT id, path FROM manuals").fetchall():
        by_path[Path(mpath).name] = mid
    out, missing = [], 0
    for name in SETS:
        for q in load(SETS[name])["questions"]:
            if half_of(q["id"]) != half:
                continue
            mid = by_path.get(resolve(q["manual"], fetch_debian=False).name)
            if mid is None:
                missing += 1
                continue
            wanted = [squash(w) for w in q["row_contains"]]
            rel = [cid for cid, text in db.execute("SELECT id, text FROM chunks WHERE manual_id = ?", (mid,))
                   if all(w in squash(text) for w in wanted)]
            out.append({"set": "Spec rows", "db": str(path), "qid": q["id"], "q": q["question"],
                        "ref": " | ".join(q["row_contains"]), "fact_keys": fact_keys(q["row_contains"]),
                        "row_contains": q["row_contains"], "relevant": sorted(rel), "answerable": True})
    db.close()
    # In an order of their own (a hash of the id), so that `--limit N` takes questions of every file.
    out.sort(key=lambda q: hashlib.sha1(q["qid"].encode()).hexdigest())
    if missing:
        print(f"   spec rows: {missing} questions left out (their manual is not in {path})", file=sys.stderr)
    return out


def build(devdata: Path, home: Path, half: str, debian: Path | None = None, only: str | None = None,
          specs: Path | None = None, remote: bool = False) -> list[dict]:
    if only == "Spec rows":
        if specs is None:  # nothing to ask them of (None / "library.sqlite3" was a TypeError)
            raise SystemExit("--only 'Spec rows' needs --specs DIR, a spec_rows.py --home DIR library")
        return build_specs(specs, half)
    embedder = load_embedder()
    qs: list[dict] = build_debian(debian, half, embedder) if debian else []
    if specs:
        qs += build_specs(specs, half)
    if only == "Debian docs":
        return qs
    src = devdata / "emanualqa"
    mdir = home / "emanual-src"
    mdir.mkdir(exist_ok=True)
    manuals = write_emanual(src, mdir)
    em_db = home / "emanual.sqlite3"
    db = dbmod.connect(em_db)
    if ingest.run(db, embedder, list(manuals)).failed:
        raise SystemExit("E-Manual ingest failed")
    chunk_sec = {p: chunk_sections(db, p, len(secs)) for p, secs in manuals.items()}
    answers = {}
    for fname in ("s10_50_questions.csv", "smart_tv_remote_50_questions.csv"):
        with open(src / fname, newline="", encoding="utf-8") as fh:
            for r in csv.DictReader(fh):
                answers[(fname[:3], r["question_id"])] = r["answer"]
    for name, (items, _unresolved) in emanual_questions(src, manuals, chunk_sec).items():
        prefix = "s10" if name.endswith("S10") else "sma"
        for q in items:
            qid = f"{name}:{q.qid}"
            if half_of(qid) == half:
                qs.append({"set": name, "db": str(em_db), "qid": qid, "q": q.text,
                           "ref": answers[(prefix, q.qid)], "relevant": sorted(q.relevant), "answerable": True})
    # The Smart Remote QA pairs (324 on the report half, ~55 min with the 0.5B here) only when asked
    # for: `--remote`, or `--only "Smart Remote QA"`.
    pairs = remote_qa_questions(src, manuals, chunk_sec)[0] if remote or only == "Smart Remote QA" else []
    for qid, text, ref, rel in pairs:
        if half_of(qid) == half:
            qs.append({"set": "Smart Remote QA", "db": str(em_db), "qid": qid, "q": text, "ref": ref,
                       "relevant": sorted(rel), "answerable": True})
    for i, text in enumerate(UNRELATED):
        qid = f"unrelated:{i}"
        if half_of(qid) == half:
            qs.append({"set": "Unanswerable", "db": str(em_db), "qid": qid, "q": text, "ref": "", "relevant": [],
                       "answerable": False})
    db.close()

    k_all, k_nofaq = home / "klipper.sqlite3", home / "klipper-nofaq.sqlite3"
    files = ingest.expand([devdata / "klipper" / "docs"])
    for path, drop_faq in ((k_all, False), (k_nofaq, True)):
        kdb = dbmod.connect(path)
        if ingest.run(kdb, embedder, files).failed:
            raise SystemExit("Klipper ingest failed")
        if drop_faq:
            ingest.remove(kdb, next(str(f) for f in files if f.name == "FAQ.md"))
        chunks = kdb.execute("SELECT c.id, c.text, c.section, m.path FROM chunks c JOIN manuals m"
                             " ON m.id = c.manual_id").fetchall()
        with open(devdata / "klipper" / "klipper_faq_qa.jsonl", encoding="utf-8") as fh:
            for line in fh:
                if not line.strip():
                    continue
                d = json.loads(line)
                if half_of(d["id"]) != half:
                    continue
                rel = sorted(klipper_relevant(d["answer"], chunks))
                if not drop_faq:
                    qs.append({"set": "Klipper FAQ", "db": str(path), "qid": d["id"], "q": d["question"],
                               "ref": d["answer"], "relevant": rel, "answerable": True})
                elif not rel:
                    qs.append({"set": "Unanswerable", "db": str(path), "qid": d["id"] + ":nofaq",
                               "q": d["question"], "ref": "", "relevant": [], "answerable": False})
        kdb.close()
    return qs


# ------------------------------------------------------------------------------------------
# One model over every question (worker process)
# ------------------------------------------------------------------------------------------

def worker(model: Path, questions_file: Path, out_file: Path, max_tokens: int, limit: int | None,
           system: str | None, quote: bool = True, prime: str | None = None, spec_row: str | None = None) -> None:
    from assistant import llm
    from assistant.rag import answer as answermod
    from assistant.rag import prompt as promptmod
    from assistant.rag.answer import ask

    answermod.QUOTE_DIRECT = quote
    answermod.DROP_UNVERIFIED = os.environ.get("FA_BENCH_DROP_UNVERIFIED") == "1"  # to measure against
    if prime is not None:  # what the answer starts with (answer.PRIME), for measuring against
        answermod.PRIME = "" if prime == "none" else prime
    if spec_row is not None:  # how a spec row that answers reaches the model (answer.SPEC_ROW)
        answermod.SPEC_ROW = spec_row
    from assistant.settings import Settings

    embedder = load_embedder()
    settings = Settings()
    if max_tokens:
        settings.max_answer_tokens = max_tokens
    chat = llm.load(model)
    if system:  # a candidate instruction for this model's family, tried on the tuning half
        promptmod.SYSTEMS[chat.family] = system
    qs = json.loads(questions_file.read_text())
    per_set: dict[str, int] = {}
    conns: dict[str, object] = {}
    rows = []
    for q in qs:
        per_set[q["set"]] = per_set.get(q["set"], 0) + 1
        if limit and per_set[q["set"]] > limit:
            continue
        if q["db"] not in conns:  # one connection per library (setdefault would open one per question)
            conns[q["db"]] = dbmod.connect(Path(q["db"]))
        db = conns[q["db"]]
        t0 = time.perf_counter()
        events = list(ask(db, embedder, lambda: chat, q["q"], settings))
        a = events[-1].answer
        row = {"set": q["set"], "qid": q["qid"], "answerable": q["answerable"], "abstained": a.abstained,
               "answer": a.answer, "ttft_ms": a.timings["ttft_ms"], "prompt_tokens": a.timings.get("prompt_tokens"), "total_ms": (time.perf_counter() - t0) * 1000}
        if q["answerable"]:
            facts = set(q["fact_keys"]) if "fact_keys" in q else reference_facts(q["ref"])
            row["facts"] = len(facts)
            row["facts_found"] = facts_found(a.answer, facts) if not a.abstained else 0
            # What the technician reads: the direct answer (the manual's line, shown first) and the
            # model's prose under it.
            shown = "\n".join(x for x in (a.direct.text if a.direct else "", "" if a.abstained else a.answer) if x)
            row["facts_found_reads"] = facts_found(shown, facts) if shown else 0
            row["direct"] = a.direct.text if a.direct else None
            row["f1"] = 0.0 if a.abstained else f1(a.answer, q["ref"])
            own = values.facts(a.answer) if not a.abstained else []
            if own:
                bad = values.unsupported(a.answer, [c.text for c in a.citations])
                row["grounded"] = 1 - len(bad) / len(own)
            # The same over all the model wrote, the sentences the app left out included
            # (answer.DROP_UNVERIFIED), to measure what dropping them did.
            written = " ".join([a.answer, *a.dropped]) if not a.abstained else ""
            if own_written := values.facts(written):
                bad = values.unsupported(written, [c.text for c in a.citations])
                row["grounded_written"] = 1 - len(bad) / len(own_written)
            row["dropped"] = a.dropped
            if a.citations:
                rel = set(q["relevant"])
                row["cite_precision"] = sum(c.chunk_id in rel for c in a.citations) / len(a.citations)
            keys, ref_facts = reference(q["ref"])
            row["direct_right"] = a.direct is not None and is_right(a.direct.text, keys, ref_facts)
            if "row_contains" in q:  # a spec-row question: is the direct answer that row?
                from spec_tables import squash

                row["direct_kind"] = a.direct.kind if a.direct else None
                row["direct_right"] = a.direct is not None and all(
                    squash(w) in squash(a.direct.text) for w in q["row_contains"])
        rows.append(row)
        print(f"   {model.name}: {len(rows)} {q['set']}: {a.answer[:70]!r}", file=sys.stderr, flush=True)
    rss_mb = procinfo.peak_rss_mb() or 0.0  # VmHWM: this worker's own peak, not the parent's
    out_file.write_text(json.dumps({"model": model.name, "rows": rows, "peak_rss_mb": rss_mb}))


HEADERS = ["model", "set", "n", "fact recall (n)", "recall, reads", "F1", "grounded", "cite prec.", "said not found",
           "direct", "TTFT s", "total s", "peak RSS MB"]


def rescore(results: list[dict], home: Path, half: str) -> list[dict]:
    """The fact columns of saved results recomputed from each answer's text and the reference
    (the same rules as the worker's: the model's answer alone, and with the direct answer)."""
    qs = {q["qid"]: q for f in sorted(home.glob(f"questions-{half}-*.json")) for q in json.loads(f.read_text())}
    for res in results:
        for row in res["rows"]:
            q = qs[row["qid"]]
            if not q["answerable"]:
                continue
            facts = set(q["fact_keys"]) if "fact_keys" in q else reference_facts(q["ref"])
            row["facts"] = len(facts)
            row["facts_found"] = facts_found(row["answer"], facts) if not row["abstained"] else 0
            shown = "\n".join(x for x in (row.get("direct") or "", "" if row["abstained"] else row["answer"]) if x)
            row["facts_found_reads"] = facts_found(shown, facts) if shown else 0
    return results


def summarise(res: dict) -> list[list[object]]:
    out = []
    rows = res["rows"]
    sets = sorted({r["set"] for r in rows}, key=lambda s: (s == "Unanswerable", s))
    # The spec-row questions whose direct answer is a row: the ones answer.SPEC_ROW changes.
    row_shown = "Spec rows, a row answers"
    if any(r.get("direct_kind") == "spec_row" for r in rows):
        sets.insert(sets.index("Spec rows") + 1, row_shown)
    for s in [*sets, "all answerable"]:
        rs = [r for r in rows if (r["answerable"] if s == "all answerable" else r.get("direct_kind") == "spec_row"
                                  if s == row_shown else r["set"] == s)]
        if not rs:
            continue
        if s == "Unanswerable":
            out.append([res["model"], s, len(rs), "", "", "", "", "", f"{sum(r['abstained'] for r in rs) / len(rs):.2f}",
                        "", f"{median([r['ttft_ms'] or 0 for r in rs]) / 1000:.1f}",
                        f"{median([r['total_ms'] for r in rs]) / 1000:.1f}", ""])
            continue
        with_facts = [r for r in rs if r["facts"]]
        recall = (f"{sum(r['facts_found'] / r['facts'] for r in with_facts) / len(with_facts):.2f} "
                  f"({len(with_facts)})") if with_facts else "-"
        reads = (f"{sum(r['facts_found_reads'] / r['facts'] for r in with_facts) / len(with_facts):.2f}"
                 if with_facts else "-")
        g = [r["grounded"] for r in rs if "grounded" in r]
        cp = [r["cite_precision"] for r in rs if "cite_precision" in r]
        out.append([res["model"], s, len(rs), recall, reads, f"{sum(r['f1'] for r in rs) / len(rs):.2f}",
                    f"{sum(g) / len(g):.2f}" if g else "-", f"{sum(cp) / len(cp):.2f}" if cp else "-",
                    f"{sum(r['abstained'] for r in rs) / len(rs):.2f}",
                    f"{sum(r['direct_right'] for r in rs) / len(rs):.2f}",
                    f"{median([r['ttft_ms'] or 0 for r in rs]) / 1000:.1f}",
                    f"{median([r['total_ms'] for r in rs]) / 1000:.1f}", f"{res['peak_rss_mb']:.0f}"])
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("devdata", nargs="?", type=Path, default=DEFAULT_DEVDATA)
    ap.add_argument("--model", type=Path, action="append", help="a chat GGUF (repeat); default: all installed")
    ap.add_argument("--half", choices=("tune", "report"), default="report")
    ap.add_argument("--limit", type=int, help="at most N questions per set")
    ap.add_argument("--remote", action="store_true",
                    help="ask the Smart Remote QA pairs too (324 on the report half; --limit N caps each set)")
    ap.add_argument("--max-tokens", type=int, default=0, help="answer length (default: the app's setting)")
    ap.add_argument("--system", help="try this system text instead of the family's (for tuning)")
    ap.add_argument("--no-quote", action="store_true", help="the prompt without the direct answer's line first")
    ap.add_argument("--prime", choices=("nav", "line", "none"),
                    help="start the answer with the direct answer's navigation line, all its lines, or nothing "
                         "(default: the app's choice, answer.PRIME)")
    ap.add_argument("--spec-row", choices=("table", "quote", "prime"),
                    help="how a spec row that answers reaches the model (default: the app's, answer.SPEC_ROW)")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--debian", type=Path, help="also the independent Debian set, its library kept in DIR")
    ap.add_argument("--specs", type=Path, metavar="DIR",
                    help="also the spec-row questions (set 'Spec rows'), asked of the library a "
                         "spec_rows.py --home DIR run made (only the questions whose manual it holds)")
    ap.add_argument("--only", help="score this set only (e.g. 'Debian docs')")
    ap.add_argument("--home", type=Path, help="keep the ingested libraries and questions here, reuse them next time")
    ap.add_argument("--rescore", type=Path, metavar="JSON",
                    help="score the answers a --json run saved again (after a change to the fact rules), "
                         "with the questions kept in --home; the model is not run")
    ap.add_argument("--worker", nargs=3, metavar=("MODEL", "QUESTIONS", "OUT"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.rescore:
        results = rescore(json.loads(args.rescore.read_text()), args.home, args.half)
        print(table(HEADERS, [row for r in results for row in summarise(r)]))
        return 0
    if args.worker:
        worker(Path(args.worker[0]), Path(args.worker[1]), Path(args.worker[2]), args.max_tokens, args.limit,
               args.system, not args.no_quote, args.prime, args.spec_row)
        return 0
    devdata = args.devdata.resolve()
    if not (devdata / "emanualqa").is_dir():
        print(f"no devdata at {devdata}", file=sys.stderr)
        return 2
    if args.model:
        models = [m.resolve() for m in args.model]
    else:
        from assistant import models as modelsmod

        models = [Path(m.path) for m in modelsmod.installed() if m.role == "chat" and not m.problem]
    banner(f"answer quality ({args.half} half): {', '.join(m.name for m in models)}")
    results = []
    with temp_home(at=args.home) as home:
        everything = "all+remote" if args.remote else "all"
        qfile = home / f"questions-{args.half}-{args.only or everything}.json"
        every = home / f"questions-{args.half}-{everything}.json"
        if qfile.exists():  # a library kept by --home: ingested and its questions built before
            qs = json.loads(qfile.read_text())
        elif every.exists() and args.only not in ("Debian docs", "Spec rows") \
                and (kept := [q for q in json.loads(every.read_text()) if q["set"] == args.only]):
            qs = kept
            qfile.write_text(json.dumps(qs))
        else:  # (a questions file kept from before a set joined has none of it: built again)
            qs = build(devdata, home, args.half, args.debian, args.only, args.specs, args.remote)
            if args.only:
                qs = [q for q in qs if q["set"] == args.only]
            qfile.write_text(json.dumps(qs))
        print(f"   {len(qs)} questions: " + ", ".join(f"{s} {sum(q['set'] == s for q in qs)}"
                                                     for s in sorted({q['set'] for q in qs})))
        for m in models:
            out = home / f"{m.name}.{os.getpid()}.json"  # runs sharing a --home write apart
            cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", str(m), str(qfile), str(out),
                   "--max-tokens", str(args.max_tokens)] + (["--limit", str(args.limit)] if args.limit else []) \
                + (["--system", args.system] if args.system else []) + (["--no-quote"] if args.no_quote else []) \
                + (["--prime", args.prime] if args.prime else []) \
                + (["--spec-row", args.spec_row] if args.spec_row else [])
            subprocess.run(cmd, check=True, cwd=PROJECT_ROOT, env=os.environ.copy())
            results.append(json.loads(out.read_text()))
    print(table(HEADERS, [row for r in results for row in summarise(r)]))
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
