"""Tables of a parsed manual as spec rows: headers found, caption chosen, cells and values stored.

Called inside ingest's transaction (`ingest._store`), so a manual's rows come and go with its
passages. The passages keep the table as " | " text for search; the rows here are what a
question about one value ("torque for the pump mounting bolts") is answered from.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np

from .. import db as dbmod
from .document import Block
from .normalise import clean_inline
from .quantities import header_unit, parse_cell

log = logging.getLogger(__name__)

_TABLE_LINE = re.compile(r"^\s*(?:table|tab\.)\s*\d+[\w.\-]*\b", re.IGNORECASE)
CAPTION_MAX = 160  # characters: a longer line above a table is a paragraph, not its caption


@dataclass
class SpecTable:
    page: int | None
    section: str
    caption: str
    headers: list[str]
    rows: list[tuple[int, list[str], tuple | None]]  # (row index in the grid, cells, box)
    block: Block


def header_count(rows: list[list[str]]) -> int:
    """Leading rows that are column labels: the first row when it holds no values while a later
    row does ("Part | Torque | Size" above "Pump bolts | 68 Nm | M12"); else none."""
    if len(rows) < 2:
        return 0
    first = [c for c in rows[0] if c]
    if not first or any(any(v.number is not None for v in parse_cell(c)) for c in first):
        return 0
    if any(any(v.number is not None for v in parse_cell(c)) for row in rows[1:] for c in row if c):
        return 1
    # No numbers anywhere (a fault-code list): a first row of short labels, all cells filled.
    return 1 if len(first) == len(rows[0]) and all(len(c) <= 40 for c in first) \
        and len(first) >= 2 and _looks_like_labels(first, rows[1]) else 0


def _looks_like_labels(first: list[str], second: list[str]) -> bool:
    words = {"code", "fault", "error", "description", "cause", "remedy", "action", "item", "part",
             "name", "value", "meaning", "parameter", "setting", "default", "range", "unit", "size",
             "type", "no", "no.", "pos", "position", "component", "symptom", "solution", "fuse",
             "rating", "torque", "function", "terminal", "signal", "pin"}
    hits = sum(1 for c in first if c.lower().strip(" :.#") in words or c.lower().split()[0] in words)
    return hits >= 1 and [c.lower() for c in first] != [c.lower() for c in second]


def _caption(blocks: list[Block], i: int) -> str:
    """The table's own caption, else a "Table 3 ..." or short "...:" line just above it, else the
    heading it sits under; led by the term the table is described under, when there is one
    (`_term`: "loopstats" above "Enables recording of loop filter statistics ...:" and the table)."""
    caption = _own_caption(blocks, i)
    term = _term(blocks, i)
    if not caption or not term:
        return caption or term
    return caption if term.casefold() in caption.casefold() else f"{term}: {caption}"


def _own_caption(blocks: list[Block], i: int) -> str:
    table = blocks[i].table
    if table is not None and table.caption:
        return clean_inline(table.caption)[:CAPTION_MAX * 2]
    for j in range(i - 1, max(-1, i - 3), -1):
        b = blocks[j]
        if b.kind == "table":
            break
        text = b.text.strip()
        if b.kind == "heading":
            return text
        if len(text) <= CAPTION_MAX and (_TABLE_LINE.match(text) or text.endswith(":")):
            return text
    return blocks[i].section[-1] if blocks[i].section else ""


TERM_MAX = 40  # characters: a longer line is a sentence, not a term
TERM_BACK = 4  # blocks above a table searched for its term
_TERM_END = re.compile(r"[.:;,!?]$")


def _is_term(b: Block) -> bool:
    """A short paragraph of its own, no sentence: "loopstats", "peci_diode", "pwm[1-3]_enable",
    "Diode filter" (a definition list's term, as reference pages name a setting or a file before
    the table of its values). Not a line of numbers (an example record) nor one ending a sentence;
    not a PDF's line (`page` set), which is a fragment of the layout (a running header, a wrapped
    cell) as often as a paragraph."""
    text = b.text.strip()
    return b.kind == "text" and b.page is None and 0 < len(text) <= TERM_MAX and len(text.split()) <= 4 \
        and not _TERM_END.search(text) and bool(re.search(r"[^\W\d_]{2,}", text))


def _term(blocks: list[Block], i: int) -> str:
    """The term a table is described under: the nearest run of term lines (`_is_term`) among the
    few blocks above it, another table or a heading between them ending the search; the lines
    of the run joined ("peci_diode Diode filter")."""
    run: list[str] = []
    for j in range(i - 1, max(-1, i - 1 - TERM_BACK), -1):
        b = blocks[j]
        if b.kind in ("table", "heading"):
            break
        if _is_term(b):
            run.insert(0, b.text.strip())
        elif run:
            break
    return " ".join(run)


def tables(blocks: list[Block]) -> list[SpecTable]:
    """The spec tables of a manual's blocks, in order."""
    return [t for i in range(len(blocks)) if (t := table_at(blocks, i)) is not None]


