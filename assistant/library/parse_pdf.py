"""PDF parsing: pypdfium2 for text per physical page, pdfplumber only for ruled tables.

Two passes. The first reads every page once with PDFium: its text lines with position, font
size and weight, and, on pages that have enough vector rulings to hold a table, pdfplumber's
tables (whose text is then left out of the lines). The second pass sees the whole document:
it drops running headers/footers, learns the body font size, and turns lines into
paragraphs, headings and tables. Sections come from the PDF outline when it has one, else
from font size and numbering heuristics.

PDFium is not thread-safe, so all PDFium work in the process holds `PDFIUM_LOCK`; anything
else that renders pages with pypdfium2 (thumbnails, page previews) must take it too.
"""

from __future__ import annotations

import logging
import math
import re
import statistics
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from assistant.errors import Cancelled, ManualParseError
from assistant.library.document import Block
from assistant.library.line_heuristics import BULLET, heading_hint, hyphenated_words, join_lines
from assistant.library.normalise import clean_inline, table_text
from assistant.library.sections import push_section

log = logging.getLogger(__name__)

PDFIUM_LOCK = threading.RLock()

# Pages with more vector objects or path segments than this are drawings: pdfplumber would
# take seconds and find "tables" in the wiring diagram.
_TABLE_MAX_OBJECTS = 3000
_TABLE_MAX_SEGMENTS = 5000
_HEADING_SIZE_RATIO = 1.15  # font this much larger than body text reads as a heading
_MARGIN = 0.075  # running headers/footers live in the top/bottom 7.5 % of the page
_PAGE_NUMBER = re.compile(r"^\W*(?:page\s*)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?\W*$", re.IGNORECASE)
# Contents pages: "3.2 Filter ........ 17" would otherwise fill the index with dots.
_DOT_LEADER = re.compile(r"(?:\s*\.){4,}\s*")
_PDF_ERRORS = {
    2: "cannot open file",
    3: "PDF is truncated or corrupt: PDFium could not read its structure",
    4: "PDF is encrypted (password required)",
    5: "PDF uses an unsupported security handler (encrypted)",
}
_JUNK_TITLES = {"", "untitled", "(anonymous)", "anonymous", "(unspecified)", "unknown", "title",
                "document", "no title", "none"}

ProgressFn = Callable[[int, int], None]


@dataclass
class _Line:
    text: str
    x0: float = 0.0
    x1: float = 0.0
    y: float = 0.0  # baseline of the first character (PDF units, upwards)
    size: float = 0.0
    bold: bool = False
    mono: bool = False
    geometry: bool = False  # False when PDFium could not place the line
    forced_heading: int = -1  # index into the page's outline entries when matched


@dataclass
class _Table:
    text: str
    top: float  # PDF y of the table's top edge


@dataclass
class _Page:
    number: int
    lines: list[_Line] = field(default_factory=list)
    tables: list[_Table] = field(default_factory=list)
    height: float = 0.0
    bottom: float = 0.0
    has_text: bool = False
    has_images: bool = False
    failed: bool = False


# ---------------------------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------------------------


def parse_pdf(path: Path, warnings: list[str], scanned: list[int],
              cancel: threading.Event | None = None,
              progress: ProgressFn | None = None) -> tuple[str | None, list[Block], int]:
    """Blocks of a PDF, its metadata title (or None) and its physical page count."""
    import pypdfium2 as pdfium

    # The lock is held per page, not per document: a 300-page manual being indexed must not keep
    # the page viewer (or anything else that renders) waiting for minutes.
    with open(path, "rb") as fh:
        with PDFIUM_LOCK:
            try:
                pdf = pdfium.PdfDocument(fh)
            except pdfium.PdfiumError as exc:
                raise ManualParseError(path, _load_error(path, exc)) from None
        try:
            with PDFIUM_LOCK:
                title = _meta_title(pdf)
                toc = _outline(pdf)
            pages = _read_pages(path, pdf, warnings, cancel, progress)
        finally:
            with PDFIUM_LOCK:
                pdf.close()
    _check_truncation(path, pages, warnings)
    blocks = _Builder(pages, toc).build(scanned)
    if pages and len(scanned) == len(pages):
        raise ManualParseError(path, "no text layer on any page (scanned PDF; OCR not available)")
    if scanned:
        shown = ", ".join(map(str, scanned[:10])) + (" ..." if len(scanned) > 10 else "")
        warnings.append(f"{len(scanned)} page(s) have no text layer (scanned; not searchable): {shown}")
    return title, blocks, len(pages)


