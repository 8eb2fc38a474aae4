"""Plain text and Markdown parsing, plus the text helpers every format parser shares.

Shared helpers: decoding bytes to text, whitespace normalisation, heading heuristics for
formats without markup (plain text, PDF), hyphen joining and bullet detection. The format
parsers return blocks without offsets; `parse.py` finishes them (bounds, offsets, title).
"""

from __future__ import annotations

import codecs
import logging
import re
from pathlib import Path

from assistant.errors import ManualParseError
from assistant.library.document import Block

log = logging.getLogger(__name__)

# ---------------------------------------------------------------------------------------------
# Normalisation
# ---------------------------------------------------------------------------------------------

# Control characters other than tab/newline carry no meaning in a manual; \ufffe/\uffff are
# non-characters some PDF producers leak. Soft hyphens are invisible unless a line breaks there.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u00ad\u200b\ufeff\ufffe\uffff]")
_HSPACE = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_ANY_SPACE = re.compile(r"\s+")
# Ligature glyphs from PDF fonts break keyword search ("ﬁlter" != "filter").
_LIGATURES = str.maketrans({"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi",
                            "\ufb04": "ffl", "\ufb05": "st", "\ufb06": "st"})


def clean_inline(text: str) -> str:
    """One line of prose: control characters out, every whitespace run becomes one space."""
    text = _CONTROL.sub("", text.translate(_LIGATURES))
    return _ANY_SPACE.sub(" ", text).strip()


def clean_lines(text: str, keep_indent: bool = False) -> str:
    """Text whose line breaks matter (lists, code): tidy each line, drop blank lines."""
    out = []
    for line in _CONTROL.sub("", text.translate(_LIGATURES).replace("\r\n", "\n")).split("\n"):
        if not line.strip():
            continue
        if keep_indent:
            # Code and config snippets: leading indentation is meaning, trailing space is not.
            stripped = line.lstrip(" \t")
            indent = line[: len(line) - len(stripped)].replace("\t", "    ")
            out.append(indent + _HSPACE.sub(" ", stripped).rstrip())
        else:
            out.append(_HSPACE.sub(" ", line).strip())
    return "\n".join(out)


def table_text(rows: list[list[str | None]]) -> str:
    """Rows of cells as " | "-joined lines; empty rows are dropped, cells are one line each."""
    lines = []
    for row in rows:
        cells = [clean_inline(c or "") for c in row]
        if any(cells):
            lines.append(" | ".join(cells))
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# Headings, bullets, hyphens
# ---------------------------------------------------------------------------------------------

# "3", "3.2", "3.2.1" (components of at most two digits so "230 Volt Supply" is not a heading),
# then a capitalised word.
_NUMBERED = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,5})\.?\s+[^\W\d_]")
# Warnings often stand alone in capitals; they are part of the text, not a section.
_ADMONITIONS = {"WARNING", "CAUTION", "NOTE", "NOTES", "DANGER", "IMPORTANT", "NOTICE", "TIP",
                "ATTENTION", "HINT", "INFO"}
_SIGNAL_WORD = re.compile(r"^([A-Z]+)\s*(?:[:!\-\u2013\u2014]|$)")
_SMALL_WORDS = {"a", "an", "and", "as", "at", "by", "for", "from", "in", "of", "on", "or", "the",
                "to", "with", "vs", "via", "per"}
BULLET = re.compile(r"^\s*(?:[-*\u2022\u2023\u25e6\u25aa\u25cf\u2013\u00b7\u2043\u2219]|\(?\d{1,3}[.)]|\(?[a-z]\))\s+")


def heading_hint(line: str, allow_title_case: bool = False) -> tuple[str, int] | None:
    """Does this single line read like a heading? Returns (kind, depth) or None.

    kind is "numbered" (depth = number of components in "3.2.1"), "caps" (ALL CAPS line)
    or "title" (Title Case, only when the caller has other evidence such as a bold font).
    """
    text = line.strip()
    if not (2 <= len(text) <= 100) or len(text.split()) > 12:
        return None
    if text[-1] in ".,;:" or not any(ch.isalpha() for ch in text):
        return None
    numbered = _NUMBERED.match(text)
    if numbered:
        rest = text[numbered.end() - 1 :]
        if rest[:1].isupper():
            return "numbered", numbered.group(1).count(".") + 1
        return None
    letters = [ch for ch in text if ch.isalpha()]
    cased = [ch for ch in letters if ch.lower() != ch.upper()]
    if len(letters) >= 4 and cased and all(ch.isupper() for ch in cased):
        signal = _SIGNAL_WORD.match(text)
        if signal and signal.group(1) in _ADMONITIONS:  # "WARNING", "DANGER: HIGH VOLTAGE"
            return None
        return "caps", 1
    if allow_title_case and _is_title_case(text):
        return "title", 1
    return None


