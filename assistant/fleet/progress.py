"""What a depot round is doing while it runs, for a status line (the app's status bar): checking the
depot, downloading a manual or a model (with its percentage), installing a manual, proving a new model.
The round's outcome is its `DepotReport`; these events only say what happens in between."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

PHASES = ("checking", "downloading", "installing", "proving")


@dataclass(frozen=True)
class DepotProgress:
    phase: str  # one of PHASES
    kind: str | None = None  # "manual" or "model"
    name: str | None = None
    revision: str | None = None  # a manual's revision, a model's version
    done: int = 0  # bytes so far (downloading)
    total: int = 0  # bytes in all (downloading)

    @property
    def percent(self) -> int | None:
        return int(100 * self.done / self.total) if self.total else None


Progress = Callable[[DepotProgress], None]


def emit(progress: Progress | None, phase: str, **kw) -> None:
    if progress is not None:
        progress(DepotProgress(phase, **kw))


def bytes_hook(progress: Progress | None, kind: str, name: str, revision: str, total: int):
    """An `on_bytes` for download.fetch that reports whole percents only (at most ~100 events a file,
    however small the chunks the server sends)."""
    if progress is None:
        return None
    last = [-1]

    def on_bytes(_n: int, have: int) -> None:
        pct = int(100 * have / total) if total else 100
        if pct != last[0]:
            last[0] = pct
            progress(DepotProgress("downloading", kind, name, revision, have, total))

    return on_bytes
