"""Markdown parsing with markdown-it-py: headings build the section path; paragraphs, lists,
code, tables and raw HTML blocks become blocks in order. A front-matter title is the manual's.
"""

from __future__ import annotations

import re
from pathlib import Path

from assistant.errors import ManualParseError
from assistant.library.document import Block
from assistant.library.normalise import clean_inline, clean_lines, decode_text, table_text
from assistant.library.parse_html import fragment_text
from assistant.library.sections import push_section

_FRONT_MATTER = re.compile(r"\A(?:---[ \t]*\r?\n(.*?)\r?\n(?:---|\.\.\.)|\+\+\+[ \t]*\r?\n(.*?)\r?\n\+\+\+)[ \t]*(?:\r?\n|\Z)",
                           re.DOTALL)
_FM_TITLE = re.compile(r"^title\s*[:=]\s*(.+?)\s*$", re.MULTILINE)


def parse_md(path: Path, data: bytes) -> tuple[str | None, list[Block]]:
    """Markdown via markdown-it-py: headings build the path; paragraphs, lists, code, tables."""
    from markdown_it import MarkdownIt

    text = decode_text(data, path).lstrip("\ufeff")
    if not text.strip():
        raise ManualParseError(path, "file is empty")
    title = None
    fm = _FRONT_MATTER.match(text)
    if fm:
        found = _FM_TITLE.search(fm.group(1) or fm.group(2) or "")
        title = clean_inline(found.group(1).strip("\"'")) if found else None
        # Keep the line count so token line maps stay meaningful; the content goes.
        text = "\n" * fm.group(0).count("\n") + text[fm.end():]
    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    return title, _md_blocks(md.parse(text))


def _md_blocks(tokens) -> list[Block]:
    blocks: list[Block] = []
    section: tuple[str, ...] = ()
    list_depth = 0
    # Ordered lists keep their item numbers in the text ("3. Remove the cover"), as PDF and plain
    # text do, so a numbered procedure reads the same from every format (procedure extraction).
    numbers: list[int | None] = []  # per open list: the next item number, None for bullets
    number = ""  # "3. " for the first paragraph of the current ordered item
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        kind = tok.type
        if kind == "heading_open":
            title = _md_inline(tokens[i + 1])
            if title:
                section = push_section(section, int(tok.tag[1]), title)
                blocks.append(Block(text=title, page=None, section=section, kind="heading"))
            i += 3
            continue
        if kind == "paragraph_open":
            text = _md_inline(tokens[i + 1])
            if text:
                blocks.append(Block(text=number + text, page=None, section=section,
                                    kind="list" if list_depth else "text"))
                number = ""
            i += 3
            continue
        if kind in ("bullet_list_open", "ordered_list_open"):
            list_depth += 1
            start = tok.attrs.get("start", 1) if kind == "ordered_list_open" else None
            numbers.append(int(start) if start is not None else None)
        elif kind in ("bullet_list_close", "ordered_list_close"):
            list_depth -= 1
            numbers.pop()
        elif kind == "list_item_open" and numbers and numbers[-1] is not None:
            number = f"{numbers[-1]}. "
            numbers[-1] += 1
        elif kind == "list_item_close":
            number = ""
        elif kind in ("fence", "code_block"):
            code = clean_lines(tok.content, keep_indent=True)
            if code:
                blocks.append(Block(text=code, page=None, section=section))
        elif kind == "table_open":
            rows, i = _md_table(tokens, i)
            text = table_text(rows)
            if text:
                blocks.append(Block(text=text, page=None, section=section, kind="table"))
            continue
        elif kind == "html_block":
            text = fragment_text(tok.content)
            if text:
                blocks.append(Block(text=text, page=None, section=section))
        i += 1
    return blocks


def _md_table(tokens, i: int) -> tuple[list[list[str]], int]:
    """Rows of the table starting at token i; returns them and the index after table_close."""
    rows: list[list[str]] = []
    while i < len(tokens) and tokens[i].type != "table_close":
        tok = tokens[i]
        if tok.type == "tr_open":
            rows.append([])
        elif tok.type == "inline" and rows:
            rows[-1].append(_md_inline(tok))
        i += 1
    return rows, i + 1


def _md_inline(tok) -> str:
    """Plain text of an inline token: text, code spans and image alt text; markup dropped."""
    if not tok.children:
        return clean_inline(tok.content)
    parts = []
    for child in tok.children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(child.content)
    return clean_inline("".join(parts))