def _load_error(path: Path, exc) -> str:
    # pypdfium2 reads PDFium's last error even when loading worked but found no pages, so
    # the code can be stale from an earlier document: rule out the empty page tree first.
    if _has_zero_pages(path):
        return "PDF has no pages"
    code = getattr(exc, "err_code", None)
    return _PDF_ERRORS.get(code, f"PDF could not be opened ({exc})")


def _has_zero_pages(path: Path) -> bool:
    """PDFium reports an empty page tree as a format error; tell the two apart."""
    import pypdfium2.raw as raw

    data = path.read_bytes()
    doc = raw.FPDF_LoadMemDocument64(data, len(data), None)
    if not doc:
        return False
    try:
        return raw.FPDF_GetPageCount(doc) == 0
    finally:
        raw.FPDF_CloseDocument(doc)


def _check_truncation(path: Path, pages: list[_Page], warnings: list[str]) -> None:
    """PDFium rebuilds a broken cross-reference table, so a cut-off download may still open.

    Without the final %%EOF marker *and* with pages that fail to load, the file is truncated:
    refuse it rather than index half a manual. Pages that fail in a complete file are reported.
    """
    failed = [p.number for p in pages if p.failed]
    if not failed:
        return
    size = path.stat().st_size
    with open(path, "rb") as fh:
        fh.seek(max(0, size - 2048))
        tail = fh.read()
    if b"%%EOF" not in tail:
        raise ManualParseError(path, f"PDF is truncated or corrupt: no end-of-file marker and {len(failed)} "
                                     "page(s) unreadable (incomplete download?)")
    warnings.append(f"{len(failed)} page(s) could not be read: {', '.join(map(str, failed[:10]))}")


def _meta_title(pdf) -> str | None:
    title = clean_inline(pdf.get_metadata_value("Title") or "")
    title = re.sub(r"^Microsoft (?:Word|PowerPoint|Excel) - ", "", title)
    if title.lower() in _JUNK_TITLES or re.search(r"\.(?:docx?|pdf|indd|rtf|odt|qxp|xlsx?)$", title, re.I):
        return None
    return title


def _outline(pdf) -> dict[int, list[tuple[str, tuple[str, ...]]]]:
    """Outline entries by 0-based page index: (title, full section path), in outline order."""
    by_page: dict[int, list[tuple[str, tuple[str, ...]]]] = {}
    path: tuple[str, ...] = ()
    count = 0
    try:
        for bm in pdf.get_toc(max_depth=8):
            title = clean_inline(bm.get_title() or "")
            dest = bm.get_dest()
            index = dest.get_index() if dest is not None else None
            if not title or index is None:
                continue
            path = push_section(path, bm.level + 1, title)
            by_page.setdefault(index, []).append((title, path))
            count += 1
    except Exception:  # a broken outline only costs us the sections
        log.warning("could not read the PDF outline", exc_info=True)
        return {}
    # A lone bookmark (often just the document title) says less than the heuristics do.
    return by_page if count >= 2 else {}


# ---------------------------------------------------------------------------------------------
# Pass 1: read pages
# ---------------------------------------------------------------------------------------------


def _read_pages(path: Path, pdf, warnings: list[str], cancel, progress) -> list[_Page]:
    with PDFIUM_LOCK:
        count = len(pdf)
    tables = _TableFinder(path, count, warnings)
    pages = []
    try:
        for index in range(count):
            if cancel is not None and cancel.is_set():
                raise Cancelled(f"parsing {path.name} cancelled")
            with PDFIUM_LOCK:
                pages.append(_read_page(pdf, index, tables))
            if progress is not None:
                progress(index + 1, count)
    finally:
        tables.close()
    return pages


