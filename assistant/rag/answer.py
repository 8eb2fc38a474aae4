"""Grounded answers: retrieve, decide whether the manuals can answer, prompt, stream, cite, warn.

`ask()` is a generator of events (retrieved passages, tokens, the final answer) so the CLI and the
GUI render the same stream. The small default model is only as trustworthy as the passages it
was given, so every answer carries its citations (manual, page, passage) and any safety text
(DANGER / WARNING / CAUTION) found next to them.
"""

from __future__ import annotations

import itertools
import logging
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .. import values
from ..embedding import Embedder
from ..errors import Cancelled
from ..library.safety import SAFETY_RE, is_legend, safety_level
from ..settings import Settings
from . import direct as directmod
from . import markers, row_choice, spec_answer
from . import prompt as promptmod
from .head_start import HeadStart
from .search import (
    STOPWORDS,
    Passage,
    SearchResult,
    joined_codes,
    neighbours,
    search,
    section_neighbours,
)

log = logging.getLogger(__name__)

NOT_FOUND = "Not found in the loaded manuals."
UNCITED_SHOWN = 3  # passages shown with an answer that cites none (see first_passages)
_WORD = re.compile(r"[a-z0-9][a-z0-9\-./]*")


@dataclass
class Citation:
    n: int
    manual: str
    path: str
    page: int | None
    section: str
    text: str
    chunk_id: int
    char_start: int
    char_end: int
    ocr: bool = False  # the passage was read by OCR from a page image
    ocr_confidence: float | None = None
    revision: str | None = None  # the depot manual's revision cited (None: a local manual)
    depot_id: str | None = None

    @classmethod
    def of(cls, n: int, p: Passage) -> Citation:
        """Passage `p` as citation number `n`."""
        return cls(n, p.manual, p.path, p.page, p.section, p.text, p.chunk_id, p.char_start, p.char_end,
                   p.ocr, p.ocr_confidence, p.revision, p.depot_id)


def first_passages(passages: list[Passage]) -> list[Citation]:
    """The passages to show when none was cited (the model pointed to none, it abstained, or there
    is no model to write): the first UNCITED_SHOWN, numbered as given.

    Args:
        passages: the retrieved passages (or those given to the model), best first.
    Returns:
        Citations 1..UNCITED_SHOWN (fewer when there are fewer passages).
    """
    return [Citation.of(i + 1, p) for i, p in enumerate(passages[:UNCITED_SHOWN])]


@dataclass
class SafetyNote:
    level: str
    manual: str
    path: str
    page: int | None
    section: str
    text: str
    chunk_id: int


@dataclass
class Answer:
    answer: str
    abstained: bool
    citations: list[Citation]
    warnings: list[SafetyNote]
    model: str | None
    timings: dict
    citation_source: str = "model"  # "model" | "attributed" | "retrieved" | "none"
    # Values in the answer (numbers, part numbers, codes) that no passage given to the model
    # contains: with a small model these are the likely hallucinations, so the edge flags them.
    unverified: list[str] = field(default_factory=list)
    passages: list[Passage] = field(default_factory=list)
    # The manual's own line that answers the question (`direct.find`), shown before the prose.
    direct: directmod.Direct | None = None
    # Procedures whose steps lie in the best passages, offered to start: [{id, title, manual, page}].
    procedures: list[dict] = field(default_factory=list)
    spec_rows: list[dict] = field(default_factory=list)  # table rows matching the question (`specs`)
    # The current job this answer is for (`assistant.fleet.jobs.Scope.to_json`), None without one.
    job: dict | None = None
    # Which version of the model wrote it (issue 15): the depot's model document id when the depot
    # installed it, else "local:<file name>:<size in bytes>". None when no model wrote (abstained).
    model_version: str | None = None
    # Sentences the model wrote and the answer leaves out: each held a value no passage given to the
    # model holds (`without_unverified`). They were streamed; the final answer is without them.
    dropped: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        d = asdict(self)
        d["passages"] = [p.to_json(i + 1) for i, p in enumerate(self.passages)]
        return d


@dataclass
class AnswerEvent:
    kind: str  # "retrieved" | "token" | "done"
    text: str = ""
    passages: list[Passage] = field(default_factory=list)
    warnings: list[SafetyNote] = field(default_factory=list)
    answer: Answer | None = None
    direct: directmod.Direct | None = None  # with "retrieved"
    procedures: list[dict] = field(default_factory=list)  # with "retrieved": see Answer.procedures
    spec_rows: list[dict] = field(default_factory=list)  # with "retrieved"


