"""Effect of biasing the recogniser toward the library's vocabulary, on technical questions.

    .venv/bin/python bench/stt_bias.py [--models tiny.en,base] [--threads 2] [--show]

The demo library (resources/demo: a UPS guide, a pump service manual, rooftop-unit alarm codes)
is ingested into a temporary FIELD_ASSISTANT_HOME; its vocabulary (assistant.library.terms) is
what the app biases toward. The questions of bench/stt_common.py (19 questions, 32 key words:
part numbers, alarm codes, acronyms, tool names) are spoken by espeak-ng in three voices and
transcribed by each model:
  - none:      no bias;
  - prompt:    the glossary as Whisper's initial prompt (the app's default, settings.stt_bias);
  - hotwords:  the same glossary as faster-whisper `hotwords` (re-sent with every 30 s window).
Measured: WER (Whisper normalisation), key words heard (normalised: "A-34" counts for "A34"),
key words written exactly as the manual writes them ("BP-3000-12", "NUT"), and the real-time
factor. "apcupsd" is not in the demo manuals: no bias can bring it out (a control).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from _common import banner, table, temp_home
from stt_common import keyword_hits, question_clips, strict_hits, wer
from stt_wer import load_demo_library

from assistant import models, settings
from assistant.speech.model import load, warm_up
from assistant.speech.transcription import Transcription
from assistant.speech.vocabulary import build_prompt


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--models", default="tiny.en,base")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--show", action="store_true", help="print every transcript")
    args = ap.parse_args()

    banner("speech: bias toward the library's vocabulary")
    rows = []
    with temp_home(), tempfile.TemporaryDirectory() as tmp:
        vocab = load_demo_library()
        clips = question_clips(Path(tmp) / "questions")
        n_keys = sum(len(c.keywords) for c in clips)
        audio = sum(c.duration_s for c in clips)
        print(f"   {len(clips)} clips ({audio:.0f} s), {n_keys} key words; "
              f"library vocabulary: {len(vocab)} terms")
        installed = {m.name for m in models.installed() if m.role == "speech" and not m.problem}
        for name in args.models.split(","):
            if name not in installed:
                print(f"   {name}: not installed, skipped")
                continue
            model = load(name, threads=args.threads)
            warm_up(model)
            print(f"   {name} prompt ({model.count_tokens(build_prompt(vocab, model.count_tokens))} tokens): "
                  f"{build_prompt(vocab, model.count_tokens)}")
            for mode in ("none", "prompt", "hotwords"):
                s = settings.load()
                s.stt_bias = "off" if mode == "none" else mode
                pairs, hits, exact, t0 = [], 0, 0, time.perf_counter()
                for c in clips:
                    text = Transcription(c.path, settings=s, model=model, prompt_terms=vocab).result().text
                    pairs.append((c.reference, text))
                    hits += keyword_hits(c.keywords, text)
                    exact += strict_hits(c.keywords, text)
                    if args.show:
                        print(f"      {mode:8} {c.name:14} {text}")
                rtf = (time.perf_counter() - t0) / audio
                rows.append([name, mode, f"{wer(pairs) * 100:.1f} %", f"{hits}/{n_keys} ({hits / n_keys:.0%})",
                             f"{exact}/{n_keys} ({exact / n_keys:.0%})", rtf])
                print(f"   {name:8} {mode:9} WER {rows[-1][2]:>7}  key words {rows[-1][3]:>12}  "
                      f"exact {rows[-1][4]:>12}  RTF {rtf:.3f}", flush=True)
    print()
    print(table(["model", "bias", "WER", "key words heard", "written as in the manual", "RTF"], rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
