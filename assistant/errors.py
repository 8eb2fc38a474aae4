"""Typed errors of the core. The edge (CLI, GUI) turns each into one clear message."""

from __future__ import annotations

from pathlib import Path


class AssistantError(Exception):
    """Base class: str(err) is the one-line message shown to the user."""


class ManualParseError(AssistantError):
    """A manual could not be read. The batch it belongs to goes on without it."""

    def __init__(self, path: Path | str, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{Path(path).name}: {reason}")


class ModelMissingError(AssistantError):
    """A model file or folder is absent; the message names it and says how to fix it."""


class ModelCorruptError(AssistantError):
    """A model file exists but cannot be loaded."""


class DatabaseError(AssistantError):
    """The library database cannot be opened or is inconsistent."""


class Cancelled(AssistantError):
    """A long call was cancelled through its cancel event."""


class AudioError(AssistantError):
    """An audio file or recording cannot be used: unreadable, unsupported, too short or too long."""


class NoSpeechError(AssistantError):
    """A recording holds no speech (silence or noise only), so there is nothing to transcribe."""