def _is_title_case(text: str) -> bool:
    words = [w for w in re.findall(r"[^\W\d_][\w'-]*", text)]
    if not words or not words[0][0].isupper():
        return False
    significant = [w for w in words if w.lower() not in _SMALL_WORDS]
    return bool(significant) and sum(w[0].isupper() for w in significant) / len(significant) >= 0.6


class SectionPath(tuple):
    """A heading path that remembers each heading's level, so skipped levels nest correctly."""

    levels: tuple[int, ...] = ()

    def __new__(cls, titles: tuple[str, ...], levels: tuple[int, ...]):
        obj = super().__new__(cls, titles)
        obj.levels = levels
        return obj


def push_section(path: tuple[str, ...], level: int, title: str) -> tuple[str, ...]:
    """The section path after a heading of `level` (1-based): drop headings at that level or
    deeper, append. Levels are tracked per entry because documents skip levels: a Markdown file
    whose headings are all `##` must give siblings, not each nested under the first."""
    level = max(1, level)
    levels = getattr(path, "levels", ())
    if len(levels) != len(path):
        levels = tuple(range(1, len(path) + 1))
    n = 0
    while n < len(levels) and levels[n] < level:
        n += 1
    return SectionPath(tuple(path[:n]) + (title,), levels[:n] + (level,))


_LINE_END_HYPHEN = re.compile(r"([^\W\d_]+)[-\u2010\u00ad]$")
_WORD_START = re.compile(r"^([^\W\d_][\w]*)")


def join_lines(lines: list[str], hyphenated: set[str] | None = None) -> str:
    """Unwrap hard-wrapped lines into one paragraph, undoing end-of-line hyphenation.

    "mainte-" + "nance" becomes "maintenance", but "switch-" + "off" stays "switch-off" when
    the hyphenated form occurs elsewhere in the document (`hyphenated`, lower case).
    """
    parts: list[str] = []
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if not parts:
            parts.append(line)
            continue
        prev = parts[-1]
        # Only the end of the previous line matters; never rescan the whole paragraph.
        tail = _LINE_END_HYPHEN.search(prev[-60:])
        head = _WORD_START.match(line)
        if tail and head and line[0].islower():
            compound = f"{tail.group(1)}-{head.group(1)}".lower()
            keep = not prev.endswith("\u00ad") and hyphenated is not None and compound in hyphenated
            parts[-1] = prev[:-1] + ("-" if keep else "") + line
            continue
        parts.append(line)
    return " ".join(parts)


_HYPHENATED_WORD = re.compile(r"[^\W\d_]+-[^\W\d_]+")


def hyphenated_words(texts) -> set[str]:
    """Lower-case hyphenated compounds ("switch-off") seen inside lines of a document."""
    found: set[str] = set()
    for text in texts:
        if "-" in text:
            found.update(m.lower() for m in _HYPHENATED_WORD.findall(text))
    return found


# ---------------------------------------------------------------------------------------------
# Decoding
# ---------------------------------------------------------------------------------------------

_BAD_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def decode_text(data: bytes, path: Path) -> str:
    """Bytes of a text file to str: UTF-8 (BOM optional), UTF-16/32 with BOM, else cp1252.

    cp1252 decodes almost any byte string, so it is accepted only when the result has no
    control characters; NUL bytes outside UTF-16 mean a binary file.
    """
    for bom, codec in ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
                       (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                       (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(codec)
            except UnicodeDecodeError as exc:
                raise ManualParseError(path, f"text has a {codec.upper()} byte-order mark but is not valid {codec.upper()} "
                                             f"(byte {exc.start + len(bom)})") from None
    if b"\x00" in data:
        text = _bomless_utf16(data)
        if text is None:
            raise ManualParseError(path, "binary file, not text")
        return text
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        text = None
    if text is None or _BAD_CONTROL.search(text):
        raise ManualParseError(path, "text is not valid UTF-8, UTF-16 or cp1252")
    log.debug("%s: decoded as cp1252", path)
    return text


def _bomless_utf16(data: bytes) -> str | None:
    """UTF-16 without a BOM (Windows tools write it): ASCII text leaves NULs on one side."""
    if len(data) % 2 or len(data) < 4:
        return None
    sample = data[:4096]
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2
    codec = "utf-16-le" if odd > 0.6 * half and even == 0 else "utf-16-be" if even > 0.6 * half and odd == 0 else None
    if codec is None:
        return None
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        return None
    return None if _BAD_CONTROL.search(text) else text


# ---------------------------------------------------------------------------------------------
# Plain text
# ---------------------------------------------------------------------------------------------

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


# ---------------------------------------------------------------------------------------------
# Markdown
# ---------------------------------------------------------------------------------------------

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
                blocks.append(Block(text=text, page=None, section=section,
                                    kind="list" if list_depth else "text"))
            i += 3
            continue
        if kind in ("bullet_list_open", "ordered_list_open"):
            list_depth += 1
        elif kind in ("bullet_list_close", "ordered_list_close"):
            list_depth -= 1
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
            from assistant.library.parse_html import fragment_text

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
