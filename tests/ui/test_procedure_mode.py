"""Procedure mode in the real window: the warnings before step 1, the glove-sized buttons, a spoken
"next" through push-to-talk's transcript signal, the manual page beside each step with the step
highlighted, the progress in the job's note, and a run reopened after the window closed resuming at
its step. Real widgets offscreen, a real database, a real PDF."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from assistant.procedures.model import Procedure, Step

STEPS = [
    "Isolate the pump and drain the casing completely.",
    "Remove the four M8 bolts holding the seal housing.",
    "Fit the new seal SK-200-45B and tighten the bolts to 25 N·m in a cross pattern.",
]


def make_pdf(path: Path) -> Path:
    """A two-page manual: steps 1-2 on page 1, step 3 on page 2."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont("Helvetica-Bold", 14)
    c.drawString(60, 780, "8.3 Replacing the mechanical seal")
    c.setFont("Helvetica", 11)
    c.drawString(60, 750, "WARNING: lock out the motor before opening the pump.")
    c.drawString(60, 720, "1. " + STEPS[0])
    c.drawString(60, 700, "2. " + STEPS[1])
    c.showPage()
    c.setFont("Helvetica", 11)
    c.drawString(60, 780, "CAUTION: the seal faces are brittle.")
    c.drawString(60, 760, "3. " + STEPS[2])
    c.showPage()
    c.save()
    return path


def seal(pdf: Path) -> Procedure:
    return Procedure(
        "8.3 Replacing the mechanical seal",
        [Step(1, STEPS[0], 1), Step(2, STEPS[1], 1, warning="CAUTION: the seal faces are brittle."),
         Step(3, STEPS[2], 2)],
        section="8 Maintenance > 8.3 Replacing the mechanical seal", page=1,
        warnings=["WARNING: lock out the motor before opening the pump."], torques=["25 N·m"],
        id=41, manual_title="P-200 pump manual", manual_path=str(pdf), format="pdf")


def note_body(procedure_id: str = "41") -> str:
    from assistant import db
    from assistant.notes import NoteStore
    from assistant.procedures import run

    store = NoteStore(db.connect())
    note_id = run.find_note(store, procedure_id) or store.list(tag="procedure")[0].id
    return store.get(note_id).body


def settle(qtbot, w) -> None:
    """Every log line written."""
    qtbot.waitUntil(lambda: w.procedure.pending == 0 and not w.services.workers.active("notes"), timeout=30_000)


def at_the_warnings(qtbot, make_window, tmp_path):
    """The seal procedure opened in a new window, on its warnings screen: (pdf, window, view)."""
    pdf = make_pdf(tmp_path / "p200.pdf")
    w = make_window(start=False)
    v = w.procedure
    w.open_procedure(seal(pdf))
    qtbot.waitUntil(lambda: v.stack.currentIndex() == 1, timeout=30_000)
    return pdf, w, v


