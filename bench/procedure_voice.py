"""Procedure mode by voice: speech end -> the next step painted, over 50 spoken commands, beside the
transcription alone on the same audio in the same run.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/procedure_voice.py [--n 50] [--snr 20]

The commands ("next", "okay next", "go back", ...) are spoken by espeak-ng in a few voices and
speeds, decoded to 16 kHz mono by the app's own decoder, and mixed with a little noise (a fan-like
hum plus broadband hiss at ~20 dB SNR). For each: the talk button of a real ProcedureView (offscreen,
in the real main window) is held, the audio is fed to the recorder in 40 ms chunks as QAudioSource
does, the button is released (t0), and the clock stops when the view reports the new step painted
(its `step_shown` signal, emitted from the step text's paint event) or, for a command it did not
take as a step move, when it reported what it heard. Everything in between is the app: the
TalkController, the `stt` lane (tiny.en, VAD, primed with the command words and decoded greedily in
the short window as procedure mode does), the command grammar,
the run's log line queued on the notes lane, the repaint.

The peer: `assistant.speech.transcription.transcribe` on the same audio with the same model,
settings, prompt, beam width and window, called directly (no GUI, no lanes) — so the ratio shows what
the command path adds to the transcription itself. A second peer, the same call with Whisper's 30 s
window (`short=False`, as every command was decoded before), shows what the short window saves, and
how many commands each gets right. Target: median and p90 <= 800 ms on the 2-core machine.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from _common import banner, machine_line, median, percentile, table, temp_home
from stt_common import synth

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
import ui  # noqa: E402,F401  (before Qt: the compatibility guards)

# (what is said, the command it must be): mostly step moves, as in a real run.
PHRASES = [
    ("next", "next"), ("next step", "next"), ("okay next", "next"), ("next please", "next"),
    ("go back", "back"), ("next", "next"), ("done with this one", "next"), ("previous step", "back"),
    ("next step", "next"), ("back", "back"),
]
VOICES = [("en-us", 165), ("en", 150), ("en-us+m3", 185), ("en-gb-x-rp", 140), ("en-us+f2", 175)]
CHUNK = 1280  # 40 ms of 16 kHz 16-bit mono


def noisy(audio: np.ndarray, snr_db: float, rng: np.random.Generator) -> np.ndarray:
    """`audio` with a 120 Hz hum and white hiss at `snr_db` below the speech's power."""
    power = float(np.mean(audio ** 2)) or 1e-6
    t = np.arange(audio.size) / 16000
    noise = 0.5 * np.sin(2 * np.pi * 120 * t) + rng.standard_normal(audio.size)
    noise *= np.sqrt(power / (np.mean(noise ** 2) * 10 ** (snr_db / 10)))
    # Half a second of the same noise before and after: speech does not start at the first sample.
    pad = rng.standard_normal(8000) * np.sqrt(power / 10 ** (snr_db / 10))
    return np.concatenate([pad, audio + noise, pad]).astype(np.float32)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=50, help="spoken commands")
    ap.add_argument("--snr", type=float, default=20.0)
    ap.add_argument("--debug", action="store_true", help="log the app's own timings")
    args = ap.parse_args()
    if args.debug:
        import logging

        logging.basicConfig(level=logging.WARNING)
        logging.getLogger("ui.voice.talk").setLevel(logging.DEBUG)
        logging.getLogger("assistant.speech").setLevel(logging.DEBUG)
    banner("procedure mode by voice: speech end -> next step painted")
    print(machine_line())

    from PySide6.QtCore import QEventLoop, QPoint, Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from assistant.procedures.commands import match
    from assistant.procedures.model import Procedure, Step
    from assistant.speech.audio import decode_file
    from assistant.speech.model import load
    from assistant.speech.transcription import transcribe

    def pump(cond, seconds=120.0):
        """Run the event loop until `cond()` (idle between events, as the app's loop is)."""
        end = time.monotonic() + seconds
        loop = QEventLoop()
        timer = QTimer(interval=2)
        timer.timeout.connect(lambda: (cond() or time.monotonic() > end) and loop.quit())
        timer.start()
        if not cond():
            loop.exec()
        timer.stop()
        return cond()

    with temp_home(), tempfile.TemporaryDirectory() as tmp:
        rng = np.random.default_rng(14)
        clips = []
        for i in range(args.n):
            text, kind = PHRASES[i % len(PHRASES)]
            voice, speed = VOICES[(i // len(PHRASES)) % len(VOICES)]
            wav = synth(text, Path(tmp) / f"c{i:02d}.wav", voice, speed)
            audio = noisy(decode_file(wav), args.snr, rng)
            clips.append((f"c{i:02d}", text, kind, f"{voice}@{speed}", audio))

        app = QApplication([sys.argv[0]])  # noqa: F841  (kept alive for the run)
        from tests.ui.test_voice import fake_device
        from ui.app import build_window
        from ui.services import Services

        w = build_window(services=Services())
        w.resize(1280, 800)
        w.show()
        v = w.procedure
        voice = v.voice
        fake_device(voice)
        pre = voice.preload()
        assert pump(lambda: pre.done, 300), "speech model not loaded"
        steps = [Step(n, f"Step {n} of the test procedure: check item {n} and tighten it to {n + 10} N·m.", None)
                 for n in range(1, 201)]
        w.open_procedure(Procedure("Bench procedure", steps, warnings=["WARNING: bench only."], id=1))
        assert pump(lambda: v.run is not None)
        v.act("ack", "pressed I have read the warnings")
        for _ in range(60):  # room to go back as well as forward
            v.act("next", "pressed Next")
        pump(lambda: v.pending == 0 and not w.services.workers.active("notes"))

        # The peer transcribes as the view's controller does: its vocabulary and beam width.
        settings = w.services.settings
        if voice.beam_size:
            settings = settings.model_copy(update={"stt_beam_size": voice.beam_size})
        model = load(threads=settings.stt_threads, cfg=settings)
        prompt_terms = voice.vocabulary
        if prompt_terms is None and settings.stt_bias != "off":
            from assistant import db as dbmod
            from assistant.library import terms

            conn = dbmod.connect()
            prompt_terms = terms.domain_terms(conn)
            conn.close()

        heard: list[tuple[str, str]] = []
        shown: list[int] = []
        v.heard.connect(lambda kind, what: heard.append((kind, what)))
        v.step_shown.connect(shown.append)
        app_ms, peer_ms, long_ms, rows_out, right, long_right = [], [], [], [], 0, 0
        for name, text, kind, how, audio in clips:
            data = (np.clip(audio, -1, 1) * 32767).astype("<i2").tobytes()
            heard.clear()
            shown.clear()
            before = v.run.step
            QTest.mousePress(v.talk, Qt.MouseButton.LeftButton, pos=QPoint(5, 5))
            for i in range(0, len(data), CHUNK):
                voice.recorder.accept(data[i:i + CHUNK])
            t0 = time.perf_counter()
            QTest.mouseRelease(v.talk, Qt.MouseButton.LeftButton, pos=QPoint(5, 5))
            pump(lambda: bool(shown) or (bool(heard) and not heard[-1][1].startswith("Step"))
                 or (voice.state == "idle" and voice.job is None and not heard), 60)
            t1 = time.perf_counter()
            moved = bool(shown)
            got = heard[-1][0] if heard else "nothing"
            ok = got == kind and (v.run.step != before)
            right += ok
            if moved:
                app_ms.append((t1 - t0) * 1000)
            p0 = time.perf_counter()
            said = transcribe(audio, settings=settings, model=model, prompt_terms=prompt_terms,
                              short=voice.short).result().text.strip()
            peer_ms.append((time.perf_counter() - p0) * 1000)
            p0 = time.perf_counter()
            said_long = transcribe(audio, settings=settings, model=model, prompt_terms=prompt_terms).result().text.strip()
            long_ms.append((time.perf_counter() - p0) * 1000)
            long_right += match(said_long).kind == kind
            rows_out.append([name, how, text, said or "-", got, "ok" if ok else "MISS",
                             f"{app_ms[-1]:.0f}" if moved else "-", f"{peer_ms[-1]:.0f}", said_long or "-",
                             f"{long_ms[-1]:.0f}"])
            print(f"   {name} {how:16} {text!r:22} heard {said!r:28} -> {got:8} {'ok' if ok else 'MISS':4} "
                  f"app {rows_out[-1][6]:>5} ms  transcribe {peer_ms[-1]:5.0f} ms  "
                  f"30 s window {long_ms[-1]:5.0f} ms {said_long!r}", flush=True)
        print()
        print(table(["clip", "voice", "said", "transcript", "command", "", "app ms", "transcribe ms",
                     "30 s window", "ms"], rows_out))
        print()
        n = len(clips)
        summary = [
            ["app: release -> step painted", len(app_ms), f"{median(app_ms):.0f} ms", f"{percentile(app_ms, 90):.0f} ms"],
            ["peer: transcribe() alone", len(peer_ms), f"{median(peer_ms):.0f} ms",
             f"{percentile(peer_ms, 90):.0f} ms"],
            ["peer: transcribe(), 30 s window", len(long_ms), f"{median(long_ms):.0f} ms",
             f"{percentile(long_ms, 90):.0f} ms"],
        ]
        print(table(["path", "commands", "median", "p90"], summary))
        ratio = median(app_ms) / median(peer_ms) if peer_ms and app_ms else float("nan")
        print(f"command accuracy (right command, and it moved a step): {right}/{n} = {right / n:.0%}")
        print(f"app / transcription-alone (medians): {ratio:.2f}; target: median and p90 <= 800 ms")
        print(f"app / 30 s-window transcription (medians): {median(app_ms) / median(long_ms):.2f}; "
              f"the 30 s window's transcripts: {long_right}/{n} right commands (grammar)")
        print(f"grammar alone on the {n} transcripts: "
              f"{sum(match(r[3]).kind == k for r, (_n, _t, k, _h, _a) in zip(rows_out, clips, strict=True))}/{n}")
        w.force_close()
        w.shutdown(2.0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
