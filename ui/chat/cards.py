"""Citation cards (the passages an answer rests on) and safety banners (pinned above an answer)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout

from .. import theme
from ..widgets import button, label
from .text import highlight, shorten

PASSAGE_CHARS = 520


@dataclass
class Source:
    """A passage to show and open: from a Citation (numbered by the model) or a retrieved Passage."""

    n: int
    manual: str
    path: str
    page: int | None
    section: str
    text: str
    char_start: int = 0
    char_end: int = 0
    ocr: bool = False  # read by OCR from a page image
    ocr_confidence: float | None = None

    @classmethod
    def of(cls, obj, n: int | None = None) -> Source:
        return cls(n if n is not None else getattr(obj, "n", 0), obj.manual, obj.path, obj.page, obj.section,
                   obj.text, getattr(obj, "char_start", 0), getattr(obj, "char_end", 0),
                   getattr(obj, "ocr", False), getattr(obj, "ocr_confidence", None))

    @property
    def where(self) -> str:
        return f"page {self.page}" if self.page is not None else ""


class CitationCard(QFrame):
    """One cited passage: manual, page, section, and the text with the question's words marked.

    Clicking it (or Enter/Space when focused) asks to open the manual at that page.
    """

    open_requested = Signal(object)  # Source

    def __init__(self, source: Source, terms: list[str], parent=None):
        super().__init__(parent)
        self.source = source
        self.setObjectName("CitationCard")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Maximum)
        where = self.tr("page {0}").format(source.page) if source.page is not None else ""
        self.setAccessibleName(self.tr("Source {0}: {1}").format(source.n, source.manual)
                               + (f", {where}" if where else ""))
        self.setAccessibleDescription(self.tr("Press Enter to open the manual at this passage"))

        lay = QVBoxLayout(self)
        lay.setContentsMargins(16, 12, 16, 14)
        lay.setSpacing(6)
        top = QHBoxLayout()
        top.setSpacing(10)
        badge = label(str(source.n), "Badge")
        badge.setAlignment(Qt.AlignmentFlag.AlignCenter)
        top.addWidget(badge, 0, Qt.AlignmentFlag.AlignTop)
        title = label(source.manual, "H3", wrap=True)
        top.addWidget(title, 1)
        if where:
            top.addWidget(label(where.capitalize() if where else "", "Muted"), 0, Qt.AlignmentFlag.AlignTop)
        self.open_button = button(self.tr("Open"), "external", "Link",
                                  accessible=self.tr("Open source {0} in the viewer").format(source.n))
        self.open_button.clicked.connect(lambda: self.open_requested.emit(self.source))
        top.addWidget(self.open_button, 0, Qt.AlignmentFlag.AlignTop)
        lay.addLayout(top)
        if source.section:
            sec = label(source.section.replace(" > ", "  ›  "), "Caption", wrap=True)
            lay.addWidget(sec)
        if source.ocr:
            # The words came from a picture of the page: a misread digit is possible, so say so.
            sure = (self.tr(" ({0:.0%} confidence)").format(source.ocr_confidence)
                    if source.ocr_confidence is not None else "")
            self.ocr_note = label(self.tr("Read by OCR{0}: check the page image").format(sure), "Caption", wrap=True)
            lay.addWidget(self.ocr_note)
        text = label("", "Passage", wrap=True, selectable=False)
        text.setTextFormat(Qt.TextFormat.RichText)
        text.setText(highlight(shorten(source.text, PASSAGE_CHARS), terms, theme.color("mark"),
                               theme.color("mark_text")))
        lay.addWidget(text)

    def mouseReleaseEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(event.position().toPoint()):
            self.open_requested.emit(self.source)
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.open_requested.emit(self.source)
            return
        super().keyPressEvent(event)


LEVEL_TEXT = {"DANGER": "DANGER", "WARNING": "WARNING", "CAUTION": "CAUTION"}


class SafetyBanner(QFrame):
    """Safety text found next to the cited passages, shown above the answer in amber or red."""

    open_requested = Signal(object)  # Source

    def __init__(self, note, parent=None):
        super().__init__(parent)
        self.setObjectName("SafetyBanner")
        self.setProperty("level", note.level)
        self.source = Source.of(note, 0)
        where = f", {self.tr('page {0}').format(note.page)}" if note.page is not None else ""
        self.setAccessibleName(f"{note.level}: {note.text}")
        lay = QHBoxLayout(self)
        lay.setContentsMargins(14, 10, 14, 10)
        lay.setSpacing(12)
        icon = QLabel()
        icon_name = "danger" if note.level == "DANGER" else "warning"
        color = theme.color("danger_text" if note.level == "DANGER" else "warn_text")
        icon.setPixmap(theme.icon(icon_name, color).pixmap(28, 28))
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        lay.addWidget(icon)
        col = QVBoxLayout()
        col.setSpacing(3)
        head = QHBoxLayout()
        head.addWidget(label(LEVEL_TEXT.get(note.level, note.level), "BannerLevel"))
        head.addWidget(label(f"{note.manual}{where}", "Caption"), 1)
        src = button(self.tr("Show in manual"), None, "Link")
        src.setStyleSheet(f"color: {color};")
        src.clicked.connect(lambda: self.open_requested.emit(self.source))
        head.addWidget(src)
        col.addLayout(head)
        text = label(_strip_level(note.text, note.level), wrap=True, selectable=True)
        col.addWidget(text)
        lay.addLayout(col, 1)


def _strip_level(text: str, level: str) -> str:
    """'WARNING: Lock out…' -> 'Lock out…' (the banner already says WARNING)."""
    t = text.strip()
    for prefix in (f"{level}:", f"{level.title()}:", f"{level} -", f"{level}!"):
        if t.startswith(prefix):
            return t[len(prefix):].strip()
    return t
