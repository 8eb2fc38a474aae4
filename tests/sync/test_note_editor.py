"""The notes editor's rules (`assistant.notes.editor.NoteEditor`), without Qt: a real NoteStore on
disk, the editor's store jobs run when and in the order the test says (writes one at a time in order,
as on the single `notes` lane; reads in any order, as on the two-thread pool), so a save can be held
in flight while the technician keeps typing, switches notes or settles a conflict."""

from __future__ import annotations

import json
import os

import pytest

from assistant import db as dbmod
from assistant.errors import AssistantError
from assistant.notes import NoteStore, merge
from assistant.notes.editor import READ_LANE, WRITE_LANE, NoteEditor
from assistant.notes.revs import rev_id

pytestmark = pytest.mark.no_models

FIELDS = ("title", "body", "tags", "work_order", "asset", "serial")


class Fields:
    """The editor's fields as plain text, with what the widget's `values()` does to them."""

    def __init__(self):
        self.text = dict.fromkeys(FIELDS, "")
        self.events: list[str] = []
        self.failures: list[BaseException] = []

    def values(self) -> dict:
        out = {k: self.text[k].strip() for k in ("title", "work_order", "asset", "serial")}
        out["body"] = self.text["body"]
        out["tags"] = [t.strip() for t in self.text["tags"].split(",") if t.strip()]
        return out

    def fill(self, note) -> None:
        for k in FIELDS:
            v = getattr(note, k) if note else ""
            self.text[k] = ", ".join(v) if k == "tags" else (v or "")

    def show_state(self) -> None:
        pass

    def refresh(self, select=None) -> None:
        pass

    def said(self, event, note=None) -> None:
        self.events.append(event)

    def failed(self, error) -> None:
        self.failures.append(error)

    def started_new(self) -> None:
        pass


class Lanes:
    """The workers, run by hand: each lane has its own connection to the same database file."""

    def __init__(self):
        self.stores = {WRITE_LANE: NoteStore(dbmod.connect()), READ_LANE: NoteStore(dbmod.connect())}
        self.jobs: dict[str, list] = {WRITE_LANE: [], READ_LANE: []}
        self.fail_next_write = False

    def run(self, lane, name, job, done, failed) -> None:
        self.jobs[lane].append((name, job, done, failed))

    def step(self, lane: str, i: int = 0) -> str | None:
        """Run the `i`-th waiting job of `lane` (writes: always the oldest) and deliver its result."""
        queue = self.jobs[lane]
        if not queue:
            return None
        name, job, done, failed = queue.pop(0 if lane == WRITE_LANE else i % len(queue))
        try:
            if lane == WRITE_LANE and self.fail_next_write:
                self.fail_next_write = False
                raise AssistantError("database is locked")
            result = job(self.stores[lane])
        except Exception as e:
            failed(e)
        else:
            done(result)
        return name

    def drain(self) -> None:
        while any(self.jobs.values()):
            for lane in (WRITE_LANE, READ_LANE):
                self.step(lane)

    def close(self) -> None:
        for s in self.stores.values():
            s.db.close()


@pytest.fixture
def editor(home):
    lanes = Lanes()
    view = Fields()
    ed = NoteEditor(view, lanes.run)
    ed.show(None)
    yield ed, view, lanes
    lanes.close()


def type_into(ed, view, field: str, text: str) -> None:
    view.text[field] += text
    ed.edited()


def stored(lanes) -> list:
    return lanes.stores[READ_LANE].list()


def test_words_typed_while_a_save_runs_are_kept_and_saved(editor):
    ed, view, lanes = editor
    type_into(ed, view, "title", "Pump P-200")
    type_into(ed, view, "body", "Seal replaced.")
    ed.save()
    assert ed.saving and lanes.jobs[WRITE_LANE]
    type_into(ed, view, "body", " Torque 45 N·m.")  # while the save is in flight
    lanes.step(WRITE_LANE)
    assert view.text["body"] == "Seal replaced. Torque 45 N·m."  # not refilled from the store
    assert ed.dirty and ed.saving  # and saved again at once
    lanes.drain()
    [n] = stored(lanes)
    assert n.body == "Seal replaced. Torque 45 N·m." and not ed.dirty


