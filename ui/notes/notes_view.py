"""The Notes page: the technician's job notes, searchable, per work order, synced to the depot.

The rules for the technician's text (when to save, what is unsaved, what happens to words typed
during a save) live in `assistant.notes.editor.NoteEditor`, which has no Qt and its own tests; this
page owns the widgets and runs the editor's store jobs through `Services.submit` (writes on the
single `notes` lane, reads on `pool`, each on the thread's own SQLite connection). Conflicting copies that sync
could not merge line by line are shown side by side with one button per choice.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from assistant.notes import NoteStore, merge
from assistant.notes.editor import NoteEditor

from ..chat.cards import Source
from ..voice.talk import TalkController
from ..voice.talk_button import TalkButton
from ..widgets import Notice, button, clear_layout, label, plain_tip

log = logging.getLogger(__name__)

FIELDS = ("title", "body", "tags", "work_order", "asset", "serial")


def _store(ctx) -> NoteStore:
    return NoteStore(ctx.db)


def parse_tags(text: str) -> list[str]:
    return [t.strip() for t in text.replace(";", ",").split(",") if t.strip()]


class ConflictPanel(QFrame):
    """One conflicting copy: both versions side by side, and what to keep."""

    chosen = Signal(int, str)  # conflict index, "first" | "other" | "both"

    def __init__(self, index: int, part: merge.BodyPart, parent=None):
        super().__init__(parent)
        self.setObjectName("Card")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(14, 12, 14, 12)
        lay.addWidget(label(self.tr("Two versions of this part were written on different devices. "
                                    "Choose what to keep; nothing is lost until you do."), "Muted", wrap=True))
        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        for col, (title, text) in enumerate(((self.tr("Version kept here"), part.text),
                                             (self.tr("Conflicting copy {0}").format(part.source), part.other))):
            grid.addWidget(label(title, "H3", wrap=True), 0, col)
            view = QPlainTextEdit(text)
            view.setReadOnly(True)
            view.setAccessibleName(title)
            view.setMaximumHeight(140)
            grid.addWidget(view, 1, col)
        lay.addLayout(grid)
        row = QHBoxLayout()
        self.keep_first = button(self.tr("Keep this one"), "check", None)
        self.keep_other = button(self.tr("Keep the other"), "check", None)
        self.keep_both = button(self.tr("Keep both"), "plus", None)
        for b, keep in ((self.keep_first, "first"), (self.keep_other, "other"), (self.keep_both, "both")):
            b.clicked.connect(lambda _=False, k=keep: self.chosen.emit(index, k))
            row.addWidget(b)
        row.addStretch(1)
        lay.addLayout(row)


class NotesView(QWidget):
    open_source = Signal(object, list)  # Source, terms
    message = Signal(str)
    changed = Signal()  # a note was saved, added or deleted here

    def __init__(self, services, parent=None):
        super().__init__(parent)
        self.setObjectName("Page")
        self.services = services
        self.notes: list = []
        self._loading = False  # filling the fields: their change signals are not the technician's edits
        self._pending_select: str | None = None
        self.editor = NoteEditor(self, self._run, untitled=self.tr("Untitled note"))

        root = QHBoxLayout(self)
        root.setContentsMargins(0, 0, 0, 0)
        root.setSpacing(0)

        side = QFrame()
        side.setObjectName("PageHeader")
        side.setFixedWidth(320)
        sl = QVBoxLayout(side)
        sl.setContentsMargins(14, 18, 14, 14)
        sl.setSpacing(10)
        self.new_button = button(self.tr("New note"), "new", None, accessible=self.tr("New note"))
        self.new_button.setToolTip(self.tr("Start a new note (Ctrl+N)"))
        self.new_button.clicked.connect(self.new_note)
        sl.addWidget(self.new_button)
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search notes…"))
        self.search.setAccessibleName(self.tr("Search notes"))
        self.search.setClearButtonEnabled(True)
        self._search_timer = QTimer(self, singleShot=True, interval=250, timeout=self.refresh)
        self.search.textChanged.connect(lambda _: self._search_timer.start())
        sl.addWidget(self.search)
        self.work_order = QComboBox()
        self.work_order.setAccessibleName(self.tr("Filter by work order"))
        self.work_order.addItem(self.tr("All work orders"), None)
        self.work_order.currentIndexChanged.connect(lambda _: self._loading or self.refresh())
        sl.addWidget(self.work_order)
        self.list = QListWidget()
        self.list.setObjectName("History")
        self.list.setAccessibleName(self.tr("Notes"))
        self.list.setWordWrap(True)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # titles wrap
        self.list.currentItemChanged.connect(self._picked)
        sl.addWidget(self.list, 1)
        self.empty = label(self.tr("No notes yet. Write one, or save an answer to notes from the Ask page."),
                           "Caption", wrap=True)
        sl.addWidget(self.empty)
        root.addWidget(side)

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        body = QWidget()
        body.setObjectName("ScrollBody")
        el = QVBoxLayout(body)
        el.setContentsMargins(24, 20, 24, 24)
        el.setSpacing(10)
        self.title = QLineEdit()
        self.title.setObjectName("QuestionBox")
        self.title.setPlaceholderText(self.tr("Title, e.g. Pump P-200 seal replaced"))
        self.title.setAccessibleName(self.tr("Note title"))
        el.addWidget(self.title)
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        self.fields: dict[str, QLineEdit] = {}
        for col, (key, text) in enumerate((("work_order", self.tr("Work order")), ("asset", self.tr("Asset")),
                                           ("serial", self.tr("Serial number")))):
            grid.addWidget(label(text, "Eyebrow"), 0, col)
            edit = QLineEdit()
            edit.setAccessibleName(text)
            self.fields[key] = edit
            grid.addWidget(edit, 1, col)
        el.addLayout(grid)
        el.addWidget(label(self.tr("Tags (comma separated)"), "Eyebrow"))
        self.tags = QLineEdit()
        self.tags.setAccessibleName(self.tr("Tags"))
        self.tags.setPlaceholderText(self.tr("e.g. seal, P-200, follow-up"))
        el.addWidget(self.tags)
        self.chips = QHBoxLayout()
        self.chips.setSpacing(6)
        el.addLayout(self.chips)
        head = QHBoxLayout()
        head.addWidget(label(self.tr("Note"), "Eyebrow"), 1)
        # Dictation: hold to speak, the words go in at the cursor.
        self.voice = TalkController(services, parent=self)
        self.voice.transcribed.connect(self.append_dictation)
        self.voice.message.connect(self.message)
        self.dictate = TalkButton(self.voice, compact=True)
        self.dictate.setToolTip(self.tr("Hold to dictate; the words go in at the cursor"))
        head.addWidget(self.dictate)
        el.addLayout(head)
        self.body = QPlainTextEdit()
        self.body.setAccessibleName(self.tr("Note text"))
        self.body.setMinimumHeight(220)
        el.addWidget(self.body, 1)
        self.conflicts = QVBoxLayout()
        el.addLayout(self.conflicts)
        self.citations_title = label(self.tr("SOURCES IN THE MANUALS"), "Eyebrow")
        el.addWidget(self.citations_title)
        self.citations = QVBoxLayout()
        el.addLayout(self.citations)
        self.error = Notice("", "error")
        self.error.hide()
        el.addWidget(self.error)
        bar = QHBoxLayout()
        self.state = label("", "Caption")
        bar.addWidget(self.state, 1)
        self.delete_button = button(self.tr("Delete"), "trash", "Danger", accessible=self.tr("Delete this note"))
        self.delete_button.clicked.connect(self.delete_note)
        bar.addWidget(self.delete_button)
        self.save_button = button(self.tr("Save"), "check", "Primary", accessible=self.tr("Save the note"))
        self.save_button.setToolTip(self.tr("Save (Ctrl+S)"))
        self.save_button.clicked.connect(lambda: self.editor.save())
        bar.addWidget(self.save_button)
        el.addLayout(bar)
        scroll.setWidget(body)
        root.addWidget(scroll, 1)

        for w in (self.title, self.tags, *self.fields.values()):
            w.textEdited.connect(self._edited)
        self.body.textChanged.connect(lambda: self._loading or self._edited())
        self.tags.textChanged.connect(lambda t: self._show_chips(parse_tags(t)))
        ctx = Qt.ShortcutContext.WidgetWithChildrenShortcut
        QShortcut(QKeySequence.StandardKey.Save, self, lambda: self.editor.save(), context=ctx)
        self.editor.show(None)

    @property
    def note(self):
        """The Note in the editor (None: a new note not saved yet)."""
        return self.editor.note

    def _run(self, lane: str, name: str, job, done, failed) -> None:
        """The editor's store jobs, on a worker with that thread's own connection."""
        self.services.submit(lambda ctx: job(_store(ctx)), lane=lane, name=name, on_result=done, on_error=failed)

    # -- list ----------------------------------------------------------------------------

    def refresh(self, select: str | None = None) -> None:
        """Reload the list (search and work order filter applied) in the background."""
        query = self.search.text().strip() or None
        wo = self.work_order.currentData()
        if select:
            self._pending_select = select

        def run(ctx):
            store = _store(ctx)
            return store.list(query, work_order=wo, limit=500), store.work_orders()

        self.services.submit(run, lane="pool", name="notes-list", on_result=self._listed, on_error=self.failed)

    def _listed(self, result) -> None:
        notes, work_orders = result
        self._loading = True
        try:
            current = self.work_order.currentData()
            self.work_order.clear()
            self.work_order.addItem(self.tr("All work orders"), None)
            for wo, n in work_orders:
                self.work_order.addItem(self.tr("{0} ({1})").format(wo, n), wo)
            self.work_order.setCurrentIndex(max(0, self.work_order.findData(current)))
            self.notes = notes
            self.list.clear()
            for n in notes:
                meta = " · ".join(x for x in (n.work_order, (n.edited_at or "")[:16].replace("T", " ")) if x)
                flag = ("  ⚠ " + self.tr("conflict to review")) if n.conflict else ""
                item = QListWidgetItem(f"{n.title}\n{meta}{flag}")
                item.setData(Qt.ItemDataRole.UserRole, n.id)
                item.setToolTip(plain_tip(", ".join(n.tags)))
                self.list.addItem(item)
            want = self._pending_select or (self.note.id if self.note else None)
            self._pending_select = None
            for i in range(self.list.count()):
                if self.list.item(i).data(Qt.ItemDataRole.UserRole) == want:
                    self.list.setCurrentRow(i)
        finally:
            self._loading = False
        self.empty.setVisible(not notes)

    def _picked(self, item, _previous) -> None:
        if self._loading or item is None:
            return
        self.editor.pick(item.data(Qt.ItemDataRole.UserRole))

    def open_note(self, note_id: str) -> None:
        self.editor.open(note_id)

    # -- editor --------------------------------------------------------------------------

    def fill(self, note) -> None:
        """(EditorView) Show `note` in the fields; the editor has set its state."""
        self._loading = True
        try:
            self.title.setText(note.title if note else "")
            self.body.setPlainText(note.body if note else "")
            self.tags.setText(", ".join(note.tags) if note else "")
            for key, edit in self.fields.items():
                edit.setText((getattr(note, key) or "") if note else "")
            self._show_citations(note.citations if note else [])
            self._show_conflicts(note)
            self.delete_button.setEnabled(note is not None)
            self.error.hide()
        finally:
            self._loading = False

    def _show_chips(self, tags: list[str]) -> None:
        clear_layout(self.chips)
        for t in tags:
            chip = label(t, "Badge")
            chip.setAccessibleName(self.tr("Tag {0}").format(t))
            self.chips.addWidget(chip)
        self.chips.addStretch(1)

    def _show_citations(self, citations: list[dict]) -> None:
        clear_layout(self.citations)
        for c in citations:
            where = self.tr(", page {0}").format(c["page"]) if c.get("page") is not None else ""
            b = button(f"[{c.get('n')}] {c.get('manual')}{where}", "page", "Link")
            b.clicked.connect(lambda _=False, c=c: self.open_citation(c))
            self.citations.addWidget(b)
        self.citations_title.setVisible(bool(citations))
        if any(c.get("depot_id") for c in citations):
            self._show_revisions(citations)

    def _show_revisions(self, citations: list[dict]) -> None:
        """Under the sources: "cited revision B, now revision C" for a depot manual replaced since (#15)."""
        shown = list(citations)

        def run(ctx):
            from assistant.fleet.revisions import citation_status

            return [citation_status(ctx.db, c) for c in shown]

        def done(statuses) -> None:
            if self.editor.note is None or self.editor.note.citations != shown:
                return  # another note is open by now
            from assistant.fleet.revisions import describe

            for c, st in zip(shown, statuses, strict=False):
                if st and st["changed"]:
                    self.citations.addWidget(label(f"[{c.get('n')}] " + describe(st), "Muted", wrap=True))

        self.services.submit(run, lane="pool", name="citation-revisions", on_result=done, on_error=self.failed)

    def open_citation(self, c: dict) -> None:
        """Open a cited page: in the manual of this library the citation names, never at the path
        written in the note (a synced note could name any file on this device)."""
        def run(ctx):
            from assistant.library.lookup import manual_for_citation

            return manual_for_citation(ctx.db, c)

        def found(manual) -> None:
            if manual is None:
                self.message.emit(self.tr("“{0}” is not in the library on this device").format(c.get("manual") or "?"))
                return
            page = c.get("page") if isinstance(c.get("page"), int) else None
            self.open_source.emit(Source(c.get("n") or 0, manual["title"], manual["path"], page,
                                          str(c.get("section") or ""), str(c.get("text") or "")), [])

        self.services.submit(run, lane="pool", name="citation-lookup", on_result=found, on_error=self.failed)

    def _show_conflicts(self, note) -> None:
        clear_layout(self.conflicts)
        if note is None or not merge.has_conflict_marker(note.body):
            return
        self.conflicts.addWidget(label(self.tr("This note was changed on two devices at once"), "H2"))
        parts = [p for p in merge.split_conflicts(note.body) if p.conflict]
        for i, part in enumerate(parts):
            panel = ConflictPanel(i, part)
            panel.chosen.connect(self.editor.settle)
            self.conflicts.addWidget(panel)

    def _edited(self, *_) -> None:
        if not self._loading:
            self.editor.edited()

    def show_state(self) -> None:
        """(EditorView) Saved, unsaved or new, in the bar under the note."""
        n = self.note
        self.save_button.setEnabled(not self.editor.saving)
        if self.editor.dirty:
            text = self.tr("Unsaved changes")
        elif n is None:
            text = self.tr("New note")
        else:
            who = f" · {n.author}" if n.author else ""
            text = self.tr("Saved {0}{1}").format((n.edited_at or "")[:16].replace("T", " "), who)
        self.state.setText(text)

    def append_dictation(self, text: str) -> None:
        """Dictated words go in at the cursor, as a sentence of their own."""
        cur = self.body.textCursor()
        before = self.body.toPlainText()[: cur.position()]
        sep = "" if not before or before.endswith(("\n", " ")) else " "
        cur.insertText(sep + text.strip())
        self.body.setTextCursor(cur)
        self.body.setFocus()

    def values(self) -> dict:
        """(EditorView) The fields as the editor saves them."""
        out = {"title": self.title.text().strip(), "body": self.body.toPlainText(),
               "tags": parse_tags(self.tags.text())}
        out.update({k: e.text().strip() for k, e in self.fields.items()})  # "": cleared, not unchanged
        return out

    # -- actions -------------------------------------------------------------------------

    def new_note(self) -> None:
        self.editor.new_note()

    def started_new(self) -> None:
        """(EditorView) An empty note is in the editor."""
        self.list.clearSelection()
        self.title.setFocus()

    def said(self, event: str, note=None) -> None:
        """(EditorView) What the editor did, in the status line."""
        text = {"saved": self.tr("Note saved"), "deleted": self.tr("Note deleted"),
                "settled": self.tr("Conflict settled; the result syncs like any edit")}.get(event)
        if event == "from-answer" and note is not None:
            text = self.tr("Saved to notes: {0}").format(note.title)
        self.changed.emit()  # the list, the sync indicator and the Ask page's note buttons follow
        if text:
            self.message.emit(text)

    def delete_note(self) -> None:
        if self.note is None:
            return
        note = self.note
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Delete note"),
                          self.tr("Delete “{0}”? It is deleted on every device at the next sync.").format(note.title),
                          QMessageBox.StandardButton.Cancel, self)
        box.setTextFormat(Qt.TextFormat.PlainText)  # the title is data (possibly from another device)
        delete = box.addButton(self.tr("Delete"), QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.finished.connect(lambda _: box.clickedButton() is delete and self._delete(note.id))
        box.open()
        self._confirm = box  # tests answer it

    def _delete(self, note_id: str) -> None:
        if self.note is not None and self.note.id == note_id:
            self.editor.delete()

    def save_answer(self, question: str, answer: dict) -> None:
        """"Save to notes" from the Ask page: the question, the answer and its citations."""
        self.editor.save_answer(question, answer)

    def failed(self, e: BaseException) -> None:
        """(EditorView) A store operation failed: say so; the text stays in the editor."""
        log.warning("notes: %s", e)
        self.error.set(str(e), "error")
        self.error.show()

    def has_unsaved(self) -> bool:
        return self.editor.dirty

    def save_now(self) -> None:
        """Save unsaved edits right away, on this thread (closing the window: no worker will run
        after this). One small transaction on a connection of its own."""
        if not self.editor.dirty:
            return
        from assistant import db as dbmod

        conn = dbmod.connect()
        try:
            self.editor.close(NoteStore(conn))
        finally:
            conn.close()
