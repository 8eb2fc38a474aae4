"""The independent dev set: real manuals from Debian documentation packages, questions written for them.

    .venv/bin/python bench/devset_debian.py fetch    # download and unpack the manuals (cached)
    .venv/bin/python bench/devset_debian.py check    # every question's evidence found in the app's parse

Why a second set: the ranking weights and floors were chosen on E-Manual QA and Klipper, the same
sets that reported them. These 12 manuals (PDF and HTML: AVRDUDE, OpenOCD, ngspice, KiCad
Pcbnew and Eeschema, smartmontools, Postfix, LIRC; `devsets/debian_manuals.json`) and their
questions (`devsets/debian_questions.jsonl`: values, settings, commands, procedures,
troubleshooting, wiring, safety; paraphrased by the writers, not copied from headings) were
never seen by that tuning. NUT, LinuxCNC, ExpEYES, apcupsd and HackRF documentation is kept out:
it is reserved for independent evaluation.

The manuals come from the Debian archive with `apt-get download` (a registry this project may
use) and are unpacked with `dpkg-deb`, into `~/.cache/field-assistant-bench/debian`
(`FA_BENCH_CACHE` moves it). A newer package version than the one recorded in the manifest is
used as it is; `check` reports any question whose evidence is no longer in the manual.

Each question carries a verbatim `evidence` quote from its manual. A passage (or a page, for the
whole-page peers) answers the question when it comes from that manual and holds at least half
of the evidence's word bigrams: a rule that does not depend on how the app cuts chunks, so
chunking changes are scored fairly, and that a passage sharing a few common words cannot meet.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
MANIFEST = HERE / "devsets" / "debian_manuals.json"
QUESTIONS = HERE / "devsets" / "debian_questions.jsonl"
HIT_COVERAGE = 0.5
_WORD = re.compile(r"\w+")


def cache_dir() -> Path:
    base = os.environ.get("FA_BENCH_CACHE") or Path.home() / ".cache" / "field-assistant-bench"
    return Path(base) / "debian"


def manifest() -> dict:
    return json.loads(MANIFEST.read_text(encoding="utf-8"))


def fetch(cache: Path | None = None, extra: bool = False) -> dict[str, Path]:
    """{manual file name: path} of every manual, downloading the packages not yet cached. The
    manifest's `extra` manuals (tables for the spec-row dev sets only) are left out unless asked
    for, so the library of the benchmarks that ingest this set stays the 12 manuals they report."""
    cache = cache or cache_dir()
    out_dir = cache / "manuals"
    out_dir.mkdir(parents=True, exist_ok=True)
    entries = [e for e in manifest()["manuals"] if extra or not e.get("extra")]
    missing = [e for e in entries if not (out_dir / e["file"]).is_file()]
    for package in sorted({e["package"] for e in missing}):
        _unpack(package, cache / "x" / package)
    for e in missing:
        src = cache / "x" / e["package"] / e["member"]
        if not src.is_file():
            raise SystemExit(f"{e['package']} has no {e['member']} any more: update {MANIFEST.name}")
        tmp = out_dir / (e["file"] + ".part")
        with (gzip.open(src) if src.suffix == ".gz" else src.open("rb")) as f, tmp.open("wb") as g:
            shutil.copyfileobj(f, g)
        tmp.replace(out_dir / e["file"])
    return {e["file"]: out_dir / e["file"] for e in entries}


def _unpack(package: str, dest: Path) -> None:
    if dest.is_dir():
        return
    dest.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        print(f"   apt-get download {package}", file=sys.stderr)
        # apt's sandbox user cannot write a root-owned temporary folder; the warning it
        # prints then is noise, the download works.
        subprocess.run(["apt-get", "download", "-q", package], cwd=tmp, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        (deb,) = Path(tmp).glob("*.deb")
        part = dest.with_name(dest.name + ".part")
        shutil.rmtree(part, ignore_errors=True)
        subprocess.run(["dpkg-deb", "-x", str(deb), str(part)], check=True)
        part.replace(dest)


def questions(path: Path = QUESTIONS) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def bigrams(text: str) -> set[tuple[str, str]]:
    w = words(text)
    return set(zip(w, w[1:], strict=False))


def coverage(text: str, evidence: str) -> float:
    """Share of the evidence's word bigrams that `text` holds."""
    want = bigrams(evidence)
    return len(want & bigrams(text)) / len(want) if want else 0.0


def answers(q: dict, path: str, text: str) -> bool:
    return Path(path).name == q["manual"] and coverage(text, q["evidence"]) >= HIT_COVERAGE


def check() -> int:
    """Every evidence quote in its manual as the app parses it (and on the stated PDF page)."""
    sys.path.insert(0, str(HERE.parent))
    from assistant.library import parse as parser

    files = fetch()
    parsed = {name: parser.parse(path) for name, path in files.items()}
    bad = 0
    for q in questions():
        doc = parsed[q["manual"]]
        pages: dict[object, list[str]] = {}
        for b in doc.blocks:
            pages.setdefault(b.page, []).append(b.text)
        where = [p for p, texts in pages.items() if coverage("\n".join(texts), q["evidence"]) >= 0.9]
        problem = None
        if not where:
            problem = "evidence not in the parsed manual"
        elif q.get("page") and q["page"] not in where:
            problem = f"evidence on page(s) {where}, not {q['page']}"
        missing = [f for f in q.get("facts", []) if f.lower() not in q["evidence"].lower()]
        if missing:
            problem = f"facts not in the evidence: {missing}"
        if problem:
            bad += 1
            print(f"{q['id']}: {problem}")
    total = len(questions())
    print(f"{total - bad} of {total} questions check out")
    return 1 if bad else 0


if __name__ == "__main__":
    cmd = sys.argv[1] if len(sys.argv) > 1 else "check"
    if cmd == "fetch":
        for name, path in fetch().items():
            print(f"{name}\t{path.stat().st_size}\t{path}")
        raise SystemExit(0)
    raise SystemExit(check())
