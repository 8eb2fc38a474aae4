"""Pass 2 of PDF parsing: the lines of all pages to blocks (paragraphs, headings, tables).

It sees the whole document: running headers/footers (margin lines repeated on many pages) are
dropped, the body font size is learnt, and lines are joined into paragraphs at gaps, font
changes, bullets and short sentence ends. Sections come from the PDF outline when it has one,
else from font size, numbering, CAPS and bold Title Case.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter

from assistant.library.document import Block
from assistant.library.line_heuristics import BULLET, heading_hint, hyphenated_words, join_lines
from assistant.library.normalise import clean_inline
from assistant.library.pdf_pages import Line, Page
from assistant.library.sections import push_section

_HEADING_SIZE_RATIO = 1.15  # font this much larger than body text reads as a heading
_MARGIN = 0.075  # running headers/footers live in the top/bottom 7.5 % of the page
_PAGE_NUMBER = re.compile(r"^\W*(?:page\s*)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?\W*$", re.IGNORECASE)
# Contents pages: "3.2 Filter ........ 17" would otherwise fill the index with dots.
_DOT_LEADER = re.compile(r"(?:\s*\.){4,}\s*")


def build_blocks(pages: list[Page], toc: dict[int, list[tuple[str, tuple[str, ...]]]],
                 scanned: list[int]) -> list[Block]:
    """Blocks of a whole PDF, in reading order, from what pass 1 read.

    Args:
        pages: every physical page, as `pdf_pages.read_pages` returns them (their lines lose
            running headers and footers here).
        toc: outline entries by 0-based page index, (title, section path) each; {} for none.
        scanned: numbers of pages without a text layer are appended here.

    Returns:
        Paragraph, list, heading and table blocks, each with its page and section path.
    """
    return _Builder(pages, toc).build(scanned)


_ALMOST_NO_TEXT = 20  # letters and digits: a scanned page with a stamped page number is a scan


def _almost_no_text(page: Page) -> bool:
    return sum(ch.isalnum() for ln in page.lines for ch in ln.text) < _ALMOST_NO_TEXT


class _Builder:
    def __init__(self, pages: list[Page], toc: dict[int, list[tuple[str, tuple[str, ...]]]]) -> None:
        self.pages = pages
        self.toc = toc
        self.section: tuple[str, ...] = ()
        self.blocks: list[Block] = []
        self.hyphenated = hyphenated_words(line.text for p in pages for line in p.lines)
        self.body_size = _body_size(pages)
        self.heading_sizes = self._heading_sizes()

    def build(self, scanned: list[int]) -> list[Block]:
        furniture = _furniture(self.pages)
        for page in self.pages:
            if page.failed:
                continue
            page.lines = [ln for ln in page.lines if not _is_furniture(ln, page, furniture)]
            if not page.has_text or (not page.tables and page.has_images and _almost_no_text(page)):
                scanned.append(page.number)
                continue
            self._page(page)
        return self.blocks

    def _heading_sizes(self) -> list[float]:
        """Distinct font sizes used by heading-like lines, largest first (rank = level)."""
        if not self.body_size:
            return []
        sizes = {ln.size for p in self.pages for ln in p.lines
                 if ln.geometry and ln.size >= self.body_size * _HEADING_SIZE_RATIO and len(ln.text) <= 150}
        return sorted(sizes, reverse=True)[:6]

    # -- one page ------------------------------------------------------------------------------

    def _page(self, page: Page) -> None:
        entries = self.toc.get(page.number - 1, [])
        events = self._outline_events(page, entries) if self.toc else {}
        gap_limit = _paragraph_gap(page.lines, self.body_size)
        right_edge = _right_edge(page.lines)
        tables = sorted(page.tables, key=lambda t: -t.top)
        para: list[Line] = []
        prev: Line | None = None
        for i, line in enumerate(page.lines):
            for path in events.get(i - 0.5, []):
                self._flush(para, page)
                para = []
                self.section = path
            while tables and line.geometry and tables[0].top > line.y + line.size:
                self._flush(para, page)
                para = []
                self._emit(tables.pop(0).text, page, "table")
            if para and prev is not None and self._breaks(prev, line, gap_limit, right_edge):
                self._flush(para, page)
                para = []
            if i in events:
                self._flush(para, page)
                para = []
                self.section = events[i][-1]
                self._emit(clean_inline(line.text), page, "heading")
                prev = None
                continue
            para.append(line)
            prev = line
        self._flush(para, page)
        for path in events.get(len(page.lines) - 0.5, []):
            self.section = path
        for table in tables:
            self._emit(table.text, page, "table")

    def _outline_events(self, page: Page, entries) -> dict[float, list[tuple[str, ...]]]:
        """Where each outline entry of this page takes effect, keyed by line index.

        An entry whose title is found in the text starts at that line (which becomes a heading,
        key i). Unfound entries take effect at the page start (key -0.5) when no found entry
        precedes them in outline order, else right after the previous found one (key j + 0.5).
        """
        events: dict[float, list[tuple[str, ...]]] = {}
        start = 0
        last_key = -0.5
        for title, path in entries:
            want = _title_keys(title)
            found = None
            for i in range(start, len(page.lines)):
                if len(page.lines[i].text) <= 2 * len(title) + 10 and _title_keys(page.lines[i].text) & want:
                    found = i
                    break
            if found is None:
                events.setdefault(last_key, []).append(path)
                continue
            events.setdefault(found, []).append(path)
            start, last_key = found + 1, found + 0.5
        return events

    def _breaks(self, prev: Line, cur: Line, gap_limit: float, right_edge: float) -> bool:
        """Does `cur` start a new paragraph after `prev`?"""
        if BULLET.match(cur.text):
            return True
        if not (prev.geometry and cur.geometry):
            return False
        if abs(prev.size - cur.size) > 0.15 * max(prev.size, cur.size):
            return True
        gap = prev.y - cur.y
        # Larger type has larger leading: a heading wrapped over two lines is one heading.
        if self.body_size and cur.size > self.body_size:
            gap_limit *= cur.size / self.body_size
        if gap < -0.5 * cur.size or gap > gap_limit:  # jumped up (new column) or a wide gap
            return True
        if prev.bold != cur.bold and heading_hint((prev if prev.bold else cur).text, allow_title_case=True):
            return True
        # A sentence that ends well short of the right margin ends its paragraph.
        short = right_edge and prev.x1 < right_edge - 0.15 * max(1.0, right_edge - prev.x0)
        return bool(short and prev.text.rstrip()[-1:] in ".!?:")

    def _flush(self, para: list[Line], page: Page) -> None:
        if not para:
            return
        text = clean_inline(join_lines([ln.text for ln in para], self.hyphenated))
        text = _DOT_LEADER.sub(" ... ", text).strip()
        if not text:
            return
        level = None if self.toc else self._heading_level(para, text)
        if level is not None:
            self.section = push_section(self.section, level, text)
            self._emit(text, page, "heading")
        else:
            self._emit(text, page, "list" if BULLET.match(text) else "text")

    def _heading_level(self, para: list[Line], text: str) -> int | None:
        """Heuristic headings: larger font, or one line that is numbered, CAPS or bold Title Case."""
        first = para[0]
        if len(text) > 150 or len(para) > 3 or text[-1] in ".,;:" or "..." in text or first.mono:
            return None  # too long, a sentence, a contents line or code
        hint = heading_hint(text, allow_title_case=first.bold) if len(para) == 1 else None
        numbered = hint[1] if hint and hint[0] == "numbered" else None
        if first.geometry and self.body_size and first.size >= self.body_size * _HEADING_SIZE_RATIO:
            if not any(ch.isalpha() for ch in text):
                return None
            if numbered:
                return numbered
            ranks = self.heading_sizes
            return ranks.index(first.size) + 1 if first.size in ranks else len(ranks) or 1
        if BULLET.match(text):
            return None  # "1. Remove the cover" in body type is a step, not a chapter
        if numbered:
            return numbered
        if hint:
            return len(self.heading_sizes) + 1
        return None

    def _emit(self, text: str, page: Page, kind: str) -> None:
        if text:
            self.blocks.append(Block(text=text, page=page.number, section=self.section, kind=kind))


_LEADING_NUMBER = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2})*\.?|[A-Z]\.|[IVX]+\.)\s+")


def _title_keys(text: str) -> set[str]:
    """Outline titles and heading lines compared without case, spacing or leading numbers."""
    base = re.sub(r"\s+", " ", text).strip().casefold()
    return {base, _LEADING_NUMBER.sub("", base)} - {""}


def _body_size(pages: list[Page]) -> float:
    """The font size carrying most characters: the body text."""
    weights: Counter[float] = Counter()
    for page in pages:
        for line in page.lines:
            if line.geometry:
                weights[line.size] += len(line.text)
    return weights.most_common(1)[0][0] if weights else 0.0


def _paragraph_gap(lines: list[Line], body: float) -> float:
    """Baseline distance above which two lines belong to different paragraphs."""
    gaps = [a.y - b.y for a, b in zip(lines, lines[1:], strict=False)
            if a.geometry and b.geometry and abs(a.size - b.size) < 0.5 and 0 < a.y - b.y < 3 * max(a.size, 1)]
    typical = statistics.median(gaps) if len(gaps) >= 3 else 1.2 * (body or 10)
    return max(typical * 1.3, typical + 2)


def _right_edge(lines: list[Line]) -> float:
    ends = sorted(ln.x1 for ln in lines if ln.geometry)
    return ends[int(len(ends) * 0.9)] if len(ends) >= 4 else 0.0


def _furniture_key(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", " ", text).strip().casefold())


def _in_margin(line: Line, page: Page) -> bool:
    if not (line.geometry and page.height):
        return False
    rel = (line.y - page.bottom) / page.height
    return rel < _MARGIN or rel > 1 - _MARGIN


def _furniture(pages: list[Page]) -> set[str]:
    """Running headers/footers: margin lines repeated (digits aside) on many pages."""
    seen: Counter[str] = Counter()
    for page in pages:
        seen.update({_furniture_key(ln.text) for ln in page.lines if _in_margin(ln, page)})
    need = max(3, int(0.4 * len(pages)))
    return {key for key, count in seen.items() if count >= need}


def _is_furniture(line: Line, page: Page, furniture: set[str]) -> bool:
    if not _in_margin(line, page):
        return False
    return _PAGE_NUMBER.match(line.text) is not None or _furniture_key(line.text) in furniture
