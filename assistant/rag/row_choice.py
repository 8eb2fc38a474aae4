"""Which answer a question gets when the spec-row search and the passages' lines disagree.

The spec-row search (`spec_answer.lookup`) states a table row as the answer when it matched it by
a value or a quantity, and only lists the rows it matched by words; the line finder (`direct.find`)
picks the passages' best line by its words and vector. Each misses what the other gets right: a
stated fault's troubleshooting row, or a row whose whole label the question names, is listed and
not stated; a row can win on the thing asked about while a line holds the word that says what is
asked; a row of another manual than the one the question names answers nothing. These rules, run
by `answer.retrieve`, choose between the row and the line (bench/README.md, issue 11); each was
added for demo-library questions that got the wrong one.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ..library.quantities import query_values
from . import direct as directmod
from . import spec_answer, specs
from .search import Passage, fts_query

# A question word held by at most this share of a manual's passages picks out what is asked
# (`unless_a_line_holds_more`); one in more is that manual's common talk.
RARE_SHARE = 0.2
# The least score of a line that may take a row's place: the best line of an unrelated question
# scores up to 0.35 (see answer.LINE_FOUND), so a line below that says no more than chance ("How
# many rack units tall is the UPS-3000?": a config example's "server room rack A", 0.32, against
# the 2U row).
LINE_OVER_ROW = 0.36
# A word in this many passages of one retrieved manual, and in none of the others, names that
# manual's equipment (`manual_a_word_names`); fewer is a passing mention ("take", "remember").
NAMING_PASSAGES = 3
# How a question (or a spoken one) opens when its first word is not the thing it is about.
_ASKS = re.compile(r"\s*(what|what's|whats|how|why|where|when|which|who|can|could|is|are|does|do|should|will|"
                   r"may|i|my|the|a|an|hey|ok|so|uh|um|tell|please)\b", re.IGNORECASE)
_FIRST_WORD = re.compile(r"\s*([A-Za-z][\w-]+)")


_ASKS_QUANTITY = re.compile(r"\bhow (much|many|long|often|far|tight|high|low|hot|cold)\b|\bper (second|minute|hour|day)\b|"
                            r"\b(max|maximum|min|minimum)\b", re.IGNORECASE)
# "Condition" is left out: it also heads operating-conditions tables ("Condition | Min | Max").
_SYMPTOM_HEADER = re.compile(r"^(symptom|problem|fault|trouble|malfunction|observation|what you see)s?\b",
                             re.IGNORECASE)
_STATES_TROUBLE = re.compile(r"\b(noisy|nois\w*|vibrat\w*|leak\w*|drip\w*|hot|cold|trips?|tripp\w*|beep\w*|"
                             r"won'?t|doesn'?t|does not|not \w+ing|no \w+|keeps \w+ing|too \w+|fails?|"
                             r"stops?|starts? and stops?|hunt\w*|cycl\w*|overheat\w*)\b", re.IGNORECASE)


def symptom_row(question: str, rows: list):
    """The troubleshooting table's row for the symptom the question states, when the best row is one:
    "Pump is noisy and vibrates" is the pump's "High vibration | Coupling misaligned; ... | Re-align
    (4.4) ..." row, which the row search lists (matched by its words, not a value or quantity) and
    the line finder missed (the bearings' lubrication line was shown). The table's first column
    says what is observed, and the question states a fault: of that table's rows among the first
    five, the first whose symptom shares a word with the question other than its manual's name
    ("pump" is in every row of the pump manual's table: "Noise like gravel in the pump" came first)."""
    if not rows or not _STATES_TROUBLE.search(question) or _ASKS_QUANTITY.search(question):
        return None  # "how many starts and stops per hour" asks the P07 row's value, not a symptom
    best = rows[0]
    if not best.headers or not _SYMPTOM_HEADER.match(best.headers[0].strip()):
        return None
    if len(rows) > 1 and rows[1].score >= best.score and rows[1].table_id != best.table_id:
        return None  # two tables' rows as good: no one answer
    asked = directmod.question_terms(question) - directmod.question_terms(best.manual_title)
    return next((r for r in rows[:5] if r.table_id == best.table_id and r.cells
                 and asked & directmod.context_terms(r.cells[0], "", "")), None)


def row_named_whole(question: str, rows: list):
    """The best row when the question names its whole label, two words or more, and it leads the
    next row by half again: "What's the recharge time of the UPS?" is the UPS's "Recharge time | 3
    hours to 90 % capacity" (3.9 against 1.7), which the row search lists as a words match and does
    not state."""
    if not rows:
        return None
    best = rows[0]
    label = directmod.question_terms(best.cells[0]) if best.cells else set()
    if len(label) < 2 or not label <= directmod.question_terms(question):
        return None
    if len(rows) > 1 and rows[1].score * 1.5 > best.score:
        return None
    return best


def unless_a_line_holds_more(question: str, spec: spec_answer.SpecMatch, passages: list[Passage],
                             best_line: Callable[[], directmod.Direct | None], db) -> spec_answer.SpecMatch:
    """`spec` without its answering row when the passages' best line (`direct.find`) holds every
    question word the row holds and more. The row search weighs a row's quantity and label, and a
    row can win on the thing alone while the word that says what is asked is only in a line: "What
    vacuum do I need before charging R-410A?" was answered "Refrigerant — Value: R-410A", while
    the line "evacuate the circuit to below 2.7 mbar ... hold the vacuum for 30 minutes" holds
    "vacuum" and "charge" too; "What is the impeller diameter?" got the impeller nut's torque.
    The rows stay listed. `best_line`: finds that line over `passages` (`answer.retrieve` keeps it
    for `direct_answer`), called only when the row does not hold every word already."""
    row = spec_answer.direct(spec, passages)
    # The question's numbers and one-letter keys count as words here ("micro:bit pin 5", "what does
    # pressing J do"): a row that holds the value asked about is not beaten by a line that does not.
    q = _asked(question)
    held_by_row = _held(q, row)
    if spec.row is not None:
        # "What is the IP rating of the pump motor?": the row's "IP55" says the rating, though the row
        # never writes "rating" and a line on the motor's "rated current" does
        held_by_row |= _kind_words(question, q, {v["unit"] for v in spec.row.values})
    if held_by_row == q:
        return spec  # no line can hold more (and the line finder's time is saved)
    line = best_line()
    if line is None or line.kind != "passage" or line.score < LINE_OVER_ROW:
        return spec
    # ... and a line's "weighs 8.5 kg" says "how heavy" as the "Weight | 29 kg" row does
    held_by_line = _held(q, line) | _kind_words(question, q, _units(line.text))
    if not held_by_line > held_by_row:
        return spec
    # Only a word that picks out a few passages of the line's manual says more: "use" ("What bearings
    # does the P-200 use?") or "UPS" in the UPS guide's lines is no reason to drop a row that answers.
    manual = db.execute("SELECT manual_id FROM chunks WHERE id = ?", (line.chunk_id,)).fetchone()
    words = directmod.words_of(question, held_by_line - held_by_row)
    if manual is not None and any(_share_of_passages(db, w, manual[0]) < RARE_SHARE for w in words):
        return spec.listed_only()
    return spec


def unless_the_row_holds_more(question: str, spec: spec_answer.SpecMatch, passages: list[Passage],
                              best_line: Callable[[], directmod.Direct | None], db) -> spec_answer.SpecMatch:
    """`spec` with its best row stated when the row search only listed it (matched by words, not a
    value or quantity) and it holds every question word the passages' best line holds, and more:
    the converse of `unless_a_line_holds_more`. "What's the UPS noise level?" got a shutdown
    line ("... when the UPS reports low battery ...", 0.34) over the row "Noise | Below 50 dBA at 1
    m"; "What's the pump shaft made of?" a line on holding the shaft with a spanner. Not for a
    how-to question (its answer is the passages' way, `answer.direct_answer`), nor when the next
    row scores as well (two answers), the row's manual is not among the passages (`within`), or
    the question names another retrieved manual's product ("What size fuse for the UPS?" is not
    the pump's "Recommended fuse | 16 A gG"). Over the 360 spec-row questions of bench/devsets
    (tuning) the shown direct answer holds the row for 222 before, 255 after (one lost), and the
    tuning halves of `direct_answer.py` are unchanged (bench/README.md, "A listed row that holds more than the line")."""
    if spec.row is not None or not spec.rows or not passages or directmod.asks_a_way(question):
        return spec
    best = spec.rows[0]
    if len(spec.rows) > 1 and spec.rows[1].score >= best.score:
        return spec
    if spec_answer.within(spec_answer.SpecMatch(spec.rows, best), passages).row is None \
            or _names_another_manual(question, best, passages):
        return spec
    match = spec_answer.SpecMatch(spec.rows, best, spec_answer.row_passage(db, best))
    q = _asked(question)
    held_by_row = _held(q, spec_answer.direct(match, passages))
    if best.match in specs.LOOSE and not held_by_row - _named_by_title(q, best.manual_title):
        # Found by its words or its vector, the row holds only what its manual's title names: "noise
        # level of the RTU-45" got the refrigerant table's "RTU-45 (standard)" row, "What is the
        # pump's warranty period?" the spare motor's row (its header "Qty per pump"); every line of
        # those manuals holds as much. (A row carrying the kind asked, "Recharge time | 3 hours ..."
        # for "how long do the UPS batteries take to charge", matched as a quantity: it says more.)
        return spec
    line = best_line()
    # A line below LINE_OVER_ROW says no more than chance (see there): it holds nothing the row must beat.
    held_by_line = _held(q, line) if line is not None and line.score >= LINE_OVER_ROW else set()
    return match if held_by_row > held_by_line else spec


_TITLE_WORD = re.compile(r"[^\W_]+")
# A title's words that say what kind of document it is, not what it is about.
_DOCUMENT_WORDS = frozenset("user users guide manual manuals service reference documentation handbook installation "
                            "operation operating operator instructions instruction html pdf doc docs the and for of".split())


def _names_another_manual(question: str, row, passages: list[Passage]) -> bool:
    """Whether the question uses a word of another retrieved manual's title that neither the row
    nor its manual's title holds: "What size fuse for the UPS?" names the UPS guide, so the pump
    manual's "Recommended fuse | 16 A gG" is another product's answer. Words are compared as
    written: "UPS" is not the stem "up"."""
    def words(text: str) -> set[str]:
        return {w.casefold() for w in _TITLE_WORD.findall(text)} - _DOCUMENT_WORDS
    asked = words(question)
    own = words(" ".join((row.manual_title, row.section or "", row.caption or "", *row.cells)))
    others = words(" ".join(p.manual for p in passages if p.manual_id != row.manual_id))
    return bool((asked & others) - own)


def _kind_words(question: str, q: set[str], units: set[str]) -> set[str]:
    """The words of `q` in the question's kind phrases ("how heavy", "IP rating") whose kind a
    value of `units` carries."""
    return q & directmod.question_terms(" ".join(specs.kind_phrases_carried(question, units)))


def _units(text: str) -> set[str]:
    """The units of the quantities written in `text` ("8.5 kg": kg), read as a row's cells are."""
    return {v.unit for v in query_values(text) if v.unit not in ("", "code")}


def _named_by_title(q: set[str], title: str) -> set[str]:
    """The question's words and value tokens (`_asked`) that a manual's title names: its words, the
    words of its model codes ("UPS" of "UPS-3000"), and a code as written ("RTU-45")."""
    return _holding(q, directmod.question_terms(title) | _title_parts(title), title)


def _asked(question: str) -> set[str]:
    """The question's words (stems) and, as words too, its numbers and one-letter keys ("micro:bit
    pin 5", "what does pressing J do"): what a row or a line is weighed by holding."""
    return directmod.question_terms(question) | set(_VALUE_TOKEN.findall(question))


def _held(q: set[str], d: directmod.Direct) -> set[str]:
    """The question's words (stems) and value tokens ("5", "J", "R-410A") that `d` holds."""
    terms = directmod.context_terms(d.text, d.section, d.manual) | _title_parts(d.manual)
    return _holding(q, terms, " ".join((d.text, d.section)))


def _holding(q: set[str], terms: set[str], where: str) -> set[str]:
    """The words of `q` among `terms`, and its value tokens written in `where` as a whole token."""
    return {t for t in q if t in terms or (_VALUE_TOKEN.fullmatch(t) and
                                           re.search(rf"(?<![\w.-]){re.escape(t)}(?![\w-])", where, re.IGNORECASE))}


def _title_parts(title: str) -> set[str]:
    """The words of a title's model codes: "UPS" of "VoltGuard UPS-3000", which the title's terms
    hold only as "ups3000", while a question and a line say "the UPS"."""
    return directmod.question_terms(" ".join(re.findall(r"(?<![\w-])([A-Za-z]{2,})-?\d[\w-]*", title)))


_VALUE_TOKEN = re.compile(r"(?<![\w.-])(?:[\w.+-]*\d[\w.+-]*|[B-HJ-Z])(?![\w-])")


def manual_a_word_names(db, question: str, passages: list[Passage]) -> tuple[int, set[str]] | None:
    """The one retrieved manual a word of the question names: a word in NAMING_PASSAGES or more of
    that manual's passages and in none of the other retrieved manuals' (the head of its closing "for
    the ..." phrase, or the first word of a fault stated without a question word). "What fuse size
    for the compressor?" was answered with the pump manual's "Recommended fuse | 16 A gG": the pump manual
    never says "compressor", the rooftop unit's says it in five passages (and gives no fuse size).
    A word no retrieved manual holds is a paraphrase and names nothing; None when no word, or
    words naming two manuals; else the manual's id and the words that name it."""
    manuals = list(dict.fromkeys(p.manual_id for p in passages))
    if len(manuals) < 2:
        return None
    named: dict[int, set[str]] = {}
    # Only the head of what the question is about, the last word of its closing "for the ..." phrase
    # ("fuse size for the compressor"): a question's other words ("long", "turn", "over", "fixed")
    # are in a 700-page manual's headings too, and "change the seal" names what is done, not where.
    things = {t.casefold() for t in _THING.findall(question)}
    # A fault stated, not asked, names its thing first: "compressor current too high" is the rooftop
    # unit's compressor, not the pump motor's "Motor hot, current above 10.4 A" row.
    if not _ASKS.match(question) and (first := _FIRST_WORD.match(question)):
        things.add(first.group(1).casefold())
    for w in directmod.words_of(question, directmod.question_terms(question)):
        if w.strip("./-").casefold() not in things:  # "compressor." as speech-to-text ends it
            continue
        counts = {m: _passages_holding(db, w, m) for m in manuals}
        held = [m for m, n in counts.items() if n > 0]
        if len(held) == 1 and counts[held[0]] >= NAMING_PASSAGES and _names_a_part(db, w, held[0]):
            named.setdefault(held[0], set()).add(w)
    return next(iter(named.items())) if len(named) == 1 else None


_THING = re.compile(r"\b(?:for|on|of|in|at|from|with|to|inside)\s+(?:the|my|this|that|your|our)\s+"
                    r"(?:[\w-]+\s+){0,2}([\w-]+)\s*[?.!]?\s*$", re.IGNORECASE)


def _names_a_part(db, word: str, manual_id: int) -> bool:
    """Whether `word` is in one of the manual's headings or table rows, where a manual names its
    parts ("Compressor oil", "Compressor C1 overload"); a verb of its prose ("take") is not."""
    like = "%" + re.sub(r"([%_\\])", r"\\\1", word.strip("./-").lower()) + "%"  # the user's % and _ are no wildcards
    return db.execute("SELECT EXISTS (SELECT 1 FROM chunks WHERE manual_id = ? AND lower(section) LIKE ? ESCAPE '\\')"
                      " OR EXISTS (SELECT 1 FROM spec_rows WHERE manual_id = ? AND lower(text) LIKE ? ESCAPE '\\')",
                      (manual_id, like, manual_id, like)).fetchone()[0] == 1


def _passages_holding(db, word: str, manual_id: int) -> int:
    """How many of the manual's passages hold `word` (the passage index's stemming)."""
    expr = fts_query([word])
    if not expr:
        return 0
    return db.execute("SELECT count(*) FROM chunks_fts JOIN chunks c ON c.id = chunks_fts.rowid"
                      " WHERE chunks_fts MATCH ? AND c.manual_id = ?", (expr, manual_id)).fetchone()[0]


def _share_of_passages(db, word: str, manual_id: int) -> float:
    """The share of the manual's passages that hold `word`."""
    total = db.execute("SELECT count(*) FROM chunks WHERE manual_id = ?", (manual_id,)).fetchone()[0]
    return _passages_holding(db, word, manual_id) / total if total and fts_query([word]) else 1.0
