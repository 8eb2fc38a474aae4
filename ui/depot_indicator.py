"""The depot's state in the status bar (issue 15): manuals and models the depot sends this device.

Fed by the SyncService's status (the SyncBridge re-emits it on the GUI thread): `depot_progress` while a
depot round runs (checking, downloading with its percentage, installing a manual, proving a new model),
then `depot`, the round's report. A problem (depot unreachable, a refused document, a model rolled
back, a file that failed) stays shown until a later round clears it; clicking shows the details. A
model rolled back stays in view after that round too ("Depot up to date, rolled back ..."), as the
device keeps it (fleet.models.last_rollback), until the technician opens its details (`rollback_seen`)
or a newer model is installed.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QMessageBox, QToolButton

from . import theme
from .widgets import status_button

STATES = {  # state -> icon, colour key
    "unset": ("offline", "muted"), "pending": ("refresh", "muted"), "checking": ("refresh", "accent"),
    "downloading": ("refresh", "accent"), "installing": ("refresh", "accent"), "proving": ("model", "accent"),
    "up_to_date": ("check", "ok"), "waiting": ("upload", "warn_border"), "unreachable": ("offline", "muted"),
    "refused": ("danger", "danger_border"), "rolled_back": ("warning", "warn_border"),
    "failed": ("warning", "warn_border"), "error": ("danger", "danger_border"),
}
DETAILED = ("unreachable", "refused", "rolled_back", "failed", "error", "unset")


def clock(iso: str | None) -> str:
    """A UTC ISO time as the technician's local "HH:MM" (with the date when it is not today)."""
    if not iso:
        return ""
    try:
        t = datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone()
    except ValueError:
        return iso
    return t.strftime("%H:%M") if t.date() == datetime.now().astimezone().date() else t.strftime("%Y-%m-%d %H:%M")


def short(text: str, limit: int = 80) -> str:
    """A status bar's worth of `text`, cut at a word with "…" (the whole text is in the details)."""
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(" ,;:(") + "…"


