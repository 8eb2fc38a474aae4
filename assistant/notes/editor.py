"""What the notes editor does with the technician's text, without the widgets: when to save, what
counts as unsaved, what happens to words typed while a save runs, to a note picked mid-save, to a
conflict settled with edits not yet saved, and to the text left in the editor at close.

The GUI (`ui/notes/notes_view.py`) owns the widgets and the worker threads; it tells the editor
what the technician did (`edited`, `save`, `pick`, `new_note`, `settle`, `close`) and shows what
the editor asks it to (`EditorView`). Every store operation goes through `run(lane, job, done,
failed)`, where `job(store)` runs on a worker with that worker's own `NoteStore`, and `done` /
`failed` come back on the editor's thread. The rules, learnt from lost notes:

- One save at a time. A save asked for while one runs (Ctrl+S again, another note picked) runs
  after it, with the text as it is then, as an edit of the note the first one created.
- Words typed while a save runs stay in the editor and are saved next; the editor is never refilled
  from the store over them.
- A note not saved yet has one id from its first save on, so saving it twice (a save in flight and
  the save at close) creates one note.
- Settling a conflict saves the technician's edits first, then settles on top of them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Protocol

from .store import NoteStore

log = logging.getLogger(__name__)

# Note writes go one at a time on a lane of their own; reads may share the general pool.
WRITE_LANE = "notes"
READ_LANE = "pool"
# The fields besides the title whose text makes a note worth saving.
CONTENT_FIELDS = ("body", "tags", "work_order", "asset", "serial")

Job = Callable[[NoteStore], Any]
Run = Callable[[str, str, Job, Callable[[Any], None], Callable[[BaseException], None]], None]


class EditorView(Protocol):
    """What the editor needs from whatever shows it."""

    def values(self) -> dict:
        """The editor's fields now: title, body, tags (a list), work_order, asset, serial ("" = empty)."""

    def fill(self, note) -> None:
        """Show `note` (None: an empty new note) in the fields, without counting it as an edit."""

    def show_state(self) -> None:
        """The editor's `dirty` / `saving` / `note` changed: update what says so."""

    def refresh(self, select: str | None = None) -> None:
        """Reload the list of notes, then select `select` if given."""

    def said(self, event: str, note=None) -> None:
        """Tell the technician: "saved", "settled", "deleted", "from-answer" (with the note)."""

    def failed(self, error: BaseException) -> None:
        """A store operation failed; the text stays in the editor."""

    def started_new(self) -> None:
        """An empty new note is in the editor (put the cursor in the title)."""


def untitled_title(body: str, fallback: str) -> str:
    """The title a note saved without one gets: its first line, else `fallback`."""
    return (body.strip().splitlines() or [fallback])[0][:80]


