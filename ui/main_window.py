"""The main window: navigation rail, the Ask / Manual / Library pages, the status bar, kiosk mode."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QEvent, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QButtonGroup,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSizePolicy,
    QStackedWidget,
    QToolButton,
    QWidget,
)

from . import theme
from .chat.ask_view import AskView
from .depot_indicator import DepotIndicator
from .kiosk import KioskController, PinDialog
from .library.library_view import LibraryView
from .library.watch_poller import WatchPoller
from .notes.notes_view import NotesView
from .notes.sync_indicator import SyncBridge, SyncIndicator
from .procedure.procedure_view import ProcedureView
from .services import Services
from .settings_dialog import SettingsDialog
from .viewer.viewer_view import ViewerView
from .voice.hands_free import HandsFree
from .voice.speaker import Speaker
from .widgets import Toast, accept_file_drag, box, dropped_paths, panel, refresh_icons, repolish

log = logging.getLogger(__name__)

PAGES = ("ask", "viewer", "library", "notes", "procedure")


class StatusItem(QWidget):
    """An icon and a short text in the status bar."""

    def __init__(self, icon: str, text: str = "", accessible: str = ""):
        super().__init__()
        lay = box(self, (6, 0, 10, 0), 6, row=True)
        self.icon = QLabel()
        self.text = QLabel(text)
        self.text.setTextFormat(Qt.TextFormat.PlainText)  # model names, messages: data, never markup
        lay.addWidget(self.icon)
        lay.addWidget(self.text)
        self._accessible = accessible
        self.set(icon, text)

    def set(self, icon: str, text: str, color_key: str = "muted") -> None:
        self.icon_name, self.color_key = icon, color_key
        self.icon.setPixmap(theme.icon(icon, theme.color(color_key), 16).pixmap(16, 16))
        self.text.setText(text)
        self.setAccessibleName(f"{self._accessible}: {text}" if self._accessible else text)
        self.setToolTip(text)


def network_online() -> bool | None:
    """Whether the device has a default route (Linux); None when unknown. Never sends anything."""
    try:
        lines = Path("/proc/net/route").read_text().splitlines()[1:]
    except OSError:
        return None
    return any(len(f := ln.split()) > 2 and f[1] == "00000000" for ln in lines)


def _freeze_heap() -> None:
    """Move everything alive after start-up (Qt wrappers, models, modules) out of the garbage
    collector's reach: a full collection over them takes 100+ ms, and whichever thread triggers
    it holds the GIL meanwhile, which froze the window in the middle of an answer."""
    import gc

    gc.collect()
    gc.freeze()


class MainWindow(QMainWindow):
    ready = Signal()  # the library is listed and the chat model has loaded (or failed to)

    def __init__(self, services: Services, kiosk: bool = False):
        super().__init__()
        self.services = services
        self._ready = False
        self._closing = False
        self.setWindowTitle(self.tr("Field Assistant"))
        self.setWindowIcon(theme.icon("logo", None, 64))
        self.setAccessibleName(self.tr("Field Assistant"))
        self.setAcceptDrops(True)
        self.setMinimumSize(QSize(960, 600))

        central = QWidget()
        root = box(central, row=True)
        root.addWidget(self._build_nav())
        self.stack = QStackedWidget()
        self.ask = AskView(services, touch=kiosk)
        self.viewer = ViewerView(services)
        self.library = LibraryView(services)
        self.notes = NotesView(services)
        # Read aloud (issue 14): one Speaker for the window, given to procedure mode and HandsFree.
        self.speaker = Speaker(lambda: services.settings, parent=self, submit=services.submit)
        self.procedure = ProcedureView(services, speaker=self.speaker)
        for w in (self.ask, self.viewer, self.library, self.notes, self.procedure):
            self.stack.addWidget(w)
        root.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        sb = self.statusBar()
        sb.setSizeGripEnabled(False)
        self.model_status = StatusItem("model", self.tr("Chat model: starting…"), self.tr("Chat model"))
        self.library_status = StatusItem("database", self.tr("Library: opening…"), self.tr("Library"))
        self.net_status = StatusItem("offline", "", self.tr("Network"))
        sb.addWidget(self.model_status)
        sb.addWidget(self.library_status)
        self.sync_status = SyncIndicator()
        self.sync_status.clicked.connect(self._sync_clicked)
        sb.addPermanentWidget(self.sync_status)
        self.depot_status = DepotIndicator()  # issue 15: manuals and models from the depot
        self.depot_status.clicked.connect(self._depot_clicked)
        self.depot_status.rollback_seen.connect(self._rollback_seen)
        sb.addPermanentWidget(self.depot_status)
        sb.addPermanentWidget(self.net_status)
        self.toast = Toast(self)

        self.kiosk = KioskController(self)
        self.kiosk.changed.connect(self._kiosk_changed)

        self.ask.open_source.connect(self.open_source)
        self.ask.start_procedure.connect(self.start_procedure)
        self.ask.add_manuals.connect(lambda: (self.go("library"), self.library.choose_files()))
        self.ask.load_demo.connect(lambda: (self.go("library"), self.library.load_demo()))
        self.viewer.back_requested.connect(lambda: self.go("ask"))
        self.library.open_manual.connect(self.open_manual)
        self.library.message.connect(self.notify)
        self.ask.voice.message.connect(self.notify)
        self.ask.save_to_notes.connect(self.notes.save_answer)
        self.notes.open_source.connect(self.open_source)
        self.notes.message.connect(self.notify)
        self.procedure.message.connect(self.notify)
        self.procedure.closed.connect(lambda: self.go(self._before_procedure))
        self._before_procedure = "ask"
        # Notes sync runs on the `sync` lane once the window is ready; its status comes back queued.
        self.sync = SyncBridge(self.services, self)
        self.sync.status.connect(self._sync_status)
        self.ready.connect(self.sync.start)
        # The speech model loads once everything else is up (it competes with the chat model for
        # the CPU), so the first spoken question is not slowed by it.
        self.ready.connect(self.ask.voice.preload)
        # Watched folders are scanned once the window is ready (the embedder is loaded), then kept up.
        self.watch = WatchPoller(self.services, self)
        self.watch.message.connect(lambda text: self.notify(text, 8000))
        self.ready.connect(self.watch.start)
        # Manuals stored by an older version get what they lack (rows, procedures, OCR) in the background.
        self.ready.connect(self.services.upgrade_if_needed)
        # Read aloud and the wake word (issue 14): speaker, wake listener, level meter, barge-in.
        self.hands_free = HandsFree(self, self.speaker)
        QGuiApplication.instance().installEventFilter(self)  # Space: push-to-talk on the Ask page
        services.model_state_changed.connect(self._model_state)
        services.library_changed.connect(self._library_changed)
        services.embedder_state_changed.connect(self._embedder_state)
        self._build_shortcuts()

        self._net_timer = QTimer(self, interval=10_000, timeout=self._network)
        self._net_timer.start()
        self._network()
        self.go("ask")
        if kiosk:
            self.kiosk.enter()

    # -- construction ------------------------------------------------------------------------

    def _build_nav(self) -> QWidget:
        nav, lay = panel("NavRail", (0, 14, 0, 12), 4)
        logo = QLabel()
        logo.setPixmap(theme.icon("logo", None, 40).pixmap(40, 40))
        logo.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        logo.setAccessibleName(self.tr("Field Assistant"))
        lay.addWidget(logo)
        brand = QLabel(self.tr("Field\nAssistant"))
        brand.setObjectName("Brand")
        brand.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        lay.addWidget(brand)
        lay.addSpacing(14)
        self.nav_group = QButtonGroup(self)
        self.nav_group.setExclusive(True)
        self.nav: dict[str, QToolButton] = {}
        for key, text, icon, tip in (
            ("ask", self.tr("Ask"), "ask", self.tr("Ask the manuals (Ctrl+1)")),
            ("viewer", self.tr("Manual"), "page", self.tr("The manual page of a source (Ctrl+2)")),
            ("library", self.tr("Library"), "library", self.tr("Manuals on this device (Ctrl+3)")),
            ("notes", self.tr("Notes"), "new", self.tr("Job notes, synced to the depot (Ctrl+4)")),
        ):
            b = self._nav_button(text, icon, tip)
            b.setCheckable(True)
            b.clicked.connect(lambda _=False, k=key: self.go(k))
            self.nav_group.addButton(b)
            self.nav[key] = b
            lay.addWidget(b)
        # "Scan nameplate" (issue 15): a plate's QR code or barcode picks the job (ui/nameplate.py)
        from .nameplate import NameplateScanner

        self.scanner = NameplateScanner(self.services, self)
        self.scanner.message.connect(lambda text: self.notify(text, 6000))
        self.scan_button = self._nav_button(self.tr("Scan"), "search", self.tr("Scan a nameplate's code to pick the job"))
        self.scan_button.setMenu(self.scanner.menu())
        self.scan_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        lay.addWidget(self.scan_button)
        lay.addStretch(1)
        self.settings_button = self._nav_button(self.tr("Settings"), "settings", self.tr("Settings (Ctrl+,)"))
        self.settings_button.clicked.connect(self.open_settings)
        lay.addWidget(self.settings_button)
        self.unlock_button = self._nav_button(self.tr("Admin"), "lock",
                                              self.tr("Leave kiosk mode (administrator PIN)"))
        self.unlock_button.clicked.connect(self.request_exit_kiosk)
        self.unlock_button.hide()
        lay.addWidget(self.unlock_button)
        return nav

    def _nav_button(self, text: str, icon: str, tip: str) -> QToolButton:
        b = QToolButton()
        b.setText(text)
        b.setToolTip(tip)
        b.setAccessibleName(text)
        b.setProperty("fa_icon", icon)
        b.setProperty("fa_nav", True)
        b.setIcon(theme.nav_icon(icon))
        b.setIconSize(QSize(26, 26))
        b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextUnderIcon)
        b.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        b.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        b.setCursor(Qt.CursorShape.PointingHandCursor)
        return b

    def _build_shortcuts(self) -> None:
        self.quit_action = QAction(self.tr("Quit"), self, shortcut=QKeySequence.StandardKey.Quit,
                                   triggered=self.close)
        for seq, fn in (
            ("Ctrl+1", lambda: self.go("ask")),
            ("Ctrl+2", lambda: self.go("viewer")),
            ("Ctrl+3", lambda: self.go("library")),
            ("Ctrl+4", lambda: self.go("notes")),
            ("Ctrl+,", self.open_settings),
            ("Ctrl+L", lambda: (self.go("ask"), self.ask.focus_question())),
            ("Ctrl+N", lambda: self.notes.new_note() if self.page == "notes"
             else (self.go("ask"), self.ask.new_question())),
            ("Ctrl+O", lambda: (self.go("library"), self.library.choose_files())),
        ):
            self.addAction(QAction(self, shortcut=QKeySequence(seq), triggered=fn))
        self.addAction(self.quit_action)

    # -- navigation --------------------------------------------------------------------------

    def go(self, page: str) -> None:
        self.stack.setCurrentIndex(PAGES.index(page))
        if page in self.nav:  # procedure mode has no button of its own: an answer opens it
            self.nav[page].setChecked(True)
        if page == "ask":
            self.ask.box.setFocus()
        elif page == "notes":
            self.notes.refresh()

    @property
    def page(self) -> str:
        return PAGES[self.stack.currentIndex()]

    def open_source(self, source, terms=None) -> None:
        self.viewer.open(source, terms or [])
        self.go("viewer")

    def open_manual(self, manual: dict) -> None:
        self.viewer.open_manual(manual)
        self.go("viewer")

    def start_procedure(self, procedure_id: int, note_id: str | None = None) -> None:
        """Procedure mode for stored procedure `procedure_id` (read on the pool lane by
        `fetch_procedure(db, procedure_id)`), logged to note `note_id` (None: its own note)."""
        log.info("start procedure %s requested", procedure_id)

        def fetch(ctx):
            return self.fetch_procedure(ctx.db, procedure_id)

        self.services.submit(fetch, lane="pool", name="procedure-get", owner=self,
                             on_result=lambda p: self.open_procedure(p, note_id),
                             on_error=lambda e: self.notify(self.tr("This procedure cannot be opened: {0}").format(e),
                                                            8000))

    @staticmethod
    def fetch_procedure(db, procedure_id: int):
        """The stored procedure `procedure_id` (tests may put another reader in its place)."""
        from assistant.procedures import store

        return store.get(db, procedure_id)

    def open_procedure(self, procedure, note_id: str | None = None) -> None:
        """Procedure mode for a `Procedure` object: warnings, then its steps (or where it stopped)."""
        if self.page != "procedure":
            self._before_procedure = self.page
        self.procedure.open(procedure, note_id)
        self.go("procedure")

    # -- state -------------------------------------------------------------------------------

    def start(self) -> None:
        """Begin background loading; called once the window is on screen."""
        self.services.start()

    def _model_state(self, state: str, message: str) -> None:
        if state == "loading":
            self.model_status.set("model", message, "accent")
        elif state == "ready":
            self.model_status.set("model", self.tr("Chat model: {0}").format(message), "ok")
        elif state == "missing":
            self.model_status.set("warning", self.tr("No chat model: search only"), "warn_border")
            self.model_status.setToolTip(message)
        else:
            self.model_status.set("danger", self.tr("Chat model failed to load"), "danger_border")
            self.model_status.setToolTip(message)
            self.notify(self.tr("The chat model could not be loaded: {0}").format(message), 8000)
        self._check_ready()

    def _embedder_state(self, state: str, message: str) -> None:
        if state == "missing":
            self.notify(self.tr("Search by meaning is unavailable ({0}). Keyword search still works.").format(message),
                        8000)
        self._check_ready()

    def _library_changed(self, manuals: list) -> None:
        n = len(manuals)
        chunks = sum(m["chunks"] for m in manuals)
        self.library_status.set("database", self.tr("{0} manuals · {1} passages").format(n, chunks) if n
                                else self.tr("Library empty"), "muted")
        self._check_ready()

    def _check_ready(self) -> None:
        s = self.services
        if (not self._ready and s.library_loaded and not s.demo_loading and s.model_state in ("ready", "missing", "error")
                and s.embedder_state != "loading"):
            self._ready = True
            log.info("main window ready")
            _freeze_heap()
            self.ready.emit()

    @property
    def is_ready(self) -> bool:
        return self._ready

    def _network(self) -> None:
        online = network_online()
        if online is None:
            self.net_status.set("offline", self.tr("Works offline"), "muted")
        elif online:
            self.net_status.set("online", self.tr("Online · answers stay on this device"), "muted")
        else:
            self.net_status.set("offline", self.tr("Offline · everything works on this device"), "muted")

    def notify(self, text: str, ms: int = 3500) -> None:
        self.toast.show_message(text, ms)

    def show_error(self, text: str, title: str | None = None) -> None:
        """One clear message in a dialog; the app keeps running."""
        box = QMessageBox(QMessageBox.Icon.Warning, title or self.tr("Field Assistant"), text,
                          QMessageBox.StandardButton.Ok, self)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        return box

    # -- settings and theme ------------------------------------------------------------------

    def open_settings(self):
        """Settings; in kiosk mode only after the admin PIN."""
        if self.kiosk.active and self.services.settings.kiosk_pin_hash:
            dlg = PinDialog(self.services.settings.kiosk_pin_hash, self.tr("Enter the PIN to open Settings."), self)
            dlg.accepted.connect(self._settings_dialog)
            dlg.open()
            return dlg
        return self._settings_dialog()

    def _settings_dialog(self) -> SettingsDialog:
        dlg = SettingsDialog(self.services, self.kiosk.active, self, speaker=self.speaker)
        dlg.saved.connect(self._settings_saved)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        scale = 1.3 if self.kiosk.active else 1.0
        dlg.resize(min(int(720 * scale), self.width() - 40), min(int(820 * scale), self.height() - 40))
        dlg.open()
        self.settings_dialog = dlg
        return dlg

    def _settings_saved(self, changes: dict) -> None:
        if "kiosk" in changes:
            if changes["kiosk"] and not self.kiosk.active:
                self.kiosk.enter()
            elif not changes["kiosk"] and self.kiosk.active:
                self.kiosk.leave()
        if {"theme", "text_size"} & set(changes) and "kiosk" not in changes:
            self.apply_theme()
        if any(k.startswith(("sync_", "depot_")) or k == "device_groups" for k in changes):
            self.sync.start()  # a new server or credentials: start over with them
        if changes.get("sync_password"):
            self.notify(self.tr("No OS keyring on this device: the sync password is kept in the app's "
                                "settings file, readable by this user only."), 8000)
            return
        if "voice_input" in changes:
            self.ask.voice.refresh()
        if "kiosk_pin_hash" in changes:
            self.notify(self.tr("Admin PIN saved."))
        elif changes:
            self.notify(self.tr("Settings saved."))

    def apply_theme(self) -> None:
        s = self.services.settings
        app = QGuiApplication.instance()
        theme.apply(app, s.theme, s.text_size, touch=self.kiosk.active, screen=self.screen())
        refresh_icons(self)
        for b in [*self.nav.values(), self.unlock_button, self.settings_button]:
            b.setIcon(theme.nav_icon(b.property("fa_icon")))
        self.ask.set_touch(self.kiosk.active)
        self.ask.restyle()  # what was drawn with palette colours baked in
        for item in (self.model_status, self.library_status, self.net_status):
            item.set(item.icon_name, item.text.text(), item.color_key)
        repolish(self)

    # -- kiosk -------------------------------------------------------------------------------

    def _kiosk_changed(self, active: bool) -> None:
        self.unlock_button.setVisible(active)
        self.quit_action.setEnabled(not active)
        self.apply_theme()

    def request_exit_kiosk(self):
        """Leave kiosk mode after the admin PIN (or a confirmation when no PIN is set)."""
        if not self.kiosk.active:
            return None
        stored = self.services.settings.kiosk_pin_hash
        if stored:
            dlg = PinDialog(stored, self.tr("Enter the PIN to leave kiosk mode."), self)
            dlg.accepted.connect(self.kiosk.leave)
            dlg.open()
            return dlg
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Leave kiosk mode"),
                          self.tr("No admin PIN is set, so kiosk mode is not locked. Leave kiosk mode?"),
                          QMessageBox.StandardButton.Cancel, self)
        leave = box.addButton(self.tr("Leave kiosk mode"), QMessageBox.ButtonRole.AcceptRole)
        box.buttonClicked.connect(lambda b: self.kiosk.leave() if b is leave else None)
        box.open()
        return box

    # -- closing -----------------------------------------------------------------------------

    def closeEvent(self, event) -> None:
        if self.kiosk.active and not self._closing:
            event.ignore()
            self.notify(self.tr("Kiosk mode is locked. An administrator can unlock it with the PIN."))
            return
        self.shutdown()
        event.accept()

    def force_close(self) -> None:
        """Close even in kiosk mode (the app is being stopped by the system, or by a test)."""
        self._closing = True
        self.close()

    def shutdown(self, timeout: float = 0.8) -> bool:
        """Cancel all work; True when every worker stopped within `timeout`."""
        first = not getattr(self, "_shut", False)
        self._shut = True
        if first:
            self._net_timer.stop()
            self.watch.stop()
            self.hands_free.stop()
            self.ask.stop()
            self.notes.save_now()  # the note being written is never lost on close
            self.procedure.stop()  # nor a procedure's progress still queued for its note
            self.sync.stop()
        clean = self.services.shutdown(timeout)  # again: waits for what is still running
        if first:
            log.info("shut down %s", "cleanly" if clean else "with work still running")
        return clean

    # -- drag and drop anywhere ----------------------------------------------------------------

    def _sync_status(self, st) -> None:
        self.depot_status.show_status(st, self.sync.depot_configured())
        if st is not None and not self.sync.configured():
            return  # the service runs for the depot alone: the notes indicator stays "not set up"
        self.sync_status.show_status(st)
        if st is not None and st.state in ("synced", "conflict") and self.page == "notes":
            self.notes.refresh()  # notes pulled from the server show up

    def _depot_clicked(self) -> None:
        if self.depot_status.show_details() is None and self.sync.depot_configured():
            self.sync.sync_now()
            self.notify(self.tr("Checking the depot…"))

    def _rollback_seen(self, model_id: str) -> None:
        """The technician opened a rollback's details: the device stops reporting it (the notes lane:
        a small sync_state write; the sync lane is the service's for as long as it runs)."""
        from assistant.fleet.models import acknowledge_rollback

        self.services.submit(lambda ctx: acknowledge_rollback(ctx.db, model_id), lane="notes",
                             name="depot-rollback-seen")

    def _sync_clicked(self) -> None:
        if self.sync.configured():
            self.sync.sync_now()
            self.notify(self.tr("Syncing notes…"))
        else:
            self.open_settings()

    def eventFilter(self, obj, event) -> bool:
        t = event.type()
        if (t in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease) and event.key() == Qt.Key.Key_Space
                and self.isActiveWindow() and self.page == "ask"):
            if event.isAutoRepeat():
                return self.ask.voice.state == "recording"  # holding Space: swallow the repeats
            return self.ask.voice_key(t == QEvent.Type.KeyPress)
        if (t in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease) and event.key() == Qt.Key.Key_Space
                and self.isActiveWindow() and self.page == "procedure"):
            if event.isAutoRepeat():
                return self.procedure.voice.state == "recording"
            return self.procedure.voice_key(t == QEvent.Type.KeyPress)
        return super().eventFilter(obj, event)

    def dragEnterEvent(self, event) -> None:
        accept_file_drag(event)

    def dropEvent(self, event) -> None:
        if paths := dropped_paths(event):
            self.go("library")
            self.library.add(paths)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.toast.isVisible():
            self.toast.move((self.width() - self.toast.width()) // 2, self.height() - self.toast.height() - 56)