def test_procedure_mode_steps_buttons_voice_page_and_log(qtbot, make_window, tmp_path):
    from ui.procedure.procedure_view import glove_target_px

    pdf = make_pdf(tmp_path / "p200.pdf")
    w = make_window(start=False)
    v = w.procedure
    w.open_procedure(seal(pdf))
    assert w.page == "procedure"
    qtbot.waitUntil(lambda: v.stack.currentIndex() == 1, timeout=30_000)  # the warnings, first
    shown = [v.warnings_layout.itemAt(i).widget() for i in range(v.warnings_layout.count())]
    assert [n.text.text() for n in shown if n is not None] == ["WARNING: lock out the motor before opening the pump."]
    assert not v.buttons["next"].isEnabled() and v.ack_button.isVisible()
    v.hear("Next.")  # not before the warnings are acknowledged
    assert v.run.step == 0 and v.stack.currentIndex() == 1
    assert "acknowledge the warnings first" in v.heard_label.text()

    with qtbot.waitSignal(v.step_shown, timeout=10_000) as shown_sig:
        qtbot.mouseClick(v.ack_button, Qt.MouseButton.LeftButton)
    assert shown_sig.args == [1]
    assert v.counter.text() == "Step 1 of 3" and v.step_text.text() == STEPS[0]
    assert not v.step_warning.isVisible() and not v.buttons["back"].isEnabled()
    # The page beside the step, the step highlighted on it.
    qtbot.waitUntil(lambda: v.viewer.canvas.image is not None and v.viewer.page == 1
                    and bool(v.viewer.canvas.highlights), timeout=30_000)

    # Glove-sized controls: at least 15 mm (57 px at this screen's 96 dpi) and the kiosk's touch size.
    side = glove_target_px(v.screen())
    assert side >= 57
    for b in [*v.buttons.values(), v.talk]:
        assert b.height() >= side and b.width() >= side, b.text()
    # No speech-dispatcher on this "device" (tests/ui/conftest.py): the window's Speaker finds out when
    # the warnings are read at opening; Read aloud is there but disabled, and says why.
    qtbot.waitUntil(lambda: "not available" in v.buttons["read"].toolTip(), timeout=20_000)
    assert not v.buttons["read"].isEnabled()

    with qtbot.waitSignal(v.step_shown, timeout=10_000) as shown_sig:
        qtbot.mouseClick(v.buttons["next"], Qt.MouseButton.LeftButton)
    assert shown_sig.args == [2] and v.counter.text() == "Step 2 of 3"
    assert v.step_warning.isVisible() and "brittle" in v.step_warning.text.text()
    assert v.heard_label.text() == "Next → Step 2"

    # Voice: the transcript push-to-talk delivers goes through the command grammar.
    with qtbot.waitSignal(v.step_shown, timeout=10_000) as shown_sig:
        v.voice.transcribed.emit("Okay, next.")
    assert shown_sig.args == [3] and v.counter.text() == "Step 3 of 3"
    assert v.heard_label.text() == "“Okay, next.” → Step 3"
    qtbot.waitUntil(lambda: v.viewer.page == 2 and v.viewer.canvas.image is not None
                    and bool(v.viewer.canvas.highlights), timeout=30_000)
    assert not v.buttons["next"].isEnabled()  # the last step
    v.voice.transcribed.emit("The next bolt is loose.")
    assert v.run.step == 3 and v.heard_label.text() == "not a command: “The next bolt is loose.”"
    v.voice.transcribed.emit("Okay.")  # heard, and nothing to acknowledge on a step
    assert v.run.step == 3 and v.heard_label.text() == "“Okay.” → Step 3"
    v.voice.transcribed.emit("What torque?")
    assert v.answer.isVisible() and v.answer.text.text().startswith("Torque: 25 N·m (step 3)")

    with qtbot.waitSignal(v.step_shown, timeout=10_000):
        qtbot.mouseClick(v.buttons["back"], Qt.MouseButton.LeftButton)
    assert v.counter.text() == "Step 2 of 3"
    qtbot.mouseClick(v.buttons["repeat"], Qt.MouseButton.LeftButton)
    assert v.counter.text() == "Step 2 of 3"
    qtbot.mouseClick(v.buttons["pause"], Qt.MouseButton.LeftButton)
    assert v.paused_notice.isVisible() and v.buttons["pause"].text() == "Resume"
    assert not v.buttons["next"].isEnabled()
    v.hear("next")
    assert v.run.step == 2 and "resume" in v.heard_label.text()
    v.hear("continue")
    assert not v.paused_notice.isVisible() and v.buttons["next"].isEnabled()
    qtbot.mouseClick(v.buttons["finish"], Qt.MouseButton.LeftButton)
    assert v.stack.currentIndex() == 3 and v.run.finished and not v.controls.isVisible()

    settle(qtbot, w)
    body = note_body()
    events = [ln.split(" ", 2)[2] if ln[:4].isdigit() else ln.split(" ", 1)[1] for ln in body.splitlines()]
    assert events == [
        "Procedure started: 8.3 Replacing the mechanical seal [procedure 41, 3 steps]",
        "Warnings acknowledged (pressed I have read the warnings)",
        f"Step 1/3: {STEPS[0]}",
        f"Step 2/3: {STEPS[1]} (pressed Next)",
        f"Step 3/3: {STEPS[2]} (said: Okay, next.)",
        "Heard: The next bolt is loose. (not a command)",
        "Asked: What torque? -> Torque: 25 N·m (step 3)",
        f"Step 2/3: {STEPS[1]} (pressed Back)",
        "Repeated step 2/3 (pressed Repeat)",
        "Paused at step 2/3 (pressed Pause)",
        "Continued at step 2/3 (said: continue)",
        "Finished at step 2/3 (pressed Finish)",
    ]
    qtbot.mouseClick(v.done_button, Qt.MouseButton.LeftButton)
    assert w.page == "ask"