def table_at(blocks: list[Block], i: int) -> SpecTable | None:
    """The spec table of block `i`, or None when it is not a table with rows."""
    block = blocks[i]
    data = block.table
    if block.kind != "table" or data is None or not data.rows:
        return None
    grid = [[clean_inline(c or "") for c in row] for row in data.rows]
    n_head = data.header_rows if data.header_rows is not None else header_count(grid)
    n_head = min(n_head, len(grid))
    width = max(len(r) for r in grid)
    headers = []
    for col in range(width):
        parts: list[str] = []
        for row in grid[:n_head]:
            cell = row[col] if col < len(row) else ""
            if cell and cell not in parts:
                parts.append(cell)
        headers.append(" ".join(parts))
    rows = []
    label = ""
    boxes = data.row_boxes or []
    for r, cells in enumerate(grid[n_head:], start=n_head):
        if not any(cells):
            continue
        cells = cells + [""] * (width - len(cells))
        # A label cell merged over several rows is filled only in its first: the rows under
        # it belong to the same thing ("Pump mounting bolts" over its M10 and M12 rows).
        if not cells[0] and label and any(cells[1:]):
            cells[0] = label
        label = cells[0]
        rows.append((r, cells, boxes[r] if r < len(boxes) else None))
    if not rows:
        return None
    return SpecTable(block.page, " > ".join(block.section), _caption(blocks, i), headers, rows, block)


def row_text(headers: list[str], cells: list[str]) -> str:
    """"Header: cell; Header: cell" (a cell without a header stands alone; empty cells left out)."""
    parts = []
    for col, cell in enumerate(cells):
        if not cell:
            continue
        head = headers[col] if col < len(headers) else ""
        parts.append(f"{head}: {cell}" if head else cell)
    return "; ".join(parts)


def embed_text(t: SpecTable, cells: list[str]) -> str:
    """What the embedder sees for a row: "caption / section: Header: cell; Header: cell" (the
    caption or section left out when empty or the same), so "Coupling spider" is read as a spare
    part of the pump's coupling and "3 mm" as the gap of the row it sits in."""
    where = " / ".join(dict.fromkeys(p for p in (t.caption, t.section) if p))
    text = row_text(t.headers, cells)
    return f"{where}: {text}" if where else text


def label_text(cells: list[str]) -> str:
    """A row's label cell, what its second vector embeds: the first filled cell ("Measure Tool",
    "Compressor oil"), the thing the row is about without its table's words around it."""
    return next((c for c in cells if c), "")


def embed_rows(embedder, blocks: list[Block]) -> dict[tuple[int, int], tuple[np.ndarray, np.ndarray]]:
    """Each spec row's two vectors by (block index, row index): its whole text (`embed_text`) and
    its label cell alone (`label_text`; a label many rows share is embedded once). What `store`
    takes; computed before ingest's transaction, so embedding never holds the write lock."""
    rows = list(_rows(blocks))
    if not rows:
        return {}
    labels = list(dict.fromkeys(label_text(cells) for _k, _t, cells in rows))
    full = embedder.embed([embed_text(t, cells) for _k, t, cells in rows])
    by_label = dict(zip(labels, embedder.embed(labels), strict=True))
    return {k: (vec, by_label[label_text(cells)]) for (k, _t, cells), vec in zip(rows, full, strict=True)}


def _rows(blocks: list[Block]) -> Iterator[tuple[tuple[int, int], SpecTable, list[str]]]:
    """((block index, row index in its grid), table, cells) of each spec row, as `store` reads them;
    a table that cannot be read is left out here as in `store` (which warns about it)."""
    for i, block in enumerate(blocks):
        if block.kind != "table" or block.table is None:
            continue
        try:
            t = table_at(blocks, i)
        except Exception:  # noqa: BLE001 - store() warns about this table
            continue
        for r, cells, _ in t.rows if t is not None else []:
            yield (i, r), t, cells


