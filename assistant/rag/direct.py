"""The direct answer: the sentence, list item or table row of the retrieved passages that answers the
question, shown verbatim with its citation before (and without) the chat model.

A technician asking "what torque for the mounting bolts?" wants the manual's own line, "Tighten to
31 N·m", not a paraphrase; and it must come at once, with no chat model at all. So: split the top
passages into pieces (sentences, list items, table rows with their header); a unit is one piece or
a run of up to three of one block (a feature's description and the step that opens it), or, out
of a PDF's run-on enumeration, the question's item with the lead-in that says what the items are
(`excerpt`). Score each unit by how much of the question it holds (content words, with the
question's identifiers, values and codes counting double, and the words of the clause that asks
counting more than those of a clause that sets the scene, `focus`), by its embedding similarity to the
question when the embedding model is there, and by the rank of its passage; a longer run and a
unit of few words weigh a little less; when the question asks for a value, a unit that carries
one may rank higher. A lead-in ("an example is:") is a unit only with what it leads to. The best
unit above a floor is the direct answer. What follows or precedes it may be shown with it (`pick`):
the next one or two pieces through the last that gives a value or command, when the question asks
for one and the unit has none ("... the rc protocol needs to be set." + "sudo sh -c ..."); for a
how-to question whose unit is a later step, the steps before it (and the sentence that opens
the procedure, what it is for, when those steps reach back to it); when the question asks for a fix
and the unit only states the symptom, the remedy after it (an instruction, or what must be done).
A question that asks why, or what something is (`_wants_explanation`), wants neither an order nor
a remedy: an instruction line weighs a little less for it, and nothing is appended as a remedy.
A passage that ends on a lead-in goes on into its next chunk when the search retrieved that too.
The chunks right before and after the first passages in their sections (`around`, fetched by
`answer.retrieve`) are read as well, since an answer often goes on past the chunker's cut; a line
of one wins only when it holds as much of the question as the best retrieved line and reads
closer to it.
"""

from __future__ import annotations

import itertools
import re
import threading
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import snowballstemmer

from .. import values
from ..embedding import Embedder
from . import navigation, sentences
from .abbreviations import meaning_words
from .search import CODE, STOPWORDS, Passage, is_identifier

# Weights and floor chosen on the tuning half of the dev sets (bench/direct_answer.py --half tune).
W_TERMS, W_SIMILARITY, W_VALUE, W_RANK = 0.4, 0.3, 0.0, 0.02
# W_RANK was 0.04 before the Debian set: its paraphrased questions often find the answering
# passage at rank 2 or 3 (0.02 gained three there, lost none; 0.01 and 0.03 gained one net each).
W_RUN = 0.02  # per piece beyond the first in a run
# A unit of few words ("Edit the channels stored on your TV.") names the answer more than it
# gives it: the run with the sentence after it is the better quote, unless it holds a value.
W_SHORT, SHORT_TERMS = 0.1, 5
MAX_RUN = 3
# The floor was 0.30 on the E-Manual and Klipper sets, whose questions reuse the manual's words
# (every one got a direct answer either way); the Debian set's are paraphrased ("bounce notice" for
# "non-delivery notification"), and 0.22-0.25 showed two more right answers there, none lost.
MIN_SCORE = 0.25
MAX_PASSAGES = 5
# Embedding is most of `find`'s time: 8 pieces of at most 200 characters scored as well on the
# tuning half as 32 of 400, in about a third of the time (bench/direct_answer.py prints it).
MAX_EMBEDDED = 8
# The chunks right before and after the first AROUND_OF passages in their sections (`around`) are
# read too, with at most MAX_EMBEDDED_BESIDE of their pieces embedded: the answer often goes on past
# the chunker's cut ("Currently there are some limits or bugs: a duty cycle < 1% ..." in the chunk
# after the d_pwm model's description). 2 and 3 passages, and 2 to 8 pieces, scored the same on the
# tuning halves; 1 passage lost the gain. 2 pieces is the cheapest.
AROUND_OF = 3
MAX_EMBEDDED_BESIDE = 2
EMBED_CHARS = 200
MAX_UNIT_CHARS = 400
LONG_PIECE = 200  # a sentence longer than this may be a run-on enumeration (`excerpt`)
EXCERPT_TAIL = 3  # words kept after the question's item, to show where it ends

_WORD = re.compile(r"[a-z0-9][a-z0-9_\-./]*", re.IGNORECASE)
_LIST_ITEM = re.compile(r"^\s*(?:[-*•]|\d{1,2}[.)])\s+")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}")
# A page number left in the text by a PDF's footer ("... Color Try Now - 88 - Tint ..."): noise.
_PAGE_MARK = re.compile(r"(?:^|\s)-\s\d{1,4}\s-(?=\s|$)")
# A book's running head, kept in the page's text by the PDF reader: the page number, then the
# chapter's number and title in capitals ("344 CHAPTER 16. STARTING NGSPICE"), or a section's
# number and title and then the page number ("12.2. ANALOG MODELS 197"). Never an answer: 575 such
# lines in ngspice's manual, one shown as the direct answer to "How do I start ngspice ...?". The
# section number ends in a full stop, as LaTeX's book class writes it: without one, a value line in
# capitals ("1.5 BAR MAX AT 20", "4.20 MA OUTPUT 250") reads the same.
_RUNNING_HEAD = re.compile(r"^(?:\d{1,4}\s+(?:CHAPTER|APPENDIX)\s+[\dA-Z]{1,3}\.\s+[^a-z|]+"
                           r"|(?:(?:CHAPTER|APPENDIX)\s+[\dA-Z]{1,3}\.|\d{1,3}(?:\.\d{1,3})+\.)\s+[^a-z|]+\s\d{1,4})$")
