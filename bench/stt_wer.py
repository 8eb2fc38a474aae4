"""Speech recognition quality and speed: the app's assistant.speech beside faster-whisper's own defaults.

    .venv/bin/python bench/stt_wer.py [DEVDATA] [--models tiny.en,base] [--threads 2] [--json OUT]

For each speech model (tiny.en; Whisper base when installed) and each clip set, in one run:
  - app:          transcribe_all(path): int8 on the CPU, Silero VAD, beam 5, language en,
                  biased toward the demo library's vocabulary (resources/demo, ingested into a
                  temporary FIELD_ASSISTANT_HOME), as `field-assistant transcribe` does;
  - app no bias:  the same without the library's vocabulary;
  - peer:         faster_whisper.WhisperModel(path, device="cpu", compute_type="int8",
                  cpu_threads=THREADS).transcribe(path) with every transcribe() setting at its
                  default (beam 5, no VAD, language detection for multilingual models,
                  condition_on_previous_text), joined segment texts.
The model is built the same way on both sides (the same folder, int8, THREADS threads) so the
figures compare the transcription pipelines; loading is excluded from the timings.

Clip sets: ../shared/devdata/speech (jfk.flac and 32 LJ Speech clips: real read speech) and the
technical questions of bench/stt_common.py spoken by espeak-ng in three voices.

Measured: WER with Whisper's English normalisation (corpus level: edits / reference words),
real-time factor (processing time / audio duration, summed over the set) on THREADS threads.
Targets: app RTF <= 0.2 for tiny.en; app WER no worse than the peer's.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from _common import DEFAULT_DEVDATA, banner, table, temp_home
from stt_common import devdata_clips, question_clips, wer

from assistant import models, settings
from assistant.library import ingest, terms
from assistant.speech.model import SpeechModel, load, warm_up
from assistant.speech.transcription import transcribe_all


def load_demo_library() -> list:
    """Ingest resources/demo into the current (temporary) home; the library's vocabulary."""
    from assistant.session import Session

    s = Session()
    ingest.run(s.db, s.embedder, [Path(__file__).resolve().parents[1] / "resources" / "demo"])
    found = terms.domain_terms(s.db)
    s.close()
    return found


def run_app(model: SpeechModel, clips, prompt_terms) -> tuple[list[str], float]:
    texts, busy, s = [], 0.0, settings.load()
    for c in clips:
        t0 = time.perf_counter()
        texts.append(transcribe_all(c.path, settings=s, model=model, prompt_terms=prompt_terms).text)
        busy += time.perf_counter() - t0
    return texts, busy


def run_peer(whisper, clips) -> tuple[list[str], float]:
    texts, busy = [], 0.0
    for c in clips:
        t0 = time.perf_counter()
        segments, _ = whisper.transcribe(str(c.path))
        texts.append("".join(s.text for s in segments).strip())
        busy += time.perf_counter() - t0
    return texts, busy


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("devdata", nargs="?", type=Path, default=DEFAULT_DEVDATA)
    ap.add_argument("--models", default="tiny.en,base")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--json", type=Path, help="write the figures here too")
    args = ap.parse_args()

    banner("speech: WER and real-time factor, app vs faster-whisper defaults")
    results = []
    with temp_home(), tempfile.TemporaryDirectory() as tmp:
        vocab = load_demo_library()
        sets = {"devdata speech": devdata_clips(args.devdata),
                "espeak questions": question_clips(Path(tmp) / "questions")}
        for name, clips in sets.items():
            print(f"   {name}: {len(clips)} clips, {sum(c.duration_s for c in clips):.0f} s of audio")
        installed = {m.name for m in models.installed() if m.role == "speech" and not m.problem}
        for name in args.models.split(","):
            if name not in installed:
                print(f"   {name}: not installed, skipped")
                continue
            model = load(name, threads=args.threads)
            warm_up(model)
            from faster_whisper import WhisperModel

            peer = WhisperModel(str(model.path), device="cpu", compute_type=model.compute_type,
                                cpu_threads=args.threads, local_files_only=True)
            for set_name, clips in sets.items():
                if not clips:
                    continue
                audio = sum(c.duration_s for c in clips)
                refs = [c.reference for c in clips]
                for side, (texts, busy) in (
                    ("app", run_app(model, clips, vocab)),
                    ("app, no bias", run_app(model, clips, None)),
                    ("peer (faster-whisper defaults)", run_peer(peer, clips)),
                ):
                    results.append({"model": name, "clips": set_name, "side": side,
                                    "wer": wer(list(zip(refs, texts, strict=True))),
                                    "rtf": busy / audio, "audio_s": audio, "n": len(clips)})
                    print(f"   {name:8} {set_name:17} {side:31} WER {results[-1]['wer']:.3f}  "
                          f"RTF {results[-1]['rtf']:.3f}", flush=True)
            del peer
    print()
    rows = [[r["model"], r["clips"], r["side"], f"{r['wer'] * 100:.1f} %", r["rtf"]] for r in results]
    print(table(["model", "clips", "side", "WER", f"RTF ({args.threads} threads)"], rows))
    print()
    for r in results:
        if r["side"] == "app" and r["model"] == "tiny.en":
            print(f"   target RTF <= 0.2 for tiny.en on {r['clips']}: {r['rtf']:.3f} "
                  f"{'met' if r['rtf'] <= 0.2 else 'MISSED'}")
    for r in results:
        if r["side"] == "app":
            peer = next(p for p in results if p["model"] == r["model"] and p["clips"] == r["clips"]
                        and p["side"].startswith("peer"))
            ok = r["wer"] <= peer["wer"] + 1e-9
            print(f"   target WER <= peer: {r['model']} on {r['clips']}: {r['wer']:.3f} vs {peer['wer']:.3f} "
                  f"{'met' if ok else 'MISSED'}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
