"""Procedure mode: the warnings to acknowledge, then one step per screen in large type with its
manual page beside it, glove-sized controls, and voice commands through push-to-talk.

Built for a technician with gloves on and eyes on the machine: every control is at least 15 mm,
every command can be spoken ("next", "back", "what torque?"), and what was heard and what it did
is shown ("next → Step 4"). The run's state lives in `assistant.procedures.run.Run`; its log lines
go to the job's note on the `notes` writer lane, in order, and any still queued when the window
closes are written on the spot (`stop`). A procedure opened again with a run unfinished asks first:
"Resume at step N" (the default) or "Start over" (logged in the note; the new run begins at the
warnings), by button or by voice.
"""

from __future__ import annotations

import logging
import math
import threading

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QGridLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from assistant.notes import NoteStore
from assistant.procedures import commands
from assistant.procedures import run as runmod
from assistant.procedures.model import Procedure

from .. import theme
from ..chat.cards import Source
from ..viewer.viewer_view import ViewerView
from ..voice.talk import TalkController
from ..voice.talk_button import TalkButton
from ..widgets import ElidedLabel, Notice, box, button, label, panel, repolish

log = logging.getLogger(__name__)

GLOVE_MM = 15.0  # a gloved fingertip: larger than the kiosk's 9 mm touch target
# Type sizes against the body text (the theme's, kiosk included): read at arm's length.
SCALES = {"step": 1.9, "warning": 1.5, "heading": 1.6, "ack": 1.4, "control": 1.25, "answer": 1.3, "heard": 1.15}


def glove_target_px(screen=None) -> int:
    """The side of a control a gloved finger hits: at least 15 mm and at least the kiosk's touch size."""
    from PySide6.QtGui import QGuiApplication

    screen = screen or QGuiApplication.primaryScreen()
    dpi = 96.0
    if screen is not None:
        dpi = (screen.physicalDotsPerInch() or 96.0) / (screen.devicePixelRatio() or 1.0)
        if not 40 <= dpi <= 600:  # a display that reports nonsense: trust its logical DPI
            dpi = screen.logicalDotsPerInch() or 96.0
    return max(theme.touch_target_px(screen), int(math.ceil(GLOVE_MM / 25.4 * dpi)))


class StepText(QLabel):
    """The step's text; tells the view when a new step has actually been painted."""

    painted = Signal()

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        self.painted.emit()


def _big(w: QWidget, role: str) -> None:
    """Mark `w` for the page's own style sheet (`ProcedureView.restyle`): large type, big targets."""
    w.setProperty("proc", role)