KEYWORD_ONLY_COVERAGE = 0.5
# Start the model reading the prompt before the direct answer is found (head_start). Off: on this
# loaded 2-core machine the overlap did not shorten the first token (1.060x raw vs 0.996x serial,
# within the run's noise) and the direct answer came out later (median 458 vs 312 ms), its
# embedding sharing a core with the prefill (bench/README.md). bench/ask_speed.py --other-order
# measures both; worth trying on an idle device.
HEAD_START = False
# Give the model the direct answer's line as the first thing it reads (prompt.quote_lead); off
# only to measure against (bench/answer_quality.py --no-quote).
QUOTE_DIRECT = True
# Leave out of the answer the sentences whose values no passage given to the model holds
# (`without_unverified`; Answer.dropped keeps them). Off: they stay, flagged in Answer.unverified and
# marked "not in the cited passages: check the manual" by the CLI and the GUI, as issue 11 asks. Off
# because the CLI has already streamed a sentence when it would be dropped (it would show it with no
# mark), and on the report halves no answer had a sentence to drop: nothing measured gains from it.
DROP_UNVERIFIED = False
# Start the model's answer with the direct answer's words (prompt.prime_for): "nav", its navigation
# line; "line", all of it; "" none. Only for the families listed (chosen with the 0.5B, qwen2), and
# only when the direct answer scored at least PRIME_MIN_SCORE (a weak line is no answer to begin
# with: the model may still say "not found", which primed text would contradict).
PRIME = "nav"
PRIME_FAMILIES = {"qwen2"}
PRIME_MIN_SCORE = 0.25
# How the model gets a spec row that is the direct answer: "table", as a "Table row (from passage
# [n]): caption: headers: cells" block before the passages; "quote", as the direct answer's line
# ("The manual says [n]: Pump mounting bolts — Size: M12; Torque: 68 Nm", the line the qwen2 system
# text explains); "prime", quoted and the answer started with it. For PRIME_FAMILIES only (other
# families keep the block: not measured). Measured with bench/answer_quality.py --specs
# (bench/README.md, "Spec rows in the answer").
SPEC_ROW = "prime"


def model_version(db, chat) -> str | None:
    """The version of the model that wrote an answer: its depot document when the depot installed
    this file (matched by name and size), else the local file's name and size."""
    name = getattr(chat, "name", None)
    path = getattr(chat, "path", None)
    if not name:
        return None
    try:
        size = Path(path).stat().st_size if path else None
    except OSError:
        size = None
    row = db.execute("SELECT id FROM depot_docs WHERE kind = 'model' AND state IN ('active', 'previous') "
                     "AND json_extract(doc, '$.filename') = ? AND json_extract(doc, '$.size') = ?",
                     (name, size)).fetchone()
    return row[0] if row else f"local:{name}:{size}"


# The direct answer's score at which its line alone makes a question answerable (`retrieve`). The
# best line for any of retrieval_quality.py's 32 unrelated questions scored at most 0.35 over the
# demo, E-Manual, Klipper and independent libraries (2026-12-07); a margin above that.
LINE_FOUND = 0.5
# A lower bar when the line is the spec-row search's best row: two searches (the passages' lines,
# the table rows) agree on it. "What does the yellow LED mean?" (its row "Yellow LED | Running on
# battery, or in bypass mode" at 0.41) was "Not found" in the demo library. The spec-row search
# gives no row at all to 31 of the 32 unrelated questions, over a 113-manual library.
LINE_FOUND_WITH_ROW = 0.3


def _holds_every_word(question: str, line: directmod.Direct) -> bool:
    """Whether the line, with its heading and manual name, holds every word of the question (number
    words aside, and the kind a "how long/much/many ..." asks when the line gives a value with its
    unit), and the question has three or more (two, and that value): "can I swap two phases to
    change direction" (the pump's "If the direction is wrong, change parameter P11 ...; do not swap
    supply phases ...", 0.45) was "Not found". No unrelated question's best line holds all its words over the five dev libraries."""
    # A number word is a quantity, not what the question is about ("swap two phases"); allowing any
    # one word in four to be missing let "How many strings does a violin have?" through.
    q = directmod.question_terms(question) - _NUMBER_TERMS
    held = directmod.context_terms(line.text, line.section, line.manual)
    if len(q) >= 3 and q <= held:
        return True
    # "How long should I hold the vacuum?": "long" says a quantity is asked, which the line gives
    # as its value ("hold the vacuum for 30 minutes", 0.39), not as the word; two other words and
    # a value with its unit are as much.
    kind = _HOW_KIND.search(question)
    if kind is None:
        return False
    q -= directmod.question_terms(kind.group(1))
    return len(q) >= 2 and q <= held and _gives_value(line.text)


def _gives_value(text: str) -> bool:
    """Whether `text` holds a value with its unit; "Fig. 3 in the appendix" and "table 2 a" are a
    number before a word, not 3 inches or 2 amperes."""
    return any(f.kind == "quantity" and " " in f.key and _UNIT_AS_WRITTEN.sub("", f.text) not in _WORD_UNITS
               for f in values.facts(text))


