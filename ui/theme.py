"""Look and feel: palettes, the style sheet, fonts, icons, and the touch metrics of kiosk mode.

One style sheet template (`resources/theme/base.qss`) is filled from a palette and from size
metrics, so the three themes (light, dark, high-contrast daylight) and the desktop and touch
layouts stay consistent. Icons are our own SVGs drawn with `currentColor`, recoloured per theme.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from string import Template

from PySide6.QtCore import QByteArray, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase, QGuiApplication, QIcon, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer

RESOURCES = Path(__file__).resolve().parent / "resources"
ICONS = RESOURCES / "icons"

THEMES = {"light": "Light", "dark": "Dark", "contrast": "High-contrast daylight"}

PALETTES: dict[str, dict[str, str]] = {
    "light": {
        "bg": "#F3F5F8", "surface": "#FFFFFF", "surface_alt": "#F7F9FB", "border": "#D9DEE5",
        "border_strong": "#B8C1CC", "text": "#18212C", "muted": "#5A6573", "accent": "#1F5FAD",
        "accent_hover": "#184D8E", "accent_soft": "#E5EEF9", "on_accent": "#FFFFFF",
        "nav_bg": "#17202B", "nav_fg": "#C5CFDA", "nav_active": "#24303E", "nav_active_fg": "#FFFFFF",
        "warn_bg": "#FFF5DA", "warn_border": "#E3A008", "warn_text": "#5B3B00",
        "danger_bg": "#FDECEC", "danger_border": "#C62828", "danger_text": "#7A1010",
        "ok": "#1E7B45", "mark": "#FFE27A", "mark_text": "#18212C", "selection": "#CFE0F5",
        "focus": "#1F5FAD", "border_width": "1px",
    },
    "dark": {
        "bg": "#11161C", "surface": "#1A2129", "surface_alt": "#1F2731", "border": "#2C3642",
        "border_strong": "#3E4A58", "text": "#E5EAF0", "muted": "#9AA6B4", "accent": "#5A9EEB",
        "accent_hover": "#78B1F0", "accent_soft": "#1C3048", "on_accent": "#0B1118",
        "nav_bg": "#0B0F14", "nav_fg": "#9AA6B4", "nav_active": "#1A2129", "nav_active_fg": "#FFFFFF",
        "warn_bg": "#3A2D0C", "warn_border": "#E3A008", "warn_text": "#FCE3A2",
        "danger_bg": "#3D1517", "danger_border": "#EF5350", "danger_text": "#FFD0D0",
        "ok": "#4CC38A", "mark": "#8A6D00", "mark_text": "#FFFFFF", "selection": "#2B4B70",
        "focus": "#78B1F0", "border_width": "1px",
    },
    # Readable in direct sunlight: pure black on white, heavy borders, saturated signal colours.
    "contrast": {
        "bg": "#FFFFFF", "surface": "#FFFFFF", "surface_alt": "#F2F2F2", "border": "#000000",
        "border_strong": "#000000", "text": "#000000", "muted": "#1F1F1F", "accent": "#003C8F",
        "accent_hover": "#002A66", "accent_soft": "#DDE8FF", "on_accent": "#FFFFFF",
        "nav_bg": "#000000", "nav_fg": "#FFFFFF", "nav_active": "#FFD400", "nav_active_fg": "#000000",
        "warn_bg": "#FFD400", "warn_border": "#000000", "warn_text": "#000000",
        "danger_bg": "#B00000", "danger_border": "#000000", "danger_text": "#FFFFFF",
        "ok": "#005A1E", "mark": "#FFD400", "mark_text": "#000000", "selection": "#FFD400",
        "focus": "#000000", "border_width": "2px",
    },
}

FONT_FAMILIES = ["Inter", "Noto Sans", "Segoe UI", "Cantarell", "Ubuntu", "Roboto", "DejaVu Sans", "Arial"]
BASE_PT = 10.5  # body text at text size 1.0 on the desktop
TOUCH_TEXT = 1.3  # kiosk mode: large text
TOUCH_MM = 9.0  # minimum touch target, gloves included
TOUCH_DP = 48


def palette(name: str) -> dict[str, str]:
    return PALETTES.get(name, PALETTES["light"])


def touch_target_px(screen=None) -> int:
    """The side of a touch target in logical pixels: at least 9 mm and at least 48 dp.

    Physical size comes from the screen's DPI (what the display reports); a 10-inch 1280x800
    tablet (~150 dpi) gets ~53 px, a 96 dpi desktop monitor 48 px.
    """
    screen = screen or QGuiApplication.primaryScreen()
    dpi = 96.0
    logical = 96.0
    if screen is not None:
        # physicalDotsPerInch is in device pixels; divide by the scale to get logical pixels.
        dpi = (screen.physicalDotsPerInch() or 96.0) / (screen.devicePixelRatio() or 1.0)
        logical = screen.logicalDotsPerInch() or 96.0
        if not 40 <= dpi <= 600:  # a display that reports nonsense (0 mm, virtual screens)
            dpi = logical
    mm_px = TOUCH_MM / 25.4 * dpi
    # Qt's logical pixel plays the role of a dp (device scale is applied beneath it).
    return int(math.ceil(max(mm_px, TOUCH_DP)))


@dataclass
class Metrics:
    body_pt: float
    control_h: int  # minimum height of buttons and inputs, logical px
    radius: int
    pad: int
    touch: bool

    @property
    def title_pt(self) -> float:
        return round(self.body_pt * 1.75, 1)

    @property
    def h2_pt(self) -> float:
        return round(self.body_pt * 1.25, 1)

    @property
    def small_pt(self) -> float:
        return round(self.body_pt * 0.88, 1)


def metrics(text_size: float = 1.0, touch: bool = False, screen=None) -> Metrics:
    body = BASE_PT * text_size * (TOUCH_TEXT if touch else 1.0)
    if touch:
        return Metrics(round(body, 1), touch_target_px(screen), 12, 14, True)
    return Metrics(round(body, 1), max(32, int(body * 3.1)), 8, 10, False)


@cache
def _template() -> Template:
    return Template((RESOURCES / "theme" / "base.qss").read_text(encoding="utf-8"))


def stylesheet(theme: str, m: Metrics) -> str:
    values = dict(palette(theme))
    values.update(
        body_pt=f"{m.body_pt}pt", title_pt=f"{m.title_pt}pt", h2_pt=f"{m.h2_pt}pt", small_pt=f"{m.small_pt}pt",
        control_h=f"{m.control_h}px", big_h=f"{int(m.control_h * 1.3)}px", radius=f"{m.radius}px",
        pad=f"{m.pad}px", pad2=f"{m.pad * 2}px", half=f"{max(4, m.pad // 2)}px",
        nav_w=f"{int(m.control_h * 2.6)}px", scroll_w=f"{16 if m.touch else 10}px",
        check=f"{int(m.control_h * 0.55)}px", pill=f"{m.control_h // 2}px",
        talk_h=f"{int(m.control_h * 2.4)}px",
    )
    return _template().substitute(values)


def pick_font_family() -> str:
    available = set(QFontDatabase.families())
    return next((f for f in FONT_FAMILIES if f in available), QGuiApplication.font().family())


def apply(app, theme: str, text_size: float = 1.0, touch: bool = False, screen=None) -> Metrics:
    """Apply palette, font and style sheet to the whole application; returns the metrics used."""
    m = metrics(text_size, touch, screen)
    pal = palette(theme)
    font = QFont(pick_font_family())
    font.setPointSizeF(m.body_pt)
    font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
    app.setFont(font)
    qp = QPalette()
    for role, key in ((QPalette.ColorRole.Window, "bg"), (QPalette.ColorRole.Base, "surface"),
                      (QPalette.ColorRole.AlternateBase, "surface_alt"), (QPalette.ColorRole.Text, "text"),
                      (QPalette.ColorRole.WindowText, "text"), (QPalette.ColorRole.Button, "surface"),
                      (QPalette.ColorRole.ButtonText, "text"), (QPalette.ColorRole.Highlight, "selection"),
                      (QPalette.ColorRole.HighlightedText, "text"), (QPalette.ColorRole.ToolTipBase, "surface"),
                      (QPalette.ColorRole.ToolTipText, "text"), (QPalette.ColorRole.PlaceholderText, "muted"),
                      (QPalette.ColorRole.Link, "accent")):
        qp.setColor(role, QColor(pal[key]))
    app.setPalette(qp)
    app.setStyleSheet(stylesheet(theme, m))
    app.setProperty("fa_theme", theme)
    app.setProperty("fa_touch", touch)
    icon.cache_clear()
    return m


@cache
def _svg(name: str) -> str:
    return (ICONS / f"{name}.svg").read_text(encoding="utf-8")


@cache
def icon(name: str, color: str | None = None, size: int = 24) -> QIcon:
    """An icon from our SVGs, drawn in `color` (default: the theme's text colour)."""
    app = QGuiApplication.instance()
    theme = app.property("fa_theme") if app is not None else None
    color = color or palette(theme or "light")["text"]
    svg = _svg(name).replace("currentColor", color)
    renderer = QSvgRenderer(QByteArray(svg.encode()))
    out = QIcon()
    for scale in (1, 2):
        pm = QPixmap(QSize(size * scale, size * scale))
        pm.fill(Qt.GlobalColor.transparent)
        pm.setDevicePixelRatio(scale)
        p = QPainter(pm)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(p, QRectF(0, 0, size, size))
        p.end()
        out.addPixmap(pm)
    return out


def color(key: str) -> str:
    app = QGuiApplication.instance()
    return palette((app.property("fa_theme") if app is not None else None) or "light")[key]


def nav_icon(name: str, size: int = 26) -> QIcon:
    """A navigation icon: the rail's text colour, and its checked-state colour when selected."""
    off = icon(name, color("nav_fg"), size)
    on = icon(name, color("nav_active_fg"), size)
    out = QIcon()
    for scale in (1, 2):
        out.addPixmap(off.pixmap(QSize(size, size), scale), QIcon.Mode.Normal, QIcon.State.Off)
        out.addPixmap(on.pixmap(QSize(size, size), scale), QIcon.Mode.Normal, QIcon.State.On)
        out.addPixmap(on.pixmap(QSize(size, size), scale), QIcon.Mode.Active, QIcon.State.On)
    return out
