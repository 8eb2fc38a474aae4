"""A note body dictated: a recording through the speech model, with a record of where it came from."""

from __future__ import annotations

import threading


def dictate(audio, cancel: threading.Event | None = None) -> tuple[str, dict]:
    """A note body from a recording, through the speech model (`assistant.stt`).

    Returns:
        (text, source) where source records that the note was dictated, for `NoteStore.add(source=)`.
    Raises:
        AssistantError: no speech model, unreadable audio, or nothing was said.
    """
    from .. import stt  # loads the speech stack only when someone dictates

    t = stt.transcribe_all(audio, cancel=cancel)
    text = t.require_text()
    label = getattr(audio, "name", None) or str(audio)
    return text, {"kind": "dictation", "audio": label, "model": t.model, "duration_s": round(t.duration_s, 2)}
