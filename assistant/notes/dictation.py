"""A note body dictated: a recording through the speech model, with a record of where it came from."""

from __future__ import annotations

import threading

from ..settings import Settings


def dictate(audio, settings: Settings, cancel: threading.Event | None = None) -> tuple[str, dict]:
    """A note body from a recording, through the speech model (`assistant.speech`).

    Args:
        audio: what `assistant.speech.transcription.transcribe` accepts (a file path, PCM).
        settings: the caller's settings (the speech limits, threads and language).
        cancel: set it to stop transcribing; Cancelled is raised.
    Returns:
        (text, source) where source records that the note was dictated, for `NoteStore.add(source=)`.
    Raises:
        AssistantError: no speech model, unreadable audio, or nothing was said.
    """
    from ..speech.transcription import transcribe_all  # loads the speech stack only when someone dictates

    t = transcribe_all(audio, settings=settings, cancel=cancel)
    text = t.require_text()
    label = getattr(audio, "name", None) or str(audio)
    return text, {"kind": "dictation", "audio": label, "model": t.model, "duration_s": round(t.duration_s, 2)}
