"""What a page viewer needs from a manual, without any GUI toolkit.

- `render_pdf_page()`: one PDF page as raw pixels plus the rectangles (in those pixels) of a
  passage found on it, so a viewer can highlight the cited text on the real page. Image files
  (a photographed page, a multi-page TIFF) render through the same call, and a page read by OCR
  takes its rectangles from the stored word boxes (`ocr=`, from `ocr_pages.page`).
- `locate()`: where a passage's text sits inside a page's text, tolerant of the differences
  between the indexed text (joined lines, de-hyphenated words, tables as "a | b") and PDFium's.
- `document()`: a non-PDF manual as blocks (headings, paragraphs, tables) with the blocks that
  a cited character range covers marked, so HTML/Markdown/text/DOCX open at the cited section.

PDFium is not thread-safe: every call into pypdfium2 here holds `PDFIUM_LOCK` (`assistant.pdfium`),
the lock the manual parser takes too.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ManualParseError
from .pdfium import PDFIUM_LOCK

log = logging.getLogger(__name__)

_SEGMENT_SPLIT = re.compile(r"\n+|(?<=[.!?;:])\s+|\s+\|\s+")
_MIN_SEGMENT = 8  # normalised characters; shorter pieces match too easily by chance
_WORDS_PER_PIECE = 6
_NEAR = 40  # normalised characters a short piece may sit after the previous match


@dataclass
class PageImage:
    """A rendered page: `data` is `height` rows of `stride` bytes, 4 bytes per pixel (B, G, R, x)."""

    page: int  # 1-based
    pages: int
    width: int
    height: int
    stride: int
    data: bytes
    scale: float  # pixels per PDF point
    highlights: list[tuple[float, float, float, float]] = field(default_factory=list)  # x0, y0, x1, y1


@dataclass
class DocBlock:
    kind: str  # "heading" | "text" | "list" | "table"
    text: str
    level: int  # heading depth (1 = top); 0 for other blocks
    section: str
    cited: bool = False


@dataclass
class DocView:
    title: str
    format: str
    blocks: list[DocBlock]
    first_cited: int | None  # index of the first cited block, where the viewer scrolls to


def letters_and_digits(text: str) -> tuple[str, list[int]]:
    """Lower-cased letters and digits only, with each kept character's index in `text`."""
    chars, index = [], []
    for i, ch in enumerate(text):
        if ch.isalnum():
            chars.append(ch.lower())
            index.append(i)
    return "".join(chars), index


def _pieces(segment: str) -> list[str]:
    """A segment too long to be found whole, as runs of a few words."""
    words = segment.split()
    return [" ".join(words[i : i + _WORDS_PER_PIECE]) for i in range(0, len(words), _WORDS_PER_PIECE)]


def locate(page_text: str, passage: str) -> list[tuple[int, int]]:
    """Character ranges of `page_text` that hold the text of `passage`, in page order.

    The two texts are compared on letters and digits only, segment by segment (lines,
    sentences, table cells), so line breaks, hyphenation and table separators do not matter.
    A segment that is not found whole is looked up as runs of a few words.
    """
    hay, where = letters_and_digits(page_text)
    if not hay:
        return []
    found: list[tuple[int, int]] = []
    cursor = 0
    for segment in _SEGMENT_SPLIT.split(passage):
        for candidate in [segment] + (_pieces(segment) if len(segment.split()) > _WORDS_PER_PIECE else []):
            needle, _ = letters_and_digits(candidate)
            if not needle:
                continue
            if len(needle) < _MIN_SEGMENT:
                # A short piece (a table cell such as "M12") only counts right after the last match.
                at = hay.find(needle, cursor, cursor + len(needle) + _NEAR)
            else:
                at = hay.find(needle, cursor)
                if at < 0:
                    at = hay.find(needle)
            if at < 0:
                continue
            found.append((where[at], where[at + len(needle) - 1] + 1))
            cursor = at + len(needle)
            if candidate is segment:
                break
    return _merge(sorted(found), page_text)