_UNIT_AS_WRITTEN = re.compile(r"^[-+\d.,]+\s*")
_WORD_UNITS = {"in", "a", "c", "f", "b"}  # as written, lowercase: English words after a number


_NUMBER_TERMS = directmod.question_terms("one two three four five six seven eight nine ten once twice")
_HOW_KIND = re.compile(r"\bhow (long|much|many|often|far|big|heavy|hot|cold|high|low|tight|wide|deep|thick|fast|loud)\b",
                       re.IGNORECASE)


def _is_row(line: directmod.Direct, row) -> bool:
    """Whether the direct answer's line is `row` (a table row read from the passage as "a | b"): one
    of its lines has the row's cells, empty ones too ("Every 6 months | Check ... | " with no note)."""
    cells = [" ".join(c.split()) for c in row.cells]
    return any(c for c in cells) and any(directmod.row_cells(x) == cells for x in line.text.splitlines())


def is_relevant(res: SearchResult, min_similarity: float) -> bool:
    """Whether retrieval found something worth answering from.

    Embedding similarity is the main signal; an exact hit on a token with digits (a part number,
    an error code, a value) counts too, because MiniLM scores such tokens poorly. Without the
    embedding model (keyword search only) a passage holding at least half of the question's terms
    counts: otherwise every question would be "not found" until the model is back.
    """
    if not res.passages:
        return False
    if not res.vector_used:
        return res.specific_hit or res.keyword_coverage >= KEYWORD_ONLY_COVERAGE
    return res.best_similarity >= min_similarity or res.specific_hit


def safety_near(db, passages: list[Passage]) -> dict[int, list[SafetyNote]]:
    """DANGER / WARNING / CAUTION text in or near each passage (same page or section).

    Looked up once per answer, for every retrieved passage: the notes pinned while the model
    writes and those kept with its citations are both picked from it (`safety_notes`).

    Args:
        db: the library connection.
        passages: the retrieved passages.
    Returns:
        The notes near each passage, by the passage's chunk id, in manual order.
    """
    near: dict[int, list[SafetyNote]] = {}
    for p in passages:
        top = p.section.split(" > ")[0]
        notes = near[p.chunk_id] = []
        for q in neighbours(db, p):
            if not q.safety or not (q.page == p.page if p.page is not None else q.section.split(" > ")[0] == top):
                continue
            paras = [x for x in q.text.split("\n\n") if SAFETY_RE.search(x)] or [q.text]
            # The manual's legend of its signal words was pinned as a DANGER note of its own.
            paras = [x for x in paras if not is_legend(x)]
            if not paras:
                continue
            notes.append(SafetyNote(safety_level("\n".join(paras)) or q.safety, q.manual, q.path, q.page, q.section,
                                    "\n".join(paras)[:600], q.chunk_id))
    return near


def of_the_job(passages: list[Passage], direct: directmod.Direct | None, retrieved: list[Passage]) -> list[Passage]:
    """Of `passages`, those of the manual the direct answer is from, when there is one, its own
    passage first (of `retrieved`): its equipment is what the technician works on. Another manual's
    passage, close to the question by its words only, brought that device's warnings to the answer:
    "How long should I hold the vacuum?" (the rooftop unit's line) was shown the UPS guide's
    hazardous-voltage notes, for its "vacuum cleaners", and none of the rooftop unit's. Without a
    direct answer, all of them."""
    if direct is None:
        return passages
    job = [p for p in passages if p.manual == direct.manual]
    own = next((p for p in retrieved if p.chunk_id == direct.chunk_id), None)
    return [own, *(p for p in job if p is not own)] if own is not None else job


def safety_notes(near: dict[int, list[SafetyNote]], passages: list[Passage], limit: int = 4) -> list[SafetyNote]:
    """The notes near `passages` (looked up by `safety_near`), each once, DANGER first, then WARNING, CAUTION.

    Args:
        near: `safety_near` of passages that include these.
        passages: the passages whose notes to show, most important first.
        limit: at most this many notes.
    Returns:
        The notes, most severe first (in passage order within a level).
    """
    notes: list[SafetyNote] = []
    seen: set[int] = set()
    for p in passages:
        for note in near[p.chunk_id]:
            if note.chunk_id not in seen:
                seen.add(note.chunk_id)
                notes.append(note)
    # The chunker repeats a short paragraph at the start of the next chunk, so one warning can be
    # the note of two chunks: the demo pump's "CAUTION: Hot surfaces ..." stood alone under the
    # note that already held it. A note whose text another note holds is not shown again.
    # The note that holds it takes its place (the earliest of those it holds): from a passage further
    # down, it could otherwise fall past `limit` and the warning not be shown at all.
    flat = [" ".join(n.text.split()) for n in notes]
    kept = [i for i in range(len(notes))
            if not any(j != i and flat[i] in flat[j] and (flat[i] != flat[j] or j < i) for j in range(len(notes)))]
    place = {j: min(i for i in range(len(notes)) if flat[i] in flat[j]) for j in kept}
    notes = [notes[j] for j in sorted(kept, key=place.__getitem__)]
    order = {"DANGER": 0, "WARNING": 1, "CAUTION": 2}
    return sorted(notes, key=lambda n: order.get(n.level, 3))[:limit]


