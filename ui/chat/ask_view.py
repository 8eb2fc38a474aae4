"""The Ask page: a question box, the streaming answer with citations, and this session's history."""

from __future__ import annotations

import html
import logging
import time
from dataclasses import dataclass, field

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

from assistant.errors import AssistantError, ModelMissingError
from assistant.rag.search import query_terms

from .. import theme
from ..services import Services, pretty_model_name
from ..voice.talk import TalkController
from ..voice.talk_button import TalkButton
from ..widgets import Notice, Spinner, button, clear_layout, label
from .cards import CitationCard, SafetyBanner, Source
from .text import answer_html, shorten

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


@dataclass
class Turn:
    """One question of this session and everything that came back for it."""

    question: str
    state: str = "searching"  # searching | writing | done | stopped | failed
    passages: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    direct: object = None  # assistant.rag.direct.Direct: the manual's own line, before the model's
    text: str = ""
    answer: object = None  # assistant.rag.answer.Answer
    error: str | None = None
    error_kind: str | None = None  # "no-model" | "error"
    job: object = None
    started: float = field(default_factory=time.perf_counter)
    ended: float | None = None
    first_token: float | None = None

    @property
    def busy(self) -> bool:
        return self.state in ("searching", "writing")

    def sources(self) -> tuple[str, list[Source]]:
        """The heading and the passages to show as cards."""
        a = self.answer
        if a is not None and a.citations:
            return "cited", [Source.of(c) for c in a.citations]
        if self.passages and (self.error_kind == "no-model" or (a is not None and a.abstained)):
            return "closest", [Source.of(p, i + 1) for i, p in enumerate(self.passages[:3])]
        return "", []


