"""How the command prints: JSON, the one-line failure, a progress bar on a terminal."""

from __future__ import annotations

import json
import sys
import time


def print_json(obj) -> None:
    print(json.dumps(obj, ensure_ascii=False, indent=2))


def fail(msg: str, code: int = 1) -> int:
    print(f"field-assistant: {msg}", file=sys.stderr)
    return code


class Bar:
    """A one-line progress bar on stderr when it is a terminal; silent otherwise."""

    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()
        self.last = 0.0

    def show(self, done: int, total: int, label: str, force: bool = False) -> None:
        now = time.monotonic()
        if not self.tty or (not force and now - self.last < 0.1):
            return
        self.last = now
        width = 28
        filled = int(width * done / total) if total else width
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {label[:40]:<40}")
        sys.stderr.flush()

    def end(self) -> None:
        if self.tty:
            sys.stderr.write("\n")


def warn_keyword_only(session) -> None:
    """One line on stderr when vector search is off (the embedding model is missing or damaged)."""
    if session.embedder_problem:
        print(f"field-assistant: warning: {session.embedder_problem}; run `field-assistant models setup` "
              "or `field-assistant doctor`", file=sys.stderr)
