"""Screenshots of every view, for a person to look at (not a test).

    FIELD_ASSISTANT_HOME=/tmp/fa-demo xvfb-run -a -s "-screen 0 1280x800x24" \\
        .venv/bin/python tests/ui/shots.py --out /tmp/shots [--kiosk] [--theme dark]

The home must hold an ingested library (e.g. `field-assistant ingest resources/demo`).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="/tmp/shots")
    ap.add_argument("--kiosk", action="store_true")
    ap.add_argument("--theme", default=None)
    ap.add_argument("--question", default="What torque for the pump mounting bolts?")
    ap.add_argument("--prefix", default="")
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from assistant import logs
    from ui import app as uiapp

    logs.setup()
    app = uiapp.create_app()
    if args.theme:
        from assistant import settings

        settings.save(theme=args.theme)
    window = uiapp.build_window(kiosk=args.kiosk or None)
    if not window.kiosk.active:
        geo = app.primaryScreen().availableGeometry()
        window.setGeometry(geo)
        window.show()
    QTimer.singleShot(0, window.start)

    def pump(seconds: float, until=None) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
            if until is not None and until():
                break
            time.sleep(0.01)

    def shot(name: str, widget=None) -> None:
        pump(0.5)
        w = widget or window
        path = out / f"{args.prefix}{name}.png"
        w.grab().save(str(path))
        print("saved", path)

    pump(60, lambda: window.is_ready)
    shot("01-ask-empty")
    if window.sync.depot_configured():  # the depot's state once its first round has settled
        pump(120, lambda: window.depot_status.state not in ("pending", "checking", "downloading", "installing",
                                                             "proving"))
    shot("01b-status-bar", window.statusBar())
    turn = window.ask.ask(args.question)
    pump(5, lambda: bool(turn.text))
    shot("02-ask-streaming")
    pump(120, lambda: not turn.busy)
    shot("03-ask-answer")
    view = window.ask.turn_view
    if view is not None and view.sources:
        window.open_source(view.sources[0], view.terms)
        pump(15, lambda: window.viewer.canvas.image is not None or window.viewer.stack.currentIndex() == 2)
        shot("04-viewer")
    window.go("library")
    shot("05-library")
    window.library.add(["/nonexistent/broken.pdf"])
    pump(10, lambda: window.library.errors_card.isVisible())
    shot("06-library-error")
    dlg = window._settings_dialog()
    pump(2)
    shot("07-settings", dlg)
    dlg.reject()
    turn = window.ask.ask("UPS shuts down too early")
    window.go("ask")
    pump(120, lambda: not turn.busy)
    shot("08-ask-md")
    view = window.ask.turn_view
    if view is not None and view.sources:
        window.open_source(view.sources[0], view.terms)
        pump(15, lambda: window.viewer.stack.currentIndex() in (1, 2))
        shot("09-viewer-md")
    from assistant import db as dbmod
    from assistant.procedures import store as procstore

    conn = dbmod.connect()
    procs = procstore.search(conn, "replace seal", k=1) or procstore.search(conn, "replace", k=1)
    conn.close()
    if procs:
        window.start_procedure(procs[0].id)
        pump(5)
        shot("10-procedure-warnings")
        window.procedure.hear("acknowledged")
        pump(3)
        window.procedure.hear("next")
        pump(10)
        shot("11-procedure-step")
        window.procedure.leave()  # and opened again: resume at step 2, or start over
        window.start_procedure(procs[0].id)
        pump(5)
        shot("12-procedure-resume-or-start-over")
        window.procedure.hear("resume")
        pump(5)
        window.procedure.act("finish")
        pump(2)
    window.force_close()
    window.shutdown()
    QApplication.quit()
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main())
