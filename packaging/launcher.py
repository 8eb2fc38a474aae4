"""Entry point of the frozen app: the GUI by default; CLI subcommands from the same executable.

    field-assistant                  the desktop app (a double-click)
    field-assistant ask "..." ...    any `field-assistant` subcommand (README.md)
    field-assistant qt-check         the bundle's Qt: version, platform plugin, multimedia backend and
                                     the microphones QtMultimedia sees (exit 1 if QtMultimedia fails)
    field-assistant qt-check --record 2
                                     also record 2 s from the default microphone and print the level
                                     (exit 1 if recording fails): an admin's "does the mic work?"
"""

import multiprocessing
import os
import sys


def qt_check() -> int:
    """Prove the bundle carries a working QtMultimedia: list audio inputs (no window needed)."""
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    try:
        from PySide6 import __version__ as pyside_version
        from PySide6.QtCore import QLibraryInfo
        from PySide6.QtGui import QGuiApplication
        from PySide6.QtMultimedia import QMediaDevices

    except ImportError as e:
        print(f"field-assistant: QtMultimedia cannot be imported: {e}", file=sys.stderr)
        return 1
    app = QGuiApplication([sys.argv[0]])
    plugins = QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)
    backends = sorted(os.listdir(os.path.join(plugins, "multimedia"))) if os.path.isdir(
        os.path.join(plugins, "multimedia")) else []
    print(f"Qt {pyside_version}, platform {app.platformName()}, plugins {plugins}")
    print(f"multimedia backends: {', '.join(backends) or 'none'}")
    inputs = QMediaDevices.audioInputs()
    default = QMediaDevices.defaultAudioInput()
    for dev in inputs:
        mark = "*" if dev.id() == default.id() else " "
        print(f" {mark} audio input: {dev.description()}")
    if not inputs:
        print("   no audio input found (no sound server or microphone on this machine)")
    if "--record" in sys.argv:
        seconds = float(sys.argv[sys.argv.index("--record") + 1]) if sys.argv[-1] != "--record" else 2.0
        return _record(seconds) if inputs else 1
    return 0


def _record(seconds: float) -> int:
    """Record through the app's own push-to-talk recorder (ui.voice.recorder: device choice,
    format, QAudioSource) from the default microphone, and print the level."""
    import numpy as np
    from PySide6.QtCore import QElapsedTimer, QEventLoop

    from assistant import settings as settingsmod
    from ui.voice.recorder import Recorder

    # The system's default microphone (not the one chosen in the app); the app's longest take.
    take = settingsmod.load().model_copy(update={"voice_input": None})
    rec = Recorder(lambda: take)
    why = rec.start()
    if why:
        print(f"recording failed: {why}", file=sys.stderr)
        return 1
    timer, loop = QElapsedTimer(), QEventLoop()
    timer.start()
    while timer.elapsed() < seconds * 1000:
        loop.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
    buf = rec.stop()
    if buf is None or buf.duration_s == 0:
        print(f"recording failed: no audio arrived from {rec.device_name} in {seconds:g} s", file=sys.stderr)
        return 1
    peak = float(np.max(np.abs(buf.samples())))
    print(f"recorded {buf.duration_s:.2f} s ({rec.sample_format}) from {rec.device_name}: peak level {peak:.3f}")
    return 0


if __name__ == "__main__":
    multiprocessing.freeze_support()
    if sys.argv[1:2] == ["qt-check"]:
        sys.exit(qt_check())
    from ui.command import main

    if len(sys.argv) == 1:
        sys.argv.append("gui")  # a double-click starts the desktop app
    sys.exit(main())