# A table of contents' line: dot leaders before a page number ("Filling and venting ...... 6"), or
# several entries run together ("6 5.1 Filling and venting ... 6 5.2 Direction of rotation ...").
# It names the question's words and answers nothing.
_TOC_LINE = re.compile(r"(?:\.\s?){4,}\s*\d|(?:\.{3}|…)\s*\d.*(?:\.{3}|…)")
_CONTENTS = frozenset({"contents", "table of contents", "index"})
# Questions that want a value: a number, a setting, a code.
_WANTS_VALUE = re.compile(r"\b(what|which|how (much|many|long|far|often|tight|high|low)|torque|voltage|current|"
                          r"pressure|temperature|size|value|setting|port|speed|rate|limit|capacity|"
                          r"interval|level|timeout|frequency|default)\b", re.IGNORECASE)


# Questions that want something done (a fix, a procedure), and lines that already say what to do.
# A technician also states the fault instead of asking ("UPS shuts down too early", "compressor keeps
# tripping", "pump noisy"): the words of a fault, as well as of a question about one. The dev sets
# hold one such statement in 203 questions, and it already had "doesn't"; the symptom line matched
# the demo's "UPS shuts down too early" best and was shown without the causes after it.
_TROUBLE = re.compile(r"\b(how (do|can|to|should)|steps?|procedure|fix\w*|issue|problem|not work\w*|won'?t|"
                      r"doesn'?t|does not|can'?t|cannot|no (sound|picture|signal|power)|error|fail\w*|fault|"
                      r"trouble\w*|what should i do|why|"
                      r"too (early|late|soon|hot|cold|high|low|fast|slow|loud|often)|shut(s|ting)? (down|off)|"
                      r"switch(es|ing)? off|trips|tripping|tripped|beeps|beeping|leaks|leaking|overheat\w*|"
                      r"noisy|vibrat\w*|keeps \w+ing|no (cooling|heating|heat|flow|pressure))\b", re.IGNORECASE)
_DO = (r"(check|make sure|ensure|try|press|turn|set|go to|select|use|replace|connect|"
       r"disconnect|remove|unplug|plug|restart|reset|tap|open|close|clean|adjust|change|"
       r"update|contact|run|tighten|loosen|verify|switch|enable|disable|install|reinstall|"
       r"if|to|from [\w ]{1,30}, (tap|press|select|go))\b")
_INSTRUCTION = re.compile(r"^\W*" + _DO, re.IGNORECASE)
# The Smart TV manual's text runs a heading and a menu path into the sentence with no stop between
# them ("Sign In Go to the Samsung Account screen to create a new account ..."): an instruction
# after such a run of capitalised words says what to do as well as one at the start.
_INSTRUCTION_AFTER_TITLE = re.compile(r"^\W*(?-i:(?:[A-Z0-9][\w+&'’/-]*\s+){1,12}?(?=[A-Z]))" + _DO, re.IGNORECASE)
# A remedy also comes as a sentence that says what must be done rather than an order ("Therefore,
# the ISP clock speed must be reduced ... using the -B option").
_ADVICE = re.compile(r"\b(must|needs? to|ha(ve|s) to|make sure|ensure)\b", re.IGNORECASE)
REMEDY_AHEAD = 5
# A menu path after the unit says where to do it ("A manual test is started in `TEST > BATT`."): a
# remedy as an order is. (In the unit itself it is no sign that the unit says all there is to do.)
_MENU_PATH = re.compile(r"`[^`\n]*\w\s?>\s?\w[^`\n]*`|\b[A-Z][\w]*(?: [\w]+){0,3} > [A-Z]")


# A command, an option, a path or a setting (`key = value`): with a quantity, what a "which
# command", "what default" or "how do I" question wants and a context sentence lacks.
_COMMAND = re.compile(r"(?:^\s*[$#>]\s|\bsudo\s|(?:^|\s)--?[A-Za-z][\w-]*|/\w+/\w|\w\s?=\s?\S|`[^`]+`)")
# The sentence that says what to set often only says that it must be set ("the rc protocol needs
# to be set."); the command follows, sometimes after a lead-in with no colon ("... can be set and
# inspected using"). 1 piece ahead missed that case on the tuning half, 3 lost two answers to
# longer quotes. Through the last of the two that gives a value rather than the first: one more
# right on the tuning halves, none lost.
VALUE_AHEAD = 2
_HOW_TO = re.compile(r"\bhow (do|can|to|should)\b|\bsteps?\b", re.IGNORECASE)
STEPS_BACK = 2  # the earlier steps of a procedure shown before the step that matched (1 lost one)


def _is_instruction(text: str) -> bool:
    """An order ("Check the cable", "From Settings, tap ..."), at the start of the text or after a
    run of capitalised words glued before it (`_INSTRUCTION_AFTER_TITLE`)."""
    return bool(_INSTRUCTION.match(text) or _INSTRUCTION_AFTER_TITLE.match(text))


def _says_what_to_do(text: str) -> bool:
    return bool(_is_instruction(text) or _ADVICE.search(text))


