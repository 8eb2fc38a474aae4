"""One question asked in the app and everything that came back for it (the Ask page's history)."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field

from .answer import Answer, Citation, first_passages
from .direct import Direct

# What the 0.5B often opens with when it copies the direct answer's line from its prompt
# (prompt.quote_lead), and the citation marks it adds.
_OPENINGS = ("the manual says", "the manual states")
_LEAD = re.compile(rf"^\W*(?:{'|'.join(_OPENINGS)})(?:\s*\[\d+\])?\s*:?\s*", re.IGNORECASE)
_MARKS = re.compile(r"\s*\[\d+(?:\s*[,;-]\s*\d+)*\]")


def _plain(text: str) -> str:
    return " ".join(_MARKS.sub("", _LEAD.sub("", text)).split()).rstrip(" .").casefold()


def repeats(answer: str, direct: str) -> bool:
    """Whether `answer` only repeats the direct answer's line (a primed spec row, or the quoted
    line copied after "The manual says [1]:"), so that it adds nothing for the technician to read:
    its words, without citation marks and that opening, are a run of the line's (a copy the answer
    length cut short at the end of a word included; one cut inside a word is shown)."""
    said = _plain(answer)
    # Whole words, and three of them at least: "Yes." is no repeat of a line holding "eyes" or "yes".
    return len(said.split()) >= 3 and re.search(rf"(?<!\w){re.escape(said)}(?!\w)", _plain(direct)) is not None


_TRAILING = re.compile(r"^[\s.,;:]*(?:\[\d+(?:\s*[,;-]\s*\d+)*\])?[\s.,;:]*")


_WORD_OR_MARK = re.compile(r"(?:\[\d+(?:\s*[,;-]\s*\d+)*\]|\S)+")


def _holds(line: str, said: str) -> bool:
    """Whether `said` is in `line` as whole words, as `(?<!\\w)said(?!\\w)` finds it."""
    i = line.find(said)
    while i >= 0:
        j = i + len(said)
        if (i == 0 or not (line[i - 1].isalnum() or line[i - 1] == "_")) and \
                (j == len(line) or not (line[j].isalnum() or line[j] == "_")):
            return True
        i = line.find(said, i + 1)
    return False


def after_copy(answer: str, direct: str) -> str | None:
    """What `answer` says after it first copies the direct answer's line (after "The manual says
    [1]:" or straight away), or None when it does not start with such a copy, or says nothing
    more (`repeats`). The copy is three words at least, a run of the line's words that ends where
    a sentence of the answer ends or where the line does, so the rest reads on from the line shown
    above it: "The manual says [1]: The pump bearings ... when they become noisy. The motor
    bearings are lubricated for life as well." -> "The motor bearings are lubricated for life as
    well." (In the 0.5B's answers on the tuning halves, 9 of the 33 that were no mere repeat.)"""
    lead = _LEAD.match(answer)
    body = answer[lead.end():] if lead else answer
    line = _plain(direct)
    # The answer's words one by one (a citation mark, "[1, 2]", is one), `said` kept as `_plain`
    # would make it of the answer so far, with no regex made per word: that way a 2,000-character
    # line copied whole took 0.3 s a call, and the card calls this on every streamed token.
    cut, said_so_far, last = None, "", ""
    for m in _WORD_OR_MARK.finditer(body):
        word = " ".join(_MARKS.sub("", m.group()).split()).casefold()
        if word:
            # _MARKS takes the space before a mark with it: "24 Nm [1]." reads "24 nm."
            sep = "" if _MARKS.match(m.group()) else " "
            said_so_far = f"{said_so_far}{sep}{word}" if said_so_far else word
            last = word
        said = said_so_far.rstrip(" .")
        if not said:
            continue
        if not _holds(line, said):
            break  # the answer's words leave the line here
        ends = last[-1:] in ".!?:;" or said == line
        if ends and len(said.split()) >= 3:
            cut = m.end()
    if cut is None:
        return None
    rest = body[cut:]
    rest = rest[_TRAILING.match(rest).end():]
    return rest if rest.strip() else None


_MARK_STREAMING = re.compile(r"\s*\[[\d\s,;-]*$")  # a citation mark whose "]" has not come yet


def may_repeat(partial: str, direct: str) -> bool:
    """Whether an answer still streaming in, `partial` so far, may yet turn out to repeat the direct
    answer's line (`repeats`): a terminal holds it back rather than print the line twice, as the GUI
    hides it. Its last word may be cut short, and it may still be the opening "The manual says"."""
    said = _plain(_MARK_STREAMING.sub("", partial))
    if not said or any(o.startswith(said) for o in _OPENINGS):
        return True
    return re.search(rf"(?<!\w){re.escape(said)}", _plain(direct)) is not None


@dataclass
class Turn:
    """One question of this session and everything that came back for it."""

    question: str
    state: str = "searching"  # searching | writing | done | stopped | failed
    passages: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    direct: Direct | None = None  # the manual's own line, shown before the model's
    procedures: list = field(default_factory=list)  # offered to start: [{id, title, manual, page}]
    spec_rows: list = field(default_factory=list)  # table rows matching the question (`SpecRow.to_json()`)
    text: str = ""
    answer: Answer | None = None
    error: BaseException | None = None  # why the turn failed
    error_kind: str | None = None  # "no-model" | "error"
    job: object = None  # what runs the answer; has cancel()
    started: float = field(default_factory=time.perf_counter)
    ended: float | None = None
    first_token: float | None = None

    @property
    def busy(self) -> bool:
        return self.state in ("searching", "writing")

    @property
    def repeats_direct(self) -> bool:
        """The finished answer only repeats the direct answer shown above it (`repeats`)."""
        a = self.answer
        return (a is not None and not a.abstained and self.direct is not None and self.state == "done"
                and repeats(a.answer, self.direct.text))

    @property
    def shown_answer(self) -> str:
        """The model's answer as the card shows it under the direct answer: without a first copy of
        the direct answer's line (`after_copy`), which is shown just above it."""
        a = self.answer
        text = self.text if a is None else a.answer
        if self.direct is None or (a is not None and a.abstained):
            return text
        rest = after_copy(text, self.direct.text)
        return text if rest is None else rest

    @property
    def holds_back(self) -> bool:
        """While the answer streams in, it may still be only a copy of the direct answer's line
        (`may_repeat`): not shown yet, rather than shown and then hidden as a repeat."""
        return (self.state == "writing" and self.direct is not None and bool(self.text.strip())
                and may_repeat(self.text, self.direct.text))

    def sources(self) -> tuple[str, list[Citation]]:
        """The passages to show under the answer and what they are: "cited" (the answer's
        citations), "closest" (nothing could be cited: it abstained, or there is no chat model) or
        "" (none to show)."""
        a = self.answer
        if a is not None and a.citations:
            return "cited", a.citations
        if self.passages and (self.error_kind == "no-model" or (a is not None and a.abstained)):
            return "closest", first_passages(self.passages)
        return "", []
