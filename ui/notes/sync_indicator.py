"""The sync indicator in the status bar, and the background sync that drives it.

assistant.sync.SyncService does its rounds (timer, note changes, reconnects, backoff) in a job on the
`sync` lane, submitted through `Services.submit` like all background work; its status comes back as
the job's progress, on the GUI thread. Clicking the indicator syncs now, or opens Settings when no
server is configured.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QToolButton

from .. import theme
from ..widgets import status_button

log = logging.getLogger(__name__)

STATES = {  # SyncStatus.state -> icon, colour key
    "offline": ("offline", "muted"), "syncing": ("refresh", "accent"), "synced": ("check", "ok"),
    "waiting": ("upload", "warn_border"), "conflict": ("warning", "warn_border"),
    "error": ("danger", "danger_border"), "stopped": ("offline", "muted"),
}


class SyncBridge(QObject):
    """Runs the SyncService with the GUI's settings as a job on the `sync` lane; re-emits its status.

    Never two services at once, and never a wait on the GUI thread: a restart (new settings) cancels
    the running job, whose cancel hook asks its service to stop, and submits the new one, which the
    lane's one thread starts when the old one has ended (a request in flight can take a while to give
    up). Closing the app cancels the job like any other (`Services.shutdown`).
    """

    status = Signal(object)  # SyncStatus, or None when sync is not set up

    def __init__(self, services, parent=None):
        super().__init__(parent)
        self.services = services
        self.service = None
        self.job = None

    def configured(self) -> bool:
        return bool(self.services.settings.sync_url)

    def depot_configured(self) -> bool:
        from assistant.fleet.round import configured

        return configured(self.services.settings)

    def start(self) -> None:
        """Start (or restart, after the settings changed) the background sync."""
        self.stop()
        if not self.configured() and not self.depot_configured():
            self.status.emit(None)
            return
        from assistant.sync.service import SyncService

        # The server is read from the GUI's settings at every round (and the keyring), never from disk.
        service = SyncService.from_settings(lambda: self.services.settings)

        def rounds(ctx):
            shown = [None]

            def report(st):
                # A state change goes to the GUI at once; a download's next percent waits for the throttle.
                p = st.depot_progress
                step = None if p is None else (p.phase, p.kind, p.name, p.revision)
                ctx.report(st, flush=step is None or step != shown[0])
                shown[0] = step

            service.add_listener(report)
            ctx.on_cancel(lambda: service.stop(0))
            service.run()
            ctx.check()  # stopped by a cancel: the job ends as cancelled

        job = self.services.submit(rounds, lane="sync", name="sync")
        # Only the current service's words count, not the late ones of a service being retired.
        job.progress.connect(lambda batch: job is self.job and self.status.emit(batch[-1]))
        self.service, self.job = service, job

    def sync_now(self) -> None:
        if self.service is not None:
            self.service.sync_now()

    def stop(self) -> None:
        """Cancel the sync job (queued or running) without waiting for it."""
        job, self.job, self.service = self.job, None, None
        if job is not None:
            job.cancel()


class SyncIndicator(QToolButton):
    """Offline / syncing / synced / N waiting / conflicts, as an icon and a short text."""

    def __init__(self, parent=None):
        super().__init__(parent)
        status_button(self)
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

