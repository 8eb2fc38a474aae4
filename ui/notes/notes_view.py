"""The Notes page: the technician's job notes, searchable, per work order, synced to the depot.

Every read and write goes through assistant.notes.NoteStore on the `pool` lane (the thread's own
SQLite connection); the page only shows results. A note's edits are saved before another note is
opened, so switching notes never loses text. Conflicting copies that sync could not merge line by
line are shown side by side with one button per choice (NoteStore.settle_conflict).
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

from ..chat.cards import Source
from ..qtcompat import emit
from ..voice.talk import TalkController
from ..voice.talk_button import TalkButton
from ..widgets import Notice, button, clear_layout, label, plain_tip

log = logging.getLogger(__name__)

FIELDS = ("title", "body", "tags", "work_order", "asset", "serial")


def _store(ctx):
    from assistant.notes import NoteStore

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
            b.clicked.connect(lambda _=False, k=keep: emit(self.chosen, index, k))
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
        self.note = None  # the Note in the editor (None: a new note not saved yet)
        self._loading = False
        self._dirty = False
        self._edits = 0  # counts the technician's edits: a save knows whether more came while it ran
        self._saving = False  # one save at a time; more requests wait in _queued
        self._queued: list[str | None] = []  # then_open of saves asked for during a save
        self._pending_settle: tuple[int, str] | None = None
        self._unsaved_id: str | None = None
        self._pending_select: str | None = None

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
        self.save_button.clicked.connect(lambda: self.save())
        bar.addWidget(self.save_button)
        el.addLayout(bar)
        scroll.setWidget(body)
        root.addWidget(scroll, 1)

        for w in (self.title, self.tags, *self.fields.values()):
            w.textEdited.connect(self._edited)
        self.body.textChanged.connect(lambda: self._loading or self._edited())
        self.tags.textChanged.connect(lambda t: self._show_chips(parse_tags(t)))
        ctx = Qt.ShortcutContext.WidgetWithChildrenShortcut
        QShortcut(QKeySequence.StandardKey.Save, self, lambda: self.save(), context=ctx)
        self._fill(None)

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

        self.services.workers.submit(run, lane="pool", name="notes-list", on_result=self._listed,
                                     on_error=self._failed)

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
        note_id = item.data(Qt.ItemDataRole.UserRole)
        if self.note is not None and note_id == self.note.id:
            return
        if self._dirty:
            self.save(then_open=note_id)  # never lose the text being written
        else:
            self.open_note(note_id)

    def open_note(self, note_id: str) -> None:
        def run(ctx):
            return _store(ctx).get(note_id)

        self.services.workers.submit(run, lane="pool", name="note-get", on_result=self._fill, on_error=self._failed)

    # -- editor --------------------------------------------------------------------------

    def _new_id(self) -> str:
        """The id the note being written gets when first saved (kept until it is)."""
        if self._unsaved_id is None:
            self._unsaved_id = NoteStore.new_id()
        return self._unsaved_id

    def _fill(self, note) -> None:
        self._loading = True
        try:
            self.note = note
            self._unsaved_id = None
            self.title.setText(note.title if note else "")
            self.body.setPlainText(note.body if note else "")
            self.tags.setText(", ".join(note.tags) if note else "")
            for key, edit in self.fields.items():
                edit.setText((getattr(note, key) or "") if note else "")
            self._show_citations(note.citations if note else [])
            self._show_conflicts(note)
            self.delete_button.setEnabled(note is not None)
            self.error.hide()
            self._dirty = False
            self._show_state()
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

    def open_citation(self, c: dict) -> None:
        """Open a cited page: in the manual of this library the citation names, never at the path
        written in the note (a synced note could name any file on this device)."""
        def run(ctx):
            from assistant.library.lookup import manual_for_citation

            return manual_for_citation(ctx.db, c)

        def found(manual) -> None:
            if manual is None:
                emit(self.message, self.tr("“{0}” is not in the library on this device").format(c.get("manual") or "?"))
                return
            page = c.get("page") if isinstance(c.get("page"), int) else None
            emit(self.open_source, Source(c.get("n") or 0, manual["title"], manual["path"], page,
                                          str(c.get("section") or ""), str(c.get("text") or "")), [])

        self.services.workers.submit(run, lane="pool", name="citation-lookup", on_result=found, on_error=self._failed)

    def _show_conflicts(self, note) -> None:
        clear_layout(self.conflicts)
        if note is None or not merge.has_conflict_marker(note.body):
            return
        self.conflicts.addWidget(label(self.tr("This note was changed on two devices at once"), "H2"))
        parts = [p for p in merge.split_conflicts(note.body) if p.conflict]
        for i, part in enumerate(parts):
            panel = ConflictPanel(i, part)
            panel.chosen.connect(self.settle)
            self.conflicts.addWidget(panel)

    def _edited(self, *_) -> None:
        if not self._loading:
            self._dirty = True
            self._edits += 1
            self._show_state()

    def _show_state(self) -> None:
        n = self.note
        if self._dirty:
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
        out = {"title": self.title.text().strip(), "body": self.body.toPlainText(),
               "tags": parse_tags(self.tags.text())}
        out.update({k: e.text().strip() for k, e in self.fields.items()})  # "": cleared, not unchanged
        return out

    # -- actions -------------------------------------------------------------------------

    def new_note(self) -> None:
        if self._dirty:
            self.save(then_open="")
            return
        self.list.clearSelection()
        self._fill(None)
        self.title.setFocus()

    def save(self, then_open: str | None = None) -> None:
        """Save the editor (a new note or an edit); `then_open` a note id to show after ("" = new).

        One save at a time: asked for while one runs (Ctrl+S again, another note picked), it runs
        after it with the text as it is then, as an edit of the note the first one created.
        """
        if self._saving:
            self._queued.append(then_open)
            return
        vals = self.values()
        if not vals["title"]:
            if not any(vals[k] for k in ("body", "tags", "work_order", "asset", "serial")):
                self._dirty = False  # nothing written: nothing to save
                self._after_save(None, then_open)
                return
            vals["title"] = (vals["body"].strip().splitlines() or [self.tr("Untitled note")])[0][:80]
        note_id = self.note.id if self.note else None
        new_id = self._new_id()
        edits = self._edits

        def run(ctx):
            # put: save_now (at close) may have created the new note meanwhile; then this edits it.
            return _store(ctx).put(note_id or new_id, **vals)

        self._saving = True
        self.save_button.setEnabled(False)
        self.services.workers.submit(run, lane="notes", name="note-save",
                                     on_result=lambda n: self._saved(n, then_open, edits), on_error=self._save_failed)

    def _saved(self, note, then_open: str | None, edits: int) -> None:
        self._saving = False
        self.save_button.setEnabled(True)
        emit(self.changed)
        queued, self._queued = self._queued, []
        later = [t for t in queued if t is not None]
        then_open = later[-1] if later else then_open
        if self._edits != edits:
            # Typed while the save ran: keep the editor as it is (refilling it from the stored note
            # would drop those words), remember the note the save made, and save again.
            self.note = note
            self._show_state()
            self.refresh(select=note.id)
            self.save(then_open)
            return
        if then_open is None:
            self._fill(note)
            self.refresh(select=note.id)
            emit(self.message, self.tr("Note saved"))
            if self._pending_settle is not None:
                index, keep = self._pending_settle
                self._pending_settle = None
                self.settle(index, keep)
        else:
            self._dirty = False
            self._pending_settle = None
            self._after_save(note, then_open)

    def _after_save(self, note, then_open: str | None) -> None:
        if then_open:
            self.open_note(then_open)
            self.refresh(select=then_open)
        elif then_open == "":
            self.note = None
            self._fill(None)
            self.refresh()
            self.title.setFocus()

    def _save_failed(self, e: BaseException) -> None:
        self._saving = False
        self._queued = []
        self._pending_settle = None
        self.save_button.setEnabled(True)
        self._failed(e)  # the text stays in the editor, still marked unsaved

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
        def run(ctx):
            return _store(ctx).delete(note_id)

        def done(_):
            emit(self.changed)
            emit(self.message, self.tr("Note deleted"))
            self._fill(None)
            self.refresh()

        self.services.workers.submit(run, lane="notes", name="note-delete", on_result=done, on_error=self._failed)

    def settle(self, index: int, keep: str) -> None:
        if self.note is None:
            return
        note_id = self.note.id
        if self._dirty or self._saving:  # the technician's own edits first, then the choice
            self._pending_settle = (index, keep)
            self.save()  # (or queued behind the save running); _saved settles after it
            return

        def run(ctx):
            return _store(ctx).settle_conflict(note_id, index, keep)

        def done(note):
            emit(self.changed)
            self._fill(note)
            self.refresh(select=note.id)
            emit(self.message, self.tr("Conflict settled; the result syncs like any edit"))

        self.services.workers.submit(run, lane="notes", name="note-settle", on_result=done, on_error=self._failed)

    def save_answer(self, question: str, answer: dict) -> None:
        """"Save to notes" from the Ask page: the question, the answer and its citations."""
        def run(ctx):
            return _store(ctx).add_from_answer(question, answer)

        def done(note):
            emit(self.changed)
            emit(self.message, self.tr("Saved to notes: {0}").format(note.title))
            self.refresh(select=note.id)
            if not self._dirty:
                self._fill(note)

        self.services.workers.submit(run, lane="notes", name="note-from-answer", on_result=done,
                                     on_error=self._failed)

    def _failed(self, e: BaseException) -> None:
        log.warning("notes: %s", e)
        self.error.set(str(e), "error")
        self.error.show()

    def has_unsaved(self) -> bool:
        return self._dirty

    def save_now(self) -> None:
        """Save unsaved edits right away, on this thread (closing the window: no worker will run
        after this). One small transaction on a connection of its own."""
        if not self._dirty:
            return
        vals = self.values()
        if not vals["title"]:
            if not vals["body"].strip():
                return
            vals["title"] = vals["body"].strip().splitlines()[0][:80]
        from assistant import db as dbmod
        from assistant.notes import NoteStore

        conn = dbmod.connect()
        try:
            store = NoteStore(conn)
            # A new note's first save may still be running on the notes lane: it has this id, so
            # the note is edited if that save got in first, and created once if not.
            store.put(self.note.id if self.note else self._new_id(), **vals)
            self._dirty = False
        except Exception as e:  # the window is closing: log it, do not stop the close
            log.error("could not save the note being edited: %s", e)
        finally:
            conn.close()
