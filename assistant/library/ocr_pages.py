"""The OCR step of ingest and its per-page store (table `ocr_pages`, migration m005).

`ocr_pages` rows are keyed by the file's sha256 and the page number. Each page is committed as
soon as it is read, so a killed ingest of a 200-page scan re-reads only the pages it had not
reached; the same rows give the viewer the word boxes that highlight a cited passage.

- `read_scanned(db, path, digest, doc, cancel)`: OCR the pages of `doc` listed in
  `doc.scanned_pages` (reading cached pages from the store), yielding (done, total) after each
  page; then adds their blocks to `doc`, and leaves in `scanned_pages` only pages with no text.
- `page(db, path, number)`: the stored reading of one page of a manual, or None.
- `forget_orphans(db)`: drop rows no manual uses any more (old ones only: a younger row may
  belong to an interrupted ingest that will resume).
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from .. import db as dbmod
from ..errors import AssistantError, Cancelled
from ..pdfium import PDFIUM_LOCK
from . import ocr
from .document import ParsedManual
from .parse import finish_blocks

log = logging.getLogger(__name__)

RENDER_DPI = 200
ORPHAN_DAYS = 30  # an interrupted ingest's pages are kept this long for it to resume


def cached(db, digest: str) -> dict[int, ocr.OcrPage]:
    rows = db.execute("SELECT page, width, height, angle, words FROM ocr_pages WHERE content_hash = ?",
                      (digest,)).fetchall()
    return {r["page"]: ocr.OcrPage.from_json(r["width"], r["height"], json.loads(r["words"]), r["angle"])
            for r in rows}


def save(db, digest: str, number: int, reading: ocr.OcrPage, seconds: float) -> None:
    with dbmod.transaction(db):
        db.execute("INSERT OR REPLACE INTO ocr_pages(content_hash, page, width, height, angle, words, seconds) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?)",
                   (digest, number, reading.width, reading.height, reading.angle,
                    json.dumps(reading.to_json(), separators=(",", ":")), round(seconds, 3)))


def page(db, path: str, number: int) -> ocr.OcrPage | None:
    """The OCR reading of page `number` of the manual stored at `path`, or None (not an OCR page)."""
    row = db.execute("SELECT o.width, o.height, o.angle, o.words FROM ocr_pages o "
                     "JOIN manuals m ON m.content_hash = o.content_hash WHERE m.path = ? AND o.page = ?",
                     (str(path), number)).fetchone()
    if row is None:
        return None
    return ocr.OcrPage.from_json(row["width"], row["height"], json.loads(row["words"]), row["angle"])


def forget_orphans(db, older_than_days: float = ORPHAN_DAYS) -> int:
    with dbmod.transaction(db):
        return db.execute(
            "DELETE FROM ocr_pages WHERE content_hash NOT IN (SELECT content_hash FROM manuals) "
            "AND read_at < strftime('%Y-%m-%dT%H:%M:%SZ', 'now', ?)", (f"-{older_than_days} days",)).rowcount


def forget(db, digest: str) -> None:
    """Drop a content hash's pages once no manual has it (called after a manual is removed or
    replaced by a new version, inside the caller's transaction)."""
    db.execute("DELETE FROM ocr_pages WHERE content_hash = ? "
               "AND NOT EXISTS (SELECT 1 FROM manuals WHERE content_hash = ?)", (digest, digest))


def read_scanned(db, path: Path, digest: str, doc: ParsedManual,
                 cancel: threading.Event | None = None) -> Iterator[tuple[int, int]]:
    """OCR `doc`'s scanned pages (cached ones are not read again); yields (done, total) per page."""
    todo = list(doc.scanned_pages)
    have = cached(db, digest)
    readings: dict[int, ocr.OcrPage] = {}
    for done, number in enumerate(todo, start=1):
        if cancel is not None and cancel.is_set():
            raise Cancelled(f"OCR of {path.name} cancelled")
        if number in have:
            readings[number] = have[number]
        else:
            t0 = time.perf_counter()
            try:
                readings[number] = ocr.recognise(render(path, doc.format, number))
            except AssistantError:
                raise
            except Exception as exc:  # one unreadable page must not cost the rest of the manual
                log.exception("OCR of %s page %d failed", path.name, number)
                doc.warnings.append(f"page {number} could not be read by OCR ({type(exc).__name__})")
                readings[number] = ocr.OcrPage(0, 0)
                yield done, len(todo)
                continue
            save(db, digest, number, readings[number], time.perf_counter() - t0)
            log.info("OCR %s page %d: %d words in %.1f s", path.name, number, len(readings[number].words),
                     time.perf_counter() - t0)
        yield done, len(todo)
    _add_blocks(doc, readings)


def _add_blocks(doc: ParsedManual, readings: dict[int, ocr.OcrPage]) -> None:
    """Blocks of the OCR pages join the text pages' blocks in page order; an OCR page starts in
    the section of the text before it (a text page's or an earlier OCR page's heading)."""
    blocks = list(doc.blocks)
    for number, reading in sorted(readings.items()):
        before = [b for b in blocks if (b.page or 0) < number]
        section = before[-1].section if before else ()
        # finish_blocks assigns offsets per page; an OCR page holds no other blocks.
        blocks = sorted(blocks + finish_blocks(ocr.page_blocks(reading, number, section)),
                        key=lambda b: b.page or 0)  # stable: each page's order is kept
    doc.blocks = blocks
    doc.ocr_pages = {n: r.confidence for n, r in readings.items() if r.words}
    doc.scanned_pages = [n for n in doc.scanned_pages if n not in readings or not readings[n].words]


def add_cached(db, digest: str, doc: ParsedManual) -> None:
    """Add the stored readings of `doc`'s pages without text (none is read now): the blocks the
    manual was indexed with, for an extraction run again on it (`backfill`)."""
    have = cached(db, digest)
    readings = {n: have[n] for n in doc.scanned_pages if n in have}
    if readings:
        _add_blocks(doc, readings)


def render(path: Path, fmt: str, number: int) -> np.ndarray:
    """Page `number` (1-based) of a PDF or image file as an RGB uint8 array for OCR."""
    if fmt == "pdf":
        import pypdfium2 as pdfium

        with PDFIUM_LOCK:
            pdf = pdfium.PdfDocument(str(path))
            try:
                pg = pdf[number - 1]
                try:
                    w, h = pg.get_size()
                    scale = min(RENDER_DPI / 72, ocr.MAX_SIDE / max(w, h, 1))
                    bitmap = pg.render(scale=scale, rev_byteorder=True)
                    try:
                        arr = bitmap.to_numpy()[:, :, :3].copy()
                    finally:
                        bitmap.close()
                finally:
                    pg.close()
            finally:
                pdf.close()
        return arr
    from .parse_image import frame

    return frame(path, number, ocr.MAX_SIDE)