def _read_page(pdf, index: int, tables: _TableFinder) -> _Page:
    import pypdfium2 as pdfium

    page_info = _Page(number=index + 1)
    try:
        page = pdf.get_page(index)
    except pdfium.PdfiumError:
        log.warning("page %d could not be loaded", index + 1)
        page_info.failed = True
        return page_info
    try:
        left, bottom, _right, top = page.get_mediabox()
        page_info.height, page_info.bottom = top - bottom, bottom
        ruled, drawing, page_info.has_images = _vector_stats(page)
        textpage = page.get_textpage()
        try:
            text = textpage.get_text_range()
            page_info.has_text = bool(text.strip())
            if not page_info.has_text:
                return page_info
            boxes: list[tuple[float, float, float, float]] = []
            if ruled and not drawing:
                found = tables.find(index, left, top)
                page_info.tables = [t for t, _ in found]
                boxes = [b for _, b in found]
            page_info.lines = _lines(textpage, text, boxes)
        finally:
            textpage.close()
    finally:
        page.close()
    return page_info


def _vector_stats(page) -> tuple[bool, bool, bool]:
    """(may hold a ruled table, is a drawing, has images), looking inside form XObjects.

    pdfplumber finds ruled tables from horizontal and vertical edges, so a page can only hold
    one when its paths have at least two edges one way and three the other. A lone box (a
    framed warning) or underlines and rules (only horizontal edges) do not qualify, which keeps
    pdfplumber, ~50-250 ms a page, off most text pages.
    """
    import pypdfium2.raw as raw

    horizontal = vertical = objects = segments = 0
    images = False
    stack = [(raw.FPDFPage_CountObjects(page), lambda i: raw.FPDFPage_GetObject(page, i), 0)]
    while stack:
        count, get, depth = stack.pop()
        objects += count
        if objects > _TABLE_MAX_OBJECTS:
            return False, True, images
        for i in range(count):
            obj = get(i)
            kind = raw.FPDFPageObj_GetType(obj)
            if kind == raw.FPDF_PAGEOBJ_PATH:
                h, v, n = _path_edges(raw, obj)
                horizontal, vertical, segments = horizontal + h, vertical + v, segments + n
                if segments > _TABLE_MAX_SEGMENTS:
                    return False, True, images
            elif kind == raw.FPDF_PAGEOBJ_IMAGE:
                images = True
            elif kind == raw.FPDF_PAGEOBJ_FORM and depth < 4:
                stack.append((raw.FPDFFormObj_CountObjects(obj),
                              lambda j, o=obj: raw.FPDFFormObj_GetObject(o, j), depth + 1))
    ruled = min(horizontal, vertical) >= 2 and max(horizontal, vertical) >= 3
    return ruled, False, images


def _path_edges(raw, obj) -> tuple[int, int, int]:
    """(horizontal, vertical, total) straight segments of a path longer than a few points."""
    import ctypes

    count = raw.FPDFPath_CountSegments(obj)
    if count <= 1 or count > _TABLE_MAX_SEGMENTS:
        return 0, 0, max(count, 0)
    x, y = ctypes.c_float(), ctypes.c_float()
    horizontal = vertical = 0
    start = prev = None
    for i in range(count):
        seg = raw.FPDFPath_GetPathSegment(obj, i)
        if not seg or not raw.FPDFPathSegment_GetPoint(seg, x, y):
            continue
        point = (x.value, y.value)
        kind = raw.FPDFPathSegment_GetType(seg)
        if kind == raw.FPDF_SEGMENT_MOVETO:
            start = prev = point
            continue
        ends = [point]
        if raw.FPDFPathSegment_GetClose(seg) and start is not None:
            ends.append(start)  # "re" and closed shapes draw back to their start
        for end in ends:
            if kind == raw.FPDF_SEGMENT_LINETO and prev is not None:
                dx, dy = abs(end[0] - prev[0]), abs(end[1] - prev[1])
                horizontal += dy < 0.5 and dx > 3
                vertical += dx < 0.5 and dy > 3
            prev = end
    return horizontal, vertical, count