def _words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in STOPWORDS and len(w) > 2}


_LIST_MARK = re.compile(r"[ \t]*(?:\d{1,2}[.)]|[-*\u2022])[ \t]+")
# The next item's number ending a sentence, after a colon (or a marker): "follow these steps: 1."
_TRAILING_ITEM = re.compile(r"(?:^|(?<=[:\]])\s+)(\d{1,2})[.)]$")


def attribute(answer: str, passages: list[Passage]) -> tuple[str, set[int]]:
    """Add [n] markers to answer sentences that plainly restate a passage (when the model gave none).

    A sentence is attributed to the passage sharing most of its content words (at least half of
    them, and at least two); sentences with no such passage stay unmarked. The answer's lines stay
    lines, and a list item's number is not a sentence: "follow these steps:\n1. Open the valve."
    is marked "... steps:\n1. Open the valve [1].", not "... steps:\n1 [1]. Open ...".
    """
    pw = [_words(p.text) for p in passages]
    used: set[int] = set()
    last = [0]  # the number of the answer's last list item

    def mark(sent: str) -> str:
        # "... the next step is: 2." ends with the next item's number: the marker goes before it. A
        # number out of sequence is the sentence's value: "P07's factory setting is 20." is marked
        # "... is 20 [1].", not "... is [1] 20.".
        item = _TRAILING_ITEM.search(sent)
        if item and int(item.group(1)) in (1, last[0] + 1):
            last[0] = int(item.group(1))
        else:
            item = None
        tail = item.group(0) if item else ""
        sent = sent[: item.start()] if item else sent
        sw = _words(sent)
        best, n = 0.0, 0
        for i, words in enumerate(pw):
            common = len(sw & words)
            score = common / len(sw) if sw else 0.0
            if common >= 2 and score > best:
                best, n = score, i + 1
        if n and best >= 0.5:
            stripped = sent.rstrip()
            end = stripped[-1] if stripped and stripped[-1] in ".!?" else ""
            sent = (stripped[:-1] if end else stripped) + f" [{n}]" + end
            used.add(n)
        return sent + tail

    lines = []
    for line in answer.strip().split("\n"):
        lead = _LIST_MARK.match(line)
        head = lead.group(0) if lead else ""
        if number := re.match(r"\s*(\d+)", head):
            last[0] = int(number.group(1))
        body = line[len(head):]
        lines.append(head + " ".join(mark(s) for s in re.split(r"(?<=[.!?])\s+", body)) if body.strip() else line)
    return "\n".join(lines), used


def _checked_text(p: Passage | Citation) -> str:
    """A passage's (or citation's) text as values are checked against: its manual's title and its
    section hold values too (a model number, a "230 V" heading)."""
    return f"{p.manual}\n{p.section}\n{p.text}"


def cite_values(answer: str, citations: list[Citation], passages: list[Passage],
                quoted: list[Passage]) -> list[Citation]:
    """`citations` with, added, the passage that holds each value of `answer` no cited passage
    holds: the first of `passages` (numbered as given to the model) that holds it, else the quoted
    line's passage (`quoted`: the direct answer's, numbered after them when the prompt's budget left
    it out). The model copies values from the "The manual says [n]:" line and cites another
    passage, or none; every value shown should have its source among the citations (issue 11
    section 6: groundedness is counted over the cited passages)."""
    missing = values.unsupported(answer, [_checked_text(c) for c in citations])
    if not missing:
        return citations
    have = {c.chunk_id for c in citations}
    extra = [p for p in quoted if all(p.chunk_id != g.chunk_id for g in passages)]
    numbered = [(i + 1, p) for i, p in enumerate(passages)] + [(len(passages) + 1 + i, p) for i, p in enumerate(extra)]
    added = list(citations)
    for value in missing:
        if not values.unsupported(value, [_checked_text(c) for c in added]):
            continue  # a passage added for an earlier value holds this one too
        for n, p in numbered:
            if p.chunk_id not in have and not values.unsupported(value, [_checked_text(p)]):
                added.append(Citation.of(n, p))
                have.add(p.chunk_id)
                break
    return sorted(added, key=lambda c: c.n)


