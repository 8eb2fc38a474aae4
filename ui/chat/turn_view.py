"""One question and its answer on the Ask page: safety banners, the manual's own line, the
streamed answer with its [n] links, notes on how far to trust it, and the source cards."""

from __future__ import annotations

import html
import time

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from assistant.errors import AssistantError
from assistant.rag.model_markdown import spoken
from assistant.rag.search import query_terms
from assistant.rag.turn import Turn

from .. import theme
from ..services import Services, pretty_model_name
from ..widgets import Notice, Spinner, box, button, clear_layout, label, panel
from .cards import CitationCard, SafetyBanner, Source
from .spec_rows import SpecRowsTable, passage_rows, spec_row_source, spoken_row
from .text import answer_html


class TurnView(QWidget):
    """Renders one Turn: question, safety banners, answer, notes, source cards."""

    open_source = Signal(object)  # Source
    read_aloud = Signal(str)  # text to speak: the answer, or a safety note
    start_procedure = Signal(int)  # a procedure id: the answer's passages hold its steps

    def __init__(self, turn: Turn, services: Services, parent=None):
        super().__init__(parent)
        self.turn = turn
        self.services = services
        self.terms = query_terms(turn.question)
        self.sources: list[Source] = []  # the cards shown, by number (the answer's [n] links open them)
        lay = box(self, spacing=14)

        bubble, bl = panel("QuestionBubble", (18, 12, 18, 14), 2)
        bl.addWidget(label(self.tr("You asked"), "Eyebrow"))
        q = label(turn.question, "QuestionText", wrap=True, selectable=True)
        q.setAccessibleName(self.tr("Question: {0}").format(turn.question))
        bl.addWidget(q)
        lay.addWidget(bubble)

        self.banners = QVBoxLayout()
        self.banners.setSpacing(8)
        lay.addLayout(self.banners)

        card, cl = panel("Card", (20, 14, 20, 18), 10)
        head = QHBoxLayout()
        head.addWidget(label(self.tr("ANSWER"), "Eyebrow"))
        # "for P-200 s/n 12345": the current job the answer is scoped to (assistant/fleet/jobs.py)
        self.job_label = label("", "Caption")
        self.job_label.setAccessibleName(self.tr("Answer for"))
        self.job_label.hide()
        head.addWidget(self.job_label)
        head.addStretch(1)
        self.spinner = Spinner()
        head.addWidget(self.spinner)
        self.status = label("", "Caption")
        self.status.setAccessibleName(self.tr("Answer status"))
        head.addWidget(self.status)
        # Read aloud (issue 14): the manual's line and the answer, without the [n] citation marks.
        self.read_button = button(self.tr("Read aloud"), None, "Link")
        self.read_button.setAccessibleName(self.tr("Read the answer aloud"))
        self.read_button.clicked.connect(lambda: self.read_aloud.emit(self.speech_text()))
        self.read_button.hide()
        head.addWidget(self.read_button)
        cl.addLayout(head)
        # The manual's own line that answers the question, as soon as the search is done (no model
        # needed), with the page it is on; the model's prose follows under it.
        self.direct, dl = panel("DirectAnswer", (12, 8, 12, 10), 4)
        dl.addWidget(label(self.tr("FROM THE MANUAL"), "Eyebrow"))
        self.direct_text = label("", "DirectText", wrap=True, selectable=True)
        self.direct_text.setTextFormat(Qt.TextFormat.PlainText)  # manual text is data, never markup
        self.direct_text.setAccessibleName(self.tr("The manual says"))
        dl.addWidget(self.direct_text)
        self.direct_where = button("", "page", "Link")
        self.direct_where.clicked.connect(self._open_direct)
        dl.addWidget(self.direct_where, 0, Qt.AlignmentFlag.AlignLeft)
        self.spec_table = SpecRowsTable()
        self.spec_table.open_row.connect(self._open_row)
        dl.addWidget(self.spec_table)
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
        # "Start procedure": the passages hold the steps of a procedure found in the manual.
        self.procedures = QVBoxLayout()
        self.procedures.setSpacing(6)
        cl.addLayout(self.procedures)
        self._shown_procedures: tuple = ()
        # Thumbs up/down on a finished answer: kept on the device; sent to the depot only when the
        # company turned share_feedback on (README, "What the device sends to the depot").
        thumbs = QHBoxLayout()
        self.thumb_up = button(self.tr("Helpful"), None, "Chip", accessible=self.tr("This answer was helpful"))
        self.thumb_down = button(self.tr("Not helpful"), None, "Chip",
                                 accessible=self.tr("This answer was not helpful"))
        self.thumb_up.clicked.connect(lambda: self._thumb(1))
        self.thumb_down.clicked.connect(lambda: self._thumb(-1))
        thumbs.addWidget(self.thumb_up)
        thumbs.addWidget(self.thumb_down)
        thumbs.addStretch(1)
        cl.addLayout(thumbs)
        self.thumb: int | None = None
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
            src = next((s for s in self.sources if s.n == n), None)
            if src is not None:
                self.open_source.emit(src)

    def _open_direct(self) -> None:
        d = self.turn.direct
        if d is not None and d.kind == "spec_row" and d.row:
            self._open_row(d.row, d.n)
        elif d is not None:
            self.open_source.emit(Source(d.n, d.manual, d.path, d.page, d.section, d.text))

    def _open_row(self, row: dict, n: int = 0) -> None:
        """Open a spec row's page with the row marked: its box on a PDF page, its line elsewhere."""
        if row.get("from_passage"):
            self._open_direct()  # a row read from the passage's text: the passage, as its page link does
            return
        self.open_source.emit(spec_row_source(row, n))

    def _show_direct(self) -> None:
        d = self.turn.direct
        self.direct.setVisible(d is not None)
        if d is None:
            return
        where = self.tr("{0}, page {1}").format(d.manual, d.page) if d.page is not None else d.manual
        self.direct_where.setText(where.replace("&", "&&"))  # "&" would be a mnemonic
        self.direct_where.setAccessibleName(self.tr("Open {0}").format(where))
        rows = passage_rows(d.text) if d.kind != "spec_row" else None
        # A table row read from a passage ("Parameter | Value" over "Impeller | ... 218 mm") shows as
        # the table it is, as a spec row does, not as a line of pipes.
        self.direct_text.setText("" if rows else d.text)
        self.direct_text.setVisible(not rows)
        if rows:
            self.spec_table.show_rows(rows[1:], rows[0])
        else:
            self.spec_table.show_rows(self.turn.spec_rows if d.kind == "spec_row" else [], d.row)

    def _thumb(self, value: int) -> None:
        a = self.turn.answer
        if a is None or self.thumb is not None:
            return
        self.thumb = value
        cites = [{"manual": c.manual, "page": c.page, "section": c.section} for c in a.citations]
        self.services.answer_feedback(value, self.turn.question, cites, owner=self)
        self._show_thumbs()

    def _show_thumbs(self) -> None:
        a = self.turn.answer
        shown = a is not None and not a.abstained and self.turn.state == "done"
        for b, v in ((self.thumb_up, 1), (self.thumb_down, -1)):
            b.setVisible(shown and self.thumb in (None, v))
            b.setEnabled(self.thumb is None)

    def _show_job(self) -> None:
        a = self.turn.answer
        job = a.job if a is not None else None
        if job:
            self.job_label.setText(self.tr("for {0}").format(job["label"]) if job.get("scoped") else
                                   self.tr("for {0} (not scoped: no manual for this asset)").format(job["label"]))
        self.job_label.setVisible(bool(job))

    def update_text(self) -> None:
        """Cheap update while tokens stream in: the answer text only."""
        n = len(self.turn.passages)
        # Without a first copy of the manual's line shown just above it (`Turn.shown_answer`). An
        # answer that only repeats that line is not shown twice; while it streams in and may still
        # be only that, it is not shown yet.
        text = self.turn.shown_answer
        shown = text.strip() and not self.turn.repeats_direct and not self.turn.holds_back
        self.answer.setText(answer_html(text.lstrip(), n, theme.color("accent")) if shown else "")
        # Its minimum height keeps the card from jumping while the first words stream in; a repeat
        # hidden for good would leave that height as a gap above the note that says why.
        self.answer.setVisible(not self.turn.repeats_direct)

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
        self._show_job()
        self._show_thumbs()
        self.update_text()
        self.update_status()
        self.read_button.setVisible(self.services.settings.read_aloud and bool(self.speech_text()))
        if t.busy:
            self.spinner.start()
        else:
            self.spinner.stop()
        self.note.setText(self._note_text())
        self.note.setVisible(bool(self.note.text()))
        if t.error is not None:
            self.notice.set(self._error_text(), "error" if t.error_kind == "error" else "warn")
            self.notice.show()
        elif t.answer is not None and t.answer.unverified:
            values = ", ".join(t.answer.unverified[:6])
            self.notice.set(self.tr("Check against the manual: <b>{0}</b> does not appear in the cited "
                                    "passages.").format(html.escape(values)), "warn", rich=True)
            self.notice.show()
        else:
            self.notice.hide()
        self._show_procedures()
        kind, cited = t.sources()
        sources = [Source.of(c) for c in cited]
        key = (kind, tuple((s.n, s.path, s.page, s.text[:40]) for s in sources))
        if key != self._shown_sources:
            clear_layout(self.cards)
            self.sources = sources
            # One card per event-loop turn: building them all at once costs the GUI thread a
            # visible hitch (rich text layout) right when the answer completes.
            for src in sources:
                self._later(lambda src=src: self._add_card(src))
            self.sources_title.setText(
                self.tr("Sources") if kind == "cited" else self.tr("Closest passages") if kind else "")
            self.sources_title.setVisible(bool(kind))
            self._shown_sources = key

    def _show_procedures(self) -> None:
        offers = self.turn.answer.procedures if self.turn.answer is not None else self.turn.procedures
        key = tuple(p["id"] for p in offers)
        if key == self._shown_procedures:
            return
        clear_layout(self.procedures)
        for p in offers:
            where = self.tr(", page {0}").format(p["page"]) if p.get("page") is not None else ""
            b = button(self.tr("Start procedure: {0}").format(p["title"]).replace("&", "&&"), "chevron-right",
                       "Primary", tip=self.tr("Step by step, from {0}{1}").format(p["manual"], where),
                       accessible=self.tr("Start procedure {0}").format(p["title"]))
            b.clicked.connect(lambda _=False, pid=p["id"]: self.start_procedure.emit(pid))
            self.procedures.addWidget(b, 0, Qt.AlignmentFlag.AlignLeft)
        self._shown_procedures = key

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

    def speech_text(self) -> str:
        """What "Read aloud" says: the manual's own line, then the answer's prose without [n] marks."""
        t = self.turn
        prose = t.shown_answer if t.answer is not None or not t.busy else ""
        if t.repeats_direct:
            prose = ""  # said once, as the manual's line
        prose = spoken(prose or "")
        said = t.direct.text if t.direct is not None else ""
        if t.direct is not None and t.direct.kind != "spec_row" and (rows := passage_rows(said)):
            said = ". ".join(spoken_row(r) for r in rows)
        return " ".join(x for x in (said, prose) if x)

    def _add_banner(self, note) -> None:
        b = SafetyBanner(note)
        b.open_requested.connect(self.open_source)
        if self.services.settings.read_aloud:
            rb = button(self.tr("Read aloud"), None, "Link")
            rb.setAccessibleName(self.tr("Read the safety note aloud"))
            rb.clicked.connect(lambda: self.read_aloud.emit(f"{note.level.title()}. {note.text}"))
            b.layout().addWidget(rb, 0, Qt.AlignmentFlag.AlignTop)
        self.banners.addWidget(b)

    def _add_card(self, source) -> None:
        c = CitationCard(source, self.terms)
        c.open_requested.connect(self.open_source)
        self.cards.addWidget(c)

    @property
    def cards_ready(self) -> bool:
        """Every banner and card of the current state is built."""
        return not self._pending

    def update_status(self) -> None:
        """The line beside ANSWER: what is happening now (the model loading, writing), or how long it took."""
        text = self._status_text()
        if self.status.text() != text:
            self.status.setText(text)

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

    def _error_text(self) -> str:
        e = self.turn.error
        if self.turn.error_kind == "no-model":
            return self.tr("No chat model is installed, so no answer was written. The passages that "
                           "match your question are below. ({0})").format(e)
        if isinstance(e, AssistantError):
            return str(e)
        return self.tr("Something went wrong while answering ({0}: {1}). The details are in the log "
                       "file.").format(type(e).__name__, e)

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
        if t.repeats_direct:
            return self.tr("The model's answer repeated the manual's line above, so it is not shown twice.")
        if a.citation_source == "retrieved":
            return self.tr("The model did not point to a passage: the sources below are the passages it was "
                           "given. Check the answer against them.")
        return self.tr("Written by a small on-device model from the sources below: check values against "
                       "the manual before you act.")
