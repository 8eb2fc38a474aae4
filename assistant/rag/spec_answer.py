"""A spec row as the answer: the row shown as the direct answer, cited to its passage, and given to
the model with its headers.

The passage search ranks a table as one blob; the row that holds the torque asked for is found by
`specs.search`. When one row clearly answers (`specs.direct_row`), it becomes the direct answer
("Pump mounting bolts — Size: M12; Torque: 68 Nm"), its passage joins the retrieved ones if search
missed it (so the citation and the viewer point at it), and the prompt gets the row with its
headers before the passages (for the qwen2 family, the row as the manual's line: answer.SPEC_ROW).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from . import direct as directmod
from . import specs
from .search import Passage, _load, _passage

log = logging.getLogger(__name__)


@dataclass
class SpecMatch:
    rows: list[specs.SpecRow] = field(default_factory=list)  # matching rows, best first (for the GUI)
    row: specs.SpecRow | None = None  # the one that answers, when one clearly does
    passage: Passage | None = None  # the passage holding `row`

    def listed_only(self) -> SpecMatch:
        """The same rows, none stated as the answer."""
        return SpecMatch(self.rows)


def lookup(db, question: str, k: int = 5, qvec=None, only: set[int] | None = None) -> SpecMatch:
    """The spec rows for `question` and the answering one; an empty match on any database error
    (a library from before the spec tables' migration cannot exist, but rows are an extra).
    `qvec`: the question's embedding from the passage search, compared with the rows' (None: words only).
    `only`: the manual ids a current job scopes answers to (None: every manual), as passage search."""
    try:
        rows = specs.search(db, question, k=k if only is None else k * 4, qvec=qvec)
        if only is not None:
            rows = [r for r in rows if r.manual_id in only][:k]
    except Exception:
        log.warning("spec row lookup failed", exc_info=True)
        return SpecMatch()
    row = specs.direct_row(rows)
    return SpecMatch(rows, row, _row_passage(db, row) if row else None)


def row_passage(db, row: specs.SpecRow) -> Passage | None:
    """The stored passage that holds `row` (see `_row_passage`)."""
    return _row_passage(db, row)


def _row_passage(db, row: specs.SpecRow) -> Passage | None:
    """The stored passage that holds the row: of the chunks of its page (or section) containing
    the row's label cell, the one holding most of its other cells (a table chunk first), else any
    chunk of that page. A label alone is not enough: "0.0625" labels a row of a conversion-time
    table and is a cell of the resolution table above it, and "FT8" is named in the prose around
    its table; the first chunk holding the label was the one cited, so the model was given (and
    the answer cited) a passage without the row's values. A manual without pages (Markdown, HTML:
    every chunk's page is NULL) is one "page": there the chunks of the row's own section come
    first (the same row in two sections' tables, one per pump model, was cited to the first)."""
    label = row.label()
    sql = "SELECT id, text, kind, section FROM chunks WHERE manual_id = ? AND page IS ? AND instr(text, ?) > 0 ORDER BY ord"
    cands = db.execute(sql, (row.manual_id, row.page, label)).fetchall() if label else []
    cells = [_flat(c) for c in row.cells if c.strip()]

    def holds(c) -> tuple[bool, int, bool]:
        text = _flat(c["text"])
        return row.page is not None or c["section"] == row.section, sum(cell in text for cell in cells), \
            c["kind"] == "table"

    # max() keeps the first of equals: the earliest chunk among those holding as many cells.
    found = max(cands, key=holds) if cands else None
    if found is None:
        found = db.execute("SELECT id FROM chunks WHERE manual_id = ? AND page IS ? ORDER BY section IS NOT ?, ord"
                           " LIMIT 1", (row.manual_id, row.page, row.section)).fetchone()
    if found is None:
        return None
    r = _load(db, [found["id"]]).get(found["id"])
    return _passage(r, 0.0) if r is not None else None


def _flat(text: str) -> str:
    """Text compared the way a table cell reads, whitespace collapsed (a PDF cell wraps anywhere)."""
    return " ".join(text.split()).casefold()


def within(match: SpecMatch, passages: list[Passage]) -> SpecMatch:
    """`match` without its answering row when the row comes from a manual none of `passages` (what
    the passage search found relevant) comes from. Rows are searched over the whole library, and
    a row that matches the question's words in another manual ("Tune length" of a PCB editor for
    "how long does the programmer wait after reset") is a guess about another device: the
    passages say which manual the question is about. The rows stay listed; only the answer goes.
    The caller keeps the row when the passage search found nothing relevant: then the row is
    the only lead, and the manuals of irrelevant passages say nothing."""
    if match.row is None or not passages or match.row.manual_id in {p.manual_id for p in passages}:
        return match
    return match.listed_only()


def with_row_passage(match: SpecMatch, passages: list[Passage]) -> list[Passage]:
    """`passages` with the answering row's passage first when search did not retrieve it."""
    p = match.passage
    if p is None or any(q.chunk_id == p.chunk_id for q in passages):
        return passages
    return [p, *passages]


def answer_text(row: specs.SpecRow) -> str:
    """"Pump mounting bolts — Size: M12; Torque: 68 Nm": the label, then the rest of the row with its headers."""
    label = row.label()
    if label and row.cells and row.cells[0] == label:
        rest = readable(specs.row_text(row.headers[1:], row.cells[1:]))
        return f"{label} — {rest}" if rest else label
    return readable(row.text())


def readable(text: str) -> str:
    """The row as read: a cell that is a sentence ends with its own full stop, not ".;" ("Cause:
    Filter differential pressure above 250 Pa for 5 minutes. Action: Replace the filters ...")."""
    return re.sub(r"([.!?]); (?=\S+( \S+){0,3}: )", r"\1 ", text)


def direct(match: SpecMatch, passages: list[Passage]) -> directmod.Direct | None:
    """The direct answer from the answering row, numbered as its passage among `passages`."""
    row = match.row
    if row is None:
        return None
    n, chunk_id = 0, 0
    if match.passage is not None:
        chunk_id = match.passage.chunk_id
        n = next((i + 1 for i, q in enumerate(passages) if q.chunk_id == chunk_id), 0)
    section = row.section or row.caption
    return directmod.Direct(answer_text(row), n, row.manual_title, row.manual_path, row.page, section, chunk_id,
                            round(row.score, 4), kind="spec_row", row=row.to_json())


def prompt_block(match: SpecMatch, passages: list[Passage]) -> str:
    """The row with its headers for the model, tied to its passage number when it has one."""
    row = match.row
    if row is None:
        return ""
    d = direct(match, passages)
    where = f" (from passage [{d.n}])" if d and d.n else ""
    caption = f"{row.caption}: " if row.caption else ""
    return f"Table row{where}: {caption}{row.text()}"