def _gives_value(text: str) -> bool:
    """A quantity, a command, an option, a path or a setting; a code (a model name, "STK500")
    only on a line of code, one that is not a sentence (".option rshunt = 1.0e12")."""
    if _COMMAND.search(text):
        return True
    fs = values.facts(text)
    return any(f.kind == "quantity" for f in fs) or (bool(fs) and not text.rstrip().endswith((".", "!", "?")))


@dataclass
class Direct:
    """The unit that answers the question, verbatim, and where it is."""

    text: str
    # The passage's rank among those retrieved (1-based), as the answer's citation numbers; 0 when it
    # is none of them (a chunk beside them, `around`, not retrieved itself; a spec row with no stored passage).
    n: int
    manual: str
    path: str
    page: int | None
    section: str
    chunk_id: int
    score: float
    kind: str = "passage"  # "passage" | "spec_row" (a table row found by `specs`, see spec_answer)
    row: dict | None = None  # with "spec_row": the row (`SpecRow.to_json()`)


# Snowball's English (Porter2) stemmer: the question's "replace" is the procedure's "Replacing" and
# the schedule's "replacement", "configure" is "configuration". The suffix stripping it replaced
# ("-ing", "-es", "-s") kept those apart, and "How do I replace the mechanical seal?" got the
# maintenance schedule's row over the procedure (bench/README.md, "One stemmer for the direct
# answer"). A word with a digit or a mark ("M12", "e-manual", "v1.2") is kept whole.
# A Snowball stemmer keeps the word it works on in itself: one per thread (the app finds direct
# answers on worker threads).
_STEMMERS = threading.local()


@lru_cache(maxsize=65536)  # every line of five passages is stemmed per question; a library repeats its words
def _stem(w: str) -> str:
    w = w.lower().strip("./-")
    if not w.isalpha():
        # "RTU-45" and "rtu45", "E-12" and "E12": one code however it is written (search.code_spelling).
        return w.replace("-", "") if CODE.fullmatch(w) else w
    english = getattr(_STEMMERS, "english", None)
    if english is None:
        english = _STEMMERS.english = snowballstemmer.stemmer("english")
    return english.stemWord(w)


def _terms(text: str) -> set[str]:
    return {_stem(w) for w in _WORD.findall(text) if w.lower() not in STOPWORDS and len(w) > 1}


def _line_terms(text: str) -> set[str]:
    """A line's terms, an abbreviation also holding the words it stands for (`abbreviations`, as the
    spec-row search reads a row): "(max. 40 °C)" answers "the maximum ambient temperature"."""
    own = _terms(text)
    for w in _WORD.findall(text):
        own.update(_stem(m) for m in meaning_words(w) if m not in STOPWORDS)
    return own


def question_terms(question: str) -> set[str]:
    """The question's words as the line finder compares them (stemmed, stopwords out)."""
    return _terms(question)


def words_of(question: str, terms: set[str]) -> list[str]:
    """The question's own words whose stems are `terms` ("charging" for "charg"), for a full-text index."""
    return list(dict.fromkeys(w for w in _WORD.findall(question) if _stem(w) in terms))


def context_terms(text: str, section: str, manual: str) -> set[str]:
    """The words a line holds with what says what it is about: its heading path and its manual's name
    (a row's abbreviations holding the words they stand for, as `_line_terms`)."""
    return _line_terms(text) | _terms(section) | _terms(manual)


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def _is_title(line: str, headings: set[str]) -> bool:
    """A heading line inside the passage text: one of its section's headings, a question, or a
    short line with no sentence end and no value ("Notification sound", "Delete a group")."""
    s = line.strip().lstrip("#").strip()
    if _norm(s) in headings or s.endswith("?"):
        return True
    return len(s.split()) <= 6 and not s.endswith((".", "!", ":", ";")) and not any(ch.isdigit() for ch in s)


@dataclass
class Piece:
    """One sentence, list item or table row of a passage. Pieces of one `block` may be shown
    together as a run; a table, a heading or a question line between them ends the block."""

    text: str  # cut to MAX_UNIT_CHARS
    kind: str  # "row" | "item" | "sentence" | "excerpt" (see `excerpt`)
    block: int
    full: str = ""  # the whole sentence when `text` was cut


def _table_rows(para: str) -> list[str] | None:
    """The lines of a paragraph that is a table in the library's stored form (`normalise`: each
    row's cells joined by " | ", no outer pipes; the ingest keeps a table in a block of its own),
    header first: two or more lines with the same number of cells. None for anything else (prose
    with a "|" in it, a Markdown table with outer pipes, which `pieces` reads line by line). An
    empty first or last cell leaves a bar at the line's edge (" | Min | Max", "Cable size | "):
    the cells are counted on the line as stored, padded, so it counts as one."""
    lines = [x for x in para.splitlines() if x.strip()]
    if len(lines) < 2 or any(x.strip().startswith("|") and x.strip().endswith("|") for x in lines):
        return None
    cells = {f" {x} ".count(" | ") for x in lines}
    return [x.strip() for x in lines] if len(cells) == 1 and cells != {0} else None


def row_cells(line: str) -> list[str]:
    """A stored table line's cells (joined by " | ", no outer pipes; an empty first or last cell
    leaves a bar at the edge: " | Min | Max", "Cable size | "), whitespace collapsed."""
    return [" ".join(c.split()) for c in f" {line.strip()} ".split(" | ")]


def table_lines(text: str) -> list[list[str]] | None:
    """The cells of each line of `text` when it is table rows in the stored form, header first (as
    `_table_rows` reads a paragraph); None for anything else."""
    lines = _table_rows(text)
    return [row_cells(x) for x in lines] if lines else None


