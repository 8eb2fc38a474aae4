"""Run by tests/ui/test_wake.py in its own process (QtMultimedia connects to the sound server once
per process, so the virtual microphone must exist before Qt starts): a WakeListener on the default
microphone, FA_TEST_WAV played into it; prints the signals it emitted as JSON (with how many
times the wake chime started playing, on the default output: the same null sink the microphone
records, as a laptop's speaker is heard by its microphone).
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
    from PySide6.QtCore import QCoreApplication

    from tests.pulse import PAPLAY, SINK
    from ui.services import Services
    from ui.voice.wake import WakeListener

    app = QCoreApplication([sys.argv[0]])
    services = Services()
    wl = WakeListener(services)
    out = {"events": [], "messages": [], "max_level": 0.0, "chimes": 0}
    wl.woke.connect(lambda: out["events"].append("woke"))
    wl.chime.played.connect(lambda: out.__setitem__("chimes", out["chimes"] + 1))
    wl.utterance.connect(out["events"].append)
    wl.message.connect(out["messages"].append)
    wl.level.connect(lambda v: out.__setitem__("max_level", max(out["max_level"], v)))
    wl.start()
    out["device"] = wl.mic.device_name
    out["chime_problem"] = wl.chime.problem
    out["state"] = wl.state
    if wl.state != "listening":
        print(json.dumps(out))
        return 3
    wait(app, lambda: False, 1.0)  # the source is running before the first word
    player = subprocess.Popen([*PAPLAY, f"--device={SINK}", os.environ["FA_TEST_WAV"]])
    wait(app, lambda: player.poll() is not None, 60)
    wait(app, lambda: len(out["events"]) >= 2 or bool(out["messages"]), 180)
    wait(app, lambda: out["chimes"] > 0 or out["chime_problem"] is not None, 2)
    out["chime_problem"] = wl.chime.problem
    wl.stop()
    services.shutdown(2.0)
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
