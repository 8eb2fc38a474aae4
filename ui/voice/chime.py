"""The chime after the wake word: the technician hears that the app is listening for the command.

A QSoundEffect (low latency, made for short UI sounds) on the WAV `assistant.speech.chime`
synthesises, written once to the cache folder. The recording keeps its own defence against hearing
the chime (`ChimeFilter` in the WakeListener), so nothing here has to be timed against it.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QUrl, Signal

from assistant import paths
from assistant.speech.chime import write_chime

log = logging.getLogger(__name__)


class Chime(QObject):
    """`play()` the chime; `played()` is emitted once the sound has started (what tests wait for),
    `problem` says why it cannot play (no output device, no QtMultimedia), else None."""

    played = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.effect = None
        self.problem: str | None = None
        self.asked = 0  # how many times play() was called (with or without a sound device)
        self._pending = False
        self._prepared = False

    def prepare(self) -> None:
        """Load the sound (once): when the wake word starts listening, not when the window is made.
        A QSoundEffect opens the sound output as it loads, and on PulseAudio that can change what the
        microphone path records (seen: a virtual microphone on a null sink's monitor, push-to-talk
        heard "Let's talk for the bump" for "What torque for the pump" once the chime was loaded at
        start), so a device that never listens for the wake word never opens it."""
        if self._prepared:
            return
        self._prepared = True
        try:
            from PySide6.QtMultimedia import QSoundEffect

            self.path = write_chime(paths.cache_dir())
            self.effect = QSoundEffect(self)
            self.effect.setSource(QUrl.fromLocalFile(str(self.path)))
            self.effect.setVolume(0.6)
            self.effect.playingChanged.connect(self._playing_changed)
            self.effect.statusChanged.connect(self._status_changed)
        except (ImportError, OSError) as e:  # the Addons wheel without QtMultimedia; a read-only cache
            self.problem = str(e)
            log.warning("no chime after the wake word: %s", e)

    def play(self) -> None:
        self.asked += 1
        self.prepare()
        if self.effect is None:
            return
        if self.effect.status() == self.effect.Status.Loading:
            self._pending = True  # the first wake word of the session: play once it has loaded
            return
        self.effect.play()

    def _status_changed(self) -> None:
        status = self.effect.status()
        if status == self.effect.Status.Error:
            self.problem = "the chime could not be loaded or no sound output is available"
            log.warning("no chime after the wake word: %s", self.problem)
        elif status == self.effect.Status.Ready and self._pending:
            self._pending = False
            self.effect.play()

    def _playing_changed(self) -> None:
        if self.effect.isPlaying():
            self.played.emit()
