"""Run by tests/ui/test_voice.py in its own process (QtMultimedia connects to the sound server
once per process, so the virtual microphone must exist before Qt starts): open the app, hold the
talk key while paplay speaks FA_TEST_WAV into the microphone, let go, print what happened as JSON.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import ui  # noqa: F401  (before any Qt import: the Qt compatibility guards)


def wait(app, cond, seconds: float) -> bool:
    from PySide6.QtCore import QEventLoop

    end = time.monotonic() + seconds
    while not cond() and time.monotonic() < end:
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        time.sleep(0.01)
    return cond()


def main() -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from tests.pulse import PAPLAY, SINK
    from ui.app import build_window
    from ui.services import Services

    app = QApplication([sys.argv[0]])
    w = build_window(services=Services())
    w.resize(1280, 800)
    w.show()
    w.start()
    if not wait(app, lambda: w.is_ready, 180):
        print("window not ready", file=sys.stderr)
        return 2
    voice, out = w.ask.voice, {"messages": []}
    voice.message.connect(out["messages"].append)
    voice.press()
    out["device"] = voice.recorder.device_name
    if voice.state != "recording":
        print(json.dumps({**out, "state": voice.state, "reason": voice.reason}))
        return 3
    t0 = time.monotonic()
    player = subprocess.Popen([*PAPLAY, f"--device={SINK}", os.environ["FA_TEST_WAV"]])
    wait(app, lambda: player.poll() is not None, 60)
    wait(app, lambda: False, 0.3)  # the tail of the audio
    out["recorded_s"] = round(voice.recorder.buffer.duration_s, 2) if voice.recorder.buffer else 0
    out["held_s"] = round(time.monotonic() - t0, 2)
    voice.release()
    wait(app, lambda: w.ask.current is not None or (voice.state == "idle" and out["messages"]), 300)
    out["box"] = w.ask.box.text()
    out["asked"] = w.ask.current.question if w.ask.current else None
    if w.ask.current:
        wait(app, lambda: not w.ask.current.busy, 300)
    print(json.dumps(out))
    w.force_close()
    w.shutdown(2.0)
    QTimer.singleShot(0, app.quit)
    return 0


if __name__ == "__main__":
    sys.exit(main())
