"""How much a speech transcript varies with the CPU it runs on: the thresholds the tests and
`doctor` use for word error rate (WER), measured rather than guessed.

The same audio gives slightly different transcripts on different machines because CTranslate2
picks its kernels by CPU instruction set (and the thread count changes the order of sums); espeak-ng
builds differ from machine to machine too. One machine can stand in for several: each child process
forces one kernel family with CT2_FORCE_CPU_ISA (GENERIC, AVX, AVX2, AVX512 as this CPU allows),
runs 1 and 2 threads with the app's beam width 5 and 2 threads greedy, through the app's own `assistant.speech` path (int8,
voice activity detection, no vocabulary prompt), and the test sentences are spoken in several
espeak-ng voices and speeds. Against that spread it transcribes broken audio the way a regression
would deliver it (silence, the samples at half and double speed = a wrong sample rate, a 44.1 kHz
stream read as 16 kHz) to show each threshold still fails those.

    .venv/bin/python bench/stt_kernels.py [--out bench/out/stt_kernels.json]

WER here is `assistant.wer.word_error_rate`, the one the tests and doctor use.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from assistant.doctor import SPEECH_CHECK as JFK_CLIP  # noqa: E402
from assistant.doctor import SPEECH_CHECK_TEXT as JFK  # noqa: E402
from bench._common import PROJECT_ROOT, machine_line, temp_home  # noqa: E402
from bench.stt_common import synth  # noqa: E402

# The sentences the test suite speaks with espeak-ng (tests/core/test_stt.py, test_device_audio.py,
# tests/ui/test_voice.py).
SENTENCES = ["What torque for the pump mounting bolts?", "Check the pump mounting bolts",
             "How do I replace the battery pack on the UPS?"]
VOICES = [("en-us", 175), ("en-us", 140), ("en-us", 210), ("en-gb", 175), ("en-us+f3", 175), ("en-us+m3", 160)]
ISAS = ["AVX512", "AVX2", "AVX", "GENERIC"]
CONFIGS = [(1, 5), (2, 5), (2, 1)]  # (threads, beam width): the app's beam 5, and greedy decoding


def _child(clips: list[dict], isa: str) -> None:
    """In a child with CT2_FORCE_CPU_ISA set: transcribe every clip in every configuration."""
    import numpy as np

    from assistant import settings
    from assistant.speech.audio import decode_file
    from assistant.speech.model import load
    from assistant.speech.transcription import transcribe_all
    from assistant.wer import word_error_rate

    out = []
    for threads, beam in CONFIGS:
        os.environ["FIELD_ASSISTANT_STT_BEAM_SIZE"] = str(beam)
        s = settings.load()
        model = load(threads=threads)
        for c in clips:
            x = decode_file(c["path"])
            if c["damage"] == "silence":
                x = np.zeros_like(x)
            elif c["damage"] == "half-speed":  # 16 kHz samples played as 8 kHz
                x = np.repeat(x, 2)
            elif c["damage"] == "double-speed":  # 16 kHz samples played as 32 kHz
                x = x[::2].copy()
            elif c["damage"] == "44k-as-16k":  # a 44.1 kHz stream taken for 16 kHz: slowed 2.76x
                n = int(x.size * 44100 / 16000)
                x = np.interp(np.arange(n) * 16000 / 44100, np.arange(x.size), x).astype(np.float32)
            try:
                text = transcribe_all(x, settings=s, model=model).text
            except Exception as e:  # silence: NoSpeechError, i.e. nothing heard
                text = f"<{type(e).__name__}>"
                wer = 1.0
            else:
                wer = word_error_rate(c["reference"], text)
            out.append({"clip": c["name"], "damage": c["damage"], "isa": isa, "threads": threads,
                        "beam": beam, "wer": round(wer, 3), "text": text})
    print(json.dumps(out))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=PROJECT_ROOT / "bench" / "out" / "stt_kernels.json")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        _child(json.loads(Path(args.child).read_text()), os.environ.get("CT2_FORCE_CPU_ISA", "default"))
        return
    print(machine_line())
    with temp_home(), tempfile.TemporaryDirectory(prefix="fa-kernels-") as tmp:
        clips = [{"name": "jfk", "path": str(JFK_CLIP), "reference": JFK, "damage": ""}]
        clips += [{"name": "jfk", "path": str(JFK_CLIP), "reference": JFK, "damage": d}
                  for d in ("silence", "half-speed", "double-speed", "44k-as-16k")]
        for i, s in enumerate(SENTENCES):
            for voice, speed in VOICES:
                p = synth(s, Path(tmp) / f"s{i}-{voice.replace('+', '_')}-{speed}.wav", voice, speed)
                default = (voice, speed) == ("en-us", 175)  # what the tests speak (espeak's defaults)
                clips.append({"name": s, "path": str(p), "reference": s, "voice": f"{voice} {speed}",
                              "damage": "", "test_voice": default})
                if default:
                    clips += [{"name": s, "path": str(p), "reference": s, "damage": d, "voice": f"{voice} {speed}"}
                              for d in ("half-speed", "double-speed")]
        spec = Path(tmp) / "clips.json"
        spec.write_text(json.dumps(clips))
        rows = []
        for isa in ISAS:
            env = {**os.environ, "CT2_FORCE_CPU_ISA": isa}
            r = subprocess.run([sys.executable, __file__, "--child", str(spec)], env=env, capture_output=True,
                               text=True)
            if r.returncode != 0:
                print(f"{isa}: not available here ({(r.stderr.strip().splitlines() or ['?'])[-1][:120]})")
                continue
            got = json.loads(r.stdout.strip().splitlines()[-1])
            voice = {(c["path"], c["damage"]): c.get("voice", "") for c in clips}
            for row, c in zip(got, clips * len(CONFIGS), strict=True):
                row["voice"] = voice[(c["path"], c["damage"])]
            rows += got
            print(f"{isa}: {len(got)} transcriptions")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(rows, indent=1))
    print(f"\n{'clip':48} {'audio':14} {'configs':>7} {'WER max':>8} {'WER min':>8}  worst transcript")
    keys = sorted({(r["clip"], r["damage"]) for r in rows}, key=lambda k: (k[0] != "jfk", k[0], k[1]))
    for clip, damage in keys:
        sel = [r for r in rows if r["clip"] == clip and r["damage"] == damage]
        worst = max(sel, key=lambda r: r["wer"])
        print(f"{clip[:48]:48} {damage or 'clean':14} {len(sel):7} {worst['wer']:8.3f} "
              f"{min(r['wer'] for r in sel):8.3f}  {worst['text'][:60]!r} ({worst['isa']}, {worst['threads']} thr, "
              f"beam {worst['beam']}, {worst['voice'] or 'clip'})")
    print("\nBy espeak voice (clean sentences, all kernels): WER max")
    for voice, speed in VOICES:
        sel = [r for r in rows if r["voice"] == f"{voice} {speed}" and not r["damage"]]
        print(f"  {voice:10} {speed:4}  {max(r['wer'] for r in sel):.3f}")
    print(f"\nrows written to {args.out}")


if __name__ == "__main__":
    main()
