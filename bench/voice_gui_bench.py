"""Push-to-talk through the app itself: key release -> transcript in the question box -> first
answer token on screen, beside faster-whisper's own `WhisperModel.transcribe` (default settings)
on the same clips in the same run.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/voice_gui_bench.py [--voice en-us] [--limit 19]

The app runs offscreen with the demo library; the microphone is replaced by feeding the espeak-ng
questions (bench/stt_common.py) into the recorder in 40 ms chunks, as QAudioSource does, then the
talk button is released through a real mouse event. Everything after the release is the app:
TalkController, the `stt` lane (tiny.en, library vocabulary prompt, VAD), the question box, the
`llm` lane answering. The peer gets the same 16 kHz audio as a NumPy array, with the app's thread
count, and its model is loaded and warmed up outside the clock too.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from _common import banner, median, percentile, table, temp_home
from stt_common import question_clips

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
import ui  # noqa: E402,F401  (before Qt: the compatibility guards)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--voice", default="en-us")
    ap.add_argument("--limit", type=int, default=19)
    args = ap.parse_args()
    banner("push-to-talk in the app: key release -> transcript -> first answer token")

    from PySide6.QtCore import QEventLoop, QPoint, Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from assistant.library import ingest
    from assistant.session import Session
    from assistant.speech.audio import decode_file
    from assistant.speech.model import default_threads, find

    def pump(cond, seconds=300.0):
        """Run the event loop (idle between events, as the app's is) until `cond()`: a polling
        loop here would compete with the workers for the GIL and slow what is measured."""
        end = time.monotonic() + seconds
        loop = QEventLoop()
        timer = QTimer(interval=5)
        timer.timeout.connect(lambda: (cond() or time.monotonic() > end) and loop.quit())
        timer.start()
        if not cond():
            loop.exec()
        timer.stop()
        return cond()

    with temp_home(), tempfile.TemporaryDirectory() as tmp:
        s = Session()
        ingest.run(s.db, s.embedder, [ROOT / "resources" / "demo"])
        s.close()
        clips = question_clips(Path(tmp) / "q", [args.voice])[: args.limit]
        app = QApplication([sys.argv[0]])  # noqa: F841  (kept alive for the run)
        from ui.app import build_window
        from ui.services import Services, model_threads

        w = build_window(services=Services())
        w.resize(1280, 800)
        w.show()
        w.start()
        assert pump(lambda: w.is_ready), "window not ready"
        voice = w.ask.voice
        preload = voice.preload()
        assert pump(lambda: preload.done)
        from tests.ui.test_voice import fake_device

        fake_device(voice)
        # Warm the answer path as the app would be after its first question.
        turn = w.ask.ask("UPS shuts down too early")
        pump(lambda: not turn.busy)

        rows, to_text, to_token, peer_ms = [], [], [], []
        threads = default_threads()
        from faster_whisper import WhisperModel

        peer = WhisperModel(str(find().path), device="cpu", compute_type="int8", cpu_threads=threads)
        list(peer.transcribe(np.zeros(16000, np.float32))[0])
        for c in clips:
            audio = decode_file(c.path)
            data = (np.clip(audio, -1, 1) * 32767).astype("<i2").tobytes()
            QTest.mousePress(w.ask.mic_button, Qt.MouseButton.LeftButton, pos=QPoint(5, 5))
            for i in range(0, len(data), 1280):
                voice.recorder.accept(data[i:i + 1280])
            before = len(w.ask.turns)
            t0 = time.perf_counter()
            QTest.mouseRelease(w.ask.mic_button, Qt.MouseButton.LeftButton, pos=QPoint(5, 5))
            pump(lambda n=before: len(w.ask.turns) > n or (voice.state == "idle" and voice.job is None))
            t1 = time.perf_counter()
            if len(w.ask.turns) == before:
                print(f"   {c.name}: nothing transcribed")
                continue
            cur = w.ask.current
            pump(lambda t=cur: t.text or not t.busy)
            t2 = time.perf_counter()
            w.ask.stop()
            pump(lambda: not w.services.workers.busy("llm"), 60)
            p0 = time.perf_counter()
            ptext = " ".join(seg.text for seg in peer.transcribe(audio)[0])
            peer_ms.append((time.perf_counter() - p0) * 1000)
            to_text.append((t1 - t0) * 1000)
            to_token.append((t2 - t0) * 1000)
            print(f"   {c.name:12} {audio.size / 16000:4.1f} s  app transcript {to_text[-1]:6.0f} ms  "
                  f"first token {to_token[-1]:6.0f} ms  | peer {peer_ms[-1]:6.0f} ms  "
                  f"{cur.question!r} / {ptext.strip()!r}", flush=True)
        rows.append(["app (release -> question box)", len(to_text), f"{median(to_text):.0f} ms",
                     f"{percentile(to_text, 90):.0f} ms"])
        rows.append(["app (release -> first answer token)", len(to_token), f"{median(to_token):.0f} ms",
                     f"{percentile(to_token, 90):.0f} ms"])
        rows.append(["peer: WhisperModel.transcribe defaults", len(peer_ms), f"{median(peer_ms):.0f} ms",
                     f"{percentile(peer_ms, 90):.0f} ms"])
        print()
        print(f"speech threads {threads}, chat threads {model_threads()}")
        print(table(["path", "questions", "median", "p90"], rows))
        ratios = [a / b for a, b in zip(to_text, peer_ms, strict=True)]
        print(f"app transcript time / peer transcribe time: median {median(ratios):.2f}")
        w.force_close()
        w.shutdown(2.0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
