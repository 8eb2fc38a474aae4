"""The talk buttons: press and hold to speak. A level bar along the bottom edge shows the microphone
is hearing something; the label says what happens next.

Mouse, touch and the keyboard (Space while the button has focus) all go through press/release
events directly rather than QAbstractButton's pressed/released signals: those fire again when a
gloved thumb slides off and back onto the button, which would cut the question in two.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QPushButton

from .. import theme
from ..widgets import repolish, set_icon
from .talk import TalkController


class TalkButton(QPushButton):
    def __init__(self, controller: TalkController, compact: bool = False, parent=None):
        super().__init__(parent)
        self.controller = controller
        self.compact = compact  # the desktop's icon button beside the question box
        self.setObjectName("MicButton" if compact else "PushToTalk")
        self.setProperty("fa_icon", "mic")
        self.setProperty("recording", False)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setAutoRepeat(False)
        self._level = 0.0
        self._holding = False
        controller.state_changed.connect(self._state)
        controller.level.connect(self._set_level)
        self._state(controller.state)

    # -- input ---------------------------------------------------------------------------

    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.isEnabled():
            self._hold()
            event.accept()
        else:
            super().mousePressEvent(event)

    def mouseReleaseEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self._holding:
            self._let_go()
            event.accept()
        else:
            super().mouseReleaseEvent(event)

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_Space:
            if not event.isAutoRepeat():
                self._hold()
            event.accept()
        else:
            super().keyPressEvent(event)

    def keyReleaseEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_Space:
            if not event.isAutoRepeat() and self._holding:
                self._let_go()
            event.accept()
        else:
            super().keyReleaseEvent(event)

    def focusOutEvent(self, event) -> None:
        # Focus taken away mid-take (a dialog, Alt+Tab): the release would never come; end it now.
        if self._holding:
            self._let_go()
        super().focusOutEvent(event)

    def _hold(self) -> None:
        self._holding = True
        self.setDown(True)
        self.controller.press()

    def _let_go(self) -> None:
        self._holding = False
        self.setDown(False)
        self.controller.release()

    # -- looks ---------------------------------------------------------------------------

    def _state(self, state: str) -> None:
        c = self.controller
        text, tip = {
            "idle": (self.tr("Hold to talk"), self.tr("Hold while you speak your question, then let go (Space)")),
            "recording": (self.tr("Listening… let go to ask"), self.tr("Recording: let go when you have finished")),
            "transcribing": (self.tr("Writing down…"), self.tr("Turning your words into text; press to cancel")),
            "unavailable": (self.tr("No voice input"), c.reason or ""),
        }[state]
        if state == "unavailable" and c.reason:
            text = c.reason.split(":")[0]
        self.setEnabled(state != "unavailable")
        self.setText("" if self.compact else text)
        self.setToolTip(tip if not self.compact or state != "idle" else
                        self.tr("Hold to speak your question, then let go"))
        self.setAccessibleName(self.tr("Push to talk: {0}").format(tip if state == "unavailable" else text))
        self.setProperty("recording", state == "recording")
        set_icon(self, "stop" if state == "transcribing" else "mic",
                 "accent" if state == "recording" else None)
        repolish(self)
        if state != "recording":
            self._level = 0.0
        self.update()

    def _set_level(self, value: float) -> None:
        # Speech peaks are far below full scale: a square-root curve makes a normal voice fill
        # most of the bar, so the technician sees at a glance that the microphone hears them.
        self._level = min(1.0, value ** 0.5)
        self.update()

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        if self.controller.state != "recording":
            return
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        h = max(4.0, self.height() * (0.08 if not self.compact else 0.1))
        r = QRectF(6, self.height() - h - 4, (self.width() - 12) * self._level, h)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(theme.color("accent")))
        p.drawRoundedRect(r, h / 2, h / 2)
        p.end()
