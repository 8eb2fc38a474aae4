"""Kiosk mode for rugged tablets: full screen, no decorations, no way out without the admin PIN.

Without a window manager `showFullScreen()` alone does nothing, so the window's geometry is set
to the primary screen's explicitly. Close, minimise and the usual escape shortcuts are refused
while the kiosk is locked; leaving it, or opening Settings, asks for the admin PIN, which is
stored only as a salted PBKDF2 hash.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import time

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import QDialog, QGridLayout, QHBoxLayout, QLineEdit, QVBoxLayout

from .widgets import button, label

log = logging.getLogger(__name__)

PBKDF2_ITERATIONS = 200_000
MIN_PIN, MAX_PIN = 4, 12
LOCKOUT_AFTER = 5  # wrong PINs in a row
LOCKOUT_S = 30


def hash_pin(pin: str, iterations: int = PBKDF2_ITERATIONS) -> str:
    """A storable hash of `pin`: 'pbkdf2_sha256$iterations$salt$hash' (hex)."""
    salt = os.urandom(16)
    digest = hashlib.pbkdf2_hmac("sha256", pin.encode(), salt, iterations)
    return f"pbkdf2_sha256${iterations}${salt.hex()}${digest.hex()}"


def verify_pin(pin: str, stored: str | None) -> bool:
    """Whether `pin` matches a hash made by hash_pin (constant-time comparison)."""
    if not stored:
        return False
    try:
        algo, iterations, salt, digest = stored.split("$")
        if algo != "pbkdf2_sha256":
            return False
        got = hashlib.pbkdf2_hmac("sha256", pin.encode(), bytes.fromhex(salt), int(iterations))
        return hmac.compare_digest(got.hex(), digest)
    except (ValueError, TypeError):
        log.warning("the stored kiosk PIN hash is malformed")
        return False


def valid_pin(pin: str) -> bool:
    return pin.isdigit() and MIN_PIN <= len(pin) <= MAX_PIN


class PinDialog(QDialog):
    """Asks for the admin PIN with an on-screen keypad (gloves, no keyboard)."""

    _failures = 0
    _locked_until = 0.0

    def __init__(self, stored_hash: str | None, purpose: str, parent=None):
        super().__init__(parent)
        self.stored = stored_hash
        self.setWindowTitle(self.tr("Administrator PIN"))
        self.setModal(True)
        self.setAccessibleName(self.tr("Administrator PIN"))
        lay = QVBoxLayout(self)
        lay.setContentsMargins(28, 24, 28, 24)
        lay.setSpacing(12)
        lay.addWidget(label(self.tr("Administrator PIN"), "DialogTitle"))
        lay.addWidget(label(purpose, "Muted", wrap=True))
        self.edit = QLineEdit()
        self.edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.edit.setMaxLength(MAX_PIN)
        self.edit.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.edit.setObjectName("QuestionBox")
        self.edit.setAccessibleName(self.tr("PIN"))
        self.edit.setInputMethodHints(Qt.InputMethodHint.ImhDigitsOnly | Qt.InputMethodHint.ImhSensitiveData)
        self.edit.returnPressed.connect(self.check)
        lay.addWidget(self.edit)
        self.error = label("", "Error", wrap=True)
        self.error.setAccessibleName(self.tr("PIN error"))
        lay.addWidget(self.error)
        grid = QGridLayout()
        grid.setSpacing(8)
        keys = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "⌫", "0", "OK"]
        for i, k in enumerate(keys):
            b = button(k, None, "Primary" if k == "OK" else "Key",
                       accessible={"⌫": self.tr("Delete"), "OK": self.tr("Confirm PIN")}.get(k, k))
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus if k not in ("OK",) else Qt.FocusPolicy.StrongFocus)
            if k == "OK":
                b.setMinimumHeight(b.sizeHint().height())
                b.setObjectName("Primary")
                b.clicked.connect(self.check)
            elif k == "⌫":
                b.clicked.connect(self.edit.backspace)
            else:
                b.clicked.connect(lambda _=False, k=k: self.edit.insert(k))
            grid.addWidget(b, i // 3, i % 3)
        lay.addLayout(grid)
        row = QHBoxLayout()
        row.addStretch(1)
        cancel = button(self.tr("Cancel"), None, None)
        cancel.clicked.connect(self.reject)
        row.addWidget(cancel)
        lay.addLayout(row)
        self.edit.setFocus()

    def check(self) -> None:
        now = time.monotonic()
        if now < PinDialog._locked_until:
            self.error.setText(self.tr("Too many wrong PINs. Try again in {0} s.").format(
                int(PinDialog._locked_until - now) + 1))
            return
        if verify_pin(self.edit.text(), self.stored):
            PinDialog._failures = 0
            self.accept()
            return
        PinDialog._failures += 1
        self.edit.clear()
        if PinDialog._failures >= LOCKOUT_AFTER:
            PinDialog._failures = 0
            PinDialog._locked_until = now + LOCKOUT_S
            self.error.setText(self.tr("Too many wrong PINs. Try again in {0} s.").format(LOCKOUT_S))
        else:
            self.error.setText(self.tr("Wrong PIN."))


# Shortcuts that would leave, hide or switch away from the app on common desktops.
_BLOCKED = [QKeySequence(s) for s in ("Alt+F4", "Ctrl+Q", "Ctrl+W", "Alt+Tab", "Meta+D", "Alt+F2", "F11",
                                      "Ctrl+Alt+Delete", "Meta+Tab", "Ctrl+Esc", "Alt+Esc", "Meta+M")]


class KioskController(QObject):
    """Puts a window into kiosk mode and keeps it there until `leave()`."""

    changed = Signal(bool)
    close_refused = Signal()

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.active = False
        self._normal_geometry = None

    def enter(self) -> None:
        w = self.window
        if not self.active:
            self._normal_geometry = w.geometry() if w.isVisible() else None
        self.active = True
        QGuiApplication.instance().installEventFilter(self)
        w.setWindowFlags(Qt.WindowType.Window | Qt.WindowType.FramelessWindowHint
                         | Qt.WindowType.WindowStaysOnTopHint)
        self.fill_screen()
        self.changed.emit(True)
        screen = w.screen() or QGuiApplication.primaryScreen()
        screen.geometryChanged.connect(self._screen_changed)

    def fill_screen(self) -> None:
        w = self.window
        screen = QGuiApplication.primaryScreen()
        if w.windowHandle() is not None and w.windowHandle().screen() is not screen:
            w.windowHandle().setScreen(screen)
        geo = screen.geometry()
        # Explicit geometry: with no window manager, showFullScreen() alone leaves the window as it was.
        w.setGeometry(geo)
        w.showFullScreen()
        w.setGeometry(geo)
        w.raise_()
        w.activateWindow()

    def _screen_changed(self, *_) -> None:
        if self.active:
            QTimer.singleShot(0, self.fill_screen)

    def leave(self) -> None:
        if not self.active:
            return
        self.active = False
        QGuiApplication.instance().removeEventFilter(self)
        w = self.window
        w.setWindowFlags(Qt.WindowType.Window)
        w.showNormal()
        if self._normal_geometry is not None and self._normal_geometry.width() < w.screen().geometry().width():
            w.setGeometry(self._normal_geometry)
        else:
            avail = (w.screen() or QGuiApplication.primaryScreen()).availableGeometry()
            width, height = min(1280, avail.width() - 80), min(820, avail.height() - 80)
            w.setGeometry(avail.x() + (avail.width() - width) // 2, avail.y() + (avail.height() - height) // 2,
                          width, height)
        w.show()
        self.changed.emit(False)

    def eventFilter(self, obj, event) -> bool:
        if not self.active:
            return False
        t = event.type()
        if t in (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride):
            combo = QKeySequence(event.keyCombination())
            if any(combo.matches(b) == QKeySequence.SequenceMatch.ExactMatch for b in _BLOCKED):
                event.accept()
                return True
        if t == QEvent.Type.WindowStateChange and obj is self.window:
            if self.window.windowState() & Qt.WindowState.WindowMinimized:
                QTimer.singleShot(0, self.fill_screen)
        return False
