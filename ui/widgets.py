"""Small building blocks shared by the pages: buttons with our icons, notices, a toast, a page header."""

from __future__ import annotations

import html

from PySide6.QtCore import QEasingCurve, QPropertyAnimation, QSize, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGraphicsOpacityEffect,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from . import theme


def label(text: str = "", name: str | None = None, wrap: bool = False, selectable: bool = False) -> QLabel:
    """A label showing `text` as plain text: manual titles, sections, questions and messages are
    data, and Qt's rich-text auto-detection would render a title like `<img src=...>` as HTML."""
    lab = QLabel(text)
    lab.setTextFormat(Qt.TextFormat.PlainText)
    if name:
        lab.setObjectName(name)
    lab.setWordWrap(wrap)
    if selectable:
        lab.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return lab


def plain_tip(text: str) -> str:
    """`text` for setToolTip, shown as written: Qt renders a tooltip that looks like HTML as HTML."""
    return "<p>" + html.escape(text).replace("\n", "<br>") + "</p>" if text else ""


def button(text: str, icon: str | None = None, kind: str | None = None, tip: str | None = None,
           accessible: str | None = None) -> QPushButton:
    """A push button; `kind` is the style (Primary, Danger, Stop, Chip, Link)."""
    b = QPushButton(text)
    if kind:
        b.setObjectName(kind)
    if icon:
        b.setProperty("fa_icon", icon)
        set_icon(b, icon)
    if tip:
        b.setToolTip(tip)
    b.setAccessibleName(accessible or text or tip or "")
    b.setCursor(Qt.CursorShape.PointingHandCursor)
    return b


def tool(icon: str, tip: str, checkable: bool = False) -> QToolButton:
    """An icon-only button; its tooltip doubles as its accessible name."""
    b = QToolButton()
    b.setObjectName("Tool")
    b.setProperty("fa_icon", icon)
    set_icon(b, icon)
    b.setToolTip(tip)
    b.setAccessibleName(tip)
    b.setCheckable(checkable)
    b.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    b.setCursor(Qt.CursorShape.PointingHandCursor)
    return b


def status_button(b: QToolButton) -> None:
    """Make `b` a status bar item: icon and short text, flat, a pointing hand (it opens details)."""
    b.setObjectName("StatusButton")
    b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    b.setCursor(Qt.CursorShape.PointingHandCursor)
    b.setAutoRaise(True)


def set_icon(b, name: str, color_key: str | None = None) -> None:
    kind = b.objectName()
    key = color_key or ("on_accent" if kind == "Primary" else "danger_text" if kind == "Stop"
                        else "accent" if kind in ("Link", "Chip") else "text")
    b.setIcon(theme.icon(name, theme.color(key)))
    size = max(18, int(b.fontMetrics().height() * 1.15))
    b.setIconSize(QSize(size, size))


def refresh_icons(root: QWidget) -> None:
    """Re-draw every themed icon under `root` after a theme change."""
    for w in [root, *root.findChildren(QWidget)]:
        name = w.property("fa_icon")
        if name and hasattr(w, "setIcon") and not w.property("fa_nav"):
            set_icon(w, name, w.property("fa_icon_color"))


def box(parent: QWidget | None = None, margins: tuple[int, int, int, int] = (0, 0, 0, 0),
        spacing: int | None = 0, row: bool = False) -> QVBoxLayout | QHBoxLayout:
    """A column (or with `row`, a row) layout with these margins and spacing (None: the style's),
    on `parent` if given."""
    kind = QHBoxLayout if row else QVBoxLayout
    lay = kind(parent) if parent is not None else kind()
    lay.setContentsMargins(*margins)
    if spacing is not None:
        lay.setSpacing(spacing)
    return lay


def panel(name: str, margins: tuple[int, int, int, int] = (0, 0, 0, 0), spacing: int | None = 0,
          row: bool = False) -> tuple[QFrame, QVBoxLayout | QHBoxLayout]:
    """A frame styled by its object `name` (Card, PageHeader, …) and its layout (see `box`)."""
    frame = QFrame()
    frame.setObjectName(name)
    return frame, box(frame, margins, spacing, row)


def add_message(lay: QVBoxLayout, icon: str, color_key: str, size: int, title: str, caption: str) -> None:
    """An empty page's message, centred in `lay`: a large icon, a title and a caption under it."""
    pic = QLabel()
    pic.setPixmap(theme.icon(icon, theme.color(color_key), size).pixmap(size, size))
    pic.setAlignment(Qt.AlignmentFlag.AlignCenter)
    lay.addWidget(pic)
    for text, name in ((title, "H2"), (caption, "Muted")):
        lab = label(text, name, wrap=name == "Muted")
        lab.setAlignment(Qt.AlignmentFlag.AlignCenter)
        lay.addWidget(lab)


def accept_file_drag(event) -> None:
    """dragEnterEvent of a page that takes manuals: files and folders may be dropped on it."""
    if event.mimeData().hasUrls():
        event.acceptProposedAction()


def dropped_paths(event) -> list[str]:
    """dropEvent: the local files and folders dropped (the drop is accepted when there are any)."""
    paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
    if paths:
        event.acceptProposedAction()
    return paths


def divider() -> QFrame:
    f = QFrame()
    f.setObjectName("Divider")
    f.setFrameShape(QFrame.Shape.NoFrame)
    return f


def clear_layout(layout) -> None:
    """Remove and delete every widget in `layout` (and drop its spacers)."""
    while layout.count():
        w = layout.takeAt(0).widget()
        if w is not None:
            w.hide()
            w.deleteLater()