def pieces(passage: Passage) -> list[Piece]:
    """The answerable pieces of a passage: table rows (with the header row before them), list
    items, and sentences of the other lines."""
    out: list[Piece] = []
    header: str | None = None
    block = 0
    headings = {_norm(h) for h in passage.section.split(" > ") if h.strip()}
    if passage.section.rsplit(" > ", 1)[-1].strip().casefold() in _CONTENTS:
        return out
    for para in re.split(r"\n\s*\n", passage.text):
        # Only in a passage that holds a table (`Chunk.kind`): two shell pipelines in a row
        # ("dmesg | grep usb") have the same number of bars too.
        if passage.kind == "table" and (rows := _table_rows(para)):
            # A table as the library stores it (normalise: " | "-joined cells, a block of its own,
            # its header first, repeated where the chunker split it): each row with the header.
            block += 1
            out.extend(Piece(f"{rows[0]}\n{r}", "row", block + i) for i, r in enumerate(rows[1:]))
            block += len(rows)
            header = None
            continue
        for line in para.splitlines():
            s = _PAGE_MARK.sub(" ", line).strip()
            if not s or _RUNNING_HEAD.match(s) or _TOC_LINE.search(s):
                continue
            if s.startswith("|") and s.count("|") >= 2:
                if _TABLE_RULE.match(s.replace("|", " ").strip()) or set(s) <= set("|-: "):
                    continue
                if header is None:
                    header = s
                    block += 1
                    continue
                out.append(Piece(f"{header}\n{s}", "row", block))
                block += 1  # a row stands alone: the next row is another item, not more of this one
                continue
            header = None
            if _LIST_ITEM.match(s):
                out.append(Piece(_LIST_ITEM.sub("", s), "item", block))
                continue
            if _is_title(s, headings):
                block += 1
                continue  # a heading repeated in the text, or a question (an FAQ's): not an answer
            for x in sentences.of_line(s):
                if x.endswith("?"):
                    block += 1  # "What is Remote Support?" inside a PDF's run-on text: a heading too
                elif x:
                    out.append(Piece(x, "sentence", block))
    # A sentence split at a line break inside it reads badly alone: long units are cut, short
    # fragments (a heading line, "Note:") are dropped.
    return [Piece(p.text[:MAX_UNIT_CHARS], p.kind, p.block, p.text) for p in out if len(_terms(p.text)) >= 2]


def excerpt(text: str, q_terms: set[str]) -> str | None:
    """The question's item out of a long run-on enumeration, with the lead-in that says what the
    items are: "Configure the screen settings ... following functions: … Reset Picture Try Now".
    A PDF's table or menu list often comes out as one endless sentence, lead-in, colon, then
    every item with nothing between them; a question names one item ("Can I configure Reset
    Picture?"), which may sit a thousand characters past the cut of a unit. The item is the
    longest run of the question's words after the colon, and the few words after it, up to a
    sentence end. None when the text is short, has no lead-in, or no such run."""
    if len(text) <= LONG_PIECE:
        return None
    colon = text.find(": ")
    if not 0 < colon < LONG_PIECE:
        return None
    lead = text[: colon + 1]
    lead_terms = _terms(lead)
    words = list(re.finditer(r"\S+", text[colon + 2:]))
    hit = [_stem(w.group()) in q_terms and w.group().lower() not in STOPWORDS for w in words]
    best: tuple[int, int] | None = None  # (start, end) word indices of the longest run of hits
    i = 0
    while i < len(words):
        if not hit[i]:
            i += 1
            continue
        j = i
        while j < len(words) and hit[j]:
            j += 1
        if (best is None or j - i > best[1] - best[0]) and \
                {_stem(w.group()) for w in words[i:j]} - lead_terms:
            best = (i, j)
        i = j
    if best is None:
        return None
    start, end = best
    end = min(len(words), end + EXCERPT_TAIL)
    for k in range(best[1] - 1, end):
        after = words[k + 1].group() if k + 1 < len(words) else ""
        if words[k].group().endswith((".", "!", "?")) and not sentences.abbreviation_stop(words[k].group(), after):
            end = k + 1
            break
    rest = text[colon + 2:]
    item = rest[words[start].start(): words[end - 1].end()]
    return f"{lead} {item}" if start == 0 else f"{lead} … {item}"



def units(passage: Passage) -> list[str]:
    """The text of each of the passage's `pieces`."""
    return [p.text for p in pieces(passage)]


@dataclass
class Candidate:
    """A unit (one piece, or a run of up to `MAX_RUN` pieces) with what scoring needs
    (computed once; `pick` weighs it)."""

    rank: int
    passage: Passage
    text: str
    cover: float  # weighted share of the question's terms in the unit and its heading
    similarity: float  # cosine to the question (0 without the embedding model)
    has_value: bool
    remedy: str | None = None  # the passage's first instruction after this unit, within REMEDY_AHEAD
    length: int = 1  # how many pieces
    n_terms: int = 0  # its content words
    # Where it sits: its passage's pieces [start:end], and the pieces of the passage's next chunk
    # when that chunk was retrieved too (a unit may go on across the cut, see `pick`); the
    # passage's previous chunk when retrieved (its section's navigation line may be there).
    ps: list[Piece] | None = None
    start: int = 0
    end: int = 0
    next_ps: list[Piece] | None = None
    prev: Passage | None = None
    beside: bool = False  # from a chunk next to a retrieved passage (`around`), not one retrieved


