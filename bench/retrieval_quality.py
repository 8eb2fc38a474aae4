"""Retrieval quality of the app's search on real manuals: hybrid vs BM25-only vs vector-only.

    .venv/bin/python bench/retrieval_quality.py [DEVDATA] [--json OUT.json] [--show-misses]
        [--only emanual|klipper] [--tv-level 1|2] [--half tune|report|all]

DEVDATA defaults to ../shared/devdata (relative to the project root). Everything is ingested
with the app's own ingest (assistant.library.ingest) into a temporary FIELD_ASSISTANT_HOME and
searched with assistant.rag.search.search(mode=...), so all three modes rank the same chunks.

Datasets
--------
E-Manual QA (emanualqa/): the two section corpora are written as one Markdown file per manual
(`s10.md`, `smart_tv_remote.md`), one heading per corpus section, in corpus order. The S10
corpus carries its section hierarchy, so its headings are nested (`#`..`####` by depth); the
Smart TV corpus is flat (every section `#`; `--tv-level 2` writes `##`). The `t5_para` field
(which embeds generated questions) is not used. Both manuals go into one library (as a
technician's device would hold several manuals), and the 50 + 50 questions are scored on it.
A chunk belongs to the corpus section whose heading precedes it: we re-run the app's parser on
the same file (deterministic) to map each block's character offset to its section, then map
each stored chunk by its `char_start` (a chunk never crosses a section boundary).
The answering section of a question is its `section_path` resolved in the corpus:
  - S10: the section whose title path equals `section_path`; if none, the deepest ancestor
    that exists (one question names a sub-heading, "...>Link to Windows>Notifications", that
    is not a corpus section; its text lives in "Link to Windows").
  - Smart TV: the corpus is flat and some titles are cut at a PDF line break, so the deepest
    component of `section_path` that matches a section title (equal; failing that, one a
    prefix of the other when >= 20 characters) inside the chapter named by the first
    component (from that chapter's title section up to the next chapter's). Several equal candidates (a section
    split over two corpus entries) all count as the answering section.
A hit is a returned passage from the answering section.

Klipper FAQ (klipper/): all Markdown files of docs/ ("all"), then the same library after
removing FAQ.md with the app's own remove ("no FAQ", the harder variant). Key-sentence rule
for a hit:
  - The reference answer is normalised: fenced code dropped, links reduced to their text,
    backticks and emphasis stars removed, whitespace collapsed; then split into sentences
    (at . ! ? and at list items). Sentences with >= 5 content tokens (lower-case word tokens
    of 2+ characters, not in the app's STOPWORDS) are the key sentences, except
    cross-references ("See the config reference for further details.") and lead-ins ending
    in ":" ("...might look like:"), which recur all over the docs and are not the answer.
  - A passage is a hit when, for some key sentence S and some sentence P of the passage, the
    token overlap of their content-token sets is >= 0.6, overlap being the F1 (Dice) score
    2|S&P| / (|S| + |P|): symmetric, so a long code block or table "sentence" that happens to
    hold most of S's words does not count, nor does a short generic sentence.
  - Pointer answers (no key sentence at all, e.g. "See the [rotation distance document]
    (Rotation_Distance.md)"): a passage from a linked document, or from the FAQ section a
    `#anchor` link names, is a hit.
  - A question for which no stored chunk is a hit is unanswerable on that library and is left
    out of its averages (the count is printed); in "no FAQ" several are.

Metrics (per question, then averaged): Recall@5 = 1 if any of the top 5 passages is a hit
(answer recall / hit rate), MRR@10 = 1/rank of the first hit within 10, nDCG@10 with binary
gains over every relevant chunk (ideal = min(#relevant, 10) hits at the top).

Halves (`--half`): the questions are cut in two by a hash of their id (`_common.half_of`,
the same cut as the answer benchmarks); the fusion weights are chosen on `tune` and the
figures quoted from `report`. The default, `all`, scores every question.

Abstention: `best_similarity` of the hybrid search for the real questions vs 32 unrelated
general-knowledge questions (written for this benchmark) asked of the same libraries; the
app's rule (assistant.rag.answer.is_relevant with Settings().min_relevance) and a suggested
threshold are printed.
"""

