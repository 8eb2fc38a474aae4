"""Push-to-talk latency: from releasing the talk key to the transcript, and to the first answer token.

    .venv/bin/python bench/stt_latency.py [--models tiny.en,base] [--threads 2] [--voice en-us]

What the GUI does, without Qt: the question is recorded into an assistant.speech.audio.PcmBuffer in 20 ms
chunks of 16 kHz mono s16 (what QAudioSource delivers); at "key release" the clock starts,
transcribe(buffer, prompt_terms=library vocabulary) runs to its end (transcript), and the
text goes to assistant.rag.answer.ask() until its first token. The demo library
(resources/demo) is ingested into a temporary FIELD_ASSISTANT_HOME; the speech, embedding and
chat models are loaded and warmed up before the clock runs, as the app keeps them loaded.
Questions: the 19 of bench/stt_common.py, spoken by espeak-ng (about 2-4 s each). Reported:
median and 90th percentile over the questions, per speech model.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from _common import banner, median, percentile, table, temp_home
from stt_common import question_clips

from assistant import models
from assistant.library import terms
from assistant.rag.answer import ask
from assistant.session import Session
from assistant.speech.audio import PcmBuffer, decode_file
from assistant.speech.model import load, warm_up
from assistant.speech.transcription import transcribe


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--models", default="tiny.en,base")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--voice", default="en-us")
    args = ap.parse_args()

    banner("speech: key release -> transcript -> first answer token")
    from assistant.library import ingest

    rows = []
    with temp_home(), tempfile.TemporaryDirectory() as tmp:
        session = Session()
        ingest.run(session.db, session.embedder, [Path(__file__).resolve().parents[1] / "resources" / "demo"])
        vocab = terms.domain_terms(session.db)
        chat = session.chat()
        for _ in ask(session.db, session.embedder, lambda: chat, "UPS shuts down too early", session.settings):
            pass  # warm-up
        clips = question_clips(Path(tmp) / "questions", [args.voice])
        installed = {m.name for m in models.installed() if m.role == "speech" and not m.problem}
        for name in args.models.split(","):
            if name not in installed:
                print(f"   {name}: not installed, skipped")
                continue
            model = load(name, threads=args.threads)
            warm_up(model)
            to_text, to_token, speech = [], [], []
            for c in clips:
                pcm = (decode_file(c.path) * 32767).astype("<i2").tobytes()
                buf = PcmBuffer()
                for i in range(0, len(pcm), 640):  # 20 ms chunks
                    buf.feed(pcm[i:i + 640])
                t0 = time.perf_counter()  # key released
                text = transcribe(buf, settings=session.settings, model=model, prompt_terms=vocab).result().text
                t1 = time.perf_counter()
                events = ask(session.db, session.embedder, lambda: chat, text or "?", session.settings)
                for ev in events:
                    if ev.kind == "token":
                        break
                t2 = time.perf_counter()
                events.close()
                to_text.append((t1 - t0) * 1000)
                to_token.append((t2 - t0) * 1000)
                speech.append(buf.duration_s)
                print(f"   {name:8} {c.name:12} {buf.duration_s:4.1f} s  transcript {to_text[-1]:6.0f} ms  "
                      f"first token {to_token[-1]:6.0f} ms  {text}", flush=True)
            rows.append([name, len(clips), f"{median(speech):.1f} s", f"{median(to_text):.0f} ms",
                         f"{percentile(to_text, 90):.0f} ms", f"{median(to_token):.0f} ms",
                         f"{percentile(to_token, 90):.0f} ms"])
        session.close()
    print()
    print(table(["speech model", "questions", "median clip", "-> transcript (median)", "(p90)",
                 "-> first answer token (median)", "(p90)"], rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