def _value_after(c: Candidate) -> list[str]:
    """The pieces after the unit through the last that holds a value or a command (`_gives_value`),
    within VALUE_AHEAD: in the unit's block, or at the start of its passage's next chunk when the
    unit ends the passage. [] when none does. The last, not the first: the first line with a number
    after "header J8 gives access to the SPI and GPIO lines." is often a side detail ("pins 19, 21 and
    23 are SPI ...") and the answer the next one ("pin 22 as GPIO25 ... can be used as /RESET")."""
    ps = c.ps or []
    ahead = list(itertools.takewhile(lambda x: x.block == ps[c.start].block, ps[c.end:c.end + VALUE_AHEAD]))
    if c.end == len(ps) and c.next_ps:
        ahead = c.next_ps[:VALUE_AHEAD]
    # A table row is a unit of its own, with its header line: run on after a sentence it read as
    # "Stop the unit before opening the filter door. Position | Size ... Position | Size ...".
    ahead = list(itertools.takewhile(lambda x: x.kind != "row", ahead))
    last = max((k for k, x in enumerate(ahead) if _gives_value(x.text)), default=-1)
    return [y.text for y in ahead[:last + 1]]


def _steps_before(c: Candidate) -> list[str]:
    """The instructions right before the unit in its block, up to STEPS_BACK: the procedure's
    first steps, when the step that matched the question is a later one. When they reach back to
    the block's second piece, its first goes before them too: the sentence that says what the
    procedure is for ("Consolidate contact information from multiple sources into one contact."
    before "From Contacts, tap the contact to select it." and "Tap More options > Link to another
    contact."), so the procedure is shown whole, from where the manual begins it."""
    ps = c.ps or []
    out: list[str] = []
    k = c.start - 1
    block = ps[c.start].block if ps else None
    while k >= 0 and len(out) < STEPS_BACK and ps[k].block == block and _is_instruction(ps[k].text):
        out.insert(0, ps[k].text)
        k -= 1
    if out and k >= 0 and ps[k].block == block and (k == 0 or ps[k - 1].block != block):
        out.insert(0, ps[k].text)
    return out


def _with_what_it_leads_to(ps: list[Piece], k: int) -> str:
    """Piece k's text, and the piece after it when piece k is a lead-in ("add the following
    .option card to the circuit deck:" + ".option rshunt = 1.0e12")."""
    if ps[k].text.endswith(":") and k + 1 < len(ps):
        return f"{ps[k].text} {ps[k + 1].text}"
    return ps[k].text


def _in_section(top: list[Passage], step: int) -> list[int | None]:
    """For each passage, the index in `top` of the chunk `step` places from it in its section
    (by `ord`: +1 the next, -1 the previous) when that chunk was retrieved too; None where not."""
    place = {(p.manual_id, p.ord, p.section): k for k, p in enumerate(top) if p.manual_id}
    return [place.get((p.manual_id, p.ord + step, p.section)) if p.manual_id else None for p in top]


# A question often sets the scene in one clause and asks in another: "Bus Pirate is crawling in ascii
# mode; what's the default receive timeout ...?", "In the simulator, does a resistor value of 1M
# mean ...?", "... before I plug in the JTAG dongle?". The words of the clause that asks say what
# the answer is about ("receive timeout", not "mode"): they weigh W_FOCUS more in the cover. A
# clause ends at a punctuation mark, a dash, a subordinating conjunction, or an "and"/"or" that
# starts another question ("... and how low can it go?"); "NFC and payment" stays one clause. An
# asking clause of fewer than FOCUS_MIN content words points back at the others ("what now?",
# "how can I fix this?"): then no clause is the focus. Tuning halves: +1 (avrdude-05) at 0.25, 0.5
# and 1.0, nothing lost; 19 of the 104 questions have such a clause.
W_FOCUS = 0.5
FOCUS_MIN = 2
_CLAUSE = re.compile(r"[,;:?!]|\s[-–—]\s|\.\s|\s(?:because|so|while|when|after|before|if)\s"
                     r"|\s(?:and|but|or)\s(?=(?:what|which|how|why|where|when|who|can|is|are|does|do|should)\b)",
                     re.IGNORECASE)
_ASKS = re.compile(r"\b(what|which|how|why|where|when|who|is there|can i|do i|does|should)\b", re.IGNORECASE)


def focus(question: str) -> set[str]:
    """The content words of the clause that asks, when the question has other clauses too; an
    empty set when it has one clause, no asking clause, or an asking clause of few words."""
    parts = [x for x in _CLAUSE.split(question) if x and x.strip()]
    asking = next((x for x in parts if _ASKS.search(x)), None) if len(parts) > 1 else None
    words = _terms(asking) if asking else set()
    return words if len(words) >= FOCUS_MIN else set()


def _beside(top: list[Passage], around: list[Passage] | None) -> list[tuple[Passage, int]]:
    """The chunks of `around` right before or after one of the first AROUND_OF passages of `top` in
    its section (same manual, same section, `ord` one apart) and not retrieved themselves, each with
    the rank of the passage it is next to."""
    place = {(p.manual_id, p.section, p.ord): k for k, p in enumerate(top[:AROUND_OF]) if p.manual_id}
    have = {p.chunk_id for p in top}
    out: list[tuple[Passage, int]] = []
    for p in around or []:
        at = [k for s in (1, -1) if (k := place.get((p.manual_id, p.section, p.ord + s))) is not None]
        if at and p.chunk_id not in have:
            have.add(p.chunk_id)
            out.append((p, min(at)))
    return out


