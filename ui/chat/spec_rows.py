"""The table rows under a direct answer taken from a spec table: the answering row and the other
matching rows of the same table, under that table's headers, each opening its page with the row marked."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QSizePolicy, QTableWidget, QTableWidgetItem

from assistant.rag.direct import table_lines

from .cards import Source

MAX_ROWS = 5
SHORT_CELL = 24  # characters: a column whose cells are all this short keeps its width


def spec_row_source(row: dict, n: int = 0) -> Source:
    """A Source for a spec row (`SpecRow.to_json()`): on a PDF page its box is highlighted; in other
    formats its line of the table (char offsets) is the cited span."""
    boxes = (tuple(row["bbox"]),) if row.get("bbox") else ()
    text = " ".join(c for c in row.get("cells", []) if c)
    return Source(n, row["manual"], row["path"], row.get("page"), row.get("section") or "", text,
                  row.get("char_start") or 0, row.get("char_end") or 0, boxes=boxes)


def passage_rows(text: str) -> list[dict] | None:
    """A direct answer that is table rows under their header line, as the line finder reads a
    passage's table ("Code | Meaning | ...", then "A41 | Inverter overtemperature | ..."): the
    rows as `show_rows` takes them (the first is the answering one). None for any other text (the
    stored form is read as the line finder reads it: an empty edge cell counts, a Markdown line
    with outer pipes or lines of unequal cells are no table)."""
    lines = table_lines(text)
    if not lines:
        return None
    headers = lines[0]
    # The header again (two chunks of one table shown together) is no row.
    return [{"headers": headers, "cells": c, "row_id": i, "table_id": 0, "from_passage": True}
            for i, c in enumerate(x for x in lines[1:] if x != headers)] or None


def spoken_row(row: dict) -> str:
    """A table row as said aloud, as a spec row's direct answer reads: "Impeller — Value: Closed,
    bronze CuSn10, diameter 218 mm" (not "Parameter bar Value ...")."""
    cells = row["cells"]
    headers = (list(row["headers"]) + [""] * len(cells))[: len(cells)]  # a cell past the headers is said alone
    rest = "; ".join(f"{h}: {c}" if h else c for h, c in zip(headers[1:], cells[1:], strict=True) if c)
    if not cells[0]:
        return rest
    return f"{cells[0]} — {rest}" if rest else cells[0]


class SpecRowsTable(QTableWidget):
    """Rows of one spec table (the direct answer's first, highlighted); a click opens the row."""

    open_row = Signal(dict)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("SpecRows")
        self.rows: list[dict] = []
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setWordWrap(True)
        self.verticalHeader().hide()
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # Its width follows the answer card (a wide table must not widen the page past the screen).
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.setAccessibleName(self.tr("Table rows from the manual"))
        self.cellActivated.connect(self._activated)
        self.cellClicked.connect(self._activated)
        self.hide()

    def show_rows(self, rows: list[dict], best: dict | None) -> None:
        """Show `best` and the other `rows` of its table; hidden when there is no table row."""
        if not best:
            self.rows = []
            self.hide()
            return
        same = [r for r in rows if r.get("table_id") == best.get("table_id") and r["row_id"] != best["row_id"]]
        self.rows = [best, *same][:MAX_ROWS]
        headers = list(best.get("headers") or [])
        width = max([len(headers)] + [len(r["cells"]) for r in self.rows])
        headers += [""] * (width - len(headers))
        self.clear()
        self.setColumnCount(width)
        self.setRowCount(len(self.rows))
        self.setHorizontalHeaderLabels(headers)
        # Short columns (a code, "68 Nm", "M12") keep their width, so a value is never cut off on a
        # narrow screen; long ones (a cause, an action) share the room left and wrap. Sized to its
        # contents, the alarm table's "Action" sentence pushed every column but the code past the
        # card's edge. With no long column, the label column takes the room left.
        longest = [max([len(headers[j])] + [len(r["cells"][j]) for r in self.rows if j < len(r["cells"])])
                   for j in range(width)]
        wide = [j for j in range(width) if longest[j] > SHORT_CELL] or [0]
        for j in range(width):
            mode = QHeaderView.ResizeMode.Stretch if j in wide else QHeaderView.ResizeMode.ResizeToContents
            self.horizontalHeader().setSectionResizeMode(j, mode)
        for i, r in enumerate(self.rows):
            for j in range(width):
                cell = r["cells"][j] if j < len(r["cells"]) else ""
                item = QTableWidgetItem(cell)  # plain text: manual text is data
                item.setToolTip(cell)
                if i == 0:
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                self.setItem(i, j, item)
        self.resizeRowsToContents()
        height = self.horizontalHeader().height() + sum(self.rowHeight(i) for i in range(self.rowCount())) + 4
        self.setFixedHeight(height)
        self.show()

    def _activated(self, row: int, _col: int) -> None:
        if 0 <= row < len(self.rows):
            self.open_row.emit(self.rows[row])
