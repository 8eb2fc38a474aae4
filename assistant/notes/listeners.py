"""In-process listeners told after a note changes (the sync scheduler, the GUI's list model).

Module-level on purpose: every `NoteStore` in the process (the GUI's, a worker thread's, the sync
thread's) reports to the same listeners, so the sync scheduler hears of an edit whichever
connection made it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)

_listeners: list[Callable[[str], None]] = []
_lock = threading.Lock()


def add_listener(fn: Callable[[str], None]) -> None:
    """Call `fn(note_id)` after every committed local change, from the thread that made it."""
    with _lock:
        _listeners.append(fn)


def remove_listener(fn: Callable[[str], None]) -> None:
    with _lock:
        if fn in _listeners:
            _listeners.remove(fn)


def notify(doc_id: str) -> None:
    """Tell every listener that `doc_id` changed. Call after the transaction committed."""
    with _lock:
        fns = list(_listeners)
    for fn in fns:
        try:
            fn(doc_id)
        except Exception:  # a broken listener must not undo or hide a saved note
            log.exception("note listener failed")