_LINE_SPLIT = re.compile(r"[^\r\n]+")
_FIRST_ALNUM = re.compile(r"[^\W_]")
_FIRST_VISIBLE = re.compile(r"\S")
_MONO_FONT = re.compile(r"mono|nimbusmon|courier|consol|menlo|typewriter|fixed|code|cmtt|sftt|lmmono", re.IGNORECASE)


def _lines(textpage, text: str, boxes) -> list[_Line]:
    """Text lines with the geometry of their first and last visible characters.

    Characters inside table boxes are blanked (that text is in the table block). PDFium marks
    a hyphen it judged to be a line-break hyphen with U+FFFE and joins the two lines; those
    are split again, so hyphen joining (`join_lines`) works one way for all PDFs.
    """
    import pypdfium2.raw as raw

    lines = []
    for match in _LINE_SPLIT.finditer(text):
        for start, piece in _unhyphenate(match.start(), match.group()):
            if boxes:
                piece = _outside_boxes(raw, textpage, start, piece, boxes)
            if not piece.strip():
                continue
            line = _Line(text=piece)
            # Measure the first letter or digit: bullets often come from a symbol font of
            # another size, which would split every item from its continuation lines.
            lead = _FIRST_ALNUM.search(piece) or _FIRST_VISIBLE.search(piece)
            last = start + len(piece.rstrip()) - 1
            _place(raw, textpage, line, start + lead.start(), last)
            lines.append(line)
    return lines


def _unhyphenate(start: int, piece: str):
    """Split a line at PDFium's U+FFFE line-break hyphens: yields (text index, text) pieces."""
    if "\ufffe" not in piece:
        yield start, piece
        return
    offset = 0
    parts = piece.split("\ufffe")
    for k, part in enumerate(parts):
        # The hyphen takes the place of U+FFFE, so the text indices stay aligned.
        yield start + offset, part + ("-" if k < len(parts) - 1 else "")
        offset += len(part) + 1


def _place(raw, textpage, line: _Line, first: int, last: int) -> None:
    import ctypes

    ci_first = raw.FPDFText_GetCharIndexFromTextIndex(textpage, first)
    ci_last = raw.FPDFText_GetCharIndexFromTextIndex(textpage, last)
    if ci_first < 0:
        return
    x, y = ctypes.c_double(), ctypes.c_double()
    if not raw.FPDFText_GetCharOrigin(textpage, ci_first, x, y):
        return
    line.x0, line.y = x.value, y.value
    # The font size is the Tf operand; generators that write "1 Tf" and scale with the text
    # matrix would all look alike without the matrix's vertical scale.
    size = raw.FPDFText_GetFontSize(textpage, ci_first)
    matrix = raw.FS_MATRIX()
    if raw.FPDFText_GetMatrix(textpage, ci_first, matrix):
        scale = math.hypot(matrix.c, matrix.d)
        size *= scale if scale > 0 else 1.0
    line.size = round(size * 2) / 2
    line.bold = raw.FPDFText_GetFontWeight(textpage, ci_first) >= 600
    line.mono = _is_mono(raw, textpage, ci_first)
    rect = raw.FS_RECTF()
    if ci_last >= 0 and raw.FPDFText_GetLooseCharBox(textpage, ci_last, rect):
        line.x1 = rect.right
    else:
        line.x1 = line.x0
    line.geometry = line.size > 0


def _is_mono(raw, textpage, index: int) -> bool:
    """Fixed-pitch font (code listings): never a heading, whatever its capitals or numbers."""
    import ctypes

    flags = ctypes.c_int(0)
    size = raw.FPDFText_GetFontInfo(textpage, index, None, 0, flags)
    if flags.value & 1:  # FixedPitch; many producers leave it unset, so the name decides too
        return True
    if size <= 0 or size > 256:
        return False
    name = ctypes.create_string_buffer(size)
    raw.FPDFText_GetFontInfo(textpage, index, name, size, flags)
    return bool(_MONO_FONT.search(name.value.decode("latin-1")))


