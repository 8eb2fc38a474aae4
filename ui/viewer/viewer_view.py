"""The Manual page: a cited PDF page rendered with the passage highlighted, or a text manual at its section."""

from __future__ import annotations

import html
import logging
from collections import OrderedDict
from pathlib import Path

from PySide6.QtCore import QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QKeySequence, QPainter, QPen, QShortcut
from PySide6.QtWidgets import (
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from assistant.errors import AssistantError

from .. import theme
from ..chat.cards import Source
from ..chat.text import term_pattern
from ..services import Services
from ..widgets import ElidedLabel, Notice, Spinner, add_message, box, button, label, panel, tool

log = logging.getLogger(__name__)

PT_TO_PX = 96 / 72  # 100 % zoom shows a page at its printed size on a 96 dpi screen
ZOOMS = [0.5, 0.67, 0.8, 1.0, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0, 4.0]
CACHE_PAGES = 12


class PageCanvas(QWidget):
    """Paints one rendered page and the highlight over the cited passage."""

    MARGIN = 24

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("PageCanvas")
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.image = None
        self.highlights: list[QRectF] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_page(self, image, highlights: list[QRectF]) -> None:
        self.image = image
        self.highlights = highlights
        self.updateGeometry()
        self.adjustSize()
        self.update()

    def page_size(self) -> QSize:
        if self.image is None:
            return QSize(0, 0)
        dpr = self.image.devicePixelRatio() or 1.0
        return QSize(int(self.image.width() / dpr), int(self.image.height() / dpr))

    def sizeHint(self) -> QSize:
        s = self.page_size()
        return QSize(s.width() + 2 * self.MARGIN, s.height() + 2 * self.MARGIN)

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    def page_origin(self) -> tuple[int, int]:
        s = self.page_size()
        return max(self.MARGIN, (self.width() - s.width()) // 2), self.MARGIN

    def paintEvent(self, event) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), QColor(theme.color("surface_alt")))
        if self.image is None:
            return
        x, y = self.page_origin()
        s = self.page_size()
        p.fillRect(QRectF(x + 2, y + 3, s.width(), s.height()), QColor(0, 0, 0, 40))  # a soft shadow
        p.drawImage(QRectF(x, y, s.width(), s.height()), self.image)
        if self.highlights:
            mark = QColor(theme.color("mark"))
            mark.setAlpha(110)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(mark)
            p.setCompositionMode(QPainter.CompositionMode.CompositionMode_Multiply)
            for r in self.highlights:
                p.drawRect(r.translated(x, y).adjusted(-1, -1, 1, 1))
            p.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceOver)
            # A bar in the margin, so the passage is found at a glance when zoomed out.
            top = min(r.top() for r in self.highlights)
            bottom = max(r.bottom() for r in self.highlights)
            p.setPen(QPen(QColor(theme.color("accent")), 4))
            p.drawLine(int(x + 8), int(y + top), int(x + 8), int(y + bottom))
        p.end()

    def first_highlight(self) -> QRectF | None:
        if not self.highlights:
            return None
        x, y = self.page_origin()
        r = self.highlights[0]
        for h in self.highlights[1:]:
            r = r.united(h)
        return r.translated(x, y)