from __future__ import annotations

import argparse
import bisect
import csv
import json
import math
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from _common import (
    DEFAULT_DEVDATA,
    EMBEDDING_FILE_HELP,
    banner,
    half_of,
    load_embedder,
    loadavg,
    table,
    temp_home,
)

from assistant import db as dbmod
from assistant.library import ingest
from assistant.library import parse as parser
from assistant.rag.answer import is_relevant
from assistant.rag.search import STOPWORDS, fts_query, page_key, pages_keyword, query_terms, search
from assistant.settings import Settings

MODES = ("hybrid", "bm25", "vector")
K = 10

UNRELATED = [
    "Who painted the Mona Lisa?",
    "What is the capital of Australia?",
    "How many bones are in the adult human body?",
    "Who wrote Pride and Prejudice?",
    "What is the largest planet in our solar system?",
    "In which year did the Berlin Wall fall?",
    "What is the chemical symbol for gold?",
    "Who was the first person to walk on the Moon?",
    "What is the tallest mountain in Africa?",
    "Which ocean is the deepest?",
    "Who composed The Four Seasons?",
    "What language is spoken in Brazil?",
    "How many players does a football team have on the pitch?",
    "What is the longest river in South America?",
    "Who discovered penicillin?",
    "What is the currency of Japan?",
    "Which city hosted the 2016 Summer Olympics?",
    "What is the main ingredient of guacamole?",
    "Who developed the theory of general relativity?",
    "What is the smallest prime number?",
    "Which element has atomic number 8?",
    "What is the national animal of Scotland?",
    "Who was the Roman god of war?",
    "How many strings does a violin have?",
    "What is the freezing point of water in Fahrenheit?",
    "Which planet is known as the Red Planet?",
    "Who wrote One Hundred Years of Solitude?",
    "What is the hardest natural substance?",
    "In which city is the Colosseum?",
    "Which sport is played at Wimbledon?",
    "Who painted The Starry Night?",
    "What is the largest desert in the world?",
]


@dataclass
class Question:
    qid: str
    text: str
    relevant: set[int] = field(default_factory=set)  # chunk ids


# ------------------------------------------------------------------------------------------
# E-Manual QA
# ------------------------------------------------------------------------------------------

def _norm_title(s: str) -> str:
    s = s.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    return re.sub(r"\s+", " ", s).strip().lower()


_MD_PUNCT = re.compile(r"^([#>*+\-=|<`~])")
_MD_ORDERED = re.compile(r"^(\d+)([.)])")


def _md_line(line: str) -> str:
    """One line of corpus text, escaped so Markdown keeps it as paragraph text (no heading, list,
    quote, code, table or HTML starts from a corpus line)."""
    line = " ".join(line.split())
    line = _MD_PUNCT.sub(r"\\\1", line)
    return _MD_ORDERED.sub(r"\1\\\2", line)