def candidates(question: str, passages: list[Passage], embedder: Embedder | None = None,
               qvec: np.ndarray | None = None, around: list[Passage] | None = None,
               common: frozenset[str] = frozenset()) -> list[Candidate]:
    """Every unit of the first `MAX_PASSAGES` passages, scored against the question: each piece,
    and each run of up to `MAX_RUN` pieces of one block (the manual's description of a feature
    and the step that opens it; a symptom and its remedy). Only the `MAX_EMBEDDED` pieces sharing
    most terms with the question are embedded (embedding every line of five long passages would
    take longer than the search itself); a run's vector is the sum of its pieces'. `qvec`: the
    question's embedding when the search already computed it (`SearchResult.qvec`), so it is not
    embedded again. `around`: chunks next to the passages (`search.section_neighbours`); those
    right before or after one of the first `AROUND_OF` in its section give candidates too, marked
    `beside`, with their own `MAX_EMBEDDED_BESIDE` embeddings."""
    q_terms = _terms(question)
    if not q_terms or not passages:
        return []
    # An identifier weighs double (a part number, a code), unless it names what the manual is about
    # (`SearchResult.common`: the controller "PC-2" is in a third of the pump manual's passages, and
    # "When the PC-2 detects a fault ..." out-held "... protected by the installer code 0200.").
    named = {_stem(t) for t in common}
    weight = {t: (2.0 if is_identifier(t) and t not in named else 1.0) for t in q_terms}
    per_passage: list[tuple[Passage, list[Piece], list[set[str]]]] = []
    flat: list[tuple[int, int, float]] = []  # (passage index, piece index, piece cover) for embedding
    top = passages[:MAX_PASSAGES]
    beside = _beside(top, around)
    # The pool: the retrieved passages, then the chunks beside them; `rank_of` is the rank a
    # passage's lines are weighed by (a chunk beside: the rank of the passage it is next to).
    pool = top + [p for p, _ in beside]
    rank_of = list(range(len(top))) + [k for _, k in beside]
    split = [pieces(p) for p in pool]
    # A retrieved passage reads on into (and its navigation line back from) only retrieved chunks,
    # as before: linking the chunks beside too lost S10:266 on the tuning halves.
    following = [split[k] if k is not None else None for k in _in_section(top, 1)] + [None] * len(beside)
    previous = [top[k] if k is not None else None for k in _in_section(top, -1)] + [None] * len(beside)
    for k, (ps, nxt) in enumerate(zip(split, following, strict=True)):
        if ps and nxt and ps[-1].text.endswith(":"):
            # The chunker cut between a lead-in and what it leads to ("add the following .option
            # card to the circuit deck:" | ".option rshunt = 1.0e12"): the next chunk's first
            # piece goes on this passage's last block, so the lead-in rule below sees it.
            ps.append(Piece(nxt[0].text, nxt[0].kind, ps[-1].block, nxt[0].full))
            following[k] = nxt[1:]
    # The heading says what a row or line is about: its words count toward the cover.
    # So does the manual's name: "superheat setting rtu45" asks the RTU-45 manual, and a line of it
    # need not name the unit again to hold that word.
    headings = [_terms(p.section.split(" > ")[-1]) | _terms(p.manual) for p in pool]
    for idx, p in enumerate(pool):
        ps = split[idx]
        for k, x in enumerate(ps):
            # A table row is cells, not a run-on enumeration: a colon inside a cell ("Motor protection
            # relay tripped: low voltage, ...") is no lead-in, and the demo RTU-45's E08 row was cut
            # to "... compressor current (max." without its 19 A.
            if x.kind != "row" and (ex := excerpt(x.full, q_terms)):
                # In place of the cut-off enumeration, in a block of its own: never part of a run.
                ps[k] = Piece(ex, "excerpt", -1 - k)
        # A table row's abbreviation holds the words it stands for (as the spec-row search reads
        # a row); a sentence's does not: the pump "ID" of a prose line is no inner diameter.
        ts = [_line_terms(x.text) if x.kind == "row" else _terms(x.text) for x in ps]
        per_passage.append((p, ps, ts))
    # Only the asking clause's words that some line or heading holds weigh more: one no line holds
    # ("voltages", which stems apart from "voltage") would only shrink every cover alike, and
    # against the fixed run and rank terms that tipped a keyword-only answer (lirc-configuration-guide-01).
    seen = set().union(*headings, *(t for _, _, ts in per_passage for t in ts))
    for t in focus(question) & q_terms & seen:
        weight[t] *= 1 + W_FOCUS
    total = sum(weight.values())
    for idx, (_, _, ts) in enumerate(per_passage):
        for i, t in enumerate(ts):
            flat.append((idx, i, sum(weight[w] for w in q_terms & (t | headings[idx])) / total))
    vec: dict[tuple[int, int], np.ndarray] = {}
    qv = None
    if embedder is not None and flat:
        # The chunks beside have their own few embeddings: taken from the retrieved passages'
        # MAX_EMBEDDED, they would cost those lines their similarity (bench/README.md, round 5).
        # Only their pieces that hold as much of the question as the best retrieved piece: a line
        # beside wins only with as much of it (`pick`), and most questions embed none.
        chosen = sorted((x for x in flat if x[0] < len(top)), key=lambda x: (-x[2], x[0]))[:MAX_EMBEDDED]
        bar = max((x[2] for x in chosen), default=0.0)
        chosen += sorted((x for x in flat if x[0] >= len(top) and x[2] >= bar),
                         key=lambda x: (-x[2], x[0]))[:MAX_EMBEDDED_BESIDE]
        head = [] if qvec is not None else [question]
        vs = embedder.embed(head + [per_passage[r][1][i].text[:EMBED_CHARS] for r, i, _ in chosen])
        qv = vs[0] if qvec is None else np.asarray(qvec, dtype=np.float32)
        vec = {(r, i): vs[j + len(head)] for j, (r, i, _) in enumerate(chosen)}
    out: list[Candidate] = []
    for idx, (p, ps, ts) in enumerate(per_passage):
        heading = headings[idx]
        nxt, prev = following[idx], previous[idx]
        for i in range(len(ps)):
            for n in range(1, MAX_RUN + 1):
                j = i + n
                if j > len(ps) or ps[j - 1].block != ps[i].block:
                    break
                if n > 1 and ps[j - 1].kind == "row":
                    continue  # rows stand alone
                if ps[j - 1].text.endswith(":") and j < len(ps) and ps[j].block == ps[i].block:
                    # A lead-in ("For a BOM exporter using Python, an example is:") is not shown
                    # without what it leads to, the command or list that follows it: the run
                    # one longer is the unit.
                    continue
                text = " ".join(x.text for x in ps[i:j])
                if n > 1 and len(text) > MAX_UNIT_CHARS:
                    break
                ut = set().union(*ts[i:j])
                if len(ut - q_terms) <= 1:
                    continue  # says back what was asked ("The TV smells of plastic."): not an answer
                cover = sum(weight[t] for t in q_terms & (ut | heading)) / total
                remedy = next((_with_what_it_leads_to(ps, k) for k in range(j, min(len(ps), j + REMEDY_AHEAD))
                               if _says_what_to_do(ps[k].text) or _MENU_PATH.search(ps[k].text)), None)
                # What a lead-in leads to (a command, a value, a list) rarely reads like the
                # question: it weighs neither on the run's similarity nor on its length.
                led = int(n > 1 and ps[j - 2].text.endswith(":"))
                sim = 0.0
                if qv is not None:
                    got = [vec[(idx, k)] for k in range(i, j - led) if (idx, k) in vec]
                    if got:
                        v = np.sum(got, axis=0)
                        sim = float(v @ qv / (np.linalg.norm(v) or 1.0))
                out.append(Candidate(rank_of[idx], p, text, cover, sim, bool(values.facts(text)), remedy, n - led,
                                     len(ut), ps, i, j, nxt, prev, idx >= len(top)))
    return out