def test_save_twice_and_switch_notes_mid_save_creates_one_note(editor):
    ed, view, lanes = editor
    other = lanes.stores[WRITE_LANE].add("Existing note", "old text")
    type_into(ed, view, "title", "New note")
    ed.save()
    ed.save()  # Ctrl+S again while the first runs
    ed.pick(other.id)  # and another note picked mid-save
    lanes.drain()
    assert sorted(n.title for n in stored(lanes)) == ["Existing note", "New note"]
    assert ed.note.id == other.id and view.text["body"] == "old text"


def test_close_while_the_first_save_runs_creates_one_note(editor):
    ed, view, lanes = editor
    type_into(ed, view, "title", "Breaker tripped")
    ed.save()
    type_into(ed, view, "body", "Reset at 14:05.")
    conn = dbmod.connect()
    try:
        ed.close(NoteStore(conn))  # the window closes before the worker ran
    finally:
        conn.close()
    lanes.drain()  # the save that was in flight runs after all (a worker finishing its job)
    [n] = stored(lanes)
    assert n.title == "Breaker tripped" and n.body == "Reset at 14:05."


def test_settling_a_conflict_saves_the_edit_typed_before_then_settles_on_top(editor):
    ed, view, lanes = editor
    s = lanes.stores[WRITE_LANE]
    body = "Torque 45 N·m.\n"
    n = s.add("Flange bolts", body)
    # Another device's concurrent edit of the same line, merged the way sync merges it.
    theirs = dict(s.tree.leaves(n.id)[0].content, body="Torque 47 N·m.\n", device="other")
    s.edit(n.id, body="Torque 46 N·m.\n")
    rev = rev_id(n.rev, theirs)
    s.apply_remote([{**theirs, "_id": n.id, "_rev": rev, "_revisions": {"start": 2, "ids": [
        rev.split("-")[1], n.rev.split("-")[1]]}}])
    assert s.resolve(n.id)
    ed.open(n.id)
    lanes.drain()
    assert merge.has_conflict_marker(view.text["body"])
    type_into(ed, view, "body", "Re-torqued after the test run.\n")
    ed.settle(0, "both")
    lanes.drain()
    got = s.get(n.id)
    assert not merge.has_conflict_marker(got.body)
    for text in ("Torque 46", "Torque 47", "Re-torqued after the test run."):
        assert text in got.body, got.body


def test_a_failed_save_keeps_the_text_unsaved_and_a_later_save_stores_it(editor):
    ed, view, lanes = editor
    type_into(ed, view, "title", "UPS check")
    lanes.fail_next_write = True
    ed.save()
    lanes.drain()
    assert ed.dirty and not ed.saving and view.failures and stored(lanes) == []
    assert view.text["title"] == "UPS check"
    ed.save()
    lanes.drain()
    assert [n.title for n in stored(lanes)] == ["UPS check"] and not ed.dirty


def test_clearing_a_field_clears_it(editor):
    ed, view, lanes = editor
    type_into(ed, view, "title", "Pump")
    type_into(ed, view, "work_order", "WO-1")
    type_into(ed, view, "asset", "P-1")
    ed.save()
    lanes.drain()
    view.text["work_order"] = view.text["asset"] = ""
    ed.edited()
    ed.save()
    lanes.drain()
    [n] = stored(lanes)
    assert n.work_order is None and n.asset is None


def test_a_note_deleted_elsewhere_while_open_here_comes_back_with_the_text_typed(editor):
    ed, view, lanes = editor
    n = lanes.stores[WRITE_LANE].add("Valve V-3", "Packing leak.")
    ed.open(n.id)
    lanes.drain()
    type_into(ed, view, "body", " Gland nut tightened a quarter turn.")
    lanes.stores[WRITE_LANE].delete(n.id)  # deleted on another device, synced in meanwhile
    ed.save()
    lanes.drain()
    got = lanes.stores[READ_LANE].get(n.id)
    assert got.body == "Packing leak. Gland nut tightened a quarter turn." and not ed.dirty


def test_words_typed_while_a_note_loads_are_saved_not_overwritten(editor):
    ed, view, lanes = editor
    n = lanes.stores[WRITE_LANE].add("Existing note", "old text")
    ed.pick(n.id)  # the read is slow (the pool is busy rendering a page)
    type_into(ed, view, "title", "Started typing")
    lanes.drain()
    assert sorted(x.title for x in stored(lanes)) == ["Existing note", "Started typing"]
    assert ed.note.id == n.id and view.text["body"] == "old text" and not ed.dirty


