"""A private PulseAudio daemon with a virtual microphone, for tests that record real audio.

A null sink plays into nothing; its monitor, remapped as the source `fa_mic` and made the default,
is what QtMultimedia records as "the microphone". Playing a WAV into `fa_sink` (paplay) is then
speaking into the microphone. The daemon listens on its own socket (PULSE_SERVER), so it neither
needs nor touches a user session, and it works as root (CI) because it is not a system daemon.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SINK, SOURCE = "fa_sink", "fa_mic"


TOOLS = ("pulseaudio", "pactl", "paplay")  # Debian: pulseaudio, pulseaudio-utils
# A second of buffer: a player starved of CPU for a moment must not leave holes in the speech.
PAPLAY = ["paplay", "--latency-msec=1000"]


@contextmanager
def virtual_microphone(tmp: Path) -> Iterator[dict[str, str]]:
    """Run the daemon for the block; yields the environment variables clients need."""
    tmp.mkdir(parents=True, exist_ok=True)
    sock = tmp / "pulse.sock"
    script = tmp / "default.pa"
    script.write_text(
        f"load-module module-native-protocol-unix auth-anonymous=1 socket={sock}\n"
        f"load-module module-null-sink sink_name={SINK}\n"
        f"load-module module-remap-source master={SINK}.monitor source_name={SOURCE}\n"
        f"set-default-source {SOURCE}\nset-default-sink {SINK}\n")
    env = {**os.environ, "HOME": str(tmp), "XDG_RUNTIME_DIR": str(tmp)}
    log = open(tmp / "pulseaudio.log", "w")
    # --high-priority: on a loaded CI machine (two suites on two cores) a daemon at normal priority
    # lets the null sink's clock skip, and the "microphone" records gaps no real one would.
    proc = subprocess.Popen(["pulseaudio", "-n", "-F", str(script), "--daemonize=no", "--exit-idle-time=-1",
                             "--use-pid-file=no", "--system=false", "--disallow-module-loading=false",
                             "--high-priority=yes"],
                            env=env, stdout=log, stderr=subprocess.STDOUT)
    client = {"PULSE_SERVER": f"unix:{sock}"}
    try:
        deadline = time.monotonic() + 20
        while subprocess.run(["pactl", "info"], env={**env, **client}, capture_output=True).returncode != 0:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"pulseaudio did not start: {(tmp / 'pulseaudio.log').read_text()[-2000:]}")
            time.sleep(0.2)
        yield client
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def play(wav: Path, client: dict[str, str], delay: float = 0.0) -> subprocess.Popen:
    """Speak `wav` into the virtual microphone (in the background, after `delay` seconds)."""
    cmd = PAPLAY + [f"--device={SINK}", str(wav)]
    if delay:
        cmd = ["sh", "-c", f'sleep {delay} && exec "$@"', "sh", *cmd]
    return subprocess.Popen(cmd, env={**os.environ, **client})


def record(wav: Path, client: dict[str, str], device: str = f"{SINK}.monitor") -> subprocess.Popen:
    """Record what is played into the null sink (its monitor: everything any client plays to the
    default sink) into `wav`, 16 kHz mono s16, until the process is terminated (parecord ends the
    WAV file properly on SIGTERM)."""
    return subprocess.Popen(["parecord", f"--device={device}", "--rate=16000", "--channels=1", "--format=s16le",
                             "--file-format=wav", str(wav)], env={**os.environ, **client})