# Questions that want to know what a thing is or why something happens, not what to do: "What are
# the benefits of NFC and payment?", "Why the TV smells of plastic?". An instruction line ("From
# Settings, tap Connections > NFC and payment") weighs W_EXPLAIN less for them, and no remedy
# is appended to the line that answers (the plastic smell "is normal and will dissipate over
# time", not "Remove the base stand", which is the next row's remedy).
_EXPLAIN = re.compile(r"\b(why|what (is|are|does|do))\b", re.IGNORECASE)
_ASKS_TO_DO = re.compile(r"\b(how|steps?|fix\w*|what should|what now)\b", re.IGNORECASE)
W_EXPLAIN = 0.05
# "How often do I change the air filters?": the line that gives an interval ("... at the latest every
# 3 months") is the answer, not the one holding more of the question's words ("Stop the unit before
# opening the filter door."). The dev sets ask no such question: set by hand, as large as W_SHORT.
_HOW_OFTEN = re.compile(r"\bhow (often|frequently|regularly)\b|\b(what|which) (is the )?(service |maintenance )?interval\b"
                        r"|\bafter how (many|long)\b", re.IGNORECASE)
_INTERVAL = re.compile(r"\bevery\s+(\d|other\b|few\b|(day|week|month|year|hour|shift|season)s?\b)"
                       r"|\b(daily|weekly|monthly|yearly|annually|quarterly|hourly)\b|\bonce (a|an|per|every)\b"
                       r"|\b\d[\d\s,.]*\s*(operating |running |service )?(hours|days|weeks|months|years)\b"
                       r"|\binterval", re.IGNORECASE)
W_INTERVAL = 0.1
OTHER_MANUAL_COVER = 0.5


def _wants_explanation(question: str) -> bool:
    return bool(_EXPLAIN.search(question)) and not _ASKS_TO_DO.search(question)


def asks_a_way(question: str) -> bool:
    """Whether `question` asks how to do something and no value ("How do I reset a manual fault?",
    not "How do I set the torque?"): a way, which a table row's cells do not give."""
    return bool(_HOW_TO.search(question)) and not _WANTS_VALUE.search(question)


def hand_score(c: Candidate, wants_value: bool, explain: bool, embedded: bool, often: bool = False) -> float:
    """A candidate's score by the module's hand-set weights (`wants_value`: the question asks for a
    value, `_WANTS_VALUE`; `explain`: it asks why or what something is, `_wants_explanation`;
    `often`: it asks how often, `_HOW_OFTEN`)."""
    score = W_TERMS * c.cover + W_SIMILARITY * c.similarity - W_RANK * c.rank - W_RUN * (c.length - 1)
    if wants_value and c.has_value:
        score += W_VALUE
    if often and _INTERVAL.search(c.text):
        score += W_INTERVAL
    if c.n_terms < SHORT_TERMS and not c.has_value:
        score -= W_SHORT
    if explain and _is_instruction(c.text):
        score -= W_EXPLAIN
    if not embedded:
        score /= W_TERMS + W_VALUE  # keyword-only: the same floor means the same share of terms
    return score