def unverified_values(answer: str, passages: list[Passage], also: list[str] | None = None) -> list[str]:
    """Values in `answer` (quantities with units, part numbers, codes) found in none of `passages`
    (nor in the texts `also`: the manual's words the app itself put in the answer), compared as
    values (`values.unsupported`: 68 Nm = 68 N·m, 68 is not 680)."""
    return values.unsupported(answer, [_checked_text(p) for p in passages] + (also or []))


_SENTENCE_GAP = re.compile(r"(?<=[.!?])(\s+)")


def without_unverified(answer: str, passages: list[Passage], also: list[str] | None = None) -> tuple[str, list[str]]:
    """`answer` without its sentences that hold a value no passage holds (`unverified_values`), and
    the sentences left out; `answer` unchanged when every sentence would go (then the values stay,
    flagged). The 0.5B's invented values come a sentence at a time ("Set the opacity to 50% or 100%.")
    after the manual's words, which the rest of the answer keeps."""
    parts = _SENTENCE_GAP.split(answer.strip())
    kept, dropped = [], []
    for i in range(0, len(parts), 2):
        sent, gap = parts[i], parts[i + 1] if i + 1 < len(parts) else ""
        if unverified_values(sent, passages, also):
            dropped.append(sent)
        else:
            kept.append(sent + gap)
    text = "".join(kept).strip()
    return (text, dropped) if dropped and text else (answer, [])


def procedure_offers(db, passages: list[Passage]) -> list[dict]:
    """The procedures whose steps lie in these passages, as {id, title, manual, page} ("Start
    procedure" under the answer)."""
    from ..procedures import store

    return [store.offer(p) for p in store.for_chunks(db, [p.chunk_id for p in passages])]


def _measured_cap(chat) -> int | None:
    """The prompt size this model reads within the latency budget here (`models bench`)."""
    from .. import model_bench  # here: model_bench loads llm, which a search-only caller never needs

    path = getattr(chat, "path", None)
    return model_bench.prompt_cap(path) if path is not None else None


def prompt_for(question: str, passages: list[Passage], chat, settings, lead: str,
               direct: directmod.Direct | None) -> promptmod.BuiltPrompt:
    """The prompt `ask` gives `chat`: the model family's system text, the passages that fit the
    budget (the context less the answer's allowance, and the prompt size this model reads in time
    here), a spec row's `lead`, and the direct answer's line first (quote_lead) unless that answer is
    the spec row the lead already gives; for PRIME_FAMILIES a spec row that answers is that line
    instead of the lead, and with SPEC_ROW "prime" the answer's first words too. bench/ask_speed.py
    gives raw llama.cpp the same."""
    quote = (direct.text, direct.chunk_id) if QUOTE_DIRECT and direct and direct.kind == "passage" else None
    family = getattr(chat, "family", None)
    prime = ""
    if PRIME and family in PRIME_FAMILIES and direct and direct.kind == "passage" and direct.score >= PRIME_MIN_SCORE:
        prime = promptmod.prime_for(direct.text, whole=PRIME == "line")
    if direct and direct.kind == "spec_row" and SPEC_ROW in ("quote", "prime") and family in PRIME_FAMILIES:
        quote, lead = (direct.text, direct.chunk_id), ""
        if SPEC_ROW == "prime":
            prime = " ".join(direct.text.split())
    return promptmod.build(question, passages, chat.render, chat.count,
                           budget=min(chat.n_ctx - settings.max_answer_tokens - 8,
                                      settings.max_prompt_tokens or _measured_cap(chat) or chat.n_ctx),
                           system=promptmod.system_for(family), lead=lead, quote=quote, prime=prime)


def ask(
    db,
    embedder: Embedder | None,
    chat_loader: Callable[[], object],
    question: str,
    settings: Settings,
    cancel: threading.Event | None = None,
    all_manuals: bool = False,
) -> Iterator[AnswerEvent]:
    """Answer `question` from the library; yields retrieved → token… → done.

    Args:
        chat_loader: returns the loaded ChatModel; called only when there is something to answer
            from, so abstaining or searching never needs the chat model.
        all_manuals: search every manual even while a job is current (which otherwise scopes the
            search to its asset's manuals: assistant/fleet/jobs.py).
    Raises:
        Cancelled: `cancel` was set during generation.
        ModelMissingError / ModelCorruptError: from `chat_loader`.
    """
    from ..fleet import counters
    from ..fleet import jobs as jobsmod

    job = None if all_manuals else jobsmod.scope(db, settings.device_groups)
    started: list[HeadStart] = []
    try:
        for ev in _ask(db, embedder, chat_loader, question, settings, cancel, job.only if job else None, started):
            if ev.kind == "done":
                ev.answer.job = job.to_json() if job else None
                counters.record_answer(db, ev.answer.abstained, ev.answer.timings.get("ttft_ms"))
            yield ev
    except Cancelled:
        raise
    except Exception:
        counters.record(db, "error")
        raise
    finally:
        # Stopped listening early, or failed: the prefill ends before the model is used again.
        for head in started:
            head.close()


