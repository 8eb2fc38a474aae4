"""Read aloud and the wake word in the main window: one object that owns the Speaker and the
WakeListener and connects them to the rest (kept out of main_window.py so its diff stays small).

- The Ask page's "Read aloud" buttons (answer, safety notes) go to the Speaker.
- Barge-in: push-to-talk (Ask page or Notes) or the wake word stops the Speaker at once.
- The wake listener gives the microphone to push-to-talk while its key is held.
- What is said after the wake word is a command in procedure mode (`ProcedureView.hear`), else a
  question on the Ask page.
- Listening starts once the window is ready if the setting says so (default: in kiosk mode), and
  follows the setting when it is changed. The level meter sits in the status bar.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject

from assistant import settings as settingsmod

from .speaker import Speaker, connect_barge_in
from .wake import WakeIndicator, WakeListener

log = logging.getLogger(__name__)


class HandsFree(QObject):
    def __init__(self, window, speaker: Speaker | None = None):
        super().__init__(window)
        self.window = window
        services = window.services
        self.speaker = speaker or Speaker(lambda: services.settings, parent=self, submit=services.submit)
        self.wake = WakeListener(services, parent=self)
        self.indicator = WakeIndicator(self.wake)
        window.statusBar().addPermanentWidget(self.indicator)
        procedure = getattr(window, "procedure", None)  # procedure mode: its own push-to-talk
        for talk in (window.ask.voice, window.notes.voice) + ((procedure.voice,) if procedure is not None else ()):
            connect_barge_in(self.speaker, talk=talk)
            self.wake.follow(talk)
        connect_barge_in(self.speaker, wake=self.wake)
        if procedure is not None:  # on its page, a take is a command: decoded as its push-to-talk's
            self.wake.command_talk = lambda: procedure.voice if window.page == "procedure" else None
        window.ask.read_aloud.connect(self.speaker.say)
        self.speaker.unavailable.connect(lambda text: window.notify(text, 8000))
        self.wake.message.connect(window.notify)
        self.wake.utterance.connect(self._utterance)
        services.settings_changed.connect(self._settings)
        window.ready.connect(lambda: self._settings(services.settings))
        window.kiosk.changed.connect(lambda _active: window.is_ready and self._settings(services.settings))

    def _utterance(self, text: str) -> None:
        """A command in procedure mode; elsewhere a question for the Ask page."""
        if self.window.page == "procedure":
            self.window.procedure.hear(text)
            return
        self.window.go("ask")
        self.window.ask._spoken(text)

    def _settings(self, s: settingsmod.Settings) -> None:
        if not s.read_aloud:
            self.speaker.stop()
        on = settingsmod.wake_word_on(s, self.window.kiosk.active)
        if on and self.wake.detector is not None and self.wake.detector.model != s.wake_word_model:
            self.wake.stop()  # another model: start over with it
        if on and self.wake.state == "off":
            self.wake.start()
        elif not on and self.wake.state != "off":
            self.wake.stop()

    def stop(self) -> None:
        self.wake.stop()
        self.speaker.stop()