def test_closing_and_reopening_resumes_at_the_step(qtbot, make_window, tmp_path):
    pdf, w, v = at_the_warnings(qtbot, make_window, tmp_path)
    v.hear("Acknowledged.")
    v.hear("next")
    v.hear("Next step.")
    assert v.counter.text() == "Step 3 of 3"
    # Closed at once, lines possibly still queued for the notes lane: they are written at close.
    w.force_close()
    w.shutdown(2.0)
    assert v.pending == 0
    assert note_body().rstrip().endswith("(said: Next step.)")

    w2 = make_window(start=False)
    v2 = w2.procedure
    w2.open_procedure(seal(pdf))
    # An unfinished run: asked first, "Resume at step 3" the default (focused, the large button).
    qtbot.waitUntil(lambda: v2.stack.currentIndex() == 4, timeout=30_000)
    assert v2.resume_button.text() == "Resume at step 3" and v2.resume_button.hasFocus()
    assert v2.resume_button.height() > v2.over_button.height() or v2.resume_button.width() > v2.over_button.width()
    with qtbot.waitSignal(v2.step_shown, timeout=30_000) as shown_sig:
        qtbot.mouseClick(v2.resume_button, Qt.MouseButton.LeftButton)
    assert shown_sig.args == [3]
    assert v2.run.state.resumed and v2.counter.text() == "Step 3 of 3" and v2.stack.currentIndex() == 2
    v2.hear("back")
    assert v2.counter.text() == "Step 2 of 3"
    settle(qtbot, w2)
    body = note_body()
    assert "Procedure resumed: 8.3 Replacing the mechanical seal [procedure 41, 3 steps] at step 3/3" in body
    assert body.rstrip().endswith("(said: back)")


def test_start_procedure_fetches_by_id_and_says_when_it_cannot(qtbot, make_window, tmp_path):
    from assistant.errors import AssistantError

    pdf = make_pdf(tmp_path / "p200.pdf")
    stored = {41: seal(pdf)}

    def fetch(db, procedure_id):  # what extraction's store.get does: read by id, or say why not
        assert db.execute("SELECT 1").fetchone()[0] == 1  # a real connection of the worker
        if procedure_id not in stored:
            raise AssistantError(f"no procedure with id {procedure_id}")
        return stored[procedure_id]

    w = make_window(start=False)
    w.fetch_procedure = fetch
    w.go("notes")
    w.start_procedure(99)
    qtbot.waitUntil(lambda: w.toast.isVisible(), timeout=30_000)
    assert w.page == "notes" and "no procedure with id 99" in w.toast.text()
    w.start_procedure(41)
    qtbot.waitUntil(lambda: w.page == "procedure" and w.procedure.stack.currentIndex() == 1, timeout=30_000)
    w.procedure.leave()
    assert w.page == "notes"  # back where the procedure was started from


def test_a_markdown_manual_shows_the_step_marked_in_the_text(qtbot, make_window, tmp_path):
    from assistant.library import parse

    md = tmp_path / "fan.md"
    md.write_text("# Fan unit\n\n## To replace the fan motor\n\n1. Switch off the supply.\n"
                  "2. Unplug the motor cable from connector J4.\n3. Remove the two screws.\n", encoding="utf-8")
    blocks = [b for b in parse.parse(md).blocks if "connector J4" in b.text]
    assert blocks, "the parser keeps the step's text"
    step2 = blocks[0]
    p = Procedure("To replace the fan motor",
                  [Step(1, "Switch off the supply.", None), Step(2, "Unplug the motor cable from connector J4.",
                                                                 None, step2.start, step2.end)],
                  id=5, manual_title="Fan unit", manual_path=str(md), format="md")
    w = make_window(start=False)
    v = w.procedure
    w.open_procedure(p)
    qtbot.waitUntil(lambda: v.run is not None and v.stack.currentIndex() == 2, timeout=30_000)  # no warnings
    assert v.counter.text() == "Step 1 of 2" and v.run.step == 1
    with qtbot.waitSignal(v.viewer.page_shown, timeout=30_000):
        v.hear("next")
    assert v.viewer.stack.currentIndex() == 2  # the text view, not a page
    html = v.viewer.doc.toHtml()
    assert "connector J4" in html[html.index('name="cited"'):][:400]