@dataclass
class Retrieved:
    """What one question's retrieval found: the passages (`res.passages`: the search's top k,
    with a spec row's passage first when the search missed it), the spec-row match, and whether
    there is anything to answer from."""

    res: SearchResult
    spec: spec_answer.SpecMatch
    relevant: bool
    # The chunks right before and after the first passages in their sections (`direct.find` reads
    # them too: an answer often goes on past the chunker's cut); not given to the model.
    around: list[Passage] = field(default_factory=list)
    # The question's words that named the manual it is about (`row_choice.manual_a_word_names`), if any.
    naming: frozenset[str] = frozenset()
    # The passages' best line, when `retrieve` found it to weigh the spec row against
    # (`row_choice.unless_a_line_holds_more`), and what it was found over (`_find_inputs`; None:
    # not found): `direct_answer` shows it when it would find it over the same again.
    line: directmod.Direct | None = None
    line_of: tuple | None = None


def _find_inputs(question: str, res: SearchResult, around: list[Passage], embedder) -> tuple:
    """What `direct.find` reads for a question's line (its query vector is the embedder's for the
    question): the same inputs give the same line."""
    return question, tuple(res.passages), tuple(around), res.scope, res.common, embedder


class _Lines:
    """The chunks around a retrieval's first passages and the passages' best line, each found once
    for the same passages: the row rule reads them before `retrieve` narrows the passages to a
    named manual (or puts the row's passage first), `direct_answer` after; found again only when
    that changed them."""

    def __init__(self, db, question: str, res: SearchResult, embedder):
        self.db, self.question, self.res, self.embedder = db, question, res, embedder
        self._around: tuple[tuple, list[Passage]] | None = None
        self.line: directmod.Direct | None = None
        self.line_of: tuple | None = None

    def around(self) -> list[Passage]:
        """`section_neighbours` of the first AROUND_OF passages."""
        first = tuple(self.res.passages[:directmod.AROUND_OF])
        if self._around is None or self._around[0] != first:
            self._around = first, section_neighbours(self.db, list(first))
        return self._around[1]

    def best(self) -> directmod.Direct | None:
        """`direct.find` over the passages, the chunks around them and the search's scope."""
        around = self.around()
        of = _find_inputs(self.question, self.res, around, self.embedder)
        if self.line_of != of:
            self.line = directmod.find(self.question, self.res.passages, self.embedder, qvec=self.res.qvec,
                                       around=around, common=self.res.common, scope=self.res.scope)
            self.line_of = of
        return self.line


def retrieve(db, embedder: Embedder | None, question: str, settings: Settings,
             only: set[int] | None = None, timings: dict | None = None) -> Retrieved:
    """The app's retrieval for `question` (bench/direct_answer.py calls it too, so the direct
    answer it scores is found over the app's passages): the passage search at `settings.top_k`,
    then the spec-row lookup, then the relevance test. `timings` gets retrieve_ms, the passage
    search alone."""
    question = joined_codes(question)  # "E 12" is the code E12 for the row and line finders too
    t0 = time.perf_counter()
    res = search(db, embedder, question, k=settings.top_k, only=only)
    if timings is not None:
        timings["retrieve_ms"] = round((time.perf_counter() - t0) * 1000, 1)
    # A table row that answers (a torque, a fuse size, a fault code) is the direct answer, and its
    # passage is cited even when the passage ranking missed it.
    spec = spec_answer.lookup(db, question, qvec=res.qvec, only=only)
    if spec.row is None and (row := row_choice.symptom_row(question, spec.rows)
                             or row_choice.row_named_whole(question, spec.rows)):
        spec = spec_answer.SpecMatch(spec.rows, row, spec_answer.row_passage(db, row))
    found = is_relevant(res, settings.min_relevance)
    if not found and res.vector_used and res.passages:
        # A long passage's vector can sit below min_relevance while one of its lines answers word for
        # word: "Which terminals does the pressure transmitter connect to?" (the demo pump's passage
        # 0.31, its line "Connect the discharge pressure transmitter to terminals 11 (+24 V) and 12"
        # 0.61) was "Not found in the loaded manuals".
        line = directmod.find(question, res.passages, embedder, qvec=res.qvec, common=res.common)
        found = line is not None and (line.score >= LINE_FOUND or (
            line.score >= LINE_FOUND_WITH_ROW and bool(spec.rows) and _is_row(line, spec.rows[0])) or (
            line.score >= LINE_FOUND_WITH_ROW and _holds_every_word(question, line)))
    if found:
        spec = spec_answer.within(spec, res.passages)
    lines = _Lines(db, question, res, embedder)
    if found and spec.row is not None:
        spec = row_choice.unless_a_line_holds_more(question, spec, res.passages, lines.best, db)
    elif found:
        spec = row_choice.unless_the_row_holds_more(question, spec, res.passages, lines.best, db)
    naming: frozenset[str] = frozenset()
    if not res.scope and (named := row_choice.manual_a_word_names(db, question, res.passages)) is not None:
        about, words = named
        naming = frozenset(directmod.question_terms(" ".join(words)))
        # The other manuals never name the thing asked about: their passages cannot answer, and the
        # model given the pump's "Recommended fuse | 16 A gG" for the compressor's fuse stated it.
        res.passages = [p for p in res.passages if p.manual_id == about]
        res.scope = frozenset({about})
        if spec.row is not None and spec.row.manual_id != about:
            spec = spec.listed_only()
    res.passages = spec_answer.with_row_passage(spec, res.passages)
    around = lines.around() if found else []
    return Retrieved(res, spec, found or spec.row is not None, around, naming, lines.line, lines.line_of)