def repolish(w: QWidget) -> None:
    """Re-apply the style sheet after a dynamic property used in a selector changed."""
    w.style().unpolish(w)
    w.style().polish(w)
    for child in w.findChildren(QWidget):
        child.style().unpolish(child)
        child.style().polish(child)


class Notice(QFrame):
    """An inline message box: info (blue), warn (amber) or error (red), with an optional action."""

    action_clicked = Signal()

    def __init__(self, text: str = "", level: str = "info", action: str | None = None, parent=None):
        super().__init__(parent)
        self.setObjectName("Notice")
        lay = QHBoxLayout(self)
        lay.setContentsMargins(14, 10, 14, 10)
        lay.setSpacing(12)
        self.icon = QLabel()
        self.icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.text = label(text, wrap=True, selectable=True)
        self.text.setOpenExternalLinks(False)
        self.text.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        lay.addWidget(self.icon)
        lay.addWidget(self.text, 1)
        self.action = button(action or "", kind=None)
        self.action.clicked.connect(self.action_clicked)
        self.action.setVisible(bool(action))
        lay.addWidget(self.action, 0, Qt.AlignmentFlag.AlignVCenter)
        self.set(text, level)

    def set(self, text: str, level: str = "info", action: str | None = None, rich: bool = False) -> None:
        """Show `text`: plain text, or with `rich` the app's own markup (every piece of data in it
        escaped with html.escape by the caller)."""
        self.setProperty("level", level)
        self.text.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
        self.text.setText(text)
        self.setAccessibleName(self.text.text())
        name = {"error": "danger", "warn": "warning"}.get(level, "info")
        key = {"error": "danger_text", "warn": "warn_text"}.get(level, "accent")
        self.icon.setPixmap(theme.icon(name, theme.color(key)).pixmap(22, 22))
        if action is not None:
            self.action.setText(action)
            self.action.setAccessibleName(action)
            self.action.setVisible(bool(action))
        repolish(self)


class PageHeader(QFrame):
    """The band at the top of a page: title, a caption under it, and actions on the right."""

    def __init__(self, title: str, caption: str = "", parent=None):
        super().__init__(parent)
        self.setObjectName("PageHeader")
        lay = QHBoxLayout(self)
        lay.setContentsMargins(24, 14, 24, 14)
        lay.setSpacing(10)
        col = QVBoxLayout()
        col.setSpacing(2)
        self.title = label(title, "Title")
        self.title.setAccessibleName(title)
        self.caption = label(caption, "Muted")
        col.addWidget(self.title)
        col.addWidget(self.caption)
        lay.addLayout(col, 1)
        self.actions = QHBoxLayout()
        self.actions.setSpacing(8)
        lay.addLayout(self.actions)

    def add(self, w: QWidget) -> QWidget:
        self.actions.addWidget(w)
        return w


class Toast(QLabel):
    """A short message floating at the bottom of the window, gone after a few seconds."""

    def __init__(self, parent: QWidget):
        super().__init__(parent)
        self.setObjectName("Toast")
        self.setTextFormat(Qt.TextFormat.PlainText)  # messages carry file names, transcripts: data
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self._effect = QGraphicsOpacityEffect(self)
        self.setGraphicsEffect(self._effect)
        self._anim = QPropertyAnimation(self._effect, b"opacity", self)
        self._anim.setDuration(250)
        self._anim.setEasingCurve(QEasingCurve.Type.OutCubic)
        self._anim.finished.connect(self._faded)
        self._timer = QTimer(self, singleShot=True, timeout=self._fade)
        self.hide()

    def show_message(self, text: str, ms: int = 3500) -> None:
        self.setText(text)
        self.setAccessibleName(text)
        self.setStyleSheet(
            f"QLabel#Toast {{ background: {theme.color('nav_bg')}; color: #FFFFFF; border-radius: 10px;"
            f" padding: 12px 20px; font-weight: 500; }}"
        )
        parent = self.parentWidget()
        width = min(560, parent.width() - 40)
        self.setFixedWidth(width)
        self.adjustSize()
        self.move((parent.width() - width) // 2, parent.height() - self.height() - 56)
        self.raise_()
        self._anim.stop()
        self._effect.setOpacity(1.0)
        self.show()
        self._timer.start(ms)

    def _fade(self) -> None:
        self._anim.setStartValue(1.0)
        self._anim.setEndValue(0.0)
        self._anim.start()

    def _faded(self) -> None:
        if self._effect.opacity() < 0.05:
            self.hide()


class Spinner(QLabel):
    """A small text spinner for "working" states (no animation frames to ship)."""

    FRAMES = "◐◓◑◒"

    def __init__(self, parent=None):
        super().__init__(parent)
        self._i = 0
        self._timer = QTimer(self, interval=150, timeout=self._tick)
        self.setObjectName("Muted")

    def start(self) -> None:
        self._timer.start()
        self.show()

    def stop(self) -> None:
        self._timer.stop()
        self.hide()

    def _tick(self) -> None:
        self._i = (self._i + 1) % len(self.FRAMES)
        self.setText(self.FRAMES[self._i])


class ElidedLabel(QLabel):
    """A one-line label that ends in "…" when it does not fit (the full text is its tooltip)."""

    def __init__(self, text: str = "", name: str | None = None, parent=None):
        super().__init__(parent)
        if name:
            self.setObjectName(name)
        self._full = ""
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(40)
        self.setText(text)

    def setText(self, text: str) -> None:  # noqa: N802 (Qt naming)
        self._full = text
        self.setToolTip(plain_tip(text))
        self.setAccessibleName(text)
        self._elide()

    def full_text(self) -> str:
        return self._full

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        shown = self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight, max(10, self.width()))
        super().setText(shown)
