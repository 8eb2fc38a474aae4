"""The Notes page: write, find, filter, delete; save an answer to notes; settle a conflicting
copy; the sync indicator against a real pouchdb-server. Real SQLite, real worker lanes."""

from __future__ import annotations

import os

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox

from assistant.notes import merge
from tests.ui.conftest import wait_ready


def store():
    from assistant import db
    from assistant.notes import NoteStore

    return NoteStore(db.connect())


def titles(view) -> list[str]:
    return [view.list.item(i).text().split("\n")[0] for i in range(view.list.count())]


def open_notes(qtbot, w):
    w.go("notes")
    qtbot.waitUntil(lambda: not w.services.workers.active("pool"), timeout=30_000)


def notes_window(qtbot, make_window):
    """A ready window on the Notes page; returns it and its Notes view."""
    w = make_window()
    wait_ready(qtbot, w)
    open_notes(qtbot, w)
    return w, w.notes


def show_note(qtbot, v, note_id: str) -> None:
    v.open_note(note_id)
    qtbot.waitUntil(lambda: v.note is not None and v.note.id == note_id, timeout=30_000)


def test_write_find_filter_and_delete_notes(qtbot, make_window, home):
    w = make_window()
    wait_ready(qtbot, w)
    open_notes(qtbot, w)
    v = w.notes
    assert v.empty.isVisible() and v.list.count() == 0
    for title, wo, body in (("Seal replaced on P-200", "WO-1001", "Shaft seal kit SK-200-45B fitted."),
                            ("UPS battery check", "WO-1002", "Runtime 14 min at 40% load.")):
        v.new_note()
        QTest.keyClicks(v.title, title)
        QTest.keyClicks(v.fields["work_order"], wo)
        QTest.keyClicks(v.tags, "pump, follow-up" if "P-200" in title else "ups")
        v.body.setFocus()
        QTest.keyClicks(v.body, body)
        assert v.state.text() == "Unsaved changes"
        QTest.keySequence(v.body, "Ctrl+S")
        qtbot.waitUntil(lambda t=title: t in titles(v), timeout=30_000)
    assert v.state.text().startswith("Saved")
    assert [c.text() for c in v.findChildren(type(v.state)) if c.objectName() == "Badge"]  # tag chips
    s = store()
    assert {n.title for n in s.list()} == {"Seal replaced on P-200", "UPS battery check"}
    assert s.pending_count() == 2  # both queued for sync in the same transactions

    QTest.keyClicks(v.search, "SK-200")
    qtbot.waitUntil(lambda: titles(v) == ["Seal replaced on P-200"], timeout=30_000)
    v.search.clear()
    qtbot.waitUntil(lambda: len(titles(v)) == 2, timeout=30_000)
    v.work_order.setCurrentIndex(v.work_order.findData("WO-1002"))
    qtbot.waitUntil(lambda: titles(v) == ["UPS battery check"], timeout=30_000)

    # Edit without saving, then switch notes: the edit is saved, not lost.
    v.work_order.setCurrentIndex(0)
    qtbot.waitUntil(lambda: len(titles(v)) == 2, timeout=30_000)
    v.list.setCurrentRow(titles(v).index("UPS battery check"))
    qtbot.waitUntil(lambda: v.note is not None and v.note.title == "UPS battery check", timeout=30_000)
    v.body.moveCursor(v.body.textCursor().MoveOperation.End)
    QTest.keyClicks(v.body, " Replace in 2027.")
    v.list.setCurrentRow(titles(v).index("Seal replaced on P-200"))
    qtbot.waitUntil(lambda: v.note is not None and v.note.title == "Seal replaced on P-200", timeout=30_000)
    assert "Replace in 2027." in next(n for n in store().list() if n.title == "UPS battery check").body

    v.delete_note()
    box = v._confirm
    delete = next(b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.DestructiveRole)
    delete.click()
    qtbot.waitUntil(lambda: titles(v) == ["UPS battery check"], timeout=30_000)
    assert [n.title for n in store().list()] == ["UPS battery check"]