def write_emanual(src: Path, out: Path, tv_level: int = 1) -> dict[str, list[dict]]:
    """Write s10.md and smart_tv_remote.md; returns {file path: sections in order}."""
    manuals = {}
    s10 = json.loads((src / "s10_manual_corpus.json").read_text(encoding="utf-8"))
    lines = ["---", "title: Samsung Galaxy S10 User Manual", "---", ""]
    sections = []
    for sid, sec in s10.items():
        ids = sec["section_hierarchy"].split(">")
        title = re.sub(r"\s+", " ", sec["title"]).strip()
        path = tuple(_norm_title(s10[i]["title"]) for i in ids)
        sections.append({"id": sid, "title": title, "path": path})
        lines += ["#" * min(len(ids), 6) + " " + title.replace("#", "\\#"), ""]
        body = sec["text"][1:] if sec["text"] and sec["text"][0].strip() == sec["title"].strip() else sec["text"]
        for para in body:
            para = " ".join(para.split())
            if para:
                lines += [_md_line(para), ""]
    p = out / "s10.md"
    p.write_text("\n".join(lines), encoding="utf-8")
    manuals[str(p.resolve())] = sections

    tv = json.loads((src / "smart_tv_remote_manual_corpus.json").read_text(encoding="utf-8"))
    lines = ["---", "title: Samsung Smart TV and Smart Remote e-Manual", "---", ""]
    sections = []
    for sid, sec in tv.items():
        title = re.sub(r"\s+", " ", sec["title"]).strip()
        sections.append({"id": sid, "title": title, "path": (_norm_title(title),)})
        lines += ["#" * tv_level + " " + title.replace("#", "\\#"), ""]
        # Hard-wrapped PDF lines: one paragraph per section (soft breaks become spaces).
        body = [_md_line(x) for x in sec["text"] if x.strip()]
        if body:
            lines += body + [""]
    p = out / "smart_tv_remote.md"
    p.write_text("\n".join(lines), encoding="utf-8")
    manuals[str(p.resolve())] = sections
    return manuals


def chunk_sections(db, path: str, n_sections: int) -> dict[int, int]:
    """chunk id -> index of its corpus section, via the app's parser's block offsets."""
    doc = parser.parse(Path(path))
    spans: list[tuple[int, int, int]] = []  # (start, end, section index) per block
    idx = -1
    for b in doc.blocks:
        if b.kind == "heading":
            idx += 1
        spans.append((b.start, b.end, idx))
    if idx + 1 != n_sections:
        raise SystemExit(f"{path}: parser saw {idx + 1} headings, corpus has {n_sections} sections")
    starts = [s for s, _, _ in spans]
    out = {}
    rows = db.execute("SELECT c.id, c.char_start FROM chunks c JOIN manuals m ON m.id = c.manual_id"
                      " WHERE m.path = ?", (path,)).fetchall()
    for r in rows:
        # The chunker may cut a long paragraph: a chunk then starts inside a block.
        i = bisect.bisect_right(starts, r["char_start"]) - 1
        if i < 0 or not spans[i][0] <= r["char_start"] <= spans[i][1]:
            raise SystemExit(f"{path}: chunk {r['id']} starts at {r['char_start']}, outside every block")
        out[r["id"]] = spans[i][2]
    return out


def resolve_s10(section_path: str, sections: list[dict]) -> set[int]:
    parts = tuple(_norm_title(x) for x in section_path.split(">"))
    for n in range(len(parts), 0, -1):
        found = {i for i, s in enumerate(sections) if s["path"] == parts[:n]}
        if found:
            return found
    return set()


def _title_match(a: str, b: str) -> bool:
    if a == b:
        return True
    short, long_ = sorted((a, b), key=len)
    return len(short) >= 20 and long_.startswith(short)


def resolve_tv(section_path: str, sections: list[dict], chapters: list[str]) -> set[int]:
    parts = [_norm_title(x) for x in section_path.split(">")]
    titles = [s["path"][0] for s in sections]
    chap_idx = sorted({i for i, t in enumerate(titles) for c in chapters if _title_match(t, c) or t == c + "s"})
    first = next((i for i, t in enumerate(titles) if _title_match(t, parts[0]) or t == parts[0] + "s"), None)
    if first is None:
        lo, hi = 0, len(titles)
    else:
        lo = first
        hi = next((i for i in chap_idx if i > first), len(titles))
    for comp in reversed(parts[1:]):
        found = {i for i in range(lo, hi) if titles[i] == comp} or \
            {i for i in range(lo, hi) if _title_match(titles[i], comp)}
        if found:
            return found
    return set()


def _tv_chapters(tv_rows: list[dict]) -> list[str]:
    """The TV manual's chapters: the first part of each section path the TV question file names."""
    return sorted({_norm_title(r["section_path"].split(">")[0]) for r in tv_rows})


