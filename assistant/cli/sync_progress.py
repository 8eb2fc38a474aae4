"""`field-assistant sync`'s progress on stderr while a depot round downloads a manual or a model (a
model is hundreds of MB: minutes on a field connection, with nothing said otherwise). Stdout keeps
the round's report, or its JSON, untouched."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO

from ..fleet.progress import DepotProgress

STEP_PERCENT = 5  # a line each time this much more is downloaded ...
EVERY_S = 1.0  # ... or this long after the last line, whichever comes first


def size(n: int) -> str:
    """Bytes as the technician reads them: KB below a megabyte, MB with one decimal above."""
    return f"{n / 2**20:.1f} MB" if n >= 2**20 else f"{n // 1024} KB"


class ProgressLines:
    """A `fleet.progress.Progress` that writes one line per download step: "depot: downloading model
    tiny 2: 45% (1.8 MB of 4.0 MB)", at most one a whole percent, and a line when a new model is
    being tried on the device (it loads and times it: seconds to minutes)."""

    def __init__(self, stream: TextIO | None = None, clock: Callable[[], float] = time.monotonic):
        self.stream = stream
        self.clock = clock
        self._file: tuple | None = None  # (kind, name, revision) of the download the last line was about
        self._percent = -1
        self._at = 0.0

    def __call__(self, p: DepotProgress) -> None:
        what = f"{p.kind} {p.name} {p.revision}"
        if p.phase == "proving":
            self._write(f"depot: trying {what} on this device...")
            return
        if p.phase != "downloading":
            return
        pct = p.percent if p.percent is not None else 0
        now = self.clock()
        file = (p.kind, p.name, p.revision)
        if file == self._file:
            if pct == self._percent:
                return
            done = p.total and p.done >= p.total
            if not (done or pct - self._percent >= STEP_PERCENT or now - self._at >= EVERY_S):
                return
        self._file, self._percent, self._at = file, pct, now
        self._write(f"depot: downloading {what}: {pct}% ({size(p.done)} of {size(p.total)})")

    def _write(self, line: str) -> None:
        stream = self.stream or sys.stderr  # read at each line: tests swap sys.stderr
        print(line, file=stream, flush=True)