def _merge(ranges: list[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    """Join ranges that overlap or are separated only by spaces and punctuation."""
    out: list[tuple[int, int]] = []
    for a, b in ranges:
        if out and (a <= out[-1][1] or not any(ch.isalnum() for ch in text[out[-1][1] : a])):
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def _existing(path: Path | str) -> Path:
    """`path` as a Path; ManualParseError when the manual's file has gone since it was added."""
    path = Path(path)
    if not path.is_file():
        raise ManualParseError(path, f"the file is no longer at {path}; add the manual again")
    return path


@contextmanager
def _open_pdf(path: Path) -> Iterator:
    """The open PDF at `path` (a pypdfium2 document), with PDFium's lock held until the block ends."""
    import pypdfium2 as pdfium

    with PDFIUM_LOCK:
        try:
            pdf = pdfium.PdfDocument(str(path))
        except pdfium.PdfiumError as e:
            raise ManualParseError(path, f"cannot open the PDF ({e})") from None
        try:
            yield pdf
        finally:
            pdf.close()


def _is_image(path: Path) -> bool:
    from .library.parse_image import EXTENSIONS, is_image

    if path.suffix.lower() in EXTENSIONS:
        return True
    with open(path, "rb") as fh:
        return is_image(fh.read(8))


def pdf_page_sizes(path: Path | str) -> list[tuple[float, float]]:
    """Width and height (points) of every physical page of a PDF (pixels of an image file).

    Raises:
        ManualParseError: the file is gone or cannot be opened as a PDF.
    """
    path = _existing(path)
    if _is_image(path):
        from .library import parse_image

        return [tuple(map(float, parse_image.size(path, n))) for n in range(1, parse_image.page_count(path) + 1)]
    with _open_pdf(path) as pdf:
        return [tuple(pdf.get_page_size(i)) for i in range(len(pdf))]


def render_pdf_page(path: Path | str, page: int, scale: float, passage: str | None = None,
                    ocr=None, boxes: list | tuple = ()) -> PageImage:
    """Render physical page `page` (1-based) at `scale` pixels per point, locating `passage` on it,
    or marking `boxes` (PDF points, origin bottom left: a spec table row's box) when given.

    `ocr` is the page's OCR reading (`ocr.OcrPage`) when OCR read it: the passage is then found
    among its words. An image file renders at `scale` pixels per image pixel.

    Raises:
        ManualParseError: the file is gone, is not a readable PDF or image, or has no such page.
    """
    path = _existing(path)
    if _is_image(path):
        return _render_image(path, page, scale, passage, ocr)
    with _open_pdf(path) as pdf:
        pages = len(pdf)
        if not 1 <= page <= pages:
            raise ManualParseError(path, f"page {page} is out of range (the PDF has {pages} pages)")
        pg = pdf[page - 1]
        try:
            bitmap = pg.render(scale=scale, prefer_bgrx=True)
            try:
                width, height, stride = bitmap.width, bitmap.height, bitmap.stride
                data = bytes(bitmap.buffer)
            finally:
                bitmap.close()
            if boxes:
                rects = _box_rects(pg, boxes, scale)
            elif passage and ocr is not None:
                rects = ocr_rects(ocr, passage, width, height)
            else:
                rects = _passage_rects(pg, passage, scale) if passage else []
        finally:
            pg.close()
    return PageImage(page, pages, width, height, stride, data, scale, rects)


def _render_image(path: Path, page: int, scale: float, passage: str | None, ocr) -> PageImage:
    import numpy as np
    from PIL import Image

    from .library import parse_image

    pages = parse_image.page_count(path)
    if not 1 <= page <= pages:
        raise ManualParseError(path, f"page {page} is out of range (the image has {pages} pages)")
    rgb = parse_image.frame(path, page)
    img = Image.fromarray(rgb)
    if abs(scale - 1.0) > 1e-3:
        img = img.resize((max(1, round(img.width * scale)), max(1, round(img.height * scale))),
                         Image.Resampling.LANCZOS)
    bgrx = np.dstack([np.asarray(img)[:, :, ::-1], np.full((img.height, img.width), 255, np.uint8)])
    rects = ocr_rects(ocr, passage, img.width, img.height) if passage and ocr is not None else []
    return PageImage(page, pages, img.width, img.height, img.width * 4, bgrx.tobytes(), scale, rects)


def ocr_rects(ocr, passage: str, width: int, height: int) -> list[tuple[float, float, float, float]]:
    """Rectangles (pixels of a `width` x `height` rendering) of the OCR words holding `passage`."""
    from .library.ocr import page_text

    text, spans = page_text(ocr)
    rects = []
    for a, b in locate(text, passage):
        for start, end, word in spans:
            if start < b and end > a:
                x0, y0, x1, y1 = word.box
                rects.append((x0 * width, y0 * height, x1 * width, y1 * height))
    return rects


def _box_rects(pg, boxes, scale: float) -> list[tuple[float, float, float, float]]:
    """PDF-point boxes as rectangles in image pixels (origin top left of the crop box)."""
    left, _bottom, _right, top = pg.get_cropbox()
    return [((x0 - left) * scale, (top - y1) * scale, (x1 - left) * scale, (top - y0) * scale)
            for x0, y0, x1, y1 in boxes]


def _passage_rects(pg, passage: str, scale: float) -> list[tuple[float, float, float, float]]:
    """Rectangles (image pixels, origin top-left) covering `passage` on page `pg`."""
    textpage = pg.get_textpage()
    try:
        text = textpage.get_text_range()
        left, bottom, _right, top = pg.get_cropbox()
        rects = []
        for a, b in locate(text, passage):
            for i in range(textpage.count_rects(a, b - a)):
                x0, y0, x1, y1 = textpage.get_rect(i)
                rects.append(((x0 - left) * scale, (top - y1) * scale, (x1 - left) * scale, (top - y0) * scale))
        return rects
    finally:
        textpage.close()


def document(path: Path | str, char_start: int | None = None, char_end: int | None = None) -> DocView:
    """A manual without pages (HTML, Markdown, text, DOCX) as blocks; blocks overlapping the
    character range [char_start, char_end) of the indexed text are marked as cited.

    Raises:
        ManualParseError: the file is gone or can no longer be read.
    """
    from .library import parse

    parsed = parse.parse(_existing(path))
    blocks, first = [], None
    for b in parsed.blocks:
        cited = (char_start is not None and char_end is not None and b.page is None
                 and b.start < char_end and b.end > char_start)
        if cited and first is None:
            first = len(blocks)
        level = len(b.section) if b.kind == "heading" else 0
        blocks.append(DocBlock(b.kind, b.text, level, " > ".join(b.section), cited))
    return DocView(parsed.title, parsed.format, blocks, first)