def test_dictation_goes_in_at_the_cursor(qtbot, make_window, home):
    w = make_window()
    wait_ready(qtbot, w)
    open_notes(qtbot, w)
    v = w.notes
    v.body.setPlainText("Checked the pump.")
    v.body.moveCursor(v.body.textCursor().MoveOperation.End)
    v.voice.transcribed.emit("Seal weeps at the drain hole.")
    assert v.body.toPlainText() == "Checked the pump. Seal weeps at the drain hole."
    assert v.state.text() == "Unsaved changes"


def test_save_an_answer_to_notes_and_open_its_source(qtbot, make_window, library):
    w = make_window()
    wait_ready(qtbot, w)
    turn = w.ask.ask("What torque for the pump mounting bolts?")
    qtbot.waitUntil(lambda: not turn.busy, timeout=120_000)
    assert turn.state == "done" and w.ask.save_note_button.isVisible()
    QTest.mouseClick(w.ask.save_note_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: store().count() == 1, timeout=30_000)
    note = store().list()[0]
    assert note.source["question"] == turn.question and note.body.startswith("Q: " + turn.question)
    assert note.citations and all(c["manual"] for c in note.citations)
    qtbot.waitUntil(lambda: "Saved to notes" in w.toast.text(), timeout=30_000)
    open_notes(qtbot, w)
    qtbot.waitUntil(lambda: w.notes.note is not None and w.notes.note.id == note.id, timeout=30_000)
    links = [b for b in w.notes.findChildren(type(w.ask.save_note_button)) if b.objectName() == "Link"
             and b.text().startswith("[")]
    assert links
    links[0].click()  # resolved to the library's manual in the background, then opened
    qtbot.waitUntil(lambda: w.page == "viewer", timeout=30_000)


def test_a_synced_citation_never_opens_a_file_outside_the_library(qtbot, make_window, library, tmp_path):
    secret = tmp_path / "secret.md"
    secret.write_text("# Not a manual\n\nprivate")
    n = store().add("From another device", "see the source", citations=[
        {"n": 1, "manual": "Totally a manual", "path": str(secret), "page": None, "section": "", "text": "x"}])
    w, v = notes_window(qtbot, make_window)
    show_note(qtbot, v, n.id)
    opened = []
    w.viewer.open = lambda source, terms: opened.append(source)
    links = [b for b in v.findChildren(type(v.save_button)) if b.objectName() == "Link" and b.text().startswith("[")]
    links[0].click()
    qtbot.waitUntil(lambda: "not in the library" in w.toast.text(), timeout=30_000)
    assert opened == [] and w.page == "notes"


def test_conflicting_copy_is_shown_side_by_side_and_settled(qtbot, make_window, home):
    body, clean = merge.merge_text("Torque 40 N·m.\nChecked.", "Torque 45 N·m.\nChecked.",
                                   "Torque 47 N·m.\nChecked.", marker=merge.MARK_START.format(
                                       who="tablet-7", when="2026-11-20T10:00:00Z"))
    assert not clean
    note = store().add("Impeller nut torque", body)
    assert note.conflict
    w = make_window()
    wait_ready(qtbot, w)
    open_notes(qtbot, w)
    v = w.notes
    assert "conflict to review" in v.list.item(0).text()
    v.list.setCurrentRow(0)
    qtbot.waitUntil(lambda: v.note is not None, timeout=30_000)
    from ui.notes.notes_view import ConflictPanel

    panels = v.findChildren(ConflictPanel)
    assert len(panels) == 1
    texts = [e.toPlainText() for e in panels[0].findChildren(type(v.body))]
    assert any("45" in t for t in texts) and any("47" in t for t in texts)
    panels[0].keep_other.click()
    qtbot.waitUntil(lambda: not store().get(note.id).conflict, timeout=30_000)
    settled = store().get(note.id)
    assert settled.body == "Torque 47 N·m.\nChecked."
    qtbot.waitUntil(lambda: "conflict" not in v.list.item(0).text(), timeout=30_000)


def test_sync_indicator_not_set_up(qtbot, make_window, home):
    w = make_window()
    wait_ready(qtbot, w)
    assert w.sync_status.text() == "Sync not set up"


@pytest.fixture
def pouch(tmp_path):
    from tests.sync.conftest import PouchServer

    server = PouchServer(tmp_path / "pouch").start()
    yield server
    server.stop()


