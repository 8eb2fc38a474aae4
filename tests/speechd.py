"""A private speech-dispatcher (espeak-ng voice) playing into the private PulseAudio of tests/pulse.py.

The daemon runs as an ordinary process on its own Unix socket (SPEECHD_ADDRESS tells clients,
libspeechd, thus Qt's "speechd" engine, where), with its runtime, configuration and log folders in
the test's temporary folder: it needs no user session, no D-Bus and works as root (CI). Its
audio goes through the PULSE_SERVER of the private PulseAudio, to the null sink `fa_sink`.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# Debian: speech-dispatcher (the daemon, spd-say) and speech-dispatcher-espeak-ng (its espeak-ng module).
TOOLS = ("speech-dispatcher", "spd-say")
ESPEAK_MODULE = "/usr/lib/speech-dispatcher-modules/sd_espeak-ng"


@contextmanager
def speech_dispatcher(tmp: Path, client: dict[str, str]) -> Iterator[dict[str, str]]:
    """Run the daemon for the block; yields the environment variables its clients need."""
    run = tmp / "run"
    run.mkdir(parents=True, exist_ok=True)
    run.chmod(0o700)
    (tmp / "log").mkdir(exist_ok=True)
    sock = run / "speechd.sock"
    env = {**os.environ, **client, "XDG_RUNTIME_DIR": str(run), "XDG_CONFIG_HOME": str(tmp / "config"),
           "HOME": str(tmp), "LANG": "C.UTF-8"}
    out = open(tmp / "speech-dispatcher.out", "w")
    # -s: a single instance in the foreground (-d forks and would leave it behind); -t 0: no idle exit.
    proc = subprocess.Popen(["speech-dispatcher", "-s", "-t", "0", "-c", "unix_socket", "-S", str(sock),
                             "-L", str(tmp / "log"), "-l", "3"], env=env, stdout=out, stderr=subprocess.STDOUT)
    address = {"SPEECHD_ADDRESS": f"unix_socket:{sock}"}
    try:
        deadline = time.monotonic() + 20
        while not sock.exists():
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"speech-dispatcher did not start: {(tmp / 'speech-dispatcher.out').read_text()[-2000:]}")
            time.sleep(0.1)
        yield address
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        out.close()