def test_spoken_next_with_space_held_moves_a_step(qtbot, make_window, tmp_path):
    """The whole voice path: Space held on the procedure page, espeak-ng's "next step" fed to the
    recorder, the real tiny.en on the `stt` lane, the grammar, the step on screen."""
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    from tests.conftest import require_tools
    from tests.core.test_stt import speak
    from tests.ui.test_voice import CHUNK, fake_device, pcm

    require_tools("espeak-ng")
    data = pcm(speak("Next step.", tmp_path / "next.wav"))
    w = make_window(start=False)
    v = w.procedure
    fake_device(v.voice)
    w.open_procedure(seal(make_pdf(tmp_path / "p200.pdf")))
    qtbot.waitUntil(lambda: v.stack.currentIndex() == 1, timeout=30_000)
    with qtbot.waitSignal(v.step_shown, timeout=10_000):
        v.act("ack", "pressed I have read the warnings")
    w.activateWindow()
    v.step_text.setFocus()  # not a button: Space is push-to-talk
    qtbot.waitUntil(lambda: w.isActiveWindow(), timeout=5_000)
    press = QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Space, Qt.KeyboardModifier.NoModifier, " ")
    QApplication.sendEvent(v.step_text, press)
    assert v.voice.state == "recording"
    for i in range(0, len(data), CHUNK):
        v.voice.recorder.accept(data[i:i + CHUNK])
    with qtbot.waitSignal(v.step_shown, timeout=120_000) as shown_sig:
        QApplication.sendEvent(v.step_text, QKeyEvent(QEvent.Type.KeyRelease, Qt.Key.Key_Space,
                                                      Qt.KeyboardModifier.NoModifier, " "))
    assert shown_sig.args == [2] and v.counter.text() == "Step 2 of 3"
    assert v.heard_label.text().endswith("→ Step 2") and "next" in v.heard_label.text().lower()


def test_kiosk_mode_keeps_glove_sized_controls_and_large_type(qtbot, make_window, tmp_path):
    from PySide6.QtGui import QFontInfo

    from ui.procedure.procedure_view import glove_target_px

    w = make_window(kiosk=True, start=False)
    v = w.procedure
    w.open_procedure(seal(make_pdf(tmp_path / "p200.pdf")))
    qtbot.waitUntil(lambda: v.stack.currentIndex() == 1, timeout=30_000)
    with qtbot.waitSignal(v.step_shown, timeout=10_000):
        v.hear("acknowledged")
    side = glove_target_px(v.screen())
    for b in [*v.buttons.values(), v.talk]:
        assert b.height() >= side and b.width() >= side, b.text()
    body = QFontInfo(w.procedure.subtitle.font()).pointSizeF()
    step = QFontInfo(v.step_text.font()).pointSizeF()
    assert step >= 1.8 * QFontInfo(w.font()).pointSizeF() and step > body


def test_read_aloud_goes_to_the_speaker_and_talking_stops_it(qtbot, make_window, tmp_path):
    """Until read-aloud (ui/voice/speaker.py) is merged, a Speaker with its interface that keeps
    what it was asked to say stands in for it; at merge this test takes the real one."""
    from PySide6.QtCore import QObject, Signal

    from tests.ui.test_voice import fake_device

    class Speaker(QObject):
        started = Signal()
        finished = Signal()
        unavailable = Signal(str)

        def __init__(self):
            super().__init__()
            self.said, self.stops = [], 0

        def available(self) -> bool:
            return True

        def say(self, text: str) -> None:
            self.said.append(text)

        def stop(self) -> None:
            self.stops += 1

    from ui.procedure.procedure_view import ProcedureView

    w = make_window(start=False)
    speaker = Speaker()
    v = ProcedureView(w.services, speaker=speaker)
    w.stack.addWidget(v)
    w.stack.setCurrentWidget(v)
    fake_device(v.voice)
    v.open(seal(make_pdf(tmp_path / "p200.pdf")))
    qtbot.waitUntil(lambda: v.stack.currentIndex() == 1, timeout=30_000)
    assert speaker.said == ["WARNING: lock out the motor before opening the pump."]  # read before step 1
    v.hear("ok")
    v.hear("next")
    assert v.buttons["read"].isEnabled()
    qtbot.mouseClick(v.buttons["read"], Qt.MouseButton.LeftButton)
    assert speaker.said[-1] == f"Step 2. CAUTION: the seal faces are brittle. {STEPS[1]}"
    v.hear("what torque?")
    assert speaker.said[-1].startswith("Torque: 25 N·m")
    stops = speaker.stops
    v.voice.press()  # barge-in: talking stops the speech at once
    assert speaker.stops == stops + 1
    v.voice.cancel()
    v.stop()


