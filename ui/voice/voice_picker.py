"""The read-aloud voice in Settings: the speech engine's voices and a "Test voice" button.

The voices come from the Speaker the app reads aloud with (`Speaker.list_voices`), so the list is
what that engine will really use; on Linux speech-dispatcher is probed off the GUI thread first (a
wedged daemon must not freeze the dialog), so the list fills in a moment after the dialog opens.
Without an engine the list is disabled and says why; a voice chosen on another device (not in this
engine's list) is kept as it is.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QVBoxLayout, QWidget

from ..widgets import button, label


class VoicePicker(QWidget):
    """A voice list (None: the engine's default voice), a Test button, and a caption with the reason
    when there are no voices. `voice()` is what to save as `speech_voice`."""

    def __init__(self, speaker, current: str | None, rate: Callable[[], float], parent=None):
        super().__init__(parent)
        self.speaker = speaker
        self._current = current
        self._rate = rate
        self.listed = False  # the engine answered (with voices or with why there are none)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(4)
        row = QHBoxLayout()
        self.combo = QComboBox()
        self.combo.setAccessibleName(self.tr("Reading voice"))
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.combo.setMinimumContentsLength(20)
        self.combo.addItem(self.tr("Looking for voices…"), current)
        self.combo.setEnabled(False)
        row.addWidget(self.combo, 1)
        self.test_button = button(self.tr("Test voice"), "speaker", None,
                                  accessible=self.tr("Read a sentence with this voice and speed"))
        self.test_button.setEnabled(False)
        self.test_button.clicked.connect(self.test)
        row.addWidget(self.test_button)
        lay.addLayout(row)
        self.reason = label("", "Caption", wrap=True)
        self.reason.hide()
        lay.addWidget(self.reason)
        speaker.voices_listed.connect(self._listed)
        speaker.list_voices()

    def voice(self) -> str | None:
        """The voice to save: the one chosen, or the one set before while the list is not there."""
        return self.combo.currentData() if self.combo.isEnabled() else self._current

    def test(self) -> None:
        self.speaker.preview(self.tr("This is how answers and procedure steps are read aloud."),
                             self.voice(), self._rate())

    @Slot(list, str)
    def _listed(self, voices: list, problem: str) -> None:
        self.listed = True
        self.combo.clear()
        if not voices:
            self.combo.addItem(self.tr("No voices"), self._current)
            self.combo.setEnabled(False)
            self.test_button.setEnabled(False)
            self.reason.setText(problem or self.tr("The speech engine offers no voices."))
            self.reason.show()
            return
        self.combo.addItem(self.tr("The engine's default voice"), None)
        for name, language in sorted(voices, key=lambda v: (v[1].casefold(), v[0].casefold())):
            self.combo.addItem(f"{name} ({language})" if language and language != name else name, name)
        idx = self.combo.findData(self._current) if self._current else 0
        if idx < 0:  # chosen on another device, or the voice was removed: kept, not silently replaced
            self.combo.addItem(self.tr("{0} (not on this device)").format(self._current), self._current)
            idx = self.combo.count() - 1
            self.combo.setItemData(idx, self.tr("The engine's default voice is used here"), Qt.ItemDataRole.ToolTipRole)
        self.combo.setCurrentIndex(idx)
        self.combo.setEnabled(True)
        self.test_button.setEnabled(True)
        self.reason.hide()
