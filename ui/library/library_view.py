"""The Library page: the manuals, adding (files, folders, drag-and-drop), removing and re-indexing."""

from __future__ import annotations

import html
import logging
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QProgressBar,
    QStackedWidget,
    QTableView,
    QWidget,
)

from assistant.errors import AssistantError
from assistant.library.parse import SUPPORTED

from .. import theme
from ..services import Services
from ..widgets import PageHeader, accept_file_drag, add_message, box, button, dropped_paths, label, panel

log = logging.getLogger(__name__)

FORMATS = {"pdf": "PDF", "html": "HTML", "md": "Markdown", "txt": "Text", "docx": "Word"}


class ManualsModel(QAbstractTableModel):
    COLUMNS = ("Title", "Format", "Pages", "Passages", "Added", "Status")

    def __init__(self, parent=None):
        super().__init__(parent)
        self.manuals: list[dict] = []
        self.busy_paths: set[str] = set()

    def set_manuals(self, manuals: list[dict]) -> None:
        self.beginResetModel()
        self.manuals = list(manuals)
        self.endResetModel()

    def set_busy(self, paths: set[str]) -> None:
        self.busy_paths = paths
        if self.manuals:
            self.dataChanged.emit(self.index(0, 5), self.index(len(self.manuals) - 1, 5))

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.manuals)

    def columnCount(self, parent=QModelIndex()) -> int:
        return len(self.COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.tr(self.COLUMNS[section])
        return None

    def status(self, m: dict) -> tuple[str, str]:
        if m["path"] in self.busy_paths:
            return self.tr("Indexing…"), "accent"
        if m.get("missing"):
            return self.tr("File missing"), "danger_border"
        if m.get("scanned_pages"):
            return self.tr("Indexed · {0} scanned pages not searchable").format(len(m["scanned_pages"])), "warn_border"
        return self.tr("Indexed"), "ok"

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        m = self.manuals[index.row()]
        col = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            if col == 0:
                return m["title"]
            if col == 1:
                return FORMATS.get(m["format"], m["format"])
            if col == 2:
                return str(m["pages"]) if m.get("pages") else "—"
            if col == 3:
                return str(m["chunks"])
            if col == 4:
                return _date(m.get("updated_at") or m.get("added_at"))
            if col == 5:
                return self.status(m)[0]
        if role == Qt.ItemDataRole.ToolTipRole:
            return m["path"]
        if role == Qt.ItemDataRole.ForegroundRole and col == 5:
            from PySide6.QtGui import QColor

            return QColor(theme.color(self.status(m)[1]))
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (2, 3):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.UserRole:
            return m
        if role == Qt.ItemDataRole.UserRole + 1:  # sort key
            return {2: m.get("pages") or 0, 3: m["chunks"], 4: m.get("updated_at") or ""}.get(col, str(self.data(index)).lower())
        return None


def _date(iso: str | None) -> str:
    if not iso:
        return ""
    try:
        return datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone().strftime("%d %b %Y")
    except ValueError:
        return iso[:10]


class LibraryView(QWidget):
    """The Library page."""

    open_manual = Signal(dict)
    message = Signal(str)

    def __init__(self, services: Services, parent=None):
        super().__init__(parent)
        self.setObjectName("Page")
        self.setAcceptDrops(True)
        self.services = services
        self.job = None
        self.queue_jobs: list = []
        self.failed: list[dict] = []

        root = box(self)
        self.header = PageHeader(self.tr("Library"), "")
        self.add_files = self.header.add(button(self.tr("Add files…"), "file-add", "Primary",
                                                accessible=self.tr("Add manual files")))
        self.add_files.setToolTip(self.tr("Add manual files (Ctrl+O)"))
        self.add_folder = self.header.add(button(self.tr("Add folder…"), "folder", None,
                                                 accessible=self.tr("Add a folder of manuals")))
        self.reindex_button = self.header.add(button(self.tr("Re-index"), "refresh", None,
                                                     accessible=self.tr("Re-index the selected manuals")))
        self.remove_button = self.header.add(button(self.tr("Remove"), "trash", "Danger",
                                                    accessible=self.tr("Remove the selected manuals")))
        self.add_files.clicked.connect(self.choose_files)
        self.add_folder.clicked.connect(self.choose_folder)
        self.reindex_button.clicked.connect(self.reindex_selected)
        self.remove_button.clicked.connect(self.remove_selected)
        root.addWidget(self.header)

        body = QWidget()
        body.setObjectName("PageBody")
        bl = box(body, (24, 16, 24, 16), 12)

        # Progress of the running ingest
        self.progress_card, pl = panel("Card", (16, 12, 16, 14), 8)
        row = QHBoxLayout()
        self.progress_label = label("", "H3")
        self.progress_label.setAccessibleName(self.tr("Indexing progress"))
        row.addWidget(self.progress_label, 1)
        self.cancel_button = button(self.tr("Cancel"), "close", None, accessible=self.tr("Cancel adding manuals"))
        self.cancel_button.clicked.connect(self.cancel_ingest)
        row.addWidget(self.cancel_button)
        pl.addLayout(row)
        self.progress = QProgressBar()
        self.progress.setAccessibleName(self.tr("Indexing progress"))
        pl.addWidget(self.progress)
        self.progress_detail = label("", "Caption")
        pl.addWidget(self.progress_detail)
        self.progress_card.hide()
        bl.addWidget(self.progress_card)

        # Files that could not be added
        self.errors_card, el = panel("Notice", (16, 12, 16, 12), 8)
        self.errors_card.setProperty("level", "error")
        erow = QHBoxLayout()
        self.errors_title = label("", "H3")
        erow.addWidget(self.errors_title, 1)
        dismiss = button(self.tr("Dismiss"), None, None, accessible=self.tr("Dismiss the list of failed files"))
        dismiss.clicked.connect(self.clear_errors)
        erow.addWidget(dismiss)
        el.addLayout(erow)
        self.errors = QListWidget()
        self.errors.setObjectName("Errors")
        self.errors.setAccessibleName(self.tr("Files that could not be added"))
        self.errors.setMaximumHeight(140)
        self.errors.setWordWrap(True)
        el.addWidget(self.errors)
        self.errors_card.hide()
        bl.addWidget(self.errors_card)

        self.filter = QLineEdit()
        self.filter.setPlaceholderText(self.tr("Filter manuals by title"))
        self.filter.setAccessibleName(self.tr("Filter manuals"))
        self.filter.setClearButtonEnabled(True)
        bl.addWidget(self.filter)

        self.stack = QStackedWidget()
        self.model = ManualsModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterKeyColumn(0)
        self.proxy.setSortRole(Qt.ItemDataRole.UserRole + 1)
        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setAccessibleName(self.tr("Manuals in the library"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        h = self.table.horizontalHeader()
        h.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for c in range(1, 6):
            h.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
        h.setHighlightSections(False)
        h.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.table.verticalHeader().setDefaultSectionSize(int(self.fontMetrics().height() * 2.3))
        self.table.doubleClicked.connect(self._open_row)
        self.table.activated.connect(self._open_row)
        self.table.selectionModel().selectionChanged.connect(self._selection)
        self.stack.addWidget(self.table)
        self.stack.addWidget(self._build_drop_zone())
        bl.addWidget(self.stack, 1)
        self.hint = label(self.tr("Drop files or folders here to add them · double-click a manual to open it"),
                          "Caption")
        bl.addWidget(self.hint)
        root.addWidget(body, 1)

        QShortcut(QKeySequence.StandardKey.Delete, self.table, self.remove_selected,
                  context=Qt.ShortcutContext.WidgetShortcut)
        services.library_changed.connect(self._library)
        services.ingest_started.connect(self._track)
        self._library(services.manuals)

    def _build_drop_zone(self) -> QWidget:
        w, lay = panel("EmptyState", (40, 40, 40, 40), None)
        w.setStyleSheet(f"QFrame#EmptyState {{ border: 2px dashed {theme.color('border_strong')}; }}")
        lay.addStretch(1)
        add_message(lay, "upload", "accent", 56, self.tr("Drop manuals here"),
                    self.tr("PDF, Word (.docx), HTML, Markdown and text files, or whole folders. They are "
                            "indexed on this device; nothing is uploaded."))
        row = QHBoxLayout()
        row.addStretch(1)
        b = button(self.tr("Add files…"), "file-add", "Primary")
        b.clicked.connect(self.choose_files)
        row.addWidget(b)
        self.demo = button(self.tr("Load the demo manuals"), "library", None)
        self.demo.clicked.connect(self.load_demo)
        self.demo.setVisible(self.services.demo_available())
        row.addWidget(self.demo)
        row.addStretch(1)
        lay.addSpacing(8)
        lay.addLayout(row)
        lay.addStretch(2)
        return w

    # -- state -----------------------------------------------------------------------------

    def _library(self, manuals: list[dict]) -> None:
        self.model.set_manuals(manuals)
        n = len(manuals)
        chunks = sum(m["chunks"] for m in manuals)
        pages = sum(m.get("pages") or 0 for m in manuals)
        if self.services.library_loaded:
            self.header.caption.setText(
                self.tr("{0} manuals · {1} pages · {2} passages indexed on this device").format(n, pages, chunks)
                if n else self.tr("No manuals yet"))
        self.stack.setCurrentIndex(0 if n else 1)
        self.filter.setVisible(n > 6)
        self.hint.setVisible(n > 0)
        self._selection()

    def _selection(self, *_) -> None:
        has = bool(self.selected())
        self.remove_button.setEnabled(has)
        self.reindex_button.setEnabled(has)

    def selected(self) -> list[dict]:
        rows = {self.proxy.mapToSource(i).row() for i in self.table.selectionModel().selectedRows()}
        return [self.model.manuals[r] for r in sorted(rows)]

    def _open_row(self, index) -> None:
        m = self.proxy.data(index, Qt.ItemDataRole.UserRole)
        if m:
            self.open_manual.emit(m)

    # -- adding ----------------------------------------------------------------------------

    def choose_files(self) -> None:
        patterns = " ".join(f"*{e}" for e in sorted(SUPPORTED))
        dlg = QFileDialog(self, self.tr("Add manuals"))
        dlg.setFileMode(QFileDialog.FileMode.ExistingFiles)
        dlg.setNameFilters([self.tr("Manuals ({0})").format(patterns), self.tr("All files (*)")])
        dlg.filesSelected.connect(lambda files: self.add(files))
        dlg.open()

    def choose_folder(self) -> None:
        dlg = QFileDialog(self, self.tr("Add a folder of manuals"))
        dlg.setFileMode(QFileDialog.FileMode.Directory)
        dlg.setOption(QFileDialog.Option.ShowDirsOnly, True)
        dlg.fileSelected.connect(lambda d: self.add([d]))
        dlg.open()

    def load_demo(self) -> None:
        self.add([str(p) for p in self.services.demo_files()])

    def add(self, paths: list[str], reindex: bool = False):
        """Index `paths` (files or folders) in the background; returns the job."""
        paths = [p for p in paths if p]
        if not paths:
            return None
        return self.services.ingest(paths, reindex=reindex)

    def _track(self, job) -> None:
        """Follow an ingest job (started here, from the Ask page, or by a drop on the window)."""
        self.queue_jobs.append(job)
        job.progress.connect(lambda batch, j=job: self._progress(j, batch))
        job.succeeded.connect(lambda report, j=job: self._done(j, report))
        job.failed.connect(lambda e, j=job: self._failed(j, e))
        job.cancelled.connect(lambda j=job: self._stopped(j))
        job.finished.connect(lambda j=job: self._finished(j))
        self.progress_card.show()
        if self.job is None:
            self.job = job
            self.progress_label.setText(self.tr("Waiting to start…"))
            self.progress.setRange(0, 0)
            self.progress_detail.setText("")

    def _progress(self, job, batch: list) -> None:
        self.job = job
        busy = set()
        for ev in batch:
            if ev.kind == "start":
                self.progress.setRange(0, max(1, ev.total))
                self.progress.setValue(0)
            elif ev.kind in ("file", "ocr"):  # "ocr": a scanned page being read: "OCR page 3 of 200"
                busy = {ev.path}
                if ev.kind == "file":
                    self.progress.setRange(0, max(1, ev.total))
                    self.progress.setValue(ev.done)
                else:
                    self.progress_detail.setText(ev.message)
                # An upgrade (assistant.library.backfill) adds what an older version's manuals lack.
                text = self.tr("Bringing up to date {0} of {1}: {2}") if job.name == "upgrade" \
                    else self.tr("Indexing {0} of {1}: {2}")
                self.progress_label.setText(text.format(ev.done + 1, ev.total, Path(ev.path).name))
            elif ev.kind in ("added", "skipped", "failed"):
                self.progress.setValue(ev.done)
                if ev.kind == "failed":
                    self._add_error(ev.path, ev.message, upgrade=job.name == "upgrade")
        self.model.set_busy(busy)

    def _done(self, job, report) -> None:
        if report is None:
            return
        if job.name == "upgrade":  # an UpgradeReport: its problems are in the errors card already
            if report.upgraded:
                # Rows and procedures only when they were extracted (a manual may have lacked OCR alone).
                extracted = any("spec_rows" in u or "procedures" in u for u in report.upgraded)
                text = (self.tr("{0} manual(s) brought up to date: tables as rows and procedures added") if extracted
                        else self.tr("{0} manual(s) brought up to date")).format(len(report.upgraded))
                if scanned := sum(len(u.get("ocr_pages", ())) for u in report.upgraded):
                    text += self.tr(", {0} scanned page(s) read").format(scanned)
                self.message.emit(text)
                self.progress_detail.setText(text)
            return
        added, skipped, failed = len(report.added), len(report.skipped), len(report.failed)
        # A watch-folder round (assistant.library.watch.WatchReport) also replaces and removes.
        replaced, removed = len(getattr(report, "replaced", ())), len(getattr(report, "removed", ()))
        parts = [self.tr("{0} added").format(added)] if added or not (failed or replaced or removed) else []
        if replaced:
            parts.append(self.tr("{0} updated").format(replaced))
        if removed:
            parts.append(self.tr("{0} removed").format(removed))
        if skipped:
            parts.append(self.tr("{0} already in the library").format(skipped))
        if failed:
            parts.append(self.tr("{0} could not be added").format(failed))
        self.message.emit(", ".join(parts))
        self.progress_detail.setText(", ".join(parts))

    def _failed(self, job, e: BaseException) -> None:
        msg = str(e) if isinstance(e, AssistantError) else f"{type(e).__name__}: {e}"
        self._add_error("", msg)
        self.message.emit(self.tr("Indexing stopped: {0}").format(msg))

    def _stopped(self, job) -> None:
        self.message.emit(self.tr("Indexing cancelled. Manuals indexed so far are kept."))

    def _finished(self, job) -> None:
        if job in self.queue_jobs:
            self.queue_jobs.remove(job)
        self.model.set_busy(set())
        if job is self.job:
            self.job = None
        if not self.queue_jobs:
            self.progress_card.hide()

    def cancel_ingest(self) -> None:
        for j in list(self.queue_jobs):
            j.cancel()
        self.progress_label.setText(self.tr("Cancelling after the current file…"))

    def _add_error(self, path: str, reason: str, upgrade: bool = False) -> None:
        self.failed.append({"path": path, "error": reason, "upgrade": upgrade})
        name = Path(path).name if path else self.tr("Indexing")
        self.errors.addItem(f"{name} — {reason}")
        self.errors.item(self.errors.count() - 1).setToolTip(path)
        n = len(self.failed)
        self.errors_title.setText(
            self.tr("{0} manual(s) could not be brought up to date").format(n)
            if all(f["upgrade"] for f in self.failed) else self.tr("{0} file(s) could not be added").format(n))
        row_h = self.errors.sizeHintForRow(0) if self.errors.count() else 24
        self.errors.setFixedHeight(min(160, row_h * self.errors.count() + 10))
        self.errors_card.show()

    def clear_errors(self) -> None:
        self.failed.clear()
        self.errors.clear()
        self.errors_card.hide()

    # -- removing and re-indexing --------------------------------------------------------------

    def remove_selected(self) -> None:
        manuals = self.selected()
        if not manuals:
            return
        names = "<br>".join(html.escape(m["title"]) for m in manuals[:8])
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Remove manuals"),
                          self.tr("Remove these manuals from the library?<br><br>{0}<br><br>The files themselves "
                                  "are not deleted.").format(names),
                          QMessageBox.StandardButton.Cancel, self)
        box.setTextFormat(Qt.TextFormat.RichText)  # the app's markup; the titles in it are escaped
        ok = box.addButton(self.tr("Remove"), QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.buttonClicked.connect(lambda b: self._remove([m["path"] for m in manuals]) if b is ok else None)
        box.open()

    def _remove(self, paths: list[str]):
        return self.services.remove(
            paths, on_result=lambda removed: self.message.emit(self.tr("{0} manual(s) removed").format(len(removed))),
            on_error=lambda e: self.message.emit(str(e)))

    def reindex_selected(self):
        manuals = self.selected()
        if manuals:
            return self.add([m["path"] for m in manuals], reindex=True)
        return None

    # -- drag and drop -----------------------------------------------------------------------

    def dragEnterEvent(self, event) -> None:
        accept_file_drag(event)

    def dropEvent(self, event) -> None:
        if paths := dropped_paths(event):
            self.add(paths)