class TurnView(QWidget):
    """Renders one Turn: question, safety banners, answer, notes, source cards."""

    open_source = Signal(object)  # Source

    def __init__(self, turn: Turn, services: Services, parent=None):
        super().__init__(parent)
        self.turn = turn
        self.services = services
        self.terms = query_terms(turn.question)
        self._sources: list[Source] = []
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(14)

        bubble = QFrame()
        bubble.setObjectName("QuestionBubble")
        bl = QVBoxLayout(bubble)
        bl.setContentsMargins(18, 12, 18, 14)
        bl.setSpacing(2)
        bl.addWidget(label(self.tr("You asked"), "Eyebrow"))
        q = label(turn.question, "QuestionText", wrap=True, selectable=True)
        q.setAccessibleName(self.tr("Question: {0}").format(turn.question))
        bl.addWidget(q)
        lay.addWidget(bubble)

        self.banners = QVBoxLayout()
        self.banners.setSpacing(8)
        lay.addLayout(self.banners)

        card = QFrame()
        card.setObjectName("Card")
        cl = QVBoxLayout(card)
        cl.setContentsMargins(20, 14, 20, 18)
        cl.setSpacing(10)
        head = QHBoxLayout()
        head.addWidget(label(self.tr("ANSWER"), "Eyebrow"))
        head.addStretch(1)
        self.spinner = Spinner()
        head.addWidget(self.spinner)
        self.status = label("", "Caption")
        self.status.setAccessibleName(self.tr("Answer status"))
        head.addWidget(self.status)
        cl.addLayout(head)
        # The manual's own line that answers the question, as soon as the search is done (no model
        # needed), with the page it is on; the model's prose follows under it.
        self.direct = QFrame()
        self.direct.setObjectName("DirectAnswer")
        dl = QVBoxLayout(self.direct)
        dl.setContentsMargins(12, 8, 12, 10)
        dl.setSpacing(4)
        dl.addWidget(label(self.tr("FROM THE MANUAL"), "Eyebrow"))
        self.direct_text = label("", "DirectText", wrap=True, selectable=True)
        self.direct_text.setTextFormat(Qt.TextFormat.PlainText)  # manual text is data, never markup
        self.direct_text.setAccessibleName(self.tr("The manual says"))
        dl.addWidget(self.direct_text)
        self.direct_where = button("", "page", "Link")
        self.direct_where.clicked.connect(self._open_direct)
        dl.addWidget(self.direct_where, 0, Qt.AlignmentFlag.AlignLeft)
        self.direct.hide()
        cl.addWidget(self.direct)
        self.answer = label("", "AnswerText", wrap=True)
        self.answer.setTextFormat(Qt.TextFormat.RichText)
        self.answer.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.answer.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.answer.setAccessibleName(self.tr("Answer"))
        self.answer.linkActivated.connect(self._link)
        self.answer.setMinimumHeight(24)
        cl.addWidget(self.answer)
        self.note = label("", "Caption", wrap=True)
        cl.addWidget(self.note)
        self.notice = Notice("", "warn")
        self.notice.hide()
        cl.addWidget(self.notice)
        lay.addWidget(card)

        self.sources_title = label("", "H2")
        lay.addWidget(self.sources_title)
        self.cards = QVBoxLayout()
        self.cards.setSpacing(10)
        lay.addLayout(self.cards)
        lay.addStretch(1)
        self._shown_warnings = -1
        self._shown_sources: tuple = ()
        self._pending: list = []  # widget builders waiting for their event-loop turn
        self.refresh()

    def _link(self, href: str) -> None:
        if href.startswith("cite:"):
            n = int(href[5:])
            src = next((s for s in self._sources if s.n == n), None)
            if src is not None:
                self.open_source.emit(src)

    def _open_direct(self) -> None:
        d = self.turn.direct
        if d is not None:
            self.open_source.emit(Source(d.n, d.manual, d.path, d.page, d.section, d.text))

    def _show_direct(self) -> None:
        d = self.turn.direct
        self.direct.setVisible(d is not None)
        if d is None:
            return
        self.direct_text.setText(d.text)
        where = self.tr("{0}, page {1}").format(d.manual, d.page) if d.page is not None else d.manual
        self.direct_where.setText(where.replace("&", "&&"))  # "&" would be a mnemonic
        self.direct_where.setAccessibleName(self.tr("Open {0}").format(where))

    def update_text(self) -> None:
        """Cheap update while tokens stream in: the answer text only."""
        n = len(self.turn.passages)
        text = self.turn.text if self.turn.answer is None else self.turn.answer.answer
        self.answer.setText(answer_html(text.lstrip(), n, theme.color("accent")) if text.strip() else "")

    def refresh(self) -> None:
        t = self.turn
        # Safety banners: pinned above the answer as soon as retrieval finds them.
        warnings = t.answer.warnings if t.answer is not None else t.warnings
        if len(warnings) != self._shown_warnings:
            clear_layout(self.banners)
            for w in warnings:
                self._later(lambda w=w: self._add_banner(w))
            self._shown_warnings = len(warnings)
        self._show_direct()
        self.update_text()
        self.status.setText(self._status_text())
        if t.busy:
            self.spinner.start()
        else:
            self.spinner.stop()
        self.note.setText(self._note_text())
        self.note.setVisible(bool(self.note.text()))
        if t.error:
            self.notice.set(t.error, "error" if t.error_kind == "error" else "warn")
            self.notice.show()
        elif t.answer is not None and t.answer.unverified:
            values = ", ".join(t.answer.unverified[:6])
            self.notice.set(self.tr("Check against the manual: <b>{0}</b> does not appear in the cited "
                                    "passages.").format(html.escape(values)), "warn", rich=True)
            self.notice.show()
        else:
            self.notice.hide()
        kind, sources = t.sources()
        key = (kind, tuple((s.n, s.path, s.page, s.text[:40]) for s in sources))
        if key != self._shown_sources:
            clear_layout(self.cards)
            self._sources = sources
            # One card per event-loop turn: building them all at once costs the GUI thread a
            # visible hitch (rich text layout) right when the answer completes.
            for src in sources:
                self._later(lambda src=src: self._add_card(src))
            self.sources_title.setText(
                self.tr("Sources") if kind == "cited" else self.tr("Closest passages") if kind else "")
            self.sources_title.setVisible(bool(kind))
            self._shown_sources = key

    def _later(self, build) -> None:
        """Build a widget on a later event-loop turn, one per turn: creating and styling a banner
        or a card costs the GUI thread tens of ms, and all at once they would stall a frame."""
        self._pending.append(build)
        if len(self._pending) == 1:
            QTimer.singleShot(0, self._build_next)

    def _build_next(self) -> None:
        if self._pending:
            self._pending.pop(0)()
        if self._pending:
            QTimer.singleShot(0, self._build_next)

    def _add_banner(self, note) -> None:
        b = SafetyBanner(note)
        b.open_requested.connect(self.open_source)
        self.banners.addWidget(b)

    def _add_card(self, source) -> None:
        c = CitationCard(source, self.terms)
        c.open_requested.connect(self.open_source)
        self.cards.addWidget(c)

    @property
    def cards_ready(self) -> bool:
        """Every banner and card of the current state is built."""
        return not self._pending

    def _status_text(self) -> str:
        t = self.turn
        if t.state == "searching":
            return self.tr("Searching the manuals…")
        if t.state == "writing":
            if not t.text and self.services.model_state == "loading":
                return self.tr("Loading the chat model…")
            return self.tr("Writing the answer…") if t.text else self.tr("Reading the passages…")
        if t.state == "stopped":
            return self.tr("Stopped")
        if t.state == "failed":
            return self.tr("No answer")
        a = t.answer
        if a is None:
            return ""
        secs = ((t.ended or time.perf_counter()) - t.started)
        if a.abstained:
            return self.tr("Nothing relevant found · {0:.1f} s").format(secs)
        model = pretty_model_name(a.model) if a.model else ""
        return self.tr("{0:.1f} s · {1}").format(secs, model)

    def _note_text(self) -> str:
        t = self.turn
        a = t.answer
        if t.state == "stopped":
            return self.tr("Generation was stopped. The text above is incomplete.")
        if a is None or a.abstained:
            if a is not None and a.abstained:
                return self.tr("The library has no passage close enough to answer from. Try other words, "
                               "a part number or an error code, or add the manual for this equipment.")
            return ""
        if a.citation_source == "retrieved":
            return self.tr("The model did not point to a passage: the sources below are the passages it was "
                           "given. Check the answer against them.")
        return self.tr("Written by a small on-device model from the sources below: check values against "
                       "the manual before you act.")


