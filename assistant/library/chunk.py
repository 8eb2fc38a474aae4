"""Cut a parsed manual into retrieval chunks that respect headings and pages, with overlap.

A chunk never crosses a page or a section boundary, so its page and heading path are exact.
Inside a section, paragraphs are packed up to TARGET characters; the last paragraph of a chunk
(if short) is repeated at the start of the next one as overlap. Tables stay whole unless they
are very large, in which case they are split by rows with the header row repeated.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from .document import Block, ParsedManual
from .safety import safety_level

TARGET = 900  # characters: about 200 word pieces, inside MiniLM's 256-token window
MAX = 1400
OVERLAP = 250  # at most this much trailing text is repeated in the next chunk
TABLE_MAX = 3000


@dataclass
class Chunk:
    ord: int
    page: int | None
    section: tuple[str, ...]
    kind: str
    text: str
    start: int
    end: int
    safety: str | None = None  # "DANGER" | "WARNING" | "CAUTION" when the chunk carries one

    @property
    def section_path(self) -> str:
        return " > ".join(self.section)


def _split_long(b: Block) -> Iterator[Block]:
    """Split one over-long paragraph at sentence ends (or spaces) into pieces <= MAX."""
    text, pos = b.text, 0
    while pos < len(text):
        if len(text) - pos <= MAX:
            cut = len(text)
        else:
            window = text[pos : pos + TARGET + 200]
            m = list(re.finditer(r"[.!?;:]\s", window))
            cut = pos + (m[-1].end() if m and m[-1].end() > TARGET // 2 else (window.rfind(" ") + 1 or len(window)))
        piece = text[pos:cut].strip()
        if piece:
            lead = len(text[pos:cut]) - len(text[pos:cut].lstrip())
            yield Block(piece, b.page, b.section, b.kind, b.start + pos + lead, b.start + pos + lead + len(piece))
        pos = cut


def _split_table(b: Block) -> Iterator[Block]:
    rows = b.text.split("\n")
    header, body = rows[0], rows[1:]
    group: list[str] = []
    offset = b.start + len(header) + 1
    start = offset
    for row in body:
        if group and len(header) + sum(len(r) + 1 for r in group) + len(row) > TABLE_MAX:
            yield Block("\n".join([header, *group]), b.page, b.section, "table", start, offset - 1)
            group, start = [], offset
        group.append(row)
        offset += len(row) + 1
    if group:
        yield Block("\n".join([header, *group]), b.page, b.section, "table", start, offset - 1)


def _units(blocks: Iterable[Block]) -> Iterator[Block]:
    for b in blocks:
        if not b.text.strip():
            continue
        if b.kind == "table":
            yield from (_split_table(b) if len(b.text) > TABLE_MAX and "\n" in b.text else [b])
        elif len(b.text) > MAX:
            yield from _split_long(b)
        else:
            yield b


def chunk_manual(doc: ParsedManual) -> list[Chunk]:
    """Chunks in reading order, each with page, heading path and offsets into its page text.

    A section's heading block opens its first chunk, so "E47 low suction pressure" is in the
    passage a technician reads, not only in its section path.
    """
    chunks: list[Chunk] = []
    group: list[Block] = []
    carried = 0  # how many blocks at the head of `group` are overlap repeated from the last chunk

    def flush(carry: bool) -> None:
        nonlocal group, carried
        if all(b.kind == "heading" for b in group[carried:]):
            # Nothing but headings (or the overlap) since the last chunk: not a chunk of its own.
            # A heading is kept when body text follows it, so a chunk names what it is about.
            group, carried = [], 0
            return
        text = "\n\n".join(b.text for b in group)
        kind = "table" if any(b.kind == "table" for b in group) else "text"
        chunks.append(Chunk(len(chunks), group[0].page, group[0].section, kind, text,
                            group[0].start, group[-1].end, safety_level(text)))
        last = group[-1]
        group = [last] if carry and last.kind == "text" and len(last.text) <= OVERLAP else []
        carried = len(group)

    for b in _units(doc.blocks):
        if group and (b.page != group[0].page or b.section != group[0].section):
            flush(carry=False)
        if b.kind == "table":
            # A table is its own chunk, with the paragraph just before it as context if short.
            lead = group[-1:] if group and len(group[-1].text) <= OVERLAP else []
            if lead and len(group) - carried == 1:
                group.pop()  # the lead is the only new block: it goes with the table, not alone too
            flush(carry=False)
            group, carried = [*lead, b], 0
            flush(carry=False)
            continue
        size = sum(len(x.text) + 2 for x in group)
        if group and size + len(b.text) > TARGET:
            flush(carry=True)
        group.append(b)
    flush(carry=False)
    return chunks