class NoteEditor:
    """The editor's state and rules (see the module docstring).

    Attributes read by the view: `note` (the Note shown, None for a new one), `dirty` (edits not
    saved), `saving` (a save is running).
    """

    def __init__(self, view: EditorView, run: Run, untitled: str = "Untitled note"):
        self.view = view
        self.run = run
        self.untitled = untitled
        self.note = None
        self.dirty = False
        self.saving = False
        self._edits = 0  # counts edits: a save knows whether more came while it ran
        self._queued: list[str | None] = []  # then_open of saves asked for during a save
        self._pending_settle: tuple[int, str] | None = None
        self._unsaved_id: str | None = None
        self._opens = 0  # counts open requests: a read that finishes late is not shown
        # The stored body the editor's text was written from (None: a note not saved yet). A save
        # merges against it, so lines added to the note meanwhile (procedure mode's log) are kept.
        self._base: str | None = None

    # ------------------------------------------------------------ what the technician did

    def edited(self) -> None:
        """A field was changed by the technician (not by `fill`)."""
        self.dirty = True
        self._edits += 1
        self.view.show_state()

    def pick(self, note_id: str) -> None:
        """Another note was chosen in the list: save the text being written first, never lose it."""
        if self.note is not None and note_id == self.note.id:
            return
        if self.dirty:
            self.save(then_open=note_id)
        else:
            self.open(note_id)

    def open(self, note_id: str) -> None:
        """Show note `note_id` once it is read. Reads may finish in any order: only the latest
        open counts, and words typed while it was read are saved first, not overwritten."""
        self._opens += 1
        ticket, edits = self._opens, self._edits

        def opened(note) -> None:
            if ticket != self._opens:
                return  # another note was asked for, or shown, since
            if self._edits != edits and self.dirty:
                self.save(then_open=note.id)  # typed while it loaded: save that, then open again
                return
            self.show(note)

        self.run(READ_LANE, "note-get", lambda store: store.get(note_id), opened, self.view.failed)

    def new_note(self) -> None:
        if self.dirty:
            self.save(then_open="")
            return
        self.show(None)
        self.view.started_new()

    def show(self, note) -> None:
        """Put `note` in the editor (None: a new, empty note); what was there is saved or discarded.
        A read asked for before this will not replace it."""
        self._opens += 1
        self.note = note
        self._base = note.body if note is not None else None
        self._unsaved_id = None
        self.dirty = False
        self.view.fill(note)
        self.view.show_state()

    @property
    def draft_id(self) -> str:
        """The id of the note in the editor: its own, or the one a new note gets at its first save
        (kept until another note is shown, so every save of this draft writes the same note)."""
        if self.note is not None:
            return self.note.id
        if self._unsaved_id is None:
            self._unsaved_id = NoteStore.new_id()
        return self._unsaved_id

    def save(self, then_open: str | None = None) -> None:
        """Save the editor (a new note or an edit); then show note `then_open` ("" = a new note,
        None = stay on this one)."""
        if self.saving:
            self._queued.append(then_open)
            return
        vals = self._values_to_save()
        if vals is None:  # nothing written: nothing to save
            self.dirty = False
            self._after_save(then_open)
            return
        note_id, edits, base = self.draft_id, self._edits, self._base
        self.saving = True
        self.view.show_state()
        # put: the save at close may have created the new note meanwhile; then this edits it.
        self.run(WRITE_LANE, "note-save", lambda store: store.put(note_id, base_body=base, **vals),
                 lambda note: self._saved(note, then_open, edits, note_id, vals["body"]), self._save_failed)

    def settle(self, index: int, keep: str) -> None:
        """Settle conflict `index` of the note shown ("first", "other", "both")."""
        if self.note is None:
            return
        if self.dirty or self.saving:  # the technician's own edits first, then the choice
            self._pending_settle = (index, keep)
            self.save()  # (or queued behind the save running); _saved settles after it
            return
        note_id = self.note.id

        def done(note) -> None:
            self.show(note)
            self.view.refresh(select=note.id)
            self.view.said("settled", note)

        self.run(WRITE_LANE, "note-settle", lambda store: store.settle_conflict(note_id, index, keep), done,
                 self.view.failed)

    def delete(self) -> None:
        """Delete the note shown (the view has asked the technician)."""
        if self.note is None:
            return
        note_id = self.note.id

        def done(_note) -> None:
            self.show(None)
            self.view.refresh()
            self.view.said("deleted")

        self.run(WRITE_LANE, "note-delete", lambda store: store.delete(note_id), done, self.view.failed)

    def save_answer(self, question: str, answer: dict) -> None:
        """"Save to notes" from an answer: a new note; shown unless the technician is mid-edit."""
        def done(note) -> None:
            self.view.refresh(select=note.id)
            self.view.said("from-answer", note)
            if not self.dirty and not self.saving:
                self.show(note)

        self.run(WRITE_LANE, "note-from-answer", lambda store: store.add_from_answer(question, answer), done,
                 self.view.failed)

    def close(self, store: NoteStore) -> None:
        """The window is closing (no worker runs after this): save unsaved edits now, on this thread,
        with `store` (a connection of its own). A failure is logged; it must not stop the close."""
        if not self.dirty:
            return
        vals = self._values_to_save()
        if vals is None:
            return
        try:
            # A new note's first save may still be running: it has this id, so the note is edited
            # if that save got in first, and created once if not.
            store.put(self.draft_id, base_body=self._base, **vals)
            self.dirty = False
        except Exception as e:
            log.error("could not save the note being edited: %s", e)

    # ------------------------------------------------------------ results

    def _values_to_save(self) -> dict | None:
        vals = self.view.values()
        if not vals["title"]:
            if not any(vals.get(k) for k in CONTENT_FIELDS):
                return None
            vals["title"] = untitled_title(vals["body"], self.untitled)
        return vals

    def _saved(self, note, then_open: str | None, edits: int, note_id: str, body: str) -> None:
        self.saving = False
        queued, self._queued = self._queued, []
        later = [t for t in queued if t is not None]
        then_open = later[-1] if later else then_open
        if (self.note.id if self.note is not None else self._unsaved_id) != note_id:
            # The editor moved to another note while this save ran (a save of unchanged text does
            # not hold the editor: a new note was started or another opened). What was typed since
            # belongs to that note: adopting the saved one here would write it into this one.
            self._pending_settle = None
            self.view.refresh()
            self.view.said("saved", note)
            if queued and self.dirty:
                self.save(later[-1] if later else None)
            else:
                self.view.show_state()
            return
        # The editor's text now descends from the body just saved (not from the merged one stored,
        # which may hold lines the editor never showed): the next save merges against it.
        self._base = body
        if self._edits != edits:
            # Typed while the save ran: keep the editor as it is (refilling it from the stored note
            # would drop those words), remember the note the save made, and save again.
            self.note = note
            self.view.show_state()
            self.view.refresh(select=note.id)
            self.save(then_open)
            return
        if then_open is None:
            self.show(note)
            self.view.refresh(select=note.id)
            self.view.said("saved", note)
            if self._pending_settle is not None:
                (index, keep), self._pending_settle = self._pending_settle, None
                self.settle(index, keep)
        else:
            self.dirty = False
            self._pending_settle = None
            self.view.said("saved", note)
            self._after_save(then_open)

    def _after_save(self, then_open: str | None) -> None:
        if then_open:
            self.open(then_open)
            self.view.refresh(select=then_open)
        elif then_open == "":
            self.show(None)
            self.view.refresh()
            self.view.started_new()
        else:
            self.view.show_state()

    def _save_failed(self, e: BaseException) -> None:
        self.saving = False
        self._queued = []
        self._pending_settle = None
        self.view.show_state()
        self.view.failed(e)  # the text stays in the editor, still marked unsaved