def emanual_questions(src: Path, manuals: dict[str, list[dict]], chunk_sec: dict[str, dict[int, int]]):
    s10_path, tv_path = list(manuals)
    tv_chapters = []
    sets = {}
    for name, fname in (("E-Manual S10", "s10_50_questions.csv"), ("E-Manual TV", "smart_tv_remote_50_questions.csv")):
        with open(src / fname, newline="", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        if name.endswith("TV"):
            tv_chapters = _tv_chapters(rows)
        qs, unresolved = [], []
        for r in rows:
            if name.endswith("S10"):
                mpath, secs = s10_path, resolve_s10(r["section_path"], manuals[s10_path])
            else:
                mpath, secs = tv_path, resolve_tv(r["section_path"], manuals[tv_path], tv_chapters)
            rel = {cid for cid, si in chunk_sec[mpath].items() if si in secs}
            if not secs:
                unresolved.append(r["section_path"])
            qs.append(Question(r["question_id"], r["question"].strip(), rel))
        sets[name] = (qs, unresolved)
    return sets


REMOTE_QA = "smart_remote_QA_salvaged.json"


def _question_key(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


def remote_qa_questions(src: Path, manuals: dict[str, list[dict]], chunk_sec: dict[str, dict[int, int]]):
    """E-Manual QA's Smart TV/Remote question-answer pairs (`smart_remote_QA_salvaged.json`: the
    normal, paraphrased, compound and yes/no sets, 684 pairs) over the same TV manual: [(qid,
    question, reference answer, relevant chunk ids)], with (unresolved section paths). A question
    the 50-question TV file already asks (51 of them), or one asked before in this file, is left
    out, so no question is counted twice or lands in both halves. The qid is the question's place
    in the file, so the halves stay fixed however the file's other entries are read."""
    tv_path = list(manuals)[1]
    with open(src / "smart_tv_remote_50_questions.csv", newline="", encoding="utf-8") as fh:
        tv_rows = list(csv.DictReader(fh))
    chapters = _tv_chapters(tv_rows)
    seen = {_question_key(r["question"]) for r in tv_rows}
    out, unresolved = [], []
    for i, d in enumerate(json.loads((src / REMOTE_QA).read_text(encoding="utf-8"))):
        q, ans, path = (d.get("Question") or "").strip(), d.get("Answer") or "", d.get("Section Hierarchy") or ""
        key = _question_key(q)
        if not q or key in seen:
            continue
        seen.add(key)
        secs = resolve_tv(path, manuals[tv_path], chapters)
        if not secs:
            unresolved.append(path)
        out.append((f"remote:{i}", q, ans, {cid for cid, si in chunk_sec[tv_path].items() if si in secs}))
    return out, unresolved


# ------------------------------------------------------------------------------------------
# Klipper FAQ
# ------------------------------------------------------------------------------------------

_WORD = re.compile(r"\w+")
_LINK = re.compile(r"!?\[([^\]]*)\]\(([^)]*)\)")


def content_tokens(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if len(w) >= 2 and w not in STOPWORDS}


def normalise_md(text: str) -> str:
    text = re.sub(r"```.*?```", " ", text, flags=re.S)
    text = _LINK.sub(lambda m: m.group(1), text)
    text = text.replace("`", "").replace("**", "").replace("*", "")
    return text


def sentences(text: str) -> list[str]:
    out = []
    for para in re.split(r"\n\s*\n|\n\s*[-*+]\s+|\n\s*\d+[.)]\s+", text):
        para = " ".join(para.split())
        out += [s for s in re.split(r"(?<=[.!?])\s+", para) if s]
    return out


def key_sentences(answer: str) -> list[set[str]]:
    """Content-token sets of the answer's sentences that carry the answer: five content tokens or
    more, not a cross-reference ("See the config reference for further details.") and not a
    lead-in to code or a list ("...might look like:"), which recur all over a documentation set."""
    return [t for s in sentences(normalise_md(answer))
            if len(t := content_tokens(s)) >= 5 and not s.lower().startswith("see ") and not s.endswith(":")]


def _slug(title: str) -> str:
    """GitHub-style heading anchor."""
    s = re.sub(r"[^\w\- ]", "", title.strip().lower())
    return s.replace(" ", "-")


def klipper_relevant(answer: str, chunks: list) -> set[int]:
    keys = key_sentences(answer)
    rel = set()
    if keys:
        for c in chunks:
            psents = [content_tokens(s) for s in sentences(c["text"])]
            if any(2 * len(k & p) >= 0.6 * (len(k) + len(p)) for k in keys for p in psents):
                rel.add(c["id"])
        return rel
    for _, target in _LINK.findall(answer):
        if target.startswith("#"):
            for c in chunks:
                last = c["section"].split(" > ")[-1] if c["section"] else ""
                if Path(c["path"]).name == "FAQ.md" and _slug(last) == target[1:]:
                    rel.add(c["id"])
        elif target.endswith(".md") or ".md#" in target:
            doc = target.split("#")[0].rsplit("/", 1)[-1]
            rel |= {c["id"] for c in chunks if Path(c["path"]).name == doc}
    return rel


def klipper_questions(db, qa_path: Path) -> list[Question]:
    chunks = db.execute("SELECT c.id, c.text, c.section, m.path FROM chunks c JOIN manuals m"
                        " ON m.id = c.manual_id").fetchall()
    qs = []
    with open(qa_path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                d = json.loads(line)
                qs.append(Question(d["id"], d["question"], klipper_relevant(d["answer"], chunks)))
    return qs


# ------------------------------------------------------------------------------------------
# Scoring
# ------------------------------------------------------------------------------------------

def score(ranked: list[int], relevant: set[int]) -> tuple[float, float, float]:
    r5 = 1.0 if any(c in relevant for c in ranked[:5]) else 0.0
    first = next((i for i, c in enumerate(ranked[:K]) if c in relevant), None)
    mrr = 1.0 / (first + 1) if first is not None else 0.0
    dcg = sum(1.0 / math.log2(i + 2) for i, c in enumerate(ranked[:K]) if c in relevant)
    idcg = sum(1.0 / math.log2(i + 2) for i in range(min(len(relevant), K)))
    return r5, mrr, (dcg / idcg if idcg else 0.0)


def evaluate(db, embedder, questions: list[Question], misses: list | None = None, name: str = "") -> dict:
    """{mode: (recall5, mrr10, ndcg10, n, ms_per_query)} over answerable questions, plus sims."""
    answerable = [q for q in questions if q.relevant]
    out: dict = {"n": len(answerable), "unanswerable": len(questions) - len(answerable)}
    for mode in MODES:
        tot = [0.0, 0.0, 0.0]
        t0 = time.perf_counter()
        for q in answerable:
            res = search(db, embedder, q.text, k=K, mode=mode)
            s = score([p.chunk_id for p in res.passages], q.relevant)
            tot = [a + b for a, b in zip(tot, s, strict=True)]
            if misses is not None and mode == "hybrid" and s[0] == 0:
                misses.append((name, q.text, len(q.relevant), [p.section[:70] for p in res.passages[:3]]))
        ms = (time.perf_counter() - t0) * 1000 / max(1, len(answerable))
        n = max(1, len(answerable))
        out[mode] = (tot[0] / n, tot[1] / n, tot[2] / n, ms)
    out["pages"] = _pages_peer(db, answerable)
    return out


def _pages_peer(db, answerable: list[Question]) -> tuple[float, float]:
    """The peer: plain BM25 over whole pages (the app's `page_texts`: a section of these Markdown
    manuals), the question's terms OR-ed; a page is a hit when it holds a relevant passage."""
    r5 = mrr = 0.0
    for q in answerable:
        marks = ",".join("?" * len(q.relevant))
        keys = {page_key(r[0], r[1], r[2]) for r in db.execute(
            f"SELECT manual_id, page, section FROM chunks WHERE id IN ({marks})", list(q.relevant))}
        ranked = [k for k, _ in pages_keyword(db, fts_query(query_terms(q.text)), K)]
        first = next((i for i, k in enumerate(ranked) if k in keys), None)
        r5 += 1.0 if first is not None and first < 5 else 0.0
        mrr += 1.0 / (first + 1) if first is not None else 0.0
    n = max(1, len(answerable))
    return r5 / n, mrr / n


def similarity_stats(db, embedder, texts: list[str], min_rel: float) -> tuple[list[float], int, list[str]]:
    """best_similarity per text, how many the app would answer, and those answered only through
    the exact-hit-on-a-token-with-digits escape (similarity below the threshold)."""
    sims, answered, by_digits = [], 0, []
    for t in texts:
        res = search(db, embedder, t, k=Settings().top_k)
        sims.append(res.best_similarity)
        ok = is_relevant(res, min_rel)
        answered += ok
        if ok and res.best_similarity < min_rel:
            by_digits.append(t)
    return sims, answered, by_digits


# ------------------------------------------------------------------------------------------

def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("devdata", nargs="?", type=Path, default=DEFAULT_DEVDATA)
    ap.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    ap.add_argument("--embedding-file", default="model.onnx", help=EMBEDDING_FILE_HELP)
    ap.add_argument("--show-misses", action="store_true",
                    help="print hybrid misses at 5, and where each Klipper question's relevant chunks are")
    ap.add_argument("--only", choices=("emanual", "klipper"), help="run one dataset only")
    ap.add_argument("--half", choices=("tune", "report", "all"), default="all",
                    help="score one half of the questions (the weights are chosen on tune)")
    ap.add_argument("--tv-level", type=int, default=1, choices=(1, 2),
                    help="heading level of the flat Smart TV sections (2 shows the nesting of"
                         " same-level headings when the first heading is not level 1)")
    args = ap.parse_args()
    devdata = args.devdata.resolve()
    if not (devdata / "emanualqa").is_dir():
        print(f"no devdata at {devdata}", file=sys.stderr)
        return 2
    banner("retrieval quality: hybrid vs BM25 vs vector (same chunks)")
    real_sims: dict[str, list[float]] = {}
    real_answered: dict[str, tuple[int, int]] = {}
    unrel: dict[str, tuple[list[float], int, list[str]]] = {}
    misses: list = [] if args.show_misses else None

    with temp_home() as home:
        min_rel = Settings().min_relevance  # defaults and FIELD_ASSISTANT_* variables only
        results: dict = {"machine_load_start": loadavg(), "min_relevance": min_rel, "datasets": {}}
        embedder = load_embedder(args.embedding_file)
        # ---- E-Manual QA
        if args.only != "klipper":
            _emanual(args, devdata, home, embedder, min_rel, results, real_sims, real_answered, unrel, misses)
        # ---- Klipper
        if args.only != "emanual":
            _klipper(args, devdata, home, embedder, min_rel, results, real_sims, real_answered, unrel, misses)

    _report(args, results, real_sims, real_answered, unrel, misses, min_rel)
    return 0


def in_half(args, qid: str) -> bool:
    return args.half == "all" or half_of(qid) == args.half


def _emanual(args, devdata, home, embedder, min_rel, results, real_sims, real_answered, unrel, misses):
    src = devdata / "emanualqa"
    mdir = home / "emanual-src"
    mdir.mkdir()
    manuals = write_emanual(src, mdir, args.tv_level)
    db = dbmod.connect(home / "emanual.sqlite3")
    t0 = time.perf_counter()
    rep = ingest.run(db, embedder, list(manuals))
    if rep.failed:
        raise SystemExit(f"ingest failed: {rep.failed}")
    n_chunks = db.execute("SELECT count(*) FROM chunks").fetchone()[0]
    print(f"   E-Manual: ingested 2 manuals, {n_chunks} chunks in {time.perf_counter() - t0:.1f} s")
    chunk_sec = {p: chunk_sections(db, p, len(secs)) for p, secs in manuals.items()}
    sets = {name: ([q for q in qs if in_half(args, f"{name}:{q.qid}")], unresolved)
            for name, (qs, unresolved) in emanual_questions(src, manuals, chunk_sec).items()}
    all_em = []
    for name, (qs, unresolved) in sets.items():
        if unresolved:
            print(f"   {name}: {len(unresolved)} section paths not found in the corpus: {unresolved}")
        results["datasets"][name] = evaluate(db, embedder, qs, misses, name)
        all_em += qs
    results["datasets"]["E-Manual both"] = evaluate(db, embedder, all_em)
    remote, unresolved = remote_qa_questions(src, manuals, chunk_sec)
    if unresolved:
        print(f"   Smart Remote QA: {len(unresolved)} section paths not found in the corpus: {unresolved}")
    results["datasets"]["Smart Remote QA"] = evaluate(
        db, embedder, [Question(qid, q, rel) for qid, q, _ans, rel in remote if in_half(args, qid)], misses,
        "Smart Remote QA")
    sims, ans, _ = similarity_stats(db, embedder, [q.text for q in all_em], min_rel)
    real_sims["E-Manual"], real_answered["E-Manual"] = sims, (ans, len(all_em))
    unrel["E-Manual"] = similarity_stats(db, embedder, UNRELATED, min_rel)
    db.close()


def _klipper(args, devdata, home, embedder, min_rel, results, real_sims, real_answered, unrel, misses):
    kdir = devdata / "klipper"
    files = ingest.expand([kdir / "docs"])
    db = dbmod.connect(home / "klipper.sqlite3")
    t0 = time.perf_counter()
    rep = ingest.run(db, embedder, files)
    if rep.failed:
        raise SystemExit(f"ingest failed: {rep.failed}")
    n_chunks = db.execute("SELECT count(*) FROM chunks").fetchone()[0]
    print(f"   Klipper: ingested {len(rep.added)} files, {n_chunks} chunks in {time.perf_counter() - t0:.1f} s")
    qs = [q for q in klipper_questions(db, kdir / "klipper_faq_qa.jsonl") if in_half(args, q.qid)]
    results["datasets"]["Klipper all docs"] = evaluate(db, embedder, qs, misses, "Klipper all")
    _details(args, "Klipper all", qs, db)
    sims, ans, _ = similarity_stats(db, embedder, [q.text for q in qs], min_rel)
    real_sims["Klipper"], real_answered["Klipper"] = sims, (ans, len(qs))
    unrel["Klipper"] = similarity_stats(db, embedder, UNRELATED, min_rel)
    faq = next(str(f) for f in files if f.name == "FAQ.md")
    ingest.remove(db, faq)
    qs = [q for q in klipper_questions(db, kdir / "klipper_faq_qa.jsonl") if in_half(args, q.qid)]
    results["datasets"]["Klipper without FAQ.md"] = evaluate(db, embedder, qs, misses, "Klipper no FAQ")
    _details(args, "Klipper no FAQ", qs, db)
    db.close()


def _report(args, results, real_sims, real_answered, unrel, misses, min_rel):
    rows = []
    for name, r in results["datasets"].items():
        h, b, v = r["hybrid"], r["bm25"], r["vector"]
        pg = r["pages"]
        rows.append([name, f"{r['n']}" + (f" (+{r['unanswerable']} unanswerable)" if r["unanswerable"] else ""),
                     f"{h[0]:.2f} / {b[0]:.2f} / {v[0]:.2f}", f"{h[1]:.2f} / {b[1]:.2f} / {v[1]:.2f}",
                     f"{h[2]:.2f} / {b[2]:.2f} / {v[2]:.2f}", f"{pg[0]:.2f} / {pg[1]:.2f}",
                     f"{h[0] / b[0]:.2f}" if b[0] else "n/a", f"{h[3]:.0f} / {b[3]:.0f} / {v[3]:.0f}"])
    print()
    print("Recall@5, MRR@10, nDCG@10 as hybrid / BM25 / vector over passages; peer: BM25 over whole"
          " pages (sections), R@5 / MRR; ratio = hybrid R@5 / BM25 R@5")
    print(table(["dataset", "questions", "Recall@5", "MRR@10", "nDCG@10", "BM25 pages", "ratio", "ms/query"],
                rows))

    print()
    print(f"Abstention at min_relevance = {min_rel} (app rule: best_similarity >= threshold or exact hit"
          " on a token with digits)")
    arows = []
    for name in real_sims:
        rs, (ra, rn) = real_sims[name], real_answered[name]
        us, ua, via = unrel[name]
        arows.append([name, f"{_q(rs)}", f"{_q(us)}", f"{1 - ra / rn:.0%} ({rn - ra}/{rn})",
                      f"{ua / len(us):.0%} ({ua}/{len(us)})", len(via)])
    print(table(["library", "real best_sim min/p10/p50/p90/max", "unrelated min/p10/p50/p90/max",
                 "real abstained", "unrelated answered", "of which via digits rule"], arows))
    for name in unrel:
        for q in unrel[name][2]:
            print(f"   {name}: answered only through the digits rule: {q!r}")
    allr = [s for v in real_sims.values() for s in v]
    allu = [s for v in unrel.values() for s in v[0]]
    best = max((round(t * 0.01, 2) for t in range(5, 80)),
               key=lambda t: (_frac(allr, t) - _frac(allu, t), -abs(t - min_rel)))
    safe = max((round(t * 0.01, 2) for t in range(5, 80) if _frac(allr, round(t * 0.01, 2)) >= 0.95), default=None)
    print()
    print("similarity threshold sweep (best_similarity only): real answered / unrelated answered")
    sweep = [[t, f"{_frac(allr, t):.0%}", f"{_frac(allu, t):.0%}"] for t in
             sorted({0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, best} | ({safe} if safe else set()))]
    print(table(["threshold", "real answered", "unrelated answered"], sweep))
    print(f"suggested min_relevance: {best:.2f} (maximises real answered - unrelated answered);"
          f" highest threshold that still answers >= 95% of real questions: {safe}")
    results["abstention"] = {
        "real": real_sims, "unrelated": {k: v[0] for k, v in unrel.items()},
        "real_answered": real_answered, "unrelated_answered": {k: v[1] for k, v in unrel.items()},
        "unrelated_via_digits": {k: v[2] for k, v in unrel.items()},
        "suggested": best, "max_threshold_95pct_real": safe,
    }
    results["machine_load_end"] = loadavg()
    print(f"   {loadavg()}")
    if misses:
        print("\nhybrid misses at 5 (dataset: question [relevant chunks] -> top 3 sections):")
        for name, q, nrel, secs in misses:
            print(f"  {name}: {q} [{nrel}]\n      {secs}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))


def _details(args, name: str, qs: list[Question], db) -> None:
    if not args.show_misses:
        return
    print(f"   {name}: relevant chunks per question (documents):")
    for q in qs:
        docs: dict[str, int] = {}
        if q.relevant:
            marks = ",".join("?" * len(q.relevant))
            for r in db.execute(f"SELECT m.path FROM chunks c JOIN manuals m ON m.id = c.manual_id"
                                f" WHERE c.id IN ({marks})", list(q.relevant)):
                doc = Path(r["path"]).name
                docs[doc] = docs.get(doc, 0) + 1
        print(f"     {q.qid}: {len(q.relevant)} {docs}")


def _frac(xs: list[float], t: float) -> float:
    return sum(x >= t for x in xs) / len(xs) if xs else 0.0


def _q(xs: list[float]) -> str:
    from _common import percentile

    if not xs:
        return "-"
    return "/".join(f"{v:.2f}" for v in (min(xs), percentile(xs, 10), percentile(xs, 50), percentile(xs, 90), max(xs)))


if __name__ == "__main__":
    sys.exit(main())
