"""The Ask page's questions without the widgets: asking, the answer streaming in, Stop, and how
a question ends, so these rules are tested without a display.

The GUI (`ui/chat/ask_view.py`) owns the widgets and the worker jobs: it gives the flow `start`,
which runs `answer.ask` in the background and calls back on the GUI thread, and shows what the
flow tells it (`AskFlowView`). One turn (`Turn`) per question:

    searching --retrieved--> writing --result--> done
    searching | writing --stop()--> stopped   (at once: the page stops listening now, the model at
                                               its next token; what comes after is dropped)
    searching | writing --error--> failed;  --cancelled--> stopped

Asking while an answer is being written stops it first: one answer is written at a time.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, Protocol

from ..errors import ModelMissingError
from .turn import Turn

# start(question, on_progress=, on_result=, on_error=, on_cancelled=) -> a job with cancel().
# on_progress gets batches of "retrieved" and "token" AnswerEvents, on_result the final Answer.
Start = Callable[..., Any]


class AskFlowView(Protocol):
    """What the flow needs from whatever shows it."""

    def turn_added(self, turn: Turn) -> None:
        """A question was asked: list it (it is shown next, with `display`)."""

    def display(self, turn: Turn | None) -> None:
        """Show `turn` (None: the empty page)."""

    def turn_changed(self, turn: Turn, full: bool) -> None:
        """The shown turn changed: its text only (`full` False, while tokens stream) or more."""

    def set_busy(self, busy: bool) -> None:
        """Whether the answer on screen is being written (Stop, not Ask, is offered)."""

    def turn_finished(self, turn: Turn) -> None:
        """`turn` ended: done, failed or stopped by its job."""


class AskFlow:
    def __init__(self, start: Start, view: AskFlowView):
        self.start = start
        self.view = view
        self.turns: list[Turn] = []
        self.current: Turn | None = None  # the turn on screen

    @property
    def busy(self) -> bool:
        return any(t.busy for t in self.turns)

    def ask(self, question: str) -> Turn:
        """Ask `question`; stops an answer still being written."""
        if self.busy:
            self.stop()
        turn = Turn(question)
        self.turns.append(turn)
        self.view.turn_added(turn)
        self.select(turn)
        turn.job = self.start(
            question,
            on_progress=lambda batch: self._progress(turn, batch),
            on_result=lambda answer: self._done(turn, answer),
            on_error=lambda e: self._failed(turn, e),
            on_cancelled=lambda: self._cancelled(turn),
        )
        self.view.set_busy(True)
        return turn

    def select(self, turn: Turn | None) -> None:
        """Show `turn` (from the history), or the empty page."""
        self.current = turn
        self.view.display(turn)

    def stop(self) -> None:
        """Stop the answer being written, at once: the page stops listening now, the model at its next token."""
        for t in self.turns:
            if not t.busy:
                continue
            if t.job is not None:
                t.job.cancel()
            t.state = "stopped"
            t.ended = time.perf_counter()
            self._changed(t, full=True)
        self.view.set_busy(False)

    def _progress(self, turn: Turn, batch: list) -> None:
        if not turn.busy:
            return  # stopped: late tokens are dropped
        full = False
        for ev in batch:
            if ev.kind == "retrieved":
                turn.passages, turn.warnings, turn.direct = ev.passages, ev.warnings, ev.direct
                turn.procedures = ev.procedures
                turn.state = "writing"
                full = True
            elif ev.kind == "token":
                if turn.first_token is None:
                    turn.first_token = time.perf_counter()
                turn.text += ev.text
        self._changed(turn, full)

    def _done(self, turn: Turn, answer) -> None:
        if turn.state == "stopped":
            return
        turn.answer = answer
        turn.state = "done"
        self._finish(turn)

    def _failed(self, turn: Turn, e: BaseException) -> None:
        if turn.state == "stopped":
            return
        turn.state = "failed"
        turn.error = e
        turn.error_kind = "no-model" if isinstance(e, ModelMissingError) else "error"
        self._finish(turn)

    def _cancelled(self, turn: Turn) -> None:
        if turn.busy:
            turn.state = "stopped"
            self._finish(turn)

    def _finish(self, turn: Turn) -> None:
        turn.ended = time.perf_counter()
        self._changed(turn, full=True)
        if turn is self.current:
            self.view.set_busy(False)
        self.view.turn_finished(turn)

    def _changed(self, turn: Turn, full: bool) -> None:
        if turn is self.current:
            self.view.turn_changed(turn, full)
