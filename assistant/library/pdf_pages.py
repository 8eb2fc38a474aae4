"""Pass 1 of PDF parsing: each physical page read once with PDFium.

A page gives its text lines with the position, font size, weight and pitch of their first
character, and, when its vector paths can hold a ruled table, pdfplumber's tables (whose text is
blanked from the lines). PDFium's lock is held per page, never across the document.
"""

from __future__ import annotations

import logging
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from assistant.errors import Cancelled
from assistant.library.pdf_tables import Table, TableFinder, vector_stats
from assistant.pdfium import PDFIUM_LOCK

log = logging.getLogger(__name__)


@dataclass
class Line:
    """One text line of a page, placed by its first visible character (size, weight, pitch)."""

    text: str
    x0: float = 0.0
    x1: float = 0.0
    y: float = 0.0  # baseline of the first character (PDF units, upwards)
    size: float = 0.0
    bold: bool = False
    mono: bool = False
    geometry: bool = False  # False when PDFium could not place the line


@dataclass
class Page:
    """What pass 1 read from one physical page; `failed` when PDFium could not load it."""

    number: int
    lines: list[Line] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    height: float = 0.0
    bottom: float = 0.0
    has_text: bool = False
    has_images: bool = False
    failed: bool = False


def read_pages(path: Path, pdf, warnings: list[str], cancel, progress) -> list[Page]:
    """Read every page of an open PDF, holding PDFium's lock one page at a time.

    Args:
        path: the file behind `pdf` (pdfplumber opens it again for tables).
        pdf: the open pypdfium2 document.
        warnings: table detection problems are appended here.
        cancel: an Event checked before each page, or None.
        progress: called as progress(pages_done, page_count) after each page, or None.

    Returns:
        One Page per physical page, in order.

    Raises:
        Cancelled: `cancel` was set.
    """
    with PDFIUM_LOCK:
        count = len(pdf)
    tables = TableFinder(path, count, warnings)
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


def _read_page(pdf, index: int, tables: TableFinder) -> Page:
    import pypdfium2 as pdfium

    page_info = Page(number=index + 1)
    try:
        page = pdf.get_page(index)
    except pdfium.PdfiumError:
        log.warning("page %d could not be loaded", index + 1)
        page_info.failed = True
        return page_info
    try:
        left, bottom, _right, top = page.get_mediabox()
        page_info.height, page_info.bottom = top - bottom, bottom
        ruled, drawing, page_info.has_images = vector_stats(page)
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


_LINE_SPLIT = re.compile(r"[^\r\n]+")
_FIRST_ALNUM = re.compile(r"[^\W_]")
_FIRST_VISIBLE = re.compile(r"\S")
_MONO_FONT = re.compile(r"mono|nimbusmon|courier|consol|menlo|typewriter|fixed|code|cmtt|sftt|lmmono", re.IGNORECASE)


def _lines(textpage, text: str, boxes) -> list[Line]:
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
            line = Line(text=piece)
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


def _place(raw, textpage, line: Line, first: int, last: int) -> None:
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