class ViewerView(QWidget):
    """The Manual page."""

    back_requested = Signal()
    page_shown = Signal(str, int)  # path, page (PDF) — for tests and the status of the page

    def __init__(self, services: Services, parent=None):
        super().__init__(parent)
        self.setObjectName("Page")
        self.services = services
        self.source: Source | None = None
        self.terms: list[str] = []
        self.path: str | None = None
        self.format: str | None = None
        self.page = 1
        self.sizes: list[tuple[float, float]] = []
        self.zoom = 1.0
        self.fit = True
        self._request = 0
        self._job = None
        self._cache: OrderedDict = OrderedDict()

        root = box(self)

        header, hl = panel("PageHeader", (16, 10, 16, 10), 8, row=True)
        self.back = button(self.tr("Answer"), "back", None, accessible=self.tr("Back to the answer"))
        self.back.setToolTip(self.tr("Back to the answer (Alt+Left)"))
        self.back.clicked.connect(self.back_requested)
        hl.addWidget(self.back)
        col = QVBoxLayout()
        col.setSpacing(0)
        self.title = ElidedLabel(self.tr("No manual open"), "H2")
        self.subtitle = ElidedLabel("", "Caption")
        col.addWidget(self.title)
        col.addWidget(self.subtitle)
        hl.addLayout(col, 1)
        self.spinner = Spinner()
        self.spinner.hide()
        hl.addWidget(self.spinner)
        self.pdf_controls = QWidget()
        pc = box(self.pdf_controls, spacing=6, row=True)
        self.prev = tool("chevron-left", self.tr("Previous page (Page Up)"))
        self.prev.clicked.connect(lambda: self.go(self.page - 1))
        self.page_label = label("", "Muted")
        self.page_label.setMinimumWidth(90)
        self.page_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.next = tool("chevron-right", self.tr("Next page (Page Down)"))
        self.next.clicked.connect(lambda: self.go(self.page + 1))
        self.zoom_out = tool("zoom-out", self.tr("Zoom out (Ctrl+-)"))
        self.zoom_out.clicked.connect(lambda: self.step_zoom(-1))
        self.zoom_label = label("", "Muted")
        self.zoom_label.setMinimumWidth(52)
        self.zoom_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.zoom_in = tool("zoom-in", self.tr("Zoom in (Ctrl++)"))
        self.zoom_in.clicked.connect(lambda: self.step_zoom(1))
        self.fit_button = tool("fit-width", self.tr("Fit page width (Ctrl+0)"), checkable=True)
        self.fit_button.setChecked(True)
        self.fit_button.clicked.connect(self.fit_width)
        for w in (self.prev, self.page_label, self.next):
            pc.addWidget(w)
        pc.addSpacing(12)
        for w in (self.zoom_out, self.zoom_label, self.zoom_in, self.fit_button):
            pc.addWidget(w)
        hl.addWidget(self.pdf_controls)
        root.addWidget(header)

        self.stack = QStackedWidget()
        # 0: nothing open
        empty = QWidget()
        el = box(empty, (40, 40, 40, 40), None)
        el.addStretch(1)
        add_message(el, "page", "muted", 64, self.tr("No manual open"),
                    self.tr("Open a source under an answer to see the page it comes from, with the passage "
                            "highlighted. Manuals can also be opened from the Library."))
        el.addStretch(2)
        self.stack.addWidget(empty)
        # 1: PDF page
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.canvas = PageCanvas()
        self.canvas.setAccessibleName(self.tr("Manual page"))
        self.canvas.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.scroll.setWidget(self.canvas)
        self.stack.addWidget(self.scroll)
        # 2: text manual
        doc_wrap = QWidget()
        dl = QVBoxLayout(doc_wrap)
        dl.setContentsMargins(24, 16, 24, 16)
        self.doc = QTextBrowser()
        self.doc.setObjectName("DocText")
        self.doc.setAccessibleName(self.tr("Manual text"))
        self.doc.setOpenLinks(False)
        dl.addWidget(self.doc)
        self.stack.addWidget(doc_wrap)
        # 3: error
        err = QWidget()
        errl = QVBoxLayout(err)
        errl.setContentsMargins(40, 40, 40, 40)
        self.error = Notice("", "error")
        errl.addWidget(self.error)
        errl.addStretch(1)
        self.stack.addWidget(err)
        root.addWidget(self.stack, 1)

        self._fit_timer = QTimer(self, singleShot=True, interval=120, timeout=self._refit)
        ctx = Qt.ShortcutContext.WidgetWithChildrenShortcut
        for keys, fn in (
            (QKeySequence.StandardKey.ZoomIn, lambda: self.step_zoom(1)),
            (QKeySequence.StandardKey.ZoomOut, lambda: self.step_zoom(-1)),
            (QKeySequence("Ctrl+0"), self.fit_width),
            (QKeySequence(Qt.Key.Key_PageUp), lambda: self.go(self.page - 1)),
            (QKeySequence(Qt.Key.Key_PageDown), lambda: self.go(self.page + 1)),
            (QKeySequence("Alt+Left"), lambda: self.back_requested.emit()),
        ):
            QShortcut(keys, self, fn, context=ctx)
        self._show_controls()

    # -- opening -------------------------------------------------------------------------

    def open(self, source: Source, terms: list[str] | None = None) -> None:
        """Open `source`'s manual at its page (PDF) or section (other formats)."""
        self.source = source
        self.terms = terms or []
        self.title.setText(source.manual)
        where = [self.tr("Page {0}").format(source.page) if source.page else "",
                 source.section.replace(" > ", " › ") if source.section else ""]
        self.subtitle.setText("  ·  ".join(w for w in where if w))
        self.back.setVisible(source.n > 0 or bool(self.terms))
        is_pdf = source.page is not None or Path(source.path).suffix.lower() == ".pdf"
        if source.path != self.path:
            self._cache.clear()
            self.sizes = []
        self.path = source.path
        self.format = "pdf" if is_pdf else "doc"
        if is_pdf:
            self.page = source.page or 1
            if not self.sizes:
                self._busy(True)
                self.services.page_sizes(source.path, on_result=self._sizes, on_error=self._failed)
            else:
                self._render()
        else:
            self._busy(True)
            self._request += 1
            req = self._request
            self.services.load_document(source.path, source.char_start, source.char_end,
                                        on_result=lambda d, r=req: self._document(r, d),
                                        on_error=self._failed)
        self._show_controls()

    def open_manual(self, manual: dict) -> None:
        """Open a manual from the library at its start."""
        self.open(Source(0, manual["title"], manual["path"], 1 if manual.get("pages") else None, "", "", 0, 0))

    def _sizes(self, sizes: list) -> None:
        self.sizes = sizes
        self.page = max(1, min(self.page, len(sizes)))
        self._render()

    def _failed(self, e: BaseException) -> None:
        self._busy(False)
        msg = str(e) if isinstance(e, AssistantError) else f"{type(e).__name__}: {e}"
        self.error.set(self.tr("<b>This manual cannot be shown.</b> {0}").format(html.escape(msg)), "error", rich=True)
        self.stack.setCurrentIndex(3)
        self._show_controls()

    # -- PDF pages -------------------------------------------------------------------------

    def _scale(self) -> float:
        self.scroll.setHorizontalScrollBarPolicy(
            Qt.ScrollBarPolicy.ScrollBarAlwaysOff if self.fit else Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        if self.fit and self.sizes:
            w_pt = self.sizes[self.page - 1][0]
            bar = self.scroll.verticalScrollBar()
            # A fitted page is taller than the view: leave room for the vertical scroll bar.
            reserve = 0 if bar.isVisible() else bar.sizeHint().width()
            avail = self.scroll.viewport().width() - reserve - 2 * PageCanvas.MARGIN - 4
            if avail > 100:
                self.zoom = max(0.25, min(4.0, avail / (w_pt * PT_TO_PX)))
        return self.zoom * PT_TO_PX

    def _render(self) -> None:
        if not self.sizes or self.path is None:
            return
        scale = self._scale()
        here = bool(self.source and self.page == self.source.page)
        passage = self.source.text if here else None
        boxes = tuple(self.source.boxes) if here else ()  # a spec row: its box, not its text
        dpr = self.devicePixelRatioF() or 1.0
        key = (self.page, round(scale, 3), dpr, bool(passage), boxes)
        self._request += 1
        req = self._request
        self._show_controls()
        if key in self._cache:
            self._cache.move_to_end(key)
            self._page_ready(req, key, *self._cache[key])
            return
        if self._job is not None and not self._job.done:
            self._job.cancel()  # a page the user has already flipped past
        self._busy(True)
        self._job = self.services.render_page(
            self.path, self.page, scale, dpr, passage, boxes,
            on_result=lambda res, r=req, k=key: self._page_ready(r, k, *res),
            on_error=lambda e, r=req: self._failed(e) if r == self._request else None,
        )

    def _page_ready(self, req: int, key, qimage, info) -> None:
        self._cache[key] = (qimage, info)
        while len(self._cache) > CACHE_PAGES:
            self._cache.popitem(last=False)
        if req != self._request:
            return  # a newer request is on its way
        self._busy(False)
        dpr = qimage.devicePixelRatio() or 1.0
        rects = [QRectF(x0 / dpr, y0 / dpr, (x1 - x0) / dpr, (y1 - y0) / dpr) for x0, y0, x1, y1 in info.highlights]
        self.canvas.set_page(qimage, rects)
        self.stack.setCurrentIndex(1)
        self._show_controls()
        QTimer.singleShot(0, self._scroll_to_highlight)
        self.page_shown.emit(self.path, self.page)

    def _scroll_to_highlight(self) -> None:
        r = self.canvas.first_highlight()
        bar = self.scroll.verticalScrollBar()
        if r is None:
            bar.setValue(0)
            return
        view_h = self.scroll.viewport().height()
        target = r.top() - 60 if r.height() > view_h - 120 else r.center().y() - view_h / 2
        bar.setValue(int(max(0, target)))

    def go(self, page: int) -> None:
        if self.format != "pdf" or not self.sizes:
            return
        page = max(1, min(page, len(self.sizes)))
        if page != self.page:
            self.page = page
            self._render()

    def step_zoom(self, direction: int) -> None:
        if self.format != "pdf":
            return
        self.fit = False
        self.fit_button.setChecked(False)
        z = self.zoom
        if direction > 0:
            self.zoom = next((x for x in ZOOMS if x > z + 0.01), ZOOMS[-1])
        else:
            self.zoom = next((x for x in reversed(ZOOMS) if x < z - 0.01), ZOOMS[0])
        self._render()

    def fit_width(self) -> None:
        self.fit = True
        self.fit_button.setChecked(True)
        self._render()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.fit and self.format == "pdf":
            self._fit_timer.start()

    def _refit(self) -> None:
        if self.fit and self.format == "pdf" and self.isVisible():
            self._render()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self.fit and self.format == "pdf" and self.canvas.image is not None:
            self._fit_timer.start()

    # -- text manuals ------------------------------------------------------------------------

    def _document(self, req: int, doc) -> None:
        if req != self._request:
            return
        self._busy(False)
        self.doc.setHtml(document_html(doc, self.terms))
        self.stack.setCurrentIndex(2)
        self._show_controls()
        QTimer.singleShot(0, lambda: self.doc.scrollToAnchor("cited"))
        self.page_shown.emit(self.path or "", 0)

    # -- chrome ----------------------------------------------------------------------------

    def _busy(self, busy: bool) -> None:
        if busy:
            self.spinner.start()
        else:
            self.spinner.stop()

    def _show_controls(self) -> None:
        pdf = self.format == "pdf" and bool(self.sizes)
        self.pdf_controls.setVisible(pdf)
        if pdf:
            self.page_label.setText(self.tr("Page {0} of {1}").format(self.page, len(self.sizes)))
            self.page_label.setAccessibleName(self.page_label.text())
            self.prev.setEnabled(self.page > 1)
            self.next.setEnabled(self.page < len(self.sizes))
            self.zoom_label.setText(f"{round(self.zoom * 100)} %")
        if self.path is None:
            self.stack.setCurrentIndex(0)
            self.back.setVisible(False)


def document_html(doc, terms: list[str]) -> str:
    """A text manual as HTML: headings, paragraphs and tables, the cited blocks marked."""
    mark = theme.color("mark")
    accent = theme.color("accent")
    text_color = theme.color("text")
    muted = theme.color("muted")
    border = theme.color("border")
    pat = term_pattern(terms)
    out = [f'<html><body style="color:{text_color};">']
    for i, b in enumerate(doc.blocks):
        anchor = ""
        style = (f' style="background-color:{mark}; color:#18212C;"' if b.cited else "")
        text = html.escape(b.text)
        if pat is not None and b.cited:
            text = pat.sub(lambda m: f"<b>{m.group(0)}</b>", text)
        if i == doc.first_cited:
            # A named anchor must hold text, or QTextDocument drops it and scrollToAnchor finds nothing.
            text = f'<a name="cited">{text}</a>'

        if b.kind == "heading":
            level = min(max(b.level, 1), 4)
            size = {1: "170%", 2: "140%", 3: "120%", 4: "105%"}[level]
            out.append(f'{anchor}<p style="font-size:{size}; font-weight:600; margin-top:18px; '
                       f'margin-bottom:6px; color:{accent if level <= 2 else text_color};"><span{style}>'
                       f'{text}</span></p>')
        elif b.kind == "table":
            rows = [r.split(" | ") for r in b.text.split("\n")]
            cells = "".join(
                "<tr>" + "".join(
                    f'<td style="padding:4px 8px; border-bottom:1px solid {border};'
                    f'{" font-weight:600;" if j == 0 else ""}">{html.escape(c)}</td>' for c in r) + "</tr>"
                for j, r in enumerate(rows))
            if i == doc.first_cited:
                anchor = '<p><a name="cited">&#8203;</a></p>'
            out.append(f'{anchor}<table cellspacing="0" width="100%"{style}>{cells}</table><br>')
        else:
            out.append(f'{anchor}<p{style}>{text.replace(chr(10), "<br>")}</p>')
    if not doc.blocks:
        out.append(f'<p style="color:{muted};">(empty)</p>')
    out.append("</body></html>")
    return "".join(out)