def choose(scored: list[tuple[float, Candidate]], floor: float) -> tuple[float, Candidate] | None:
    """The best of the scored candidates at or above `floor`. A `beside` candidate replaces the best
    retrieved one only when its cover is at least as high and its similarity higher."""
    best: tuple[float, Candidate] | None = None
    beside: list[tuple[float, Candidate]] = []
    for score, c in scored:
        if c.beside:
            beside.append((score, c))
        elif best is None or score > best[0]:
            best = (score, c)
    if best is not None:
        # A line of a chunk the search did not retrieve, next to one it did, must beat the best
        # retrieved line on both signals: hold as much of the question, and read closer to it.
        # Weighed by score alone, its high-similarity lines of few question words won over right
        # retrieved ones (bench/README.md, round 9). Keyword-only, no such line wins.
        b = best[1]
        rivals = [(sc, x) for sc, x in beside if x.cover >= b.cover and x.similarity > b.similarity and sc >= floor]
        best = max(rivals, key=lambda t: t[0], default=best)
    if best is None or best[0] < floor:
        return None
    return best


def shown(question: str, c: Candidate) -> str:
    """The text shown for candidate `c` as the direct answer: the unit with at most one of the
    pieces after it that give the value it lacks, the steps before it, or the remedy after it (in
    that order of precedence; each was measured on the tuning halves, bench/README.md), and its
    section's navigation line. bench/direct_fit.py labels every candidate by this text."""
    explain = _wants_explanation(question)
    p = c.passage
    text = c.text
    if (_WANTS_VALUE.search(question) or _TROUBLE.search(question)) and not _gives_value(text) \
            and (after := _value_after(c)):
        # The line that matches the question names the setting, the sentence after it gives the
        # command or the value ("... the rc protocol needs to be set." + "... using sudo sh -c
        # \"echo 'lirc' > /sys/class/rc/rc0/protocol\""): both are the answer.
        text = " ".join([text, *after])
    elif _HOW_TO.search(question) and _is_instruction(text) and (before := _steps_before(c)):
        # The step that names the question's feature is often the last of a procedure ("Tap More
        # options > Delete." after "From Contacts, tap Open drawer > Groups"): the steps before
        # it are how to get there.
        text = " ".join([*before, text])
    elif c.remedy and _TROUBLE.search(question) and not _says_what_to_do(text) and not explain:
        # A troubleshooting table pairs a symptom with its remedy, and the symptom is what matches
        # the question ("There is no sound ..."): the remedy is the answer. So with a procedure:
        # the line that matches "how do I delete a group" says what the feature is, the step
        # after it how. Read out of a PDF the table often comes column by column (every symptom,
        # then every remedy), so the remedy is the first instruction that follows, not the next line.
        text = f"{text} {c.remedy}"
    return navigation.with_navigation(text, p, c.prev)


def pick(question: str, cands: list[Candidate], embedded: bool) -> Direct | None:
    """The best candidate above the floor, by the module's weights (`hand_score`, `choose`), shown
    with what goes with it (`shown`)."""
    wants_value = bool(_WANTS_VALUE.search(question))
    explain = _wants_explanation(question)
    often = bool(_HOW_OFTEN.search(question))
    best = choose([(hand_score(c, wants_value, explain, embedded, often), c) for c in cands], MIN_SCORE)
    if best is None:
        return None
    score, c = best
    p = c.passage
    # A line from a chunk beside the retrieved ones is none of their numbers: 0 (`find` numbers it
    # when it is a retrieved passage below the first MAX_PASSAGES after all).
    n = 0 if c.beside else c.rank + 1
    return Direct(shown(question, c), n, p.manual, p.path, p.page, p.section, p.chunk_id, round(score, 4))


def find(question: str, passages: list[Passage], embedder: Embedder | None = None,
         qvec: np.ndarray | None = None, around: list[Passage] | None = None,
         common: frozenset[str] = frozenset(), scope: frozenset[int] = frozenset()) -> Direct | None:
    """The best answering unit of the first `MAX_PASSAGES` passages, or None when none holds enough
    of the question. `qvec`: the question's embedding by the same `embedder`, when the search has
    it (`SearchResult.qvec`); without it the question is embedded here. `around`: the chunks next
    to the passages (`answer.Retrieved.around`), whose lines win only by both signals (`pick`)."""
    cands = candidates(question, passages, embedder, qvec, around, common)
    if scope:
        # A question that names a manual ("What size fuse for the UPS?") is answered from another only
        # by a line that holds much of it: the pump manual's "Recommended fuse | 16 A gG" (a third of
        # the question) is no answer about the UPS; "E47 low suction pressure" of the controller's
        # manual is one to "What should I check when the pump reports low suction pressure?".
        cands = [c for c in cands if c.passage.manual_id in scope or c.cover >= OTHER_MANUAL_COVER]
    d = pick(question, cands, embedder is not None)
    if d is not None and d.n == 0:
        # A chunk beside may still be a retrieved passage, below the first MAX_PASSAGES read as
        # such (settings.top_k goes to 20): then it has that passage's number, as in the prompt.
        d.n = next((i + 1 for i, p in enumerate(passages) if p.chunk_id == d.chunk_id), 0)
    return d