def test_sync_indicator_with_a_real_server(qtbot, make_window, home, pouch, monkeypatch):
    monkeypatch.setenv("FIELD_ASSISTANT_SYNC_URL", pouch.url)
    monkeypatch.setenv("FIELD_ASSISTANT_SYNC_DB", "ui-notes")
    s = store()
    s.add("Before start", "written offline")
    w = make_window()
    wait_ready(qtbot, w)
    qtbot.waitUntil(lambda: w.sync_status.state == "synced", timeout=60_000)
    assert w.sync_status.text() == "Synced"
    import httpx

    assert httpx.get(f"{pouch.url}/ui-notes").json()["doc_count"] == 1
    pouch.kill()  # the depot goes away
    open_notes(qtbot, w)
    w.notes.new_note()
    QTest.keyClicks(w.notes.title, "Written while offline")
    QTest.keySequence(w.notes.title, "Ctrl+S")
    w.sync.sync_now()
    qtbot.waitUntil(lambda: w.sync_status.state == "offline", timeout=60_000)
    assert w.sync_status.text() == "Offline · 1 waiting"


def test_changing_the_sync_server_never_blocks_the_gui_or_runs_two_services(qtbot, home, pouch):
    """The old service is stuck in a request to a server that never answers: the restart returns at
    once, and the new service starts only when the old one has ended. The server comes from the GUI's
    settings (nothing in settings.json or the environment names it)."""
    import socket
    import time

    from ui.notes.sync_indicator import SyncBridge
    from ui.services import Services

    mute = socket.socket()  # accepts connections, never answers
    mute.bind(("127.0.0.1", 0))
    mute.listen(8)
    accepted = []
    services = Services()
    services.settings = services.settings.model_copy(
        update={"sync_url": f"http://127.0.0.1:{mute.getsockname()[1]}", "sync_db": "ui-restart"})
    store().add("Waiting for the depot")
    bridge = SyncBridge(services)
    statuses = []
    bridge.status.connect(statuses.append)
    lane = services.workers.lanes["sync"]
    try:
        bridge.start()
        old = bridge.job
        mute.settimeout(30)
        accepted.append(mute.accept()[0])  # the old service's request is now in flight
        services.settings = services.settings.model_copy(update={"sync_url": pouch.url})  # as Settings saves
        t0 = time.monotonic()
        bridge.start()  # the new settings
        assert time.monotonic() - t0 < 1, "start() waited for the old service"
        new = bridge.job
        assert lane.current == {old} and new.state == "queued"  # not a second service beside the old one
        for c in accepted:
            c.close()
        mute.close()  # the old request fails now; its round ends; then the new service starts
        qtbot.waitUntil(lambda: old.state == "cancelled" and new.state == "running", timeout=60_000)
        qtbot.waitUntil(lambda: bool(statuses) and statuses[-1] is not None and statuses[-1].state == "synced",
                        timeout=60_000)
        import httpx

        assert httpx.get(f"{pouch.url}/ui-restart").json()["doc_count"] == 1
    finally:
        bridge.stop()
        mute.close()
        assert services.shutdown(10)


# ---------------------------------------------------------------- saves that cannot drop text

@pytest.fixture
def held_notes_lane(qtbot, make_window):
    """A window whose `notes` lane is held by a job until `release()`: a save stays in flight as
    long as the test needs, on any machine (no sleeps)."""
    import threading

    w, _ = notes_window(qtbot, make_window)
    gate, holding = threading.Event(), threading.Event()

    def hold(ctx):
        holding.set()
        gate.wait(60)

    def block():
        gate.clear()
        holding.clear()
        w.services.submit(hold, lane="notes", name="test-hold")
        assert holding.wait(10)

    def release():
        gate.set()
        qtbot.waitUntil(lambda: not w.services.workers.busy("notes") and not w.notes.editor.saving,
                        timeout=30_000)

    w.block, w.release = block, release
    yield w
    gate.set()


