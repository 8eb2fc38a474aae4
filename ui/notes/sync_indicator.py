"""The sync indicator in the status bar, and the background sync that drives it.

assistant.sync.SyncService runs on its own thread (timer, note changes, reconnects, backoff); its
status callbacks arrive on that thread and reach the GUI through a queued signal. Clicking the
indicator syncs now, or opens Settings when no server is configured.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QToolButton

from .. import theme

log = logging.getLogger(__name__)

STATES = {  # SyncStatus.state -> icon, colour key
    "offline": ("offline", "muted"), "syncing": ("refresh", "accent"), "synced": ("check", "ok"),
    "waiting": ("upload", "warn_border"), "conflict": ("warning", "warn_border"),
    "error": ("danger", "danger_border"), "stopped": ("offline", "muted"),
}


class SyncBridge(QObject):
    """Owns the SyncService; re-emits its status on the GUI thread.

    Never two services at once, and never a wait on the GUI thread: a restart (new settings) asks
    the old service to stop and starts the new one when the old thread reports that it has ended
    (a request in flight can take a while to give up).
    """

    status = Signal(object)  # SyncStatus, or None when sync is not set up

    def __init__(self, settings_fn, parent=None):
        super().__init__(parent)
        self._settings = settings_fn
        self.service = None
        self._stopping = None  # the previous service, until its thread has ended
        self._start_wanted = False
        # Queued: the service calls back from its own thread.
        self._relay.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self._stopped.connect(self._old_service_ended, Qt.ConnectionType.QueuedConnection)

    _relay = Signal(object)  # (service, SyncStatus)
    _stopped = Signal(object)

    def configured(self) -> bool:
        return bool(self._settings().sync_url)

    def start(self) -> None:
        """Start (or restart, after the settings changed) the background sync."""
        self._retire()
        if not self.configured():
            self._start_wanted = False
            self.status.emit(None)
            return
        self._start_wanted = True
        if self._stopping is None:
            self._start_service()
        # else: _old_service_ended starts it

    def _start_service(self) -> None:
        from assistant.sync.service import SyncService

        self._start_wanted = False
        # config=None: the service reads settings (and the keyring) at every round.
        service = SyncService()
        service.add_listener(lambda st: self._relay.emit((service, st)))
        self.service = service
        self.service.start()
        self.service.sync_now()

    def _retire(self) -> None:
        """Ask the running service to stop, without waiting for it."""
        service, self.service = self.service, None
        if service is None:
            return
        service.stop(0)
        if service.running:
            self._stopping = service
            service.when_stopped(lambda: self._stopped.emit(service))

    def _old_service_ended(self, service) -> None:
        if service is self._stopping:
            self._stopping = None
            if self._start_wanted and self.service is None:
                self._start_service()

    def sync_now(self) -> None:
        if self.service is not None:
            self.service.sync_now()

    def stop(self, timeout: float = 5.0) -> None:
        """At close: stop, waiting up to `timeout` for the thread (the window is going away)."""
        self._start_wanted = False
        service, self.service = self.service, None
        for s in (service, self._stopping):
            if s is not None:
                s.stop(timeout)

    def _deliver(self, item) -> None:
        service, st = item
        if service is self.service:  # not the late words of a service being retired
            self.status.emit(st)


class SyncIndicator(QToolButton):
    """Offline / syncing / synced / N waiting / conflicts, as an icon and a short text."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("StatusButton")
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setAutoRaise(True)
        self.state = "unset"
        self.show_status(None)

    def show_status(self, st) -> None:
        if st is None:
            self.state = "unset"
            icon, key = "offline", "muted"
            text = self.tr("Sync not set up")
            tip = self.tr("Notes stay on this device. Click to set up a sync server in Settings.")
        else:
            self.state = st.state
            icon, key = STATES.get(st.state, ("info", "muted"))
            text = _label(self, st)
            tip = text + ("\n" + st.message if st.message and st.state != "error" else "")
            if st.last_synced_at:
                tip += "\n" + self.tr("Last synced {0}").format(st.last_synced_at[:16].replace("T", " "))
            tip += "\n" + self.tr("Click to sync now")
        self.setIcon(theme.icon(icon, theme.color(key), 16))
        self.setText(text)
        self.setToolTip(tip)
        self.setAccessibleName(self.tr("Notes sync: {0}").format(text))


def _label(w, st) -> str:
    """SyncStatus.label, through tr() so it can be translated."""
    waiting = w.tr("{0} waiting").format(st.pending) if st.pending else ""
    if st.state == "offline":
        return w.tr("Offline") + (f" · {waiting}" if waiting else "")
    if st.state == "syncing":
        return w.tr("Syncing…")
    if st.state == "conflict":
        return w.tr("{0} conflict(s) to review").format(st.conflicts)
    if st.state == "waiting":
        parts = [waiting] if waiting else []
        if st.parked:
            parts.append(w.tr("{0} rejected by the server").format(st.parked))
        return ", ".join(parts) or w.tr("Waiting")
    if st.state == "error":
        return w.tr("Sync error: {0}").format(st.message)[:80]
    if st.state == "stopped":
        return w.tr("Sync off")
    return w.tr("Synced")