def test_only_the_latest_note_asked_for_is_shown(editor):
    ed, view, lanes = editor
    a = lanes.stores[WRITE_LANE].add("A", "a")
    b = lanes.stores[WRITE_LANE].add("B", "b")
    ed.pick(a.id)
    ed.pick(b.id)
    lanes.step(READ_LANE, 1)  # B's read finishes first, then A's
    lanes.step(READ_LANE, 0)
    assert ed.note.id == b.id and view.text["title"] == "B"
    ed.pick(a.id)
    ed.new_note()  # before A arrived
    lanes.drain()
    assert ed.note is None and view.text["title"] == ""


def test_an_empty_new_note_is_not_saved(editor):
    ed, view, lanes = editor
    type_into(ed, view, "title", "   ")
    ed.save()
    lanes.drain()
    assert stored(lanes) == [] and not ed.dirty


def test_a_procedure_log_line_written_while_the_note_is_edited_survives_the_save(editor):
    """The job's note open with unsaved words while procedure mode appends its log: the save merges
    (base: the body the editor loaded) instead of replacing the body."""
    from assistant.procedures import run as runmod
    from assistant.procedures.model import Procedure, Step

    ed, view, lanes = editor
    s = lanes.stores[WRITE_LANE]
    proc = Procedure("Replace the seal", [Step(1, "Drain the casing.", None), Step(2, "Fit the seal.", None)], id=7)
    run = runmod.start(s, proc)  # the procedure path: its note, its log lines through NoteStore.append
    ed.open(run.note_id)
    lanes.drain()
    loaded = view.text["body"]
    assert "Procedure started" in loaded
    type_into(ed, view, "body", "\nCustomer reports a drip at the gland.")
    run.acknowledge("pressed I have read the warnings")  # written while the editor holds its words
    run.next("next")
    ed.save()
    lanes.drain()
    got = s.get(run.note_id)
    assert "Customer reports a drip at the gland." in got.body
    assert "No warnings (pressed I have read the warnings)" in got.body and "Step 2/2: Fit the seal. (said: next)" in got.body
    assert not merge.has_conflict_marker(got.body), got.body
    assert view.text["body"] == got.body and not ed.dirty  # the editor shows the merged note
    # Typed again and saved while the log keeps going: merged against what was saved, not the log.
    type_into(ed, view, "body", "\nDrip gone after the new seal.")
    ed.save()
    run.finish("done")
    lanes.drain()
    assert lanes.stores[READ_LANE].get(run.note_id).body.count("Customer reports a drip") == 1
    type_into(ed, view, "body", "\nSigned off.")
    ed.save()
    lanes.drain()
    body = s.get(run.note_id).body
    for text in ("Customer reports", "Drip gone", "Signed off.", "Finished at step 2/2 (said: done)"):
        assert text in body, body


def test_an_edit_that_changes_the_log_line_it_also_had_keeps_both_versions(editor):
    """Both sides changed the same line: nothing dropped, a conflicting copy the technician settles."""
    ed, view, lanes = editor
    s = lanes.stores[WRITE_LANE]
    n = s.add("Pump", "Torque 45 N·m.\n")
    ed.open(n.id)
    lanes.drain()
    view.text["body"] = "Torque 46 N·m.\n"
    ed.edited()
    s.edit(n.id, body="Torque 47 N·m.\n")  # written meanwhile
    ed.save()
    lanes.drain()
    got = s.get(n.id)
    assert "Torque 46" in got.body and "Torque 47" in got.body and got.conflict