def _outside_boxes(raw, textpage, start: int, piece: str, boxes) -> str:
    """The line with characters whose centre lies inside a table box blanked out."""
    import ctypes

    kept = []
    left, right, bottom, top = ctypes.c_double(), ctypes.c_double(), ctypes.c_double(), ctypes.c_double()
    for offset, ch in enumerate(piece):
        index = raw.FPDFText_GetCharIndexFromTextIndex(textpage, start + offset)
        # Characters PDFium generated (spaces, line ends) have no box: keep them.
        if ch.isspace() or index < 0 or not raw.FPDFText_GetCharBox(textpage, index, left, right, bottom, top):
            kept.append(ch)
            continue
        cx, cy = (left.value + right.value) / 2, (bottom.value + top.value) / 2
        inside = any(x0 - 1 <= cx <= x1 + 1 and y0 - 1 <= cy <= y1 + 1 for x0, y0, x1, y1 in boxes)
        kept.append(" " if inside else ch)
    return "".join(kept)


TABLE_SPACE_RATIO = 0.15


class _TableFinder:
    """pdfplumber, opened once per document and only when a page may hold a table."""

    def __init__(self, path: Path, page_count: int, warnings: list[str]) -> None:
        self.path, self.page_count, self.warnings = path, page_count, warnings
        self.pdf = None
        self.broken = False

    def find(self, index: int, left: float, top: float):
        """[(table, box in PDF units (x0, y0, x1, y1))] for page `index`; [] when none or on error."""
        plumber = self._open()
        if plumber is None:
            return []
        try:
            page = plumber.pages[index]
        except IndexError:
            return []
        try:
            found = []
            for table in page.find_tables():
                # A gap wider than 0.15 of the font size is a space. pdfplumber's default, a fixed
                # 3 points, glued every word of LaTeX manuals' small table text together
                # ("Delaytime", "Don'ttrytosourcethefile"), so no search found them.
                rows = table.extract(x_tolerance_ratio=TABLE_SPACE_RATIO)
                if not _is_real_table(rows):
                    continue
                x0, t, x1, b = table.bbox
                # pdfplumber measures from the top-left of the media box, PDFium from bottom-left.
                box = (left + x0, top - b, left + x1, top - t)
                found.append((_Table(text=table_text(rows), top=top - t), box))
            return found
        except Exception as exc:
            log.warning("pdfplumber failed on page %d of %s; keeping its text only", index + 1,
                        self.path.name, exc_info=True)
            self.warnings.append(f"table detection failed on page {index + 1} ({type(exc).__name__})")
            return []
        finally:
            page.close()  # drops pdfplumber's per-page layout cache

    def _open(self):
        if self.pdf is None and not self.broken:
            try:
                import pdfplumber

                self.pdf = pdfplumber.open(str(self.path))
                if len(self.pdf.pages) != self.page_count:
                    raise ValueError(f"pdfplumber sees {len(self.pdf.pages)} pages, PDFium {self.page_count}")
            except Exception as exc:
                log.warning("pdfplumber cannot read %s; tables stay as text", self.path.name, exc_info=True)
                self.warnings.append(f"table detection unavailable ({type(exc).__name__})")
                self.broken = True
                self.close()
        return self.pdf

    def close(self) -> None:
        if self.pdf is not None:
            try:
                self.pdf.close()
            except Exception:
                log.debug("closing pdfplumber failed", exc_info=True)
            self.pdf = None


def _is_real_table(rows) -> bool:
    """A boxed note is a 1x1 "table" to pdfplumber; a table needs two filled cells and a grid."""
    if not rows:
        return False
    filled = sum(1 for row in rows for cell in row if cell and cell.strip())
    width = max(len(row) for row in rows)
    return filled >= 2 and (len(rows) >= 2 or width >= 2)


# ---------------------------------------------------------------------------------------------
# Pass 2: lines to blocks
# ---------------------------------------------------------------------------------------------