def _union(boxes: Iterable[tuple | None]) -> list[float] | None:
    boxes = [b for b in boxes if b]
    if not boxes:
        return None
    return [min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes)]


def store(db, manual_id: int, blocks: list[Block], warnings: list[str] | None = None,
          vectors: dict[tuple[int, int], tuple[np.ndarray, np.ndarray]] | None = None) -> int:
    """Insert the spec rows of a manual's blocks (inside the caller's transaction); returns the
    number of rows stored. A table that cannot be stored is left out (its passage text stays
    searchable) with a warning, inside a savepoint, so it never costs the manual. `vectors` holds
    the rows' embeddings by (block index, row index): (the row's, its label's), as `embed_rows`
    gives them; a row without them is found by words and values only."""
    count = ord_ = 0
    by_block: dict[int, dict[int, tuple[np.ndarray, np.ndarray]]] = {}
    # A library migrated by an early build of m006 has no vector table: its rows go in without vectors.
    if vectors and not dbmod.has_table(db, "spec_rows_vec"):
        vectors = None
    labels = dbmod.has_table(db, "spec_rows_label_vec")
    for (b, r), vec in (vectors or {}).items():
        by_block.setdefault(b, {})[r] = vec
    for i, block in enumerate(blocks):
        if block.kind != "table" or block.table is None:
            continue
        db.execute("SAVEPOINT spec_table")
        try:
            t = table_at(blocks, i)
            if t is not None:
                count += _store_table(db, manual_id, ord_, t, by_block.get(i, {}), labels)
                ord_ += 1
        except Exception as exc:
            db.execute("ROLLBACK TO spec_table")
            log.warning("a table (page %s) not stored as rows", block.page, exc_info=True)
            if warnings is not None:
                warnings.append(f"a table{f' on page {block.page}' if block.page else ''} was not stored as rows "
                                f"({type(exc).__name__})")
        finally:
            db.execute("RELEASE spec_table")
    return count


def _store_table(db, manual_id: int, ord_: int, t: SpecTable, vectors: dict[int, tuple[np.ndarray, np.ndarray]],
                 labels: bool) -> int:
    count = 0
    table_id = db.execute(
        "INSERT INTO spec_tables(manual_id, ord, page, section, caption, headers, bbox) VALUES (?,?,?,?,?,?,?)",
        (manual_id, ord_, t.page, t.section, t.caption, json.dumps(t.headers),
         json.dumps(_union(b for _, _, b in t.rows)))).lastrowid
    units = [header_unit(h) for h in t.headers]
    caption_unit = header_unit(t.caption)
    header_words = " ".join(t.headers)
    lines = t.block.text
    pos = 0
    for r, cells, box in t.rows:
        text = row_text(t.headers, cells)
        # Where the row's " | " line sits in the table's text (for a viewer without boxes).
        line = " | ".join(clean_inline(c or "") for c in t.block.table.rows[r]) if r < len(t.block.table.rows) else ""
        found = lines.find(line, pos) if line else -1
        start = end = None
        if found >= 0:
            pos = found + len(line)
            start, end = t.block.start + found, t.block.start + pos
        row_id = db.execute(
            "INSERT INTO spec_rows(table_id, manual_id, row_index, cells, text, page, bbox, char_start, char_end)"
            " VALUES (?,?,?,?,?,?,?,?,?)",
            (table_id, manual_id, r, json.dumps(cells), text, t.page,
             json.dumps(list(box)) if box else None, start, end)).lastrowid
        db.execute("INSERT INTO spec_rows_fts(rowid, text, headers, caption, section) VALUES (?,?,?,?,?)",
                   (row_id, " ".join(cells), header_words, t.caption, t.section))
        if r in vectors:
            vec, label = vectors[r]
            db.execute("INSERT INTO spec_rows_vec(rowid, embedding) VALUES (?, ?)",
                       (row_id, np.asarray(vec, dtype=np.float32).tobytes()))
            if labels:
                db.execute("INSERT INTO spec_rows_label_vec(rowid, embedding) VALUES (?, ?)",
                           (row_id, np.asarray(label, dtype=np.float32).tobytes()))
        values = []
        for col, cell in enumerate(cells):
            unit = (units[col] if col < len(units) else "") or caption_unit
            values.extend((row_id, col, v.number, v.unit, v.key, v.raw) for v in parse_cell(cell, unit))
        db.executemany("INSERT INTO spec_values(row_id, col, number, unit, key, raw) VALUES (?,?,?,?,?,?)", values)
        count += 1
    return count
