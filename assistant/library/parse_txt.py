"""Plain text parsing: blank-line paragraphs; headings from underlines, numbering or CAPS lines."""

from __future__ import annotations

import re
from pathlib import Path

from assistant.errors import ManualParseError
from assistant.library.document import Block
from assistant.library.line_heuristics import BULLET, heading_hint, hyphenated_words, join_lines
from assistant.library.normalise import clean_inline, decode_text
from assistant.library.sections import push_section

_UNDERLINE = re.compile(r"^\s*(=+|-+)\s*$")


def parse_txt(path: Path, data: bytes) -> tuple[str | None, list[Block]]:
    """Plain text: blank-line paragraphs; headings from underlines, numbering or CAPS lines."""
    text = decode_text(data, path)
    if not text.strip():
        raise ManualParseError(path, "file is empty")
    blocks: list[Block] = []
    section: tuple[str, ...] = ()
    hyphenated = hyphenated_words([text])
    for para in _paragraphs(text):
        section = _txt_paragraph(para, section, blocks, hyphenated)
    return None, blocks


def _paragraphs(text: str):
    """Groups of consecutive non-blank lines."""
    para: list[str] = []
    for line in text.splitlines():
        if line.strip():
            para.append(line)
        elif para:
            yield para
            para = []
    if para:
        yield para


def _txt_paragraph(lines: list[str], section: tuple[str, ...], blocks: list[Block],
                   hyphenated: set[str]) -> tuple[str, ...]:
    """Emit the blocks of one paragraph; returns the section path after it."""
    pending: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        # Underlined heading: "Title" over "=====" (level 1) or "-----" (level 2).
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        under = _UNDERLINE.match(nxt)
        if under and len(under.group(1)) >= 3 and len(line.strip()) <= 100 and not BULLET.match(line):
            _emit_txt_text(pending, section, blocks, hyphenated)
            pending = []
            section = _emit_heading(line, 1 if under.group(1)[0] == "=" else 2, section, blocks)
            i += 2
            continue
        # A numbered or CAPS line opens a paragraph: heading, unless it starts a numbered list.
        if not pending and _txt_heading(line, nxt):
            hint = heading_hint(line)
            section = _emit_heading(line, hint[1], section, blocks)
            i += 1
            continue
        pending.append(line)
        i += 1
    _emit_txt_text(pending, section, blocks, hyphenated)
    return section


def _txt_heading(line: str, next_line: str) -> bool:
    if len(line) > 100 or heading_hint(line) is None:
        return False
    # "1. Remove the cover" followed by "2. Lift the lid" is a procedure, not two sections.
    return not (BULLET.match(line) and next_line and BULLET.match(next_line))


def _emit_heading(line: str, level: int, section: tuple[str, ...], blocks: list[Block]) -> tuple[str, ...]:
    title = clean_inline(line)
    section = push_section(section, level, title)
    blocks.append(Block(text=title, page=None, section=section, kind="heading"))
    return section


def _emit_txt_text(lines: list[str], section: tuple[str, ...], blocks: list[Block],
                   hyphenated: set[str]) -> None:
    if not lines:
        return
    bullets = sum(1 for line in lines if BULLET.match(line))
    if bullets and bullets >= len(lines) / 2 and BULLET.match(lines[0]):
        # A list: one item per line, continuation lines folded into their item.
        items: list[list[str]] = []
        for line in lines:
            if BULLET.match(line) or not items:
                items.append([line])
            else:
                items[-1].append(line)
        text = "\n".join(clean_inline(join_lines(item, hyphenated)) for item in items)
        blocks.append(Block(text=text, page=None, section=section, kind="list"))
        return
    blocks.append(Block(text=clean_inline(join_lines(lines, hyphenated)), page=None, section=section))
