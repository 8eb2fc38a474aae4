"""PDF parsing: pypdfium2 for text per physical page, pdfplumber only for ruled tables.

Two passes. The first (`pdf_pages`, with `pdf_tables`) reads every page once with PDFium: its
text lines with position, font size and weight, and, on pages that have enough vector rulings
to hold a table, pdfplumber's tables (whose text is then left out of the lines). The second
(`pdf_layout`) sees the whole document: it drops running headers/footers, learns the body font
size, and turns lines into paragraphs, headings and tables. Sections come from the PDF outline
when it has one (read here, with the metadata title), else from font size and numbering
heuristics. This module opens the document, runs both passes and words the errors.

PDFium is not thread-safe, so all PDFium work in the process holds `PDFIUM_LOCK` (from
`assistant.pdfium`); anything else that renders pages with pypdfium2 (thumbnails, page
previews) must take it too.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable
from pathlib import Path

from assistant.errors import ManualParseError
from assistant.library.document import Block
from assistant.library.normalise import clean_inline
from assistant.library.pdf_layout import build_blocks
from assistant.library.pdf_pages import Page, read_pages
from assistant.library.sections import push_section
from assistant.pdfium import PDFIUM_LOCK

log = logging.getLogger(__name__)

_PDF_ERRORS = {
    2: "cannot open file",
    3: "PDF is truncated or corrupt: PDFium could not read its structure",
    4: "PDF is encrypted (password required)",
    5: "PDF uses an unsupported security handler (encrypted)",
}
_JUNK_TITLES = {"", "untitled", "(anonymous)", "anonymous", "(unspecified)", "unknown", "title",
                "document", "no title", "none"}

ProgressFn = Callable[[int, int], None]


def parse_pdf(path: Path, warnings: list[str], scanned: list[int],
              cancel: threading.Event | None = None,
              progress: ProgressFn | None = None, ocr: bool = False) -> tuple[str | None, list[Block], int]:
    """Blocks of a PDF, its metadata title (or None) and its physical page count.

    With `ocr`, pages without a text layer are only listed in `scanned` (OCR reads them next).
    """
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
            pages = read_pages(path, pdf, warnings, cancel, progress)
        finally:
            with PDFIUM_LOCK:
                pdf.close()
    _check_truncation(path, pages, warnings)
    blocks = build_blocks(pages, toc, scanned)
    if ocr:
        return title, blocks, len(pages)
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


def _check_truncation(path: Path, pages: list[Page], warnings: list[str]) -> None:
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