def direct_answer(question: str, got: Retrieved, embedder: Embedder | None) -> directmod.Direct | None:
    """The direct answer the app shows: the spec row that answers, else the passages' line
    (`direct.find`), and none when retrieval found nothing to answer from."""
    question = joined_codes(question)  # as `retrieve` read it ("e zero four" is E04)
    # "How do I reset a manual fault on the PC-2?" asks for a way, which a row's cells ("F12 ... Reset:
    # Manual") do not give: a how-to question that asks no value is answered from the passages
    # (the rows stay listed).
    if not directmod.asks_a_way(question) and (d := spec_answer.direct(got.spec, got.res.passages)):
        return d
    if not got.relevant:
        return None
    if got.line_of is not None and got.line_of == _find_inputs(question, got.res, got.around, embedder):
        d = got.line  # `retrieve` found it for the row rule, over these same passages
    else:
        d = directmod.find(question, got.res.passages, embedder, qvec=got.res.qvec, around=got.around,
                           common=got.res.common, scope=got.res.scope)
    if d is not None and got.naming:
        # The line must hold what is asked, not only the thing that named the manual: "Compressor oil
        # | POE, 3.3 l per compressor" is no answer to "What fuse size for the compressor?".
        asked = directmod.question_terms(question) - got.naming
        if asked and not asked & directmod.context_terms(d.text, d.section, d.manual):
            return None
    return d