class DepotIndicator(QToolButton):
    """One short text and an icon for the depot's state; `state` names it for tests and styling."""

    changed = Signal(str)  # the new text, whenever it changes
    rollback_seen = Signal(str)  # the model id whose rollback the technician opened the details of

    def __init__(self, parent=None):
        super().__init__(parent)
        status_button(self)
        self.state = ""
        self.details = ""  # what the click shows, for the states in DETAILED
        self.dialog: QMessageBox | None = None
        self._rollback: str | None = None  # the model id of the rollback shown
        self._seen: set[str] = set()  # rollbacks whose details were opened (the device forgets them too)
        self._last: tuple = (None, False)  # what `show_status` was given last
        self.show_status(None, configured=False)

    # -- what it shows -----------------------------------------------------------------------

    def show_status(self, st, configured: bool) -> None:
        """`st`: the SyncService's SyncStatus (None before the first); `configured`: a depot key and
        server are set (fleet.round.configured)."""
        progress = getattr(st, "depot_progress", None) if st is not None else None
        report = getattr(st, "depot", None) if st is not None else None
        self._rollback = None
        self._last = (st, configured)
        if not configured:
            self._set("unset", self.tr("Depot not set up"), self.tr(
                "No depot is set up on this device: manuals and models come only from this device's own library.\n"
                "An administrator sets one up with: field-assistant sync-setup --server URL --depot-key KEY"))
        elif progress is not None and getattr(st, "state", "") != "stopped":
            self._progress(progress)
        elif report is None:
            self._set("pending", self.tr("Depot: not checked yet"), self.tr("The depot is checked with the next sync."))
        else:
            self._report(report)

    def _progress(self, p) -> None:
        what = self._what(p.kind, p.name, p.revision)
        if p.phase == "downloading":
            pct = p.percent if p.percent is not None else 0
            self._set("downloading", self.tr("Downloading {0}, {1}%").format(what, pct),
                      self.tr("{0} of {1} KB").format(p.done // 1024, p.total // 1024))
        elif p.phase == "installing":
            self._set("installing", self.tr("Installing {0}…").format(what),
                      self.tr("The new revision replaces the old one in search when it is fully indexed."))
        elif p.phase == "proving":
            self._set("proving", self.tr("Trying the new {0}…").format(what),
                      self.tr("A new chat model is loaded and timed on this device before it is used; "
                              "the current model stays in use if it fails."))
        else:
            self._set("checking", self.tr("Checking the depot…"), self.tr("Reading what the depot has for this device."))

    def _what(self, kind, name, revision) -> str:
        if kind == "model":
            return self.tr("model {0} version {1}").format(name, revision)
        return self.tr("manual {0} rev {1}").format(name, revision)

    def _report(self, r: dict) -> None:
        problems = r.get("problems") or []
        listing = "\n".join(f"• {p}" for p in problems)
        refused = (r.get("pulled") or {}).get("refused") or []
        models = r.get("models") or {}
        failed = (r.get("manuals") or {}).get("failed") or []
        waiting = (r.get("manuals") or {}).get("waiting") or []
        seen = clock(r.get("last_seen"))
        if r.get("unreachable"):
            text = (self.tr("Depot unreachable (last seen {0})").format(seen) if seen
                    else self.tr("Depot unreachable (never reached)"))
            self._set("unreachable", text, self.tr("Manuals and models stay as they are; the depot is tried "
                                                   "again with the next sync.") + "\n\n" + str(r.get("error") or ""),
                      detailed=True)
        elif r.get("error"):
            # The round's error reads "depot: ..." (as on the command line): said once here. The
            # whole of it is in the details even when the report lists no problems.
            error = str(r["error"]).removeprefix("depot: ")
            self._set("error", short(self.tr("Depot error: {0}").format(error)), listing or str(r["error"]),
                      detailed=True)
        elif refused:
            text = (self.tr("Depot document refused: bad signature") if len(refused) == 1
                    else self.tr("{0} depot documents refused: bad signature").format(len(refused)))
            self._set("refused", text, self.tr(
                "A document from the depot is not signed with this device's depot key, or was changed after "
                "signing. Nothing from it was used; tell your depot administrator.") + "\n\n" + listing,
                detailed=True)
        elif models.get("rolled_back") and models["rolled_back"] not in self._seen:
            name = str(models["rolled_back"]).removeprefix("model:").replace(":", " ")
            self._set("rolled_back", self.tr("New model {0} rolled back: {1}").format(name, self._brief(models.get("reason"))),
                      self._rollback_details(name, models.get("kept"), models.get("reason")), detailed=True)
            self._rollback = str(models["rolled_back"])
        elif failed:
            self._set("failed", self.tr("Depot: {0} file(s) rejected").format(len(failed)), listing, detailed=True)
        elif waiting or models.get("waiting"):
            n = len(waiting) + len(models.get("waiting") or [])
            self._set("waiting", self.tr("Depot: {0} download(s) to resume").format(n),
                      self.tr("The connection dropped; the downloads go on from where they stopped with the next sync."))
        elif (rb := models.get("last_rollback")) and rb.get("id") not in self._seen:
            # An earlier round's rollback the technician has not looked at: up to date, and still said.
            name = f"{rb.get('name')} {rb.get('revision')}"
            self._set("rolled_back", self.tr("Depot up to date, rolled back {0} at {1}: {2}").format(
                name, clock(rb.get("at")), self._brief(rb.get("reason"))),
                self._rollback_details(name, rb.get("kept"), rb.get("reason")), detailed=True)
            self._rollback = str(rb.get("id"))
        else:
            self._set("up_to_date", self.tr("Depot up to date (last checked {0})").format(clock(r.get("checked_at"))),
                      self.tr("Manuals and models are the depot's latest for this device."))

    def _rollback_details(self, name: str, kept, reason) -> str:
        return self.tr("The new chat model {0} did not pass its check on this device, so the model in use "
                       "stays {1}.\n\nReason: {2}").format(name, kept or self.tr("the previous one"), reason)

    def _brief(self, reason) -> str:
        """A rollback's reason in a few words for the status bar (the whole of it is in the details)."""
        r = str(reason or "")
        if "latency budget" in r:
            return self.tr("too slow on this device")
        if "could not load" in r or "GGUF" in r or "truncated" in r or "no token" in r:
            return self.tr("does not load")
        if "SHA-256" in r or "signed document says" in r:
            return self.tr("file damaged in transfer")
        return short(r, 40)

    def _set(self, state: str, text: str, tip: str, detailed: bool = False) -> None:
        icon, key = STATES[state]
        self.state = state
        self.details = tip if (detailed or state in DETAILED) else ""
        self.setIcon(theme.icon(icon, theme.color(key), 16))
        self.setToolTip(tip + ("\n" + self.tr("Click for details") if self.details else ""))
        self.setAccessibleName(self.tr("Depot: {0}").format(text))
        if text != self.text():
            self.setText(text)
            self.changed.emit(text)

    # -- click -------------------------------------------------------------------------------

    def show_details(self) -> QMessageBox | None:
        """The details of a problem (or of the set-up), in a window-modal box; None when there are none."""
        if not self.details:
            return None
        box = QMessageBox(QMessageBox.Icon.Information if self.state == "unset" else QMessageBox.Icon.Warning,
                          self.tr("Depot"), self.text(), QMessageBox.StandardButton.Close, self.window())
        box.setObjectName("DepotDetails")
        box.setInformativeText(self.details)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        self.dialog = box
        if self.state == "rolled_back" and self._rollback:
            self._seen.add(self._rollback)
            self.rollback_seen.emit(self._rollback)
            self.show_status(*self._last)  # seen: the bar goes back to what else there is to say
        return box
