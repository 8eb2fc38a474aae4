"""`field-assistant gui`: the QApplication, translations, theme, error handling, and the main window.

The window is shown first; the models load in the background afterwards (the status bar says
so), so the app is usable for browsing the library at once. Closing cancels all work and the
process exits within about a second even if a core call is still unwinding.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
import time
import traceback
from pathlib import Path

log = logging.getLogger(__name__)

APP_ID = "field-assistant"
SCREENSHOT_TIMEOUT_S = 120
SHUTDOWN_S = 0.8


def _say(line: str, stream=None) -> None:
    """One line for the terminal (the edge's messages; everything else goes to the log)."""
    stream = stream or sys.stderr
    stream.write(line + "\n")
    stream.flush()


def _qt_env() -> None:
    """Pick a platform plugin that can work before Qt starts."""
    if sys.platform.startswith("linux") and not os.environ.get("QT_QPA_PLATFORM"):
        if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
            # No display at all: offscreen still lets --screenshot work (and says so otherwise).
            os.environ["QT_QPA_PLATFORM"] = "offscreen"
    # Rounding the device scale (1.25 -> 1) blurs nothing but breaks touch sizes: pass it through.
    os.environ.setdefault("QT_ENABLE_HIGHDPI_SCALING", "1")


def install_translations(app) -> list:
    """Load the app's translation for the system locale (English is the source language)."""
    from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator

    loaded = []
    folder = Path(__file__).resolve().parent / "resources" / "translations"
    locale = QLocale.system()
    mine = QTranslator(app)
    if mine.load(locale, "field_assistant", "_", str(folder)):
        app.installTranslator(mine)
        loaded.append(mine)
    qt = QTranslator(app)
    if qt.load(locale, "qtbase", "_", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt)
        loaded.append(qt)
    return loaded


def create_app(argv: list[str] | None = None):
    """The QApplication (reused if one exists, as under pytest-qt)."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
        app = QApplication(argv or [sys.argv[0]])
    app.setApplicationName(APP_ID)
    app.setApplicationDisplayName("Field Assistant")
    app.setOrganizationName("Field Assistant")
    app.setDesktopFileName(APP_ID)
    # The GUI thread should win the GIL quickly when workers run Python code (parsing, prompts).
    sys.setswitchinterval(0.002)
    return app


class ErrorReporter:
    """Unhandled exceptions (GUI thread or any other): logged with the traceback, shown once."""

    def __init__(self, window_getter):
        from PySide6.QtCore import QObject, Qt, Signal

        class _Relay(QObject):
            message = Signal(str)

        self._window = window_getter
        self._showing = False
        # Created on the GUI thread: a message emitted from any other thread is queued to it,
        # so no widget is touched off the GUI thread.
        self._relay = _Relay()
        self._relay.message.connect(self.show, Qt.ConnectionType.QueuedConnection)

    def install(self) -> None:
        sys.excepthook = self.hook
        threading.excepthook = lambda args: self.hook(args.exc_type, args.exc_value, args.exc_traceback)

    def hook(self, exc_type, exc, tb) -> None:
        if exc_type is not None and issubclass(exc_type, KeyboardInterrupt):
            app = _app()
            if app is not None:
                app.exit(130)
            return
        log.error("unhandled exception:\n%s", "".join(traceback.format_exception(exc_type, exc, tb)))
        _say(f"field-assistant: unexpected error: {getattr(exc_type, '__name__', 'Error')}: {exc}")
        self._relay.message.emit(f"{getattr(exc_type, '__name__', 'Error')}: {exc}")

    def show(self, message: str) -> None:
        from PySide6.QtCore import Qt
        from PySide6.QtWidgets import QMessageBox

        from assistant import paths

        if self._showing:
            return
        self._showing = True
        text = (f"Something went wrong: {message}\n\nThe app keeps running. Details are in the log file:\n"
                f"{paths.logs_dir() / 'field-assistant.log'}")
        box = QMessageBox(QMessageBox.Icon.Critical, "Field Assistant", text, QMessageBox.StandardButton.Ok,
                          self._window())
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.finished.connect(lambda *_: setattr(self, "_showing", False))
        box.open()


def _app():
    from PySide6.QtWidgets import QApplication

    return QApplication.instance()


def build_window(kiosk: bool | None = None, services=None):
    """The themed main window (not shown) with its services; kiosk defaults to the setting."""
    from PySide6.QtWidgets import QApplication

    from . import theme
    from .main_window import MainWindow
    from .services import Services

    services = services or Services(auto_demo=True)
    s = services.settings
    kiosk = s.kiosk if kiosk is None else kiosk
    theme.apply(QApplication.instance(), s.theme, s.text_size, touch=kiosk)
    window = MainWindow(services, kiosk=kiosk)
    return window


def run(kiosk: bool = False, screenshot: str | None = None) -> int:
    """Open the app. With `screenshot`, save a PNG of the ready window and exit 0."""
    from assistant import logs

    logs.setup()
    _qt_env()
    t0 = time.perf_counter()
    try:
        from PySide6.QtCore import QTimer
    except ImportError as e:
        _say(f"field-assistant: the desktop app needs PySide6 ({e}); install it with: pip install -e '.[gui]'")
        return 1
    if (os.environ.get("QT_QPA_PLATFORM", "").startswith("offscreen") and not screenshot
            and not os.environ.get("FIELD_ASSISTANT_ALLOW_OFFSCREEN")):
        _say("field-assistant: no display found (DISPLAY and WAYLAND_DISPLAY are unset). Run it on the "
             "device's desktop, or under a virtual display: xvfb-run field-assistant gui")
        return 1

    app = create_app()
    install_translations(app)
    window = None
    reporter = ErrorReporter(lambda: window)
    reporter.install()
    window = build_window(kiosk=kiosk or None)
    if not window.kiosk.active:
        screen = app.primaryScreen().availableGeometry()
        w, h = min(1360, screen.width()), min(860, screen.height())
        window.setGeometry(screen.x() + (screen.width() - w) // 2, screen.y() + (screen.height() - h) // 2, w, h)
        window.show()
    log.info("window shown %.0f ms after launch", (time.perf_counter() - t0) * 1000)
    if os.environ.get("FIELD_ASSISTANT_STARTUP_TIMES"):
        # For bench/cold_start.py: wall-clock times of the first event-loop pass after show() and of
        # the ready window, on stderr.
        QTimer.singleShot(0, lambda: _say(f"startup: window shown {time.time():.3f}"))
        window.ready.connect(lambda: _say(f"startup: window ready {time.time():.3f}"))
    # Background loading starts once the window is painted.
    QTimer.singleShot(0, window.start)

    result = {"code": 0}
    if screenshot:
        _arrange_screenshot(app, window, screenshot, result)

    def stop(*_):
        window.force_close()
        app.exit(130)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    # Let the Python interpreter run its signal handlers while Qt's loop is idle.
    ticker = QTimer(interval=250, timeout=lambda: None)
    ticker.start()
    code = app.exec()
    clean = window.shutdown(SHUTDOWN_S)
    code = result["code"] if screenshot else code
    if clean:
        from assistant import llm

        llm.unload_all()
    else:
        # A core call still unwinding (a model load cannot be interrupted): exit now rather than
        # make the user wait; everything that must persist is committed in its own transaction.
        log.warning("exiting with background work still running")
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    return code


def _arrange_screenshot(app, window, path: str, result: dict) -> None:
    from PySide6.QtCore import QTimer

    def save():
        target = Path(path).expanduser()
        target.parent.mkdir(parents=True, exist_ok=True)
        img = window.grab()
        if not img.save(str(target), "PNG"):
            _say(f"field-assistant: cannot write {target}")
            result["code"] = 1
        else:
            _say(f"screenshot saved to {target} ({img.width()}x{img.height()})", sys.stdout)
        window.force_close()
        app.exit(result["code"])

    def when_ready():
        # Let pending layouts and repaints settle before grabbing.
        QTimer.singleShot(400, save)

    def timeout():
        if not window.is_ready:
            _say(f"field-assistant: the window was not ready after {SCREENSHOT_TIMEOUT_S} s; saving it anyway")
            save()

    window.ready.connect(when_ready)
    QTimer.singleShot(SCREENSHOT_TIMEOUT_S * 1000, timeout)
