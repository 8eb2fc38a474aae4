"""Shared parts of the speech benchmarks: clips with reference transcripts, espeak-ng questions, WER.

Clips:
- `devdata_clips(devdata)`: ../shared/devdata/speech (jfk.flac and the LJ Speech clips listed in
  transcripts.tsv), real read speech with reference transcripts.
- `question_clips(folder)`: technical questions about the demo manuals in resources/demo,
  synthesised with espeak-ng in a few voices (the recogniser has never heard the part numbers,
  codes and tool names in them, which is what the domain bias is for).

WER uses Whisper's English text normalisation (package whisper-normalizer, the `bench` extra):
lower case, punctuation removed, spelled numbers to digits, British to American spelling.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from assistant.wer import edits

DEMO = Path(__file__).resolve().parents[1] / "resources" / "demo"

# (question, key words that must come out right). Terms from the demo manuals, spoken the way a
# technician would; "apcupsd" is not in the demo manuals: a control the bias cannot help.
QUESTIONS: list[tuple[str, list[str]]] = [
    ("What does alarm A34 mean on the UPS?", ["A34", "UPS"]),
    ("How do I configure upsmon for the UPS-3000?", ["upsmon", "UPS-3000"]),
    ("Replace battery pack BP-3000-12.", ["BP-3000-12"]),
    ("How do I set the low battery level with NUT and upsmon?", ["NUT", "upsmon"]),
    ("What torque for the impeller nut on the P-200 pump?", ["impeller", "P-200"]),
    ("The RTU-45 shows alarm E07, what should I check?", ["RTU-45", "E07"]),
    ("Which seal kit fits, SK-200-45B or SK-200-45V?", ["SK-200-45B", "SK-200-45V"]),
    ("How do I reseat the NMC-30 network card?", ["reseat", "NMC-30"]),
    ("Can I use the usbhid-ups driver with NUT?", ["usbhid-ups", "NUT"]),
    ("How many EBM-3000 battery modules can I connect?", ["EBM-3000"]),
    ("How long does a VRLA battery last?", ["VRLA"]),
    ("How do I enable SNMP on the NMC-30 card?", ["SNMP", "NMC-30"]),
    ("How much R-410A refrigerant is in each circuit?", ["R-410A", "refrigerant"]),
    ("The PC-2 controller shows fault F01, dry running.", ["PC-2", "F01"]),
    ("Which bearings does the P-200 use?", ["bearings", "P-200"]),
    ("What does warning W02 on the Aqualine pump mean?", ["W02", "Aqualine"]),
    ("How do I reset the filter timer on the Climatech unit?", ["Climatech"]),
    ("Is the VoltGuard UPS hot-swappable?", ["VoltGuard"]),
    ("Is apcupsd supported on this UPS?", ["apcupsd"]),
]
VOICES = ["en-us", "en-gb", "en-us+f3"]


@dataclass
class Clip:
    name: str
    path: Path
    reference: str
    keywords: list[str]
    duration_s: float = 0.0
    group: str = ""


def _duration(path: Path) -> float:
    import av

    with av.open(str(path)) as c:
        return c.duration / av.time_base if c.duration else 0.0


def devdata_clips(devdata: Path) -> list[Clip]:
    """jfk.flac and the LJ Speech clips of ../shared/devdata/speech, with their references."""
    speech = Path(devdata) / "speech"
    out: list[Clip] = []
    jfk = speech / "jfk" / "jfk.flac"
    if jfk.exists():
        out.append(Clip("jfk", jfk, "And so my fellow Americans, ask not what your country can do for you, "
                        "ask what you can do for your country.", [], _duration(jfk), "jfk"))
    tsv = speech / "ljspeech" / "transcripts.tsv"
    if tsv.exists():
        with tsv.open(encoding="utf-8") as f:
            for row in csv.DictReader(f, delimiter="\t"):
                p = tsv.parent / row["path"]
                out.append(Clip(row["id"], p, row["text"], [], float(row["duration_s"]), "ljspeech"))
    return out


def espeak() -> str:
    exe = shutil.which("espeak-ng")
    if not exe:
        raise SystemExit("espeak-ng is not installed (apt-get install espeak-ng)")
    return exe


def synth(text: str, path: Path, voice: str = "en-us", speed: int = 165) -> Path:
    """Speak `text` into a WAV file (22.05 kHz mono) with espeak-ng."""
    subprocess.run([espeak(), "-v", voice, "-s", str(speed), "-w", str(path), text], check=True,
                   capture_output=True)
    return path


def question_clips(folder: Path, voices: list[str] | None = None) -> list[Clip]:
    """The QUESTIONS spoken by espeak-ng in each voice, written to `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for v in voices or VOICES:
        for i, (q, keys) in enumerate(QUESTIONS, 1):
            p = synth(q, folder / f"q{i:02d}-{v.replace('+', '_')}.wav", v)
            out.append(Clip(f"q{i:02d}/{v}", p, q, keys, _duration(p), f"espeak {v}"))
    return out


_normalizer = None


def normalize(text: str) -> str:
    """Whisper's English normalisation (EnglishTextNormalizer)."""
    global _normalizer
    if _normalizer is None:
        try:
            from whisper_normalizer.english import EnglishTextNormalizer
        except ImportError as e:
            raise SystemExit("pip install whisper-normalizer (the `bench` extra) for Whisper's "
                             "text normalisation") from e
        _normalizer = EnglishTextNormalizer()
    return _normalizer(text)


def wer(pairs: list[tuple[str, str]]) -> float:
    """Corpus WER over (reference, hypothesis) pairs, both normalised first."""
    errors = words = 0
    for ref, hyp in pairs:
        r, h = normalize(ref).split(), normalize(hyp).split()
        errors += edits(r, h)
        words += len(r)
    return errors / words if words else 0.0


def keyword_hits(keywords: list[str], hyp: str) -> int:
    """How many key words appear (normalised, as whole words) in the hypothesis."""
    h = f" {normalize(hyp)} "
    return sum(f" {normalize(k)} " in h for k in keywords)


def strict_hits(keywords: list[str], hyp: str) -> int:
    """Key words written exactly as the manual writes them (case and hyphens), e.g. "BP-3000-12"."""
    import re

    return sum(bool(re.search(rf"(?<![\w-]){re.escape(k)}(?![\w-])", hyp)) for k in keywords)
