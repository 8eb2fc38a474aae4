"""Ruled tables in PDF pages: which pages may hold one (PDFium's vector paths), and pdfplumber's
tables on those pages, as text with the box they cover so their text leaves the page's lines.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from assistant.library.normalise import table_text

log = logging.getLogger(__name__)

# Pages with more vector objects or path segments than this are drawings: pdfplumber would
# take seconds and find "tables" in the wiring diagram.
_TABLE_MAX_OBJECTS = 3000
_TABLE_MAX_SEGMENTS = 5000


@dataclass
class Table:
    """A ruled table of a page, as " | "-joined rows, plus its cells and each row's box (PDF
    points, origin bottom left; None where pdfplumber has no box for a row) for spec rows."""

    text: str
    top: float  # PDF y of the table's top edge
    rows: list[list[str]] | None = None
    row_boxes: list[tuple[float, float, float, float] | None] | None = None


def vector_stats(page) -> tuple[bool, bool, bool]:
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
    """(horizontal, vertical, total) straight segments of a path longer than a few points, as
    drawn on the page: a path's points are in its own space, and some PDF makers (Apache FOP:
    GPSBabel's manual) draw every rule as "0 0 m 156 0 l" with a matrix that turns the vertical
    ones, so read without the matrix every rule was horizontal and no table was found."""
    import ctypes

    count = raw.FPDFPath_CountSegments(obj)
    if count <= 1 or count > _TABLE_MAX_SEGMENTS:
        return 0, 0, max(count, 0)
    m = raw.FS_MATRIX()
    if not raw.FPDFPageObj_GetMatrix(obj, ctypes.byref(m)):
        m.a, m.b, m.c, m.d = 1.0, 0.0, 0.0, 1.0
    x, y = ctypes.c_float(), ctypes.c_float()
    horizontal = vertical = 0
    start = prev = None
    for i in range(count):
        seg = raw.FPDFPath_GetPathSegment(obj, i)
        if not seg or not raw.FPDFPathSegment_GetPoint(seg, x, y):
            continue
        point = (m.a * x.value + m.c * y.value, m.b * x.value + m.d * y.value)  # translation aside
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


TABLE_SPACE_RATIO = 0.15


class TableFinder:
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
                row_boxes = [_row_box(r, left, top) for r in table.rows]
                if len(row_boxes) != len(rows):
                    row_boxes = None
                cells = [[c or "" for c in row] for row in rows]
                found.append((Table(text=table_text(rows), top=top - t, rows=cells, row_boxes=row_boxes), box))
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


def _row_box(row, left: float, top: float) -> tuple[float, float, float, float] | None:
    """pdfplumber's row box (from the top left of the media box) in PDFium's points."""
    try:
        x0, t, x1, b = row.bbox
    except Exception:  # a row of only merged-away cells has no box
        return None
    return (left + x0, top - b, left + x1, top - t)


def _is_real_table(rows) -> bool:
    """A boxed note is a 1x1 "table" to pdfplumber; a table needs two filled cells and a grid."""
    if not rows:
        return False
    filled = sum(1 for row in rows for cell in row if cell and cell.strip())
    width = max(len(row) for row in rows)
    return filled >= 2 and (len(rows) >= 2 or width >= 2)