class _Builder:
    def __init__(self, pages: list[_Page], toc: dict[int, list[tuple[str, tuple[str, ...]]]]) -> None:
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
            if not page.has_text or (not page.lines and not page.tables and page.has_images):
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

    def _page(self, page: _Page) -> None:
        entries = self.toc.get(page.number - 1, [])
        events = self._outline_events(page, entries) if self.toc else {}
        gap_limit = _paragraph_gap(page.lines, self.body_size)
        right_edge = _right_edge(page.lines)
        tables = sorted(page.tables, key=lambda t: -t.top)
        para: list[_Line] = []
        prev: _Line | None = None
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

    def _outline_events(self, page: _Page, entries) -> dict[float, list[tuple[str, ...]]]:
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

    def _breaks(self, prev: _Line, cur: _Line, gap_limit: float, right_edge: float) -> bool:
        """Does `cur` start a new paragraph after `prev`?"""
        if BULLET.match(cur.text):
            return True
        if not (prev.geometry and cur.geometry):
            return False
        if abs(prev.size - cur.size) > 0.15 * max(prev.size, cur.size):
            return True
        gap = prev.y - cur.y
        if gap < -0.5 * cur.size or gap > gap_limit:  # jumped up (new column) or a wide gap
            return True
        if prev.bold != cur.bold and heading_hint((prev if prev.bold else cur).text, allow_title_case=True):
            return True
        # A sentence that ends well short of the right margin ends its paragraph.
        short = right_edge and prev.x1 < right_edge - 0.15 * max(1.0, right_edge - prev.x0)
        return bool(short and prev.text.rstrip()[-1:] in ".!?:")

    def _flush(self, para: list[_Line], page: _Page) -> None:
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

    def _heading_level(self, para: list[_Line], text: str) -> int | None:
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

    def _emit(self, text: str, page: _Page, kind: str) -> None:
        if text:
            self.blocks.append(Block(text=text, page=page.number, section=self.section, kind=kind))


_LEADING_NUMBER = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2})*\.?|[A-Z]\.|[IVX]+\.)\s+")


def _title_keys(text: str) -> set[str]:
    """Outline titles and heading lines compared without case, spacing or leading numbers."""
    base = re.sub(r"\s+", " ", text).strip().casefold()
    return {base, _LEADING_NUMBER.sub("", base)} - {""}


def _body_size(pages: list[_Page]) -> float:
    """The font size carrying most characters: the body text."""
    weights: Counter[float] = Counter()
    for page in pages:
        for line in page.lines:
            if line.geometry:
                weights[line.size] += len(line.text)
    return weights.most_common(1)[0][0] if weights else 0.0


def _paragraph_gap(lines: list[_Line], body: float) -> float:
    """Baseline distance above which two lines belong to different paragraphs."""
    gaps = [a.y - b.y for a, b in zip(lines, lines[1:], strict=False)
            if a.geometry and b.geometry and abs(a.size - b.size) < 0.5 and 0 < a.y - b.y < 3 * max(a.size, 1)]
    typical = statistics.median(gaps) if len(gaps) >= 3 else 1.2 * (body or 10)
    return max(typical * 1.3, typical + 2)


def _right_edge(lines: list[_Line]) -> float:
    ends = sorted(ln.x1 for ln in lines if ln.geometry)
    return ends[int(len(ends) * 0.9)] if len(ends) >= 4 else 0.0


def _furniture_key(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", " ", text).strip().casefold())


def _in_margin(line: _Line, page: _Page) -> bool:
    if not (line.geometry and page.height):
        return False
    rel = (line.y - page.bottom) / page.height
    return rel < _MARGIN or rel > 1 - _MARGIN


def _furniture(pages: list[_Page]) -> set[str]:
    """Running headers/footers: margin lines repeated (digits aside) on many pages."""
    seen: Counter[str] = Counter()
    for page in pages:
        seen.update({_furniture_key(ln.text) for ln in page.lines if _in_margin(ln, page)})
    need = max(3, int(0.4 * len(pages)))
    return {key for key, count in seen.items() if count >= need}


def _is_furniture(line: _Line, page: _Page, furniture: set[str]) -> bool:
    if not _in_margin(line, page):
        return False
    return _PAGE_NUMBER.match(line.text) is not None or _furniture_key(line.text) in furniture