def test_words_typed_while_a_save_runs_are_kept_and_saved(qtbot, held_notes_lane):
    w = held_notes_lane
    v = w.notes
    v.new_note()
    QTest.keyClicks(v.title, "Chiller CH-7")
    v.body.setFocus()
    QTest.keyClicks(v.body, "Refrigerant topped up.")
    w.block()
    QTest.keySequence(v.body, "Ctrl+S")  # the save waits behind the held lane
    QTest.keyClicks(v.body, " Leak test passed.")  # typed while it runs
    w.release()
    qtbot.waitUntil(lambda: not v.editor.dirty, timeout=30_000)
    assert v.body.toPlainText() == "Refrigerant topped up. Leak test passed."  # nothing dropped on screen
    notes = store().list()
    assert [n.body for n in notes] == ["Refrigerant topped up. Leak test passed."]  # one note, all of it


def test_save_twice_and_switch_notes_mid_save_creates_one_note(qtbot, held_notes_lane):
    w = held_notes_lane
    v = w.notes
    s = store()
    s.add("Existing note", "already here")
    v.refresh()
    qtbot.waitUntil(lambda: titles(v) == ["Existing note"], timeout=30_000)
    v.new_note()
    QTest.keyClicks(v.title, "Valve V-3 closed")
    w.block()
    QTest.keySequence(v.title, "Ctrl+S")
    QTest.keySequence(v.title, "Ctrl+S")  # again, while the first runs
    v.list.setCurrentRow(titles(v).index("Existing note"))  # and pick another note mid-save
    w.release()
    qtbot.waitUntil(lambda: v.note is not None and v.note.title == "Existing note", timeout=30_000)
    assert sorted(n.title for n in store().list()) == ["Existing note", "Valve V-3 closed"]


def test_close_while_the_first_save_runs_creates_one_note(qtbot, held_notes_lane):
    w = held_notes_lane
    v = w.notes
    v.new_note()
    QTest.keyClicks(v.title, "Breaker Q4 tripped")
    w.block()
    QTest.keySequence(v.title, "Ctrl+S")  # in flight behind the held lane
    QTest.keyClicks(v.title, " twice")
    v.save_now()  # the window closes: saved at once on the GUI thread
    w.release()  # then the first save runs: an edit of the note save_now made, not a second note
    assert [n.title for n in store().list()] == ["Breaker Q4 tripped twice"]


def test_clearing_work_order_asset_and_serial_clears_them(qtbot, make_window, home):
    n = store().add("Pump P-7", "seal", work_order="WO-1", asset="P-1", serial="S-9")
    w, v = notes_window(qtbot, make_window)
    show_note(qtbot, v, n.id)
    for key in ("work_order", "asset", "serial"):
        v.fields[key].selectAll()
        QTest.keyClick(v.fields[key], Qt.Key.Key_Delete)
    QTest.keySequence(v.title, "Ctrl+S")
    qtbot.waitUntil(lambda: not v.editor.dirty and not v.editor.saving, timeout=30_000)
    got = store().get(n.id)
    assert (got.work_order, got.asset, got.serial) == (None, None, None)


def test_settling_a_conflict_keeps_the_edit_typed_before(qtbot, held_notes_lane):
    """Settle used to run beside the save of the technician's edits, reading the body outside its
    transaction: one overwrote the other. Now the save goes first, the choice is made on its result."""
    w = held_notes_lane
    v = w.notes
    body, _ = merge.merge_text("Torque 40 N·m.\nChecked.", "Torque 45 N·m.\nChecked.", "Torque 47 N·m.\nChecked.",
                               marker=merge.MARK_START.format(who="tablet-7", when="2026-11-20T10:00:00Z"))
    n = store().add("Impeller nut torque", body)
    show_note(qtbot, v, n.id)
    v.body.moveCursor(v.body.textCursor().MoveOperation.End)
    QTest.keyClick(v.body, Qt.Key.Key_Return)
    QTest.keyClicks(v.body, "Re-torqued after the test run.")
    w.block()
    from ui.notes.notes_view import ConflictPanel

    v.findChildren(ConflictPanel)[0].keep_other.click()  # with the edit unsaved, the lane held
    w.release()
    qtbot.waitUntil(lambda: not store().get(n.id).conflict, timeout=30_000)
    got = store().get(n.id).body
    assert "Torque 47 N·m." in got and "Torque 45" not in got  # the choice
    assert "Re-torqued after the test run." in got  # and the edit typed before it