def test_start_over_by_button_logs_it_and_begins_at_the_warnings(qtbot, make_window, tmp_path):
    from assistant.procedures import run

    pdf, w, v = at_the_warnings(qtbot, make_window, tmp_path)
    v.hear("Acknowledged.")
    v.hear("next")
    assert v.hear("start over").kind == "unknown"  # on a step it is not a command: the place is kept
    assert v.run.step == 2
    v.leave()
    settle(qtbot, w)

    w.open_procedure(seal(pdf))
    qtbot.waitUntil(lambda: v.stack.currentIndex() == 4, timeout=30_000)
    assert v.resume_button.text() == "Resume at step 2" and v.over_button.isEnabled()
    assert v.controls.isHidden()  # the step controls of the run shown before act on nothing here
    qtbot.mouseClick(v.over_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: v.stack.currentIndex() == 1, timeout=30_000)  # the warnings again
    assert not v.controls.isHidden()
    assert v.run.step == 0 and not v.run.state.acknowledged and not v.run.state.resumed
    v.hear("ok")
    assert v.counter.text() == "Step 1 of 3"
    settle(qtbot, w)
    body = note_body()
    assert "Started over, leaving step 2/3 (pressed Start over)" in body
    after = body[body.index("Started over"):]
    assert "Procedure started: 8.3 Replacing the mechanical seal [procedure 41, 3 steps]" in after
    assert "Step 1/3" in after and "Step 2/3" not in after
    state = run.read_log(body, "41")
    assert (state.step, state.resumed, state.finished_at) == (1, False, None)


def test_resume_or_start_over_by_voice_only_on_the_choice_screen(qtbot, make_window, tmp_path):
    pdf, w, v = at_the_warnings(qtbot, make_window, tmp_path)
    v.hear("okay")
    v.hear("next")
    v.hear("next")
    v.leave()
    settle(qtbot, w)

    w.open_procedure(seal(pdf))
    qtbot.waitUntil(lambda: v.stack.currentIndex() == 4, timeout=30_000)
    assert v.hear("next").kind == "next" and v.stack.currentIndex() == 4  # not here: still asking
    assert "start over" in v.heard_label.text()
    with qtbot.waitSignal(v.step_shown, timeout=30_000) as shown:
        assert v.hear("Resume.").kind == "resume"
    assert shown.args == [3] and v.run.state.resumed
    v.leave()
    settle(qtbot, w)

    w.open_procedure(seal(pdf))
    qtbot.waitUntil(lambda: v.stack.currentIndex() == 4, timeout=30_000)
    assert v.resume_button.text() == "Resume at step 3"
    assert v.hear("Uh, start over.").kind == "over"
    qtbot.waitUntil(lambda: v.stack.currentIndex() == 1 and v.run is not None, timeout=30_000)
    assert v.run.step == 0
    settle(qtbot, w)
    assert "Started over, leaving step 3/3 (said: Uh, start over.)" in note_body()


def test_the_notes_editor_keeps_log_lines_written_while_it_had_unsaved_edits(qtbot, make_window, tmp_path):
    """The job's note open on the Notes page with words typed, not saved, while procedure mode logs
    to it: the save merges, so the log lines and the words both stay."""
    from PySide6.QtGui import QTextCursor
    from PySide6.QtTest import QTest

    _, w, v = at_the_warnings(qtbot, make_window, tmp_path)
    v.hear("Acknowledged.")
    settle(qtbot, w)
    note_id = v.run.note_id

    w.go("notes")
    n = w.notes
    n.open_note(note_id)
    qtbot.waitUntil(lambda: n.note is not None and n.note.id == note_id, timeout=30_000)
    n.body.setFocus()
    n.body.moveCursor(QTextCursor.MoveOperation.End)
    QTest.keyClick(n.body, Qt.Key.Key_Return)
    QTest.keyClicks(n.body, "Gland was dripping before the job.")
    assert n.editor.dirty
    v.hear("next")  # the run goes on (wake word or another screen): its lines reach the note
    v.hear("next")
    settle(qtbot, w)
    assert "Step 3/3" in note_body() and "Gland was dripping" not in note_body()
    QTest.keySequence(n.body, "Ctrl+S")
    qtbot.waitUntil(lambda: not n.editor.dirty and not n.editor.saving, timeout=30_000)
    body = note_body()
    for text in ("Warnings acknowledged (said: Acknowledged.)", "Gland was dripping before the job.",
                 "Step 2/3", "Step 3/3: Fit the new seal"):
        assert text in body, body
    assert n.body.toPlainText() == body  # the editor shows what is stored, log lines included