class AskView(QWidget):
    """The Ask page."""

    open_source = Signal(object, list)  # Source, query terms
    add_manuals = Signal()
    load_demo = Signal()
    busy_changed = Signal(bool)
    answer_finished = Signal(object)  # Turn
    save_to_notes = Signal(str, dict)  # question, Answer.to_json()

    def __init__(self, services: Services, touch: bool = False, parent=None):
        super().__init__(parent)
        self.setObjectName("Page")
        self.services = services
        self.touch = touch
        self.turns: list[Turn] = []
        self.current: Turn | None = None
        self.turn_view: TurnView | None = None
        self._pending_refresh = False

        root = QHBoxLayout(self)
        root.setContentsMargins(0, 0, 0, 0)
        root.setSpacing(0)

        # History column
        side = QFrame()
        side.setObjectName("PageHeader")
        sl = QVBoxLayout(side)
        sl.setContentsMargins(14, 18, 14, 14)
        sl.setSpacing(10)
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
        main = QVBoxLayout()
        main.setContentsMargins(0, 0, 0, 0)
        main.setSpacing(0)
        bar = QFrame()
        bar.setObjectName("PageHeader")
        bl = QHBoxLayout(bar)
        bl.setContentsMargins(24, 14, 24, 14)
        bl.setSpacing(10)
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
        outer = QHBoxLayout(body)
        outer.setContentsMargins(24, 20, 24, 24)
        outer.addStretch(1)
        self.content = QWidget()
        self.content.setMaximumWidth(CONTENT_MAX_W)
        self.content.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.content_layout = QVBoxLayout(self.content)
        self.content_layout.setContentsMargins(0, 0, 0, 0)
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
        lay = QVBoxLayout(w)
        lay.setContentsMargins(0, 24, 0, 0)
        lay.setSpacing(14)
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
        tips = QFrame()
        tips.setObjectName("Card")
        tl = QVBoxLayout(tips)
        tl.setContentsMargins(18, 14, 18, 16)
        tl.setSpacing(6)
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
            self.turn_view.status.setText(self.turn_view._status_text())

    # -- asking --------------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        return any(t.busy for t in self.turns)

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

    def ask(self, question: str) -> Turn:
        """Ask `question`; stops an answer still being written."""
        if self.busy:
            self.stop()
        self.box.setText(question)
        turn = Turn(question)
        self.turns.append(turn)
        item = QListWidgetItem(shorten(question, 90))
        item.setToolTip(question)
        item.setIcon(theme.icon("ask", theme.color("muted")))
        self.history.blockSignals(True)
        self.history.addItem(item)
        self.history.setCurrentRow(len(self.turns) - 1)
        self.history.blockSignals(False)
        self.history_empty.hide()
        self._show(turn)
        turn.job = self.services.ask(
            question,
            on_progress=lambda batch, t=turn: self._progress(t, batch),
            on_result=lambda answer, t=turn: self._done(t, answer),
            on_error=lambda e, t=turn: self._failed(t, e),
            on_cancelled=lambda t=turn: self._cancelled(t),
        )
        self._set_busy(True)
        return turn

    def stop(self) -> None:
        """Stop the answer being written, at once: the UI stops listening now, the model at its next token."""
        for t in self.turns:
            if not t.busy:
                continue
            if t.job is not None:
                t.job.cancel()
            t.state = "stopped"
            t.ended = time.perf_counter()
            self._update(t, full=True)
        self._set_busy(False)

    def _progress(self, turn: Turn, batch: list) -> None:
        if not turn.busy:
            return  # stopped: late tokens are dropped
        full = False
        for ev in batch:
            if ev.kind == "retrieved":
                turn.passages, turn.warnings, turn.direct = ev.passages, ev.warnings, ev.direct
                turn.state = "writing"
                full = True
            elif ev.kind == "token":
                if turn.first_token is None:
                    turn.first_token = time.perf_counter()
                turn.text += ev.text
            elif ev.kind == "done":
                turn.answer = ev.answer
                full = True
        self._update(turn, full)

    def _done(self, turn: Turn, answer) -> None:
        if turn.state == "stopped":
            return
        turn.answer = answer
        turn.state = "done"
        turn.ended = time.perf_counter()
        self._finish(turn)

    def _failed(self, turn: Turn, e: BaseException) -> None:
        if turn.state == "stopped":
            return
        turn.state = "failed"
        turn.ended = time.perf_counter()
        if isinstance(e, ModelMissingError):
            turn.error_kind = "no-model"
            turn.error = self.tr("No chat model is installed, so no answer was written. The passages that "
                                 "match your question are below. ({0})").format(e)
        elif isinstance(e, AssistantError):
            turn.error_kind = "error"
            turn.error = str(e)
        else:
            turn.error_kind = "error"
            turn.error = self.tr("Something went wrong while answering ({0}: {1}). The details are in the log "
                                 "file.").format(type(e).__name__, e)
        self._finish(turn)

    def _cancelled(self, turn: Turn) -> None:
        if turn.busy:
            turn.state = "stopped"
            turn.ended = time.perf_counter()
            self._finish(turn)

    def _finish(self, turn: Turn) -> None:
        self._update(turn, full=True)
        if turn is self.current:
            self._set_busy(False)
        self.answer_finished.emit(turn)

    def _update(self, turn: Turn, full: bool) -> None:
        if turn is not self.current or self.turn_view is None:
            return
        if full:
            self.turn_view.refresh()
        else:
            self.turn_view.update_text()
            if turn.text and self.turn_view.status.text() != self.turn_view._status_text():
                self.turn_view.status.setText(self.turn_view._status_text())
        if turn.busy:
            self._keep_bottom()

    def _keep_bottom(self) -> None:
        # While streaming, keep the end of the answer in view (after the layout settles).
        if not self._pending_refresh:
            self._pending_refresh = True
            QTimer.singleShot(0, self._scroll_answer)

    def _scroll_answer(self) -> None:
        self._pending_refresh = False
        if self.turn_view is not None:
            self.scroll.ensureWidgetVisible(self.turn_view.answer, 0, 40)

    def _set_busy(self, busy: bool) -> None:
        self.stop_button.setVisible(busy)
        self.ask_button.setVisible(not busy)
        self._update_save_button()
        self.busy_changed.emit(busy)

    def _update_save_button(self) -> None:
        t = self.current
        self.save_note_button.setVisible(t is not None and not t.busy and t.answer is not None
                                         and not t.answer.abstained)

    def _save_to_notes(self) -> None:
        t = self.current
        if t is not None and t.answer is not None:
            self.save_to_notes.emit(t.question, t.answer.to_json())

    # -- history -------------------------------------------------------------------------

    def _show(self, turn: Turn | None) -> None:
        if self.turn_view is not None:
            self.turn_view.hide()
            self.turn_view.deleteLater()
            self.turn_view = None
        self.current = turn
        self.empty.setVisible(turn is None)
        self._update_save_button()
        if turn is not None:
            tv = self.turn_view = TurnView(turn, self.services)
            tv.open_source.connect(lambda src, tv=tv: self.open_source.emit(src, tv.terms))
            self.content_layout.addWidget(self.turn_view)
        self.scroll.verticalScrollBar().setValue(0)
        self._set_busy(turn is not None and turn.busy)

    def _history_selected(self, row: int) -> None:
        if 0 <= row < len(self.turns) and self.turns[row] is not self.current:
            self._show(self.turns[row])

    def new_question(self) -> None:
        if self.busy:
            self.stop()
        self.history.blockSignals(True)
        self.history.clearSelection()
        self.history.setCurrentRow(-1)
        self.history.blockSignals(False)
        self._show(None)
        self.box.clear()
        self.box.setFocus()

    def focus_question(self) -> None:
        self.box.setFocus()
        self.box.selectAll()