def test_random_interleavings_never_lose_or_duplicate_typed_text(qtbot, held_notes_lane):
    """Hypothesis state machine over the real editor: typing, Ctrl+S, new notes, switching notes,
    another device's edit arriving, with saves held in flight at random. Every word typed ends up
    in exactly one stored note."""
    from hypothesis import HealthCheck, settings
    from hypothesis import strategies as st
    from hypothesis.stateful import RuleBasedStateMachine, initialize, rule, run_state_machine_as_test

    w = held_notes_lane
    v = w.notes
    words: list[str] = []

    class Editor(RuleBasedStateMachine):
        @initialize()
        def fresh(self):
            words.clear()
            w.release()
            s = store()
            for n in s.list():
                s.delete(n.id)
            v.refresh()
            qtbot.waitUntil(lambda: not w.services.workers.busy("pool"), timeout=30_000)
            v.new_note()
            self.held = False

        @rule(field=st.sampled_from(["title", "body"]))
        def type_a_word(self, field):
            word = f"w{len(words)}x"
            words.append(word)
            target = v.title if field == "title" else v.body
            target.setFocus()
            if field == "body":
                target.moveCursor(target.textCursor().MoveOperation.End)
            QTest.keyClicks(target, " " + word)

        @rule()
        def ctrl_s(self):
            QTest.keySequence(v.title, "Ctrl+S")

        @rule()
        def new_note(self):
            v.new_note()

        @rule(i=st.integers(0, 5))
        def pick_a_note(self, i):
            if i < v.list.count():
                v.list.setCurrentRow(i)

        @rule()
        def hold_saves(self):
            if not self.held:
                w.block()
                self.held = True

        @rule()
        def let_saves_run(self):
            if self.held:
                w.release()
                self.held = False

        @rule()
        def another_device_edits(self):
            s = store()
            notes = s.list()
            if notes:
                s.edit(notes[0].id, tags=["synced"])  # a field the editor does not type into
                v.refresh()

        def teardown(self):
            w.release()
            qtbot.waitUntil(lambda: not v.editor.saving and not w.services.workers.busy("notes")
                            and not w.services.workers.busy("pool"), timeout=60_000)
            v.save_now()
            stored = [n.title + "\n" + n.body for n in store().list()]
            for word in words:
                holders = [t for t in stored if f" {word}" in t or t.startswith(word)]
                assert len(holders) == 1, (word, holders)

    Editor.TestCase.settings = settings(max_examples=int(os.environ.get("FA_FUZZ_EXAMPLES", "12")),
                                        stateful_step_count=12, deadline=None,
                                        suppress_health_check=list(HealthCheck))
    run_state_machine_as_test(Editor, settings=Editor.TestCase.settings)


def test_a_note_citing_an_older_depot_revision_says_so(qtbot, make_window, home):
    """Issue 15: the depot replaced the cited manual revision B by C since the note was saved."""
    import json as jsonmod

    from assistant import db as dbmod
    from assistant.library import ingest
    from assistant.session import Session

    conn = dbmod.connect()
    for rev in ("B", "C"):
        doc = {"_id": f"manual:p200:{rev}", "kind": "manual", "name": "p200", "revision": rev, "filename": "p200.md"}
        conn.execute("INSERT INTO depot_docs(id, kind, name, revision, doc, state) VALUES (?, 'manual', 'p200', ?, ?, ?)",
                     (doc["_id"], rev, jsonmod.dumps(doc), "active" if rev == "C" else "previous"))
    f = home / "depot-manuals" / "p200" / "C" / "p200.md"
    f.parent.mkdir(parents=True)
    f.write_text("# P-200\n\n## Impeller\n\nTighten the impeller nut to 52 Nm.\n")
    s = Session()
    ingest.ingest_replacing(conn, s.embedder, f, extra={"depot_id": "manual:p200:C", "revision": "C"})
    s.close()
    conn.close()
    n = store().add("Torque", "52 or 47?", citations=[
        {"n": 1, "manual": "P-200", "path": str(f), "page": None, "section": "", "text": "x",
         "depot_id": "manual:p200:B", "revision": "B"}])
    w, v = notes_window(qtbot, make_window)
    show_note(qtbot, v, n.id)
    from PySide6.QtWidgets import QLabel

    qtbot.waitUntil(lambda: any("cited revision B, now revision C" in lab.text() for lab in v.findChildren(QLabel)),
                    timeout=30_000)