def _ask(db, embedder, chat_loader, question, settings, cancel, only, started) -> Iterator[AnswerEvent]:
    t0 = time.perf_counter()
    timings = {"retrieve_ms": None, "ttft_ms": None, "total_ms": None,
               "prompt_tokens": 0, "completion_tokens": 0, "decode_tokens_per_s": None}
    got = retrieve(db, embedder, question, settings, only, timings)
    res, spec, relevant = got.res, got.spec, got.relevant
    timings["best_similarity"] = round(res.best_similarity, 4)
    lead = spec_answer.prompt_block(spec, res.passages)

    def start_writing(direct: directmod.Direct | None = None):
        chat = chat_loader()
        built = prompt_for(question, res.passages, chat, settings, lead, direct)
        temperature, penalty = promptmod.decoding_for(getattr(chat, "family", None), settings)
        tokens = chat.stream(built.text, settings.max_answer_tokens, temperature, cancel,
                             stop=promptmod.STOP, repeat_penalty=penalty)
        return chat, built, tokens, next(tokens, None)

    # The model reads the prompt while the direct answer and the safety notes are found (they
    # need neither the model nor its prompt): see head_start.
    if relevant and HEAD_START:
        started.append(HeadStart(start_writing, close=lambda out: out[2].close()))
    # Before the model has cited anything, look for safety text around the passages that are
    # close to the best match (not around every passage that made the top k).
    close = [p for p in res.passages[:3] if p.keyword_rank == 1 or (p.similarity or 0) >= res.best_similarity - 0.12]
    near = safety_near(db, res.passages) if relevant else {}
    direct = direct_answer(question, got, embedder)
    warnings = safety_notes(near, of_the_job(close, direct, res.passages)) if relevant else []
    spec_rows = [r.to_json() for r in spec.rows]
    timings["direct_ms"] = round((time.perf_counter() - t0) * 1000, 1)
    offers = procedure_offers(db, close) if relevant else []
    yield AnswerEvent("retrieved", passages=res.passages, warnings=warnings, direct=direct, procedures=offers,
                      spec_rows=spec_rows)

    if not relevant:
        timings["ttft_ms"] = timings["total_ms"] = round((time.perf_counter() - t0) * 1000, 1)
        yield AnswerEvent("token", text=NOT_FOUND)
        yield AnswerEvent("done", answer=Answer(NOT_FOUND, True, [], [], None, timings, "none", [], res.passages,
                                                spec_rows=spec_rows))
        return

    # Read ahead (head_start), the prompt was built before the direct answer was found: without it.
    chat, built, tokens, first = started[0].result() if started else start_writing(direct)
    timings["prompt_tokens"] = built.tokens
    # The primed words (prompt.prime_for) are the answer's start: shown with the model's first token.
    pieces: list[str] = [built.primed] if built.primed else []
    t_first = t_last = None
    n_tokens = 0
    for tok in itertools.chain([first] if first is not None else [], tokens):
        n_tokens += 1
        t_last = tok.t
        if t_first is None:
            # Read ahead (head_start), the first token may be decoded before the direct answer is
            # out: it reaches the caller now, and that is what counts.
            t_first = t_last = max(tok.t, time.perf_counter())
            timings["ttft_ms"] = round((t_first - t0) * 1000, 1)
            if built.primed:
                yield AnswerEvent("token", text=built.primed)
        if tok.text:
            pieces.append(tok.text)
            yield AnswerEvent("token", text=tok.text)
    if built.primed and not n_tokens:
        # The model ended at once: the primed words are the answer, out when the prompt was read.
        timings["ttft_ms"] = round((time.perf_counter() - t0) * 1000, 1)
        yield AnswerEvent("token", text=built.primed)
    text = "".join(pieces).strip()
    if built.primed and NOT_FOUND.lower().rstrip(".") in text.lower():
        text = NOT_FOUND  # the model said "not found" after the primed words: it abstains
    timings["completion_tokens"] = n_tokens
    if n_tokens > 1 and t_last > t_first:
        timings["decode_tokens_per_s"] = round((n_tokens - 1) / (t_last - t_first), 2)
    timings["total_ms"] = round((time.perf_counter() - t0) * 1000, 1)

    abstained = not text or NOT_FOUND.lower().rstrip(".") in text.lower()
    source = "model"
    nums = markers.cited(text, len(built.passages))
    if not nums and not abstained:
        text, used = attribute(text, built.passages)
        nums, source = sorted(used), "attributed"
    if built.primed and not abstained:
        # The primed words are the manual's: the first passage given to the model that holds them is
        # cited (none when the budget left out the chunk they came from: the direct answer cites it).
        flat = " ".join(built.primed.split())
        own = next((i + 1 for i, p in enumerate(built.passages) if flat in " ".join(p.text.split())), None)
        if own is None and direct is not None and direct.kind == "spec_row":
            # A row's words are its cells joined with their headers, not the passage's text: the
            # passage holding the row is the one the direct answer cites.
            own = next((i + 1 for i, p in enumerate(built.passages) if p.chunk_id == direct.chunk_id), None)
        if own and own not in nums:
            nums = sorted([*nums, own])
    citations = [] if abstained else [Citation.of(n, built.passages[n - 1]) for n in nums]
    if not citations and not abstained:
        # The model cited nothing we can match: show what it was given, and say so.
        citations, source = first_passages(built.passages), "retrieved"
    if citations:
        cited = [built.passages[c.n - 1] for c in citations]
        warnings = safety_notes(near, cited + [p for p in of_the_job(res.passages[:2], direct, res.passages)
                                               if p not in cited])
    # The quoted line's passage counts even when the budget left it out of the prompt: the model
    # read its values in the quote, and the direct answer shows and cites that passage (a retrieved
    # one, or a chunk beside one, `Retrieved.around`).
    quoted = [p for p in res.passages + got.around if direct is not None and p.chunk_id == direct.chunk_id]
    given = built.passages + quoted
    if citations and not abstained:
        citations = cite_values(text, citations, built.passages, quoted)
    # So do the quoted line's and the primed words' own values, wherever they came from: the direct
    # answer's navigation line or value may be in a neighbouring chunk that the budget left out.
    manuals_words = [t for t in (built.quoted, built.primed) if t]
    dropped: list[str] = []
    if DROP_UNVERIFIED and not abstained:
        text, dropped = without_unverified(text, given, manuals_words)
    unverified = [] if abstained else unverified_values(text, given, manuals_words)
    yield AnswerEvent("done", answer=Answer(text, abstained, citations, warnings, chat.name, timings,
                                            source if citations else "none", unverified, res.passages, direct,
                                            offers, spec_rows, model_version=model_version(db, chat),
                                            dropped=dropped))
