"""One question asked in the app and everything that came back for it (the Ask page's history)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from .answer import Answer, Citation, first_passages
from .direct import Direct


@dataclass
class Turn:
    """One question of this session and everything that came back for it."""

    question: str
    state: str = "searching"  # searching | writing | done | stopped | failed
    passages: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    direct: Direct | None = None  # the manual's own line, shown before the model's
    procedures: list = field(default_factory=list)  # offered to start: [{id, title, manual, page}]
    text: str = ""
    answer: Answer | None = None
    error: BaseException | None = None  # why the turn failed
    error_kind: str | None = None  # "no-model" | "error"
    job: object = None  # what runs the answer; has cancel()
    started: float = field(default_factory=time.perf_counter)
    ended: float | None = None
    first_token: float | None = None

    @property
    def busy(self) -> bool:
        return self.state in ("searching", "writing")

    def sources(self) -> tuple[str, list[Citation]]:
        """The passages to show under the answer and what they are: "cited" (the answer's
        citations), "closest" (nothing could be cited: it abstained, or there is no chat model) or
        "" (none to show)."""
        a = self.answer
        if a is not None and a.citations:
            return "cited", a.citations
        if self.passages and (self.error_kind == "no-model" or (a is not None and a.abstained)):
            return "closest", first_passages(self.passages)
        return "", []