def test_random_interleavings_never_lose_or_duplicate_typed_text(home):
    """Hypothesis state machine over the editor and a real store: typing in any field, saving,
    new notes, switching notes, saves held and run in any order against reads, failed writes,
    another device's edits, deletions and concurrent versions merged in, conflicts settled keeping
    both, and the window closed at the end. Every word typed ends up in exactly one stored note."""
    from hypothesis import HealthCheck, settings
    from hypothesis import strategies as st
    from hypothesis.stateful import (
        RuleBasedStateMachine,
        initialize,
        precondition,
        rule,
        run_state_machine_as_test,
    )

    class Editor(RuleBasedStateMachine):
        @initialize()
        def fresh(self):
            self.lanes = Lanes()
            s = self.lanes.stores[WRITE_LANE]
            for n in s.list():
                s.delete(n.id)
            s.add("Pump P-200", "Seal replaced.")  # notes from before, to switch to
            s.add("UPS", "Battery test.")
            self.view = Fields()
            self.ed = NoteEditor(self.view, self.lanes.run)
            self.ed.show(None)
            self.words: list[str] = []
            self.other = NoteStore(dbmod.connect())  # another device's changes, as sync stores them
            self.closed = False

        @precondition(lambda self: not self.closed)
        @rule(field=st.sampled_from(["title", "body", "body", "work_order", "serial"]))
        def type_a_word(self, field):
            word = f"w{len(self.words)}x"
            self.words.append(word)
            type_into(self.ed, self.view, field, " " + word)

        @precondition(lambda self: not self.closed)
        @rule()
        def save(self):
            self.ed.save()

        @precondition(lambda self: not self.closed)
        @rule()
        def new_note(self):
            self.ed.new_note()

        @precondition(lambda self: not self.closed)
        @rule(i=st.integers(0, 4))
        def pick_a_note(self, i):
            notes = self.other.list()
            if notes:
                self.ed.pick(notes[i % len(notes)].id)

        @rule(i=st.integers(0, 3))
        def a_read_finishes(self, i):
            self.lanes.step(READ_LANE, i)

        @rule()
        def a_write_finishes(self):
            self.lanes.step(WRITE_LANE)

        @rule()
        def everything_waiting_runs(self):
            self.lanes.drain()

        @precondition(lambda self: not self.closed)
        @rule()
        def the_next_write_fails(self):
            self.lanes.fail_next_write = True

        @precondition(lambda self: not self.closed)
        @rule()
        def another_device_deletes_the_note_being_edited(self):
            # Its words are all in the editor: the save must bring the note back, not drop them.
            if self.ed.note is not None and self.ed.dirty and not self.other.get(self.ed.note.id,
                                                                                  include_deleted=True).deleted:
                self.other.delete(self.ed.note.id)

        @precondition(lambda self: not self.closed)
        @rule(i=st.integers(0, 4), kind=st.sampled_from(["tags", "concurrent"]))
        def another_device_changes_a_note(self, i, kind):
            notes = self.other.list()
            if not notes:
                return
            n = notes[i % len(notes)]
            if kind == "tags":
                self.other.edit(n.id, tags=["synced"])
            else:  # a sibling of the current version that adds a line to its parent's body, merged
                # as sync would. It adds and never deletes: a remote edit that deletes a technician's
                # words legitimately removes them (three-way merge), which this property is not about.
                leaf = next(lf for lf in self.other.tree.leaves(n.id) if not lf.deleted)
                parent = self.other.tree.ancestors(n.id, leaf.rev)[1:2]
                if not parent:
                    return
                base = json.loads(self.other.tree.content(n.id, parent[0]) or "{}")
                theirs = dict(leaf.content, body=(base.get("body") or "") + "\nremote line\n", device="other")
                rev = rev_id(parent[0], theirs)
                self.other.apply_remote([{**theirs, "_id": n.id, "_rev": rev, "_revisions": {
                    "start": int(rev.split("-")[0]), "ids": [rev.split("-")[1], parent[0].split("-")[1]]}}])
                self.other.resolve(n.id)

        @precondition(lambda self: not self.closed and self.ed.note is not None)
        @rule()
        def settle_keeping_both(self):
            if merge.has_conflict_marker(self.view.text["body"]):
                self.ed.settle(0, "both")

        @rule()
        def the_window_closes(self):
            # With saves maybe still waiting: they run after (a worker finishing its job), and
            # nothing else happens in this run.
            if not self.closed:
                self.close()

        def close(self):
            self.closed = True
            conn = dbmod.connect()
            try:
                self.ed.close(NoteStore(conn))
            finally:
                conn.close()
            self.lanes.drain()

        def teardown(self):
            try:
                if not self.closed:
                    self.close()
                notes = self.other.list()
                texts = [" ".join([n.title, n.body, n.work_order or "", n.serial or ""]).split() for n in notes]
                for word in self.words:
                    holders = [i for i, t in enumerate(texts) if word in t]
                    assert len(holders) == 1, (word, [notes[i].title for i in holders], self.words)
            finally:
                self.other.db.close()
                self.lanes.close()

    run_state_machine_as_test(Editor, settings=settings(
        max_examples=int(os.environ.get("FA_FUZZ_EXAMPLES", "300")), stateful_step_count=25, deadline=None,
        suppress_health_check=list(HealthCheck)))