class ProcedureView(QWidget):
    """The procedure page. `open(procedure)` starts (or resumes) a run; `hear(text)` takes a
    transcript from push-to-talk or the wake word."""

    step_shown = Signal(int)  # the step now painted on screen (0: the warnings)
    heard = Signal(str, str)  # the command kind ("unknown" for anything else), what it did
    closed = Signal()  # the technician left the procedure (finished or not)
    message = Signal(str)

    def __init__(self, services, speaker=None, parent=None):
        super().__init__(parent)
        self.setObjectName("Page")
        self.services = services
        self.speaker = speaker  # ui.voice.speaker.Speaker or None: no speech
        self.procedure: Procedure | None = None
        self.run: runmod.Run | None = None
        self._opening = 0
        self._choice: tuple | None = None  # (note id, work order) while asking resume or start over
        self._shown_pending: int | None = None  # the step whose painting step_shown waits for
        self._queue: list[tuple[str, str]] = []  # (note id, line) not written yet
        self._queue_lock = threading.Lock()  # taking from the queue
        self._write_lock = threading.Lock()  # writing what was taken: keeps the lines in order

        root = box(self)
        header, hl = panel("PageHeader", (20, 10, 20, 10), 12, row=True)
        col = QVBoxLayout()
        col.setSpacing(0)
        self.title = ElidedLabel(self.tr("Procedure"), "H2")
        self.subtitle = ElidedLabel("", "Caption")
        col.addWidget(self.title)
        col.addWidget(self.subtitle)
        hl.addLayout(col, 1)
        self.heard_label = label("", "Muted")
        self.heard_label.setTextFormat(Qt.TextFormat.PlainText)
        self.heard_label.setAccessibleName(self.tr("Last command"))
        _big(self.heard_label, "heard")
        hl.addWidget(self.heard_label)
        self.leave_button = button(self.tr("Leave"), "back", None,
                                   tip=self.tr("Leave the procedure; next time it offers to resume at this step"))
        self.leave_button.clicked.connect(self.leave)
        hl.addWidget(self.leave_button)
        root.addWidget(header)

        self.stack = QStackedWidget()
        # 0: opening / error
        opening = QWidget()
        ol = box(opening, (40, 40, 40, 40), 12)
        self.opening_notice = Notice(self.tr("Opening the procedure…"), "info")
        ol.addWidget(self.opening_notice)
        ol.addStretch(1)
        self.stack.addWidget(opening)
        # 1: the warnings, acknowledged before step 1
        safety = QWidget()
        sl = box(safety, (32, 24, 32, 24), 16)
        heading = label(self.tr("Before you start: read the warnings"), "H1")
        _big(heading, "heading")
        sl.addWidget(heading)
        self.warnings_scroll = QScrollArea()
        self.warnings_scroll.setWidgetResizable(True)
        self.warnings_box = QWidget()
        self.warnings_layout = box(self.warnings_box, (0, 0, 0, 0), 12)
        self.warnings_scroll.setWidget(self.warnings_box)
        sl.addWidget(self.warnings_scroll, 1)
        self.ack_button = button(self.tr("I have read the warnings"), "check", "Primary",
                                 tip=self.tr("Or say “acknowledged”"))
        self.ack_button.clicked.connect(lambda: self.act("ack", "pressed I have read the warnings"))
        _big(self.ack_button, "ack")
        sl.addWidget(self.ack_button)
        self.stack.addWidget(safety)
        # 2: one step per screen, its page beside it
        steps = QSplitter(Qt.Orientation.Horizontal)
        steps.setChildrenCollapsible(False)
        left = QWidget()
        ll = box(left, (32, 20, 24, 12), 14)
        self.counter = label("", "H1")
        _big(self.counter, "heading")
        self.counter.setAccessibleName(self.tr("Step counter"))
        ll.addWidget(self.counter)
        self.paused_notice = Notice(self.tr("Paused. Say “resume” or press Resume to go on."), "info")
        self.paused_notice.hide()
        ll.addWidget(self.paused_notice)
        self.step_warning = Notice("", "error")
        _big(self.step_warning.text, "warning")
        self.step_warning.hide()
        ll.addWidget(self.step_warning)
        self.step_text = StepText()
        self.step_text.setWordWrap(True)
        self.step_text.setTextFormat(Qt.TextFormat.PlainText)
        self.step_text.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.step_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.step_text.setAccessibleName(self.tr("Step"))
        _big(self.step_text, "step")
        self.step_text.painted.connect(self._painted)
        text_scroll = QScrollArea()
        text_scroll.setWidgetResizable(True)
        text_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        text_scroll.setWidget(self.step_text)
        ll.addWidget(text_scroll, 1)
        self.answer = Notice("", "info")
        _big(self.answer.text, "answer")
        self.answer.hide()
        ll.addWidget(self.answer)
        steps.addWidget(left)
        self.viewer = ViewerView(services)
        self.viewer.back.hide()  # (it shows when a source has a number; ours never has)
        steps.addWidget(self.viewer)
        steps.setStretchFactor(0, 1)
        steps.setStretchFactor(1, 1)
        steps.setSizes([560, 600])  # the step's text gets as much room as the page
        self.splitter = steps
        self.stack.addWidget(steps)
        # 3: finished
        done = QWidget()
        dl = box(done, (40, 40, 40, 40), 16)
        self.done_title = label(self.tr("Procedure finished"), "H1")
        _big(self.done_title, "heading")
        dl.addWidget(self.done_title)
        self.done_caption = label("", None, wrap=True)
        _big(self.done_caption, "answer")
        dl.addWidget(self.done_caption)
        self.done_button = button(self.tr("Close the procedure"), "back", "Primary")
        self.done_button.clicked.connect(self.leave)
        dl.addWidget(self.done_button)
        dl.addStretch(1)
        self.stack.addWidget(done)
        # 4: an unfinished run: resume it (the default) or start over
        choice = QWidget()
        chl = box(choice, (40, 32, 40, 32), 16)
        self.choice_title = label(self.tr("This procedure was not finished"), "H1")
        _big(self.choice_title, "heading")
        chl.addWidget(self.choice_title)
        self.choice_caption = label("", None, wrap=True)
        _big(self.choice_caption, "answer")
        chl.addWidget(self.choice_caption)
        self.resume_button = button(self.tr("Resume"), "chevron-right", "Primary",
                                    tip=self.tr("Go on where the run stopped (say “resume”)"))
        self.resume_button.setAutoDefault(True)
        self.resume_button.clicked.connect(lambda: self.choose(False, "pressed " + self.resume_button.text()))
        _big(self.resume_button, "ack")
        chl.addWidget(self.resume_button)
        self.over_button = button(self.tr("Start over"), "refresh", None,
                                  tip=self.tr("Begin again at the warnings; the note keeps the earlier run "
                                              "(say “start over”)"))
        self.over_button.clicked.connect(lambda: self.choose(True, "pressed " + self.over_button.text()))
        _big(self.over_button, "control")
        chl.addWidget(self.over_button, 0, Qt.AlignmentFlag.AlignLeft)
        chl.addStretch(1)
        self.stack.addWidget(choice)
        root.addWidget(self.stack, 1)

        # Glove-sized controls, always in the same places; push-to-talk at the right hand's end.
        controls, cl = panel("PageHeader", (16, 10, 16, 12), 10, row=True)
        self.controls = controls
        self.voice = TalkController(services, parent=self)
        self.voice.vocabulary = commands.VOCABULARY  # primed for commands, decoded greedily: fast
        self.voice.beam_size = 1
        self.voice.short = True  # a command: the short window (assistant.speech.transcription)
        self.voice.transcribed.connect(self.hear)
        self.voice.message.connect(self.message)
        self.voice.state_changed.connect(self._voice_state)
        self.buttons: dict[str, QPushButton] = {}
        grid = QGridLayout()
        grid.setSpacing(10)
        for i, (kind, text, icon, tip) in enumerate((
            ("back", self.tr("Back"), "chevron-left", self.tr("The step before (say “back”)")),
            ("repeat", self.tr("Repeat"), "refresh", self.tr("Show this step again (say “repeat”)")),
            ("read", self.tr("Read aloud"), "speaker", self.tr("Read this step aloud (say “read it”)")),
            ("pause", self.tr("Pause"), "pause", self.tr("Pause the procedure (say “pause”)")),
            ("finish", self.tr("Finish"), "check", self.tr("Finish the procedure (say “done”)")),
            ("next", self.tr("Next"), "chevron-right", self.tr("The next step (say “next”)")),
        )):
            b = button(text, icon, "Primary" if kind == "next" else None, tip=tip)
            b.clicked.connect(lambda _=False, k=kind: self._pressed(k))
            b.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            _big(b, "control")
            self.buttons[kind] = b
            grid.addWidget(b, 0, i)
        cl.addLayout(grid, 1)
        self.talk = TalkButton(self.voice)
        self.talk.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        cl.addWidget(self.talk)
        root.addWidget(controls)
        self.restyle()
        self._speaker_state()
        if self.speaker is not None:
            self.speaker.unavailable.connect(lambda why: self._speaker_state(why))
        self.stack.setCurrentIndex(0)
        self._update_controls()

    # -- opening -------------------------------------------------------------------------

    def open(self, procedure: Procedure, note_id: str | None = None, work_order: str | None = None) -> None:
        """Start a run of `procedure`, logged to note `note_id` (None: the procedure's own note; see
        `assistant.procedures.run.start`). With a run unfinished, ask first: resume it or start over."""
        self.flush()
        self.procedure = procedure
        self.run = None
        self._choice = None
        self._opening += 1
        ticket = self._opening
        self.title.setText(procedure.title)
        where = [procedure.manual_title, self.tr("page {0}").format(procedure.page) if procedure.page else ""]
        self.subtitle.setText("  ·  ".join(w for w in where if w))
        self.heard_label.setText("")
        self.opening_notice.set(self.tr("Opening the procedure…"), "info")
        self.stack.setCurrentIndex(0)
        self._update_controls()

        def start(ctx):
            store = NoteStore(ctx.db)
            unfinished = runmod.unfinished(store, procedure, note_id)
            return unfinished if unfinished is not None else runmod.start(store, procedure, note_id, work_order)

        self.services.submit(start, lane="notes", name="procedure-start", owner=self,
                             on_result=lambda r: ticket == self._opening and self._opened(r, note_id, work_order),
                             on_error=lambda e: ticket == self._opening and self._open_failed(e))

    def _opened(self, result, note_id: str | None, work_order: str | None) -> None:
        if isinstance(result, runmod.Run):
            self._started(result)
        else:
            self._offer_choice(result, note_id, work_order)

    def _offer_choice(self, state: runmod.RunState, note_id: str | None, work_order: str | None) -> None:
        """An unfinished run: "Resume at step N" (the default, the large button) or "Start over"."""
        self._choice = (note_id, work_order)
        at = self.tr("Resume at step {0}").format(state.step) if state.step else self.tr("Resume at the warnings")
        self.resume_button.setText(at)
        self.resume_button.setAccessibleName(at)
        started = self.tr(" (started {0})").format(state.started_at) if state.started_at else ""
        where = (self.tr("It stopped at step {0} of {1}").format(state.step, state.total) if state.step
                 else self.tr("It stopped at the warnings"))
        self.choice_caption.setText(where + started + ". " + self.tr("Say “resume” or “start over”."))
        for b in (self.resume_button, self.over_button):
            b.setEnabled(True)
        self.stack.setCurrentIndex(4)
        self._update_controls()
        self.resume_button.setFocus()
        if self.speaker is not None and self.speaker.available():
            self.speaker.say(f"{at}, {self.tr('or start over?')}")

    def choose(self, over: bool, how: str | None = None) -> None:
        """On the choice screen: resume the unfinished run, or start over (logged to the note)."""
        if self._choice is None or self.procedure is None:
            return
        (note_id, work_order), self._choice = self._choice, None
        if self.speaker is not None:
            self.speaker.stop()
        for b in (self.resume_button, self.over_button):
            b.setEnabled(False)
        self._say_heard(f"{self._spoken_word(how)} → " + (self.tr("Starting over") if over else self.tr("Resuming")))
        procedure, ticket = self.procedure, self._opening

        def start(ctx):
            return runmod.start(NoteStore(ctx.db), procedure, note_id, work_order, over=over, how=how)

        self.services.submit(start, lane="notes", name="procedure-start", owner=self,
                             on_result=lambda r: ticket == self._opening and self._started(r),
                             on_error=lambda e: ticket == self._opening and self._open_failed(e))

    def _started(self, run: runmod.Run) -> None:
        run.sink = lambda line, nid=run.note_id: self._log(nid, line)
        self.run = run
        if run.state.resumed:
            at = (self.tr("step {0}").format(run.step) if run.step else self.tr("the warnings"))
            self.message.emit(self.tr("Resumed where you stopped: {0}").format(at))
        if run.state.acknowledged and run.step:
            self._show_step()
        elif not self.procedure.warnings:
            self._did("ack", run.acknowledge(None), None)
        else:
            self._show_warnings()

    def _open_failed(self, e: BaseException) -> None:
        self.opening_notice.set(self.tr("This procedure cannot be started: {0}").format(e), "error")
        self.stack.setCurrentIndex(0)
        self._update_controls()

    # -- commands ------------------------------------------------------------------------

    def _pressed(self, kind: str) -> None:
        if kind == "pause" and self.run is not None and self.run.state.paused:
            kind = "resume"  # the one button toggles: it reads "Resume" while paused
        self.act(kind, f"pressed {self.buttons['pause' if kind == 'resume' else kind].text()}")

    def hear(self, transcript: str) -> commands.Command:
        """A transcript from push-to-talk or the wake word: act on it if it is a command."""
        said = " ".join(transcript.split())
        if self._choice is not None:  # "resume or start over?": only those two are commands here
            cmd = commands.match(transcript, choosing=True)
            if cmd.kind in ("resume", "over"):
                self.choose(cmd.kind == "over", said)
                self.heard.emit(cmd.kind, "")
            else:
                self._say_heard(self.tr("“{0}”: say “resume” or “start over”").format(said))
                self.heard.emit("unknown", "")
            return cmd
        cmd = commands.match(transcript)
        if cmd.kind == "question":
            self._question(cmd)
        elif cmd.kind == "unknown":
            if self.run is not None:
                self.run.heard(said)
            self._say_heard(self.tr("not a command: “{0}”").format(said))
            self.heard.emit("unknown", "")
        else:
            self.act(cmd.kind, said)
        return cmd

    def act(self, kind: str, how: str | None = None) -> str | None:
        """Do command `kind` (a button pressed or a command heard); returns what it did."""
        r = self.run
        if r is None:
            return None
        if self.speaker is not None and kind not in ("read",):
            self.speaker.stop()  # whatever was being read is out of date now
        if r.state.paused and kind in ("next", "back", "repeat"):
            self._did(kind, None, how, self.tr("paused: say “resume” first"))
            return None
        if kind == "ack" and r.state.acknowledged and r.step:  # "okay" on a step: heard, nothing to do
            self._did(kind, None, how, self.tr("Step {0}").format(r.step))
            return None
        result = {
            "ack": r.acknowledge, "next": r.next, "back": r.back, "repeat": r.repeat, "read": r.read,
            "pause": r.pause, "resume": r.resume, "finish": r.finish,
        }[kind](how)
        why = None
        if result is None:
            why = {"next": self.tr("this is the last step: say “done” to finish"),
                   "back": self.tr("this is the first step")}.get(kind, self.tr("nothing to do"))
            if not r.state.acknowledged and kind != "ack":
                why = self.tr("acknowledge the warnings first")
        self._did(kind, result, how, why)
        return result

    def _did(self, kind: str, result: str | None, how: str | None, why: str | None = None) -> None:
        r = self.run
        if result is not None:
            if kind == "finish":
                self._show_finished()
            elif kind == "read":
                self._read_aloud()
            elif kind == "pause" or kind == "resume":
                self._show_paused()
            elif r.step:
                self._show_step()
        word = self._spoken_word(how)
        effect = self._effect_text(result) if result is not None else why or ""
        self._say_heard(f"{word} → {effect}" if word else effect)
        self.heard.emit(kind, result or "")

    def _spoken_word(self, how: str | None) -> str:
        if not how:
            return ""
        return how[len("pressed "):] if how.startswith("pressed ") else f"“{how}”"

    def _effect_text(self, result: str) -> str:
        # run.py's results are short English keys ("Step 4", "Paused"): shown translated.
        if result.startswith("Step "):
            return self.tr("Step {0}").format(result[5:])
        return {"Paused": self.tr("Paused"), "Finished": self.tr("Finished"),
                "Warnings": self.tr("Warnings")}.get(result, result)

    def _question(self, cmd: commands.Command) -> None:
        r = self.run
        if r is None or self.procedure is None:
            return
        reply = commands.answer(self.procedure, r.step, cmd.topic or "")
        r.heard(cmd.said, reply)
        self.answer.set(reply, "info")
        self.answer.show()
        self._say_heard(f"“{' '.join(cmd.said.split())}” → {reply}")
        if self.speaker is not None and self.speaker.available():
            self.speaker.say(reply)
        self.heard.emit("question", reply)

    def _say_heard(self, text: str) -> None:
        self.heard_label.setText(text)
        self.heard_label.setAccessibleName(self.tr("Last command: {0}").format(text))

    # -- screens -------------------------------------------------------------------------

    def _show_warnings(self) -> None:
        while self.warnings_layout.count():
            item = self.warnings_layout.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        for text in self.procedure.warnings:
            n = Notice(text, "error")
            _big(n.text, "warning")
            self.warnings_layout.addWidget(n)
        self.warnings_layout.addStretch(1)
        self.stack.setCurrentIndex(1)
        self._update_controls()
        self.ack_button.setFocus()
        self._expect_paint(0)
        if self.speaker is not None and self.speaker.available():
            self.speaker.say(" ".join(self.procedure.warnings))  # safety first: read before step 1

    def _show_step(self) -> None:
        r = self.run
        step = r.current()
        self.counter.setText(self.tr("Step {0} of {1}").format(step.n, r.total))
        self.counter.setAccessibleName(self.counter.text())
        self.step_warning.set(step.warning or "", "error")
        self.step_warning.setVisible(bool(step.warning))
        self.answer.hide()
        self.step_text.setText(step.text)
        self.stack.setCurrentIndex(2)
        self._show_paused()
        self._show_page(step)
        self._expect_paint(step.n)

    def _show_page(self, step) -> None:
        p = self.procedure
        if not p.manual_path:
            self.viewer.hide()
            return
        self.viewer.show()
        page = step.page if step.page is not None else (p.page if p.format == "pdf" else None)
        self.viewer.open(Source(0, p.manual_title or p.title, p.manual_path, page, p.section, step.text,
                                step.char_start, step.char_end))

    def _show_paused(self) -> None:
        self.paused_notice.setVisible(bool(self.run and self.run.state.paused))
        self._update_controls()

    def _show_finished(self) -> None:
        r = self.run
        self.done_caption.setText(self.tr("Stopped at step {0} of {1}. The steps and times are in the job's note.")
                                  .format(r.step, r.total))
        self.stack.setCurrentIndex(3)
        self._update_controls()

    def _read_aloud(self) -> None:
        if self.speaker is None or not self.speaker.available() or self.run is None:
            return
        step = self.run.current()
        if step is None:
            self.speaker.say(" ".join(self.procedure.warnings))
        else:
            words = self.tr("Step {0}.").format(step.n)
            self.speaker.say(" ".join(w for w in (words, step.warning or "", step.text) if w))

    def _update_controls(self) -> None:
        r = self.run
        on_step = r is not None and r.state.acknowledged and bool(r.step) and not r.finished
        paused = bool(r and r.state.paused)
        # The resume-or-start-over screen has its own two buttons: the step controls (of the run shown
        # before, if any) would act on a run the technician has not chosen yet.
        self.controls.setVisible(self._choice is None and (r is None or not r.finished))
        b = self.buttons
        b["next"].setEnabled(on_step and not paused and r.step < r.total)
        b["back"].setEnabled(on_step and not paused and r.step > 1)
        b["repeat"].setEnabled(on_step and not paused)
        b["finish"].setEnabled(on_step)
        b["pause"].setEnabled(on_step or (r is not None and not r.finished and paused))
        b["pause"].setText(self.tr("Resume") if paused else self.tr("Pause"))
        b["pause"].setAccessibleName(b["pause"].text())
        self._speaker_state()
        for w in b.values():
            repolish(w)

    def _speaker_state(self, why: str | None = None) -> None:
        b = self.buttons["read"]
        if self.speaker is None:
            b.setEnabled(False)
            b.setToolTip(self.tr("Reading aloud is not available on this device"))
            return
        ok = why is None and self.speaker.available()
        b.setEnabled(ok and self.run is not None and not self.run.finished)
        b.setToolTip(self.tr("Read this step aloud (say “read it”)") if ok else
                     self.tr("Reading aloud is not available: {0}").format(why or self.tr("no speech engine")))

    def restyle(self) -> None:
        """Large type and glove-sized controls, from the theme's body size (kiosk mode included):
        a style sheet of the page's own, as the application's sets every widget's font and height."""
        body = QGuiApplication.font().pointSizeF()
        body = body if body > 0 else 10.5
        side = glove_target_px(self.screen())
        rules = [f'QLabel[proc="{role}"], QPushButton[proc="{role}"] {{ font-size: {body * k:.1f}pt; '
                 f'{"font-weight: 700;" if role in ("heading", "warning", "ack") else ""} }}'
                 for role, k in SCALES.items()]
        rules.append(f'QPushButton[proc="control"], QPushButton[proc="ack"], QPushButton#PushToTalk '
                     f'{{ min-height: {side}px; min-width: {side}px; }}')
        self.setStyleSheet("\n".join(rules))
        for b in (self.done_button, self.leave_button):
            b.setMinimumHeight(side)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.restyle()  # the screen or the theme may have changed since (a kiosk on another display)

    # -- the step-shown signal -----------------------------------------------------------

    def _expect_paint(self, n: int) -> None:
        label_w = self.step_text if n else self.ack_button
        if not label_w.isVisible():  # not on screen (a hidden window): nothing will paint
            self._shown_pending = None
            self.step_shown.emit(n)
            return
        self._shown_pending = n
        label_w.update()
        if n == 0:
            self._shown_pending = None
            self.step_shown.emit(0)

    def _painted(self) -> None:
        if self._shown_pending is not None and self.run is not None and self.run.step == self._shown_pending:
            n, self._shown_pending = self._shown_pending, None
            self.step_shown.emit(n)

    # -- voice -----------------------------------------------------------------------------

    def _voice_state(self, state: str) -> None:
        if state == "recording" and self.speaker is not None:
            self.speaker.stop()  # barge-in: the technician speaks, the app stops talking

    def voice_key(self, pressed: bool) -> bool:
        """Space on this page: push-to-talk (unless a button has the focus: Space presses it)."""
        from PySide6.QtWidgets import QAbstractButton, QApplication

        if not self.isVisible() or QApplication.activeModalWidget() is not None:
            return False
        if isinstance(QApplication.focusWidget(), QAbstractButton):
            return False
        if pressed:
            self.voice.press()
        else:
            self.voice.release()
        return True

    # -- the log ----------------------------------------------------------------------------

    def _log(self, note_id: str, line: str) -> None:
        with self._queue_lock:
            self._queue.append((note_id, line))
        # Written once the new step is painted (Qt paints pending updates before a zero timer):
        # the write's thread would otherwise compete with the repaint for the CPU.
        # (None left by then: `flush` wrote them at close.)
        QTimer.singleShot(0, self, lambda: self.pending and self.services.submit(
            lambda ctx: self._write(NoteStore(ctx.db)), lane="notes", name="procedure-log", on_error=self._log_failed))

    def _write(self, store: NoteStore) -> int:
        """Write the queued lines, oldest first (a worker, or `flush` at close). Returns how many."""
        with self._write_lock:
            with self._queue_lock:
                lines, self._queue = self._queue, []
            for note_id, line in lines:
                store.append(note_id, line)
            return len(lines)

    def _log_failed(self, e: BaseException) -> None:
        log.warning("procedure log line not written: %s", e)
        self.message.emit(self.tr("The procedure's progress could not be written to the note: {0}").format(e))

    @property
    def pending(self) -> int:
        """Log lines not written yet."""
        with self._queue_lock:
            return len(self._queue)

    def flush(self) -> None:
        """Write the lines still queued now, on this thread (closing: no worker will run after this)."""
        if not self.pending:
            return
        from assistant import db as dbmod

        conn = dbmod.connect()
        try:
            self._write(NoteStore(conn))
        finally:
            conn.close()

    def leave(self) -> None:
        """Leave the page; an unfinished run resumes at its step when the procedure is opened again."""
        if self.speaker is not None:
            self.speaker.stop()
        self.voice.cancel()
        self.closed.emit()

    def stop(self) -> None:
        """The window is closing: stop listening and write what is still queued."""
        self.voice.cancel()
        if self.speaker is not None:
            self.speaker.stop()
        try:
            self.flush()
        except Exception as e:  # the DB is gone or locked: say so in the log, close anyway
            log.warning("procedure log lines lost at close: %s", e)

