"""The Ask page: a question box, the streaming answer with citations, and this session's history.

What happens to a question (asking, streaming, Stop, how it ends) is `assistant.rag.ask_flow`;
this page gives it the answer job and shows its turns, one `TurnView` at a time.
"""

from __future__ import annotations

import html
import logging

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from assistant.rag.ask_flow import AskFlow
from assistant.rag.turn import Turn

from .. import theme
from ..services import Services
from ..voice.talk import TalkController
from ..voice.talk_button import TalkButton
from ..widgets import Notice, box, button, clear_layout, label, panel
from .text import shorten
from .turn_view import TurnView

log = logging.getLogger(__name__)

CONTENT_MAX_W = 920


def question_placeholder() -> str:
    return QCoreApplication.translate("AskView", "Ask about a procedure, a torque, a part number or an error code…")


EXAMPLES = {
    # Shown on the empty page when the demo manuals are in the library.
    "Aqualine P-200": "What torque for the pump mounting bolts?",
    "VoltGuard UPS-3000": "UPS shuts down too early",
    "Climatech RTU-45": "What does alarm E07 mean on the RTU-45?",
}


class AskView(QWidget):
    """The Ask page."""

    open_source = Signal(object, list)  # Source, query terms
    add_manuals = Signal()
    load_demo = Signal()
    busy_changed = Signal(bool)
    answer_finished = Signal(object)  # Turn
    save_to_notes = Signal(str, dict)  # question, Answer.to_json()
    read_aloud = Signal(str)  # a turn's Read aloud buttons (ui/voice/hands_free.py speaks it)
    start_procedure = Signal(int)  # a procedure id offered under an answer

    def __init__(self, services: Services, touch: bool = False, parent=None):
        super().__init__(parent)
        self.setObjectName("Page")
        self.services = services
        self.touch = touch
        self.flow = AskFlow(services.ask, self)
        self.turn_view: TurnView | None = None
        self._pending_refresh = False

        root = box(self, row=True)

        # History column
        side, sl = panel("PageHeader", (14, 18, 14, 14), 10)
        self.new_button = button(self.tr("New question"), "new", None,
                                 accessible=self.tr("New question"))
        self.new_button.setToolTip(self.tr("Clear the answer and type a new question (Ctrl+N)"))
        self.new_button.clicked.connect(self.new_question)
        sl.addWidget(self.new_button)
        sl.addWidget(label(self.tr("THIS SESSION"), "Eyebrow"))
        self.history = QListWidget()
        self.history.setObjectName("History")
        self.history.setAccessibleName(self.tr("Questions asked in this session"))
        self.history.setWordWrap(True)
        self.history.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.history.currentRowChanged.connect(self._history_selected)
        self.history_empty = label(self.tr("Questions you ask appear here until the app is closed."),
                                   "Caption", wrap=True)
        sl.addWidget(self.history_empty)
        sl.addWidget(self.history, 1)
        # Push-to-talk: in kiosk mode a big target a gloved thumb finds; on the desktop a mic button
        # beside the question box. Both drive one controller (the Notes editor can have its own).
        self.voice = TalkController(services, parent=self)
        self.voice.transcribed.connect(self._spoken)
        self.voice.partial.connect(lambda text: self.box.setPlaceholderText(text + "…"))
        self.voice.state_changed.connect(self._voice_state)
        self.talk = TalkButton(self.voice)
        sl.addWidget(self.talk)
        self.side = side
        root.addWidget(side)

        # Main column
        main = box()
        bar, bl = panel("PageHeader", (24, 14, 24, 14), 10, row=True)
        self.box = QLineEdit()
        self.box.setObjectName("QuestionBox")
        self.box.setPlaceholderText(question_placeholder())
        self.box.setAccessibleName(self.tr("Question"))
        self.box.setClearButtonEnabled(True)
        # On-screen keyboards: plain text, no auto-capitalisation surprises, Enter sends.
        self.box.setInputMethodHints(Qt.InputMethodHint.ImhNoAutoUppercase)
        self.box.returnPressed.connect(self.submit)
        bl.addWidget(self.box, 1)
        self.mic_button = TalkButton(self.voice, compact=True)
        bl.addWidget(self.mic_button)
        self.ask_button = button(self.tr("Ask"), "send", "Primary", accessible=self.tr("Ask the question"))
        self.ask_button.clicked.connect(self.submit)
        bl.addWidget(self.ask_button)
        self.stop_button = button(self.tr("Stop"), "stop", "Stop", accessible=self.tr("Stop the answer"))
        self.stop_button.setToolTip(self.tr("Stop writing the answer (Esc)"))
        self.stop_button.clicked.connect(self.stop)
        self.stop_button.hide()
        bl.addWidget(self.stop_button)
        self.save_note_button = button(self.tr("Save to notes"), "new", None,
                                       accessible=self.tr("Save this question and answer to notes"))
        self.save_note_button.setToolTip(self.tr("Keep the question, the answer and its sources as a job note"))
        self.save_note_button.clicked.connect(self._save_to_notes)
        self.save_note_button.hide()
        bl.addWidget(self.save_note_button)
        main.addWidget(bar)

        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # text wraps
        body = QWidget()
        body.setObjectName("ScrollBody")
        outer = box(body, (24, 20, 24, 24), None, row=True)
        outer.addStretch(1)
        self.content = QWidget()
        self.content.setMaximumWidth(CONTENT_MAX_W)
        self.content.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.content_layout = box(self.content, spacing=None)
        outer.addWidget(self.content, 100)
        outer.addStretch(1)
        self.scroll.setWidget(body)
        main.addWidget(self.scroll, 1)
        root.addLayout(main, 1)

        self.empty = self._build_empty()
        self.content_layout.addWidget(self.empty)

        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.stop, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.set_touch(touch)
        services.library_changed.connect(lambda _: self._refresh_empty())
        services.model_state_changed.connect(lambda *_: self._model_state())
        self._refresh_empty()

    def set_touch(self, touch: bool) -> None:
        """Kiosk layout: a wider history column and the push-to-talk area."""
        self.touch = touch
        self.side.setFixedWidth(300 if touch else 260)
        self.talk.setVisible(touch)
        self.mic_button.setVisible(not touch)

    # -- empty state ---------------------------------------------------------------------

    def _build_empty(self) -> QWidget:
        w = QWidget()
        lay = box(w, (0, 24, 0, 0), 14)
        self.empty_title = label(self.tr("Ask the manuals"), "Title")
        lay.addWidget(self.empty_title)
        self.empty_caption = label("", "Muted", wrap=True)
        lay.addWidget(self.empty_caption)
        self.library_notice = Notice("", "info", self.tr("Add manuals…"))
        self.library_notice.action_clicked.connect(self.add_manuals)
        lay.addWidget(self.library_notice)
        self.demo_button = button(self.tr("Load the demo manuals"), "library", None)
        self.demo_button.clicked.connect(self.load_demo)
        row = QHBoxLayout()
        row.addWidget(self.demo_button)
        row.addStretch(1)
        lay.addLayout(row)
        self.model_notice = Notice("", "warn")
        lay.addWidget(self.model_notice)
        self.examples_title = label(self.tr("TRY ASKING"), "Eyebrow")
        lay.addSpacing(6)
        lay.addWidget(self.examples_title)
        self.examples = QVBoxLayout()
        self.examples.setSpacing(8)
        lay.addLayout(self.examples)
        tips, tl = panel("Card", (18, 14, 18, 16), 6)
        tl.addWidget(label(self.tr("How answers work"), "H3"))
        for tip in (
            self.tr("Every answer comes only from the manuals in your library, with the manual, page and "
                    "passage it rests on. Tap a source to open the page."),
            self.tr("Part numbers, error codes and values are matched exactly: ask with them."),
            self.tr("Safety warnings near the passages are shown above the answer."),
            self.tr("Everything runs on this device. Nothing is sent anywhere."),
        ):
            tl.addWidget(label("•  " + tip, "Muted", wrap=True))
        lay.addSpacing(8)
        lay.addWidget(tips)
        lay.addStretch(1)
        return w

    def _refresh_empty(self) -> None:
        manuals = self.services.manuals
        loaded = self.services.library_loaded
        n = len(manuals)
        chunks = sum(m.get("chunks", 0) for m in manuals)
        if not loaded:
            self.empty_caption.setText(self.tr("Opening the library…"))
        elif n:
            self.empty_caption.setText(
                self.tr("Answers come from the {0} manuals on this device ({1} passages), with the page to "
                        "check them.").format(n, chunks))
        else:
            self.empty_caption.setText(self.tr("Answers come from the manuals on this device."))
        self.library_notice.set(
            self.tr("<b>Your library is empty.</b> Add the equipment manuals (PDF, Word, HTML, Markdown or "
                    "text) to ask questions about them."), "info", rich=True)
        self.library_notice.setVisible(loaded and n == 0)
        self.demo_button.setVisible(loaded and n == 0 and self.services.demo_available())
        clear_layout(self.examples)
        titles = " ".join(m["title"] for m in manuals)
        shown = [q for key, q in EXAMPLES.items() if key in titles]
        for q in shown:
            chip = button(q, "ask", "Chip", accessible=self.tr("Ask: {0}").format(q))
            chip.clicked.connect(lambda _=False, q=q: self.ask(q))
            self.examples.addWidget(chip, 0, Qt.AlignmentFlag.AlignLeft)
        self.examples_title.setVisible(bool(shown))
        self._model_state()

    def _model_state(self) -> None:
        state, msg = self.services.model_state, self.services.model_message
        if state == "missing":
            self.model_notice.set(
                self.tr("<b>No chat model is installed.</b> You can still search: the passages that match your "
                        "question are shown without a written answer. An administrator can add a GGUF model in "
                        "Settings, or run <i>field-assistant models setup</i>."), "warn", rich=True)
            self.model_notice.show()
        elif state == "error":
            self.model_notice.set(self.tr("<b>The chat model could not be loaded.</b> {0}").format(html.escape(msg)),
                                  "error", rich=True)
            self.model_notice.show()
        else:
            self.model_notice.hide()
        if self.turn_view is not None and self.current is not None and self.current.busy:
            self.turn_view.update_status()

    def restyle(self) -> None:
        """Re-render what was drawn with the palette's colours baked in (after a theme change)."""
        self._refresh_empty()
        if self.turn_view is not None:
            self.display(self.current)

    # -- voice ---------------------------------------------------------------------------

    def _spoken(self, text: str) -> None:
        """A spoken question arrived: ask it, or (setting) leave it in the box to check first."""
        self.box.setText(text)
        if self.services.settings.voice_auto_ask:
            self.submit()
        else:
            self.box.setFocus()
            self.box.setCursorPosition(len(text))

    def _voice_state(self, state: str) -> None:
        if state != "transcribing":
            self.box.setPlaceholderText(question_placeholder())

    def voice_key(self, pressed: bool) -> bool:
        """Space held while the question box (or another text field) is not focused: push-to-talk.
        Returns whether the key was used. A focused button keeps Space (it activates buttons)."""
        from PySide6.QtWidgets import (
            QAbstractButton,
            QApplication,
            QComboBox,
            QLineEdit,
            QPlainTextEdit,
            QTextEdit,
        )

        if not self.isVisible() or QApplication.activeModalWidget() is not None:
            return False
        focus = QApplication.focusWidget()
        # Text fields type the space; buttons (the talk buttons included) act on it themselves.
        if isinstance(focus, (QLineEdit, QTextEdit, QPlainTextEdit, QComboBox, QAbstractButton)):
            return False
        if pressed:
            self.voice.press()
        else:
            self.voice.release()
        return True

    def submit(self) -> None:
        q = self.box.text().strip()
        if q:
            self.ask(q)

    # -- asking --------------------------------------------------------------------------

    @property
    def turns(self) -> list[Turn]:
        return self.flow.turns

    @property
    def current(self) -> Turn | None:
        """The turn on screen."""
        return self.flow.current

    @property
    def busy(self) -> bool:
        return self.flow.busy

    def ask(self, question: str) -> Turn:
        """Ask `question`; stops an answer still being written."""
        return self.flow.ask(question)

    def stop(self) -> None:
        """Stop the answer being written, at once: the page stops listening now, the model at its next token."""
        self.flow.stop()

    def show_turn(self, turn: Turn | None) -> None:
        """Show `turn` of this session (None: the empty page)."""
        self.flow.select(turn)

    # AskFlowView: what the flow tells the page.

    def turn_added(self, turn: Turn) -> None:
        self.box.setText(turn.question)
        item = QListWidgetItem(shorten(turn.question, 90))
        item.setToolTip(turn.question)
        item.setIcon(theme.icon("ask", theme.color("muted")))
        self.history.blockSignals(True)
        self.history.addItem(item)
        self.history.setCurrentRow(len(self.turns) - 1)
        self.history.blockSignals(False)
        self.history_empty.hide()

    def display(self, turn: Turn | None) -> None:
        if self.turn_view is not None:
            self.turn_view.hide()
            self.turn_view.deleteLater()
            self.turn_view = None
        self.empty.setVisible(turn is None)
        self._update_save_button()
        if turn is not None:
            tv = self.turn_view = TurnView(turn, self.services)
            tv.open_source.connect(lambda src, tv=tv: self.open_source.emit(src, tv.terms))
            tv.read_aloud.connect(self.read_aloud)
            tv.start_procedure.connect(self.start_procedure)
            self.content_layout.addWidget(self.turn_view)
        self.scroll.verticalScrollBar().setValue(0)
        self.set_busy(turn is not None and turn.busy)

    def turn_changed(self, turn: Turn, full: bool) -> None:
        if self.turn_view is None:
            return
        if full:
            self.turn_view.refresh()
        else:
            self.turn_view.update_text()
            if turn.text:
                self.turn_view.update_status()
        if turn.busy:
            self._keep_bottom()

    def set_busy(self, busy: bool) -> None:
        self.stop_button.setVisible(busy)
        self.ask_button.setVisible(not busy)
        self._update_save_button()
        self.busy_changed.emit(busy)

    def turn_finished(self, turn: Turn) -> None:
        self.answer_finished.emit(turn)

    def _keep_bottom(self) -> None:
        # While streaming, keep the end of the answer in view (after the layout settles).
        if not self._pending_refresh:
            self._pending_refresh = True
            QTimer.singleShot(0, self._scroll_answer)

    def _scroll_answer(self) -> None:
        self._pending_refresh = False
        if self.turn_view is not None:
            self.scroll.ensureWidgetVisible(self.turn_view.answer, 0, 40)

    def _update_save_button(self) -> None:
        t = self.current
        self.save_note_button.setVisible(t is not None and not t.busy and t.answer is not None
                                         and not t.answer.abstained)

    def _save_to_notes(self) -> None:
        t = self.current
        if t is not None and t.answer is not None:
            self.save_to_notes.emit(t.question, t.answer.to_json())

    # -- history -------------------------------------------------------------------------

    def _history_selected(self, row: int) -> None:
        if 0 <= row < len(self.turns) and self.turns[row] is not self.current:
            self.show_turn(self.turns[row])

    def new_question(self) -> None:
        if self.busy:
            self.stop()
        self.history.blockSignals(True)
        self.history.clearSelection()
        self.history.setCurrentRow(-1)
        self.history.blockSignals(False)
        self.show_turn(None)
        self.box.clear()
        self.box.setFocus()

    def focus_question(self) -> None:
        self.box.setFocus()
        self.box.selectAll()
