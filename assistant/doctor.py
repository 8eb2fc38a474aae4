"""Self-checks for admins and the frozen bundle: models load, database and extensions work."""

from __future__ import annotations

import importlib.util
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from . import db as dbmod
from . import models, paths
from .errors import AssistantError
from .settings import Settings
from .wer import word_error_rate

SPEECH_CHECK = Path(__file__).parent / "resources" / "jfk.ogg"  # see resources/README.md
SPEECH_CHECK_TEXT = ("And so my fellow Americans, ask not what your country can do for you, "
                     "ask what you can do for your country.")
# The most word errors a working speech path may make on the clip. bench/stt_kernels.py: tiny.en
# gets it word for word (0.00) with each CPU kernel family CTranslate2 has (GENERIC, AVX, AVX2,
# AVX512), 1 or 2 threads, beam 1 or 5; silence, half or double speed (a wrong sample rate) or
# 44.1 kHz read as 16 kHz give 0.64 to 1.00. Whisper base and larger do at least as well.
SPEECH_CHECK_MAX_WER = 0.25
PIPELINE_DOC = """# Doctor check

## Pump mounting

Tighten the four mounting bolts of pump P-77-0415 to 45 N·m in a cross pattern.

## Filter service

Replace the intake air filter every 500 operating hours, or sooner in dusty rooms.
"""


@dataclass
class Check:
    name: str
    ok: bool
    detail: str
    essential: bool = True


def _timed(fn):
    t0 = time.perf_counter()
    value = fn()
    return value, (time.perf_counter() - t0) * 1000


def run(session) -> Iterator[Check]:
    yield Check("data folder", True, str(paths.home()))
    try:
        db = session.db
        vec = db.execute("SELECT vec_version()").fetchone()[0]
        counts = dbmod.table_counts(db)
        ok = db.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        yield Check("database", ok, f"{paths.db_path()} ({counts.get('manuals', 0)} manuals, "
                    f"{counts.get('chunks', 0)} chunks; sqlite-vec {vec}; integrity {'ok' if ok else 'FAILED'})")
        yield Check("tables", True, ", ".join(f"{t} {n}" for t, n in counts.items()), essential=False)
        yield _upgrade_check(db, session.settings)
    except AssistantError as e:
        yield Check("database", False, str(e))
        return
    for info in models.installed(session.settings):
        if info.problem:
            yield Check(f"{info.role} model {info.name}", False, info.problem, essential=info.default)
    try:
        emb, ms = _timed(lambda: session.embedder)
        emb.embed(["pump seal replacement"])
        yield Check("embedding model", True, f"{emb.name} loaded in {ms:.0f} ms")
    except AssistantError as e:
        yield Check("embedding model", False, str(e))
    yield _search_in_library(db, session)
    yield _search_pipeline(session)
    try:
        chat, ms = _timed(session.chat)
        out, ms2 = _timed(lambda: "".join(t.text for t in chat.stream(chat.render("Be brief.", "Say OK."), 8)))
        yield Check("chat model", True, f"{chat.name} ({chat.quantization}) loaded in {ms:.0f} ms; "
                    f"replied {out.strip()[:30]!r} in {ms2:.0f} ms")
    except AssistantError as e:
        yield Check("chat model", False, str(e), essential=False)
    yield speech_check(session.settings)
    yield ocr_check(session.settings)
    if session.settings.depot_key:
        yield depot_check(session)


def _upgrade_check(db, settings: Settings) -> Check:
    """Manuals stored by an older version that still lack tables as rows, procedures or OCR."""
    from .library import backfill

    pending = backfill.needed(db, settings.ocr)
    waiting = db.execute("SELECT count(*) FROM manuals WHERE upgrade_problem IS NOT NULL").fetchone()[0]
    if pending:
        detail = f"{pending} manual(s) to bring up to date: run `field-assistant library upgrade` (the app does it at start)"
    else:
        detail = "nothing to bring up to date"
    if waiting:
        detail += f"; {waiting} manual(s) could not be (file gone or changed: `field-assistant library upgrade` says which)"
    return Check("library upgrade", not pending, detail, essential=False)


def depot_check(session) -> Check:
    """The depot (issue 15): the key parses; which manual revisions and model this device runs; failures."""
    from .depot import format as fmt
    from .fleet import status

    try:
        fmt.decode_public_key(session.settings.depot_key)
    except AssistantError as e:
        return Check("depot", False, f"depot key: {e}", essential=False)
    s = status.summary(session.db)
    model = s["model"].get("active") or "none from the depot"
    detail = f"{len(s['manuals'])} depot manuals, model {model}"
    if s["model"].get("rolled_back"):
        detail += f"; rolled back {s['model']['rolled_back']} ({s['model'].get('reason')})"
    if s["failed"]:
        detail += "; failed: " + ", ".join(f"{f['id']} ({f['error']})" for f in s["failed"][:3])
    return Check("depot", not s["failed"], detail, essential=False)


OCR_CHECK_TEXT = "SEAL KIT HS-4471"


def ocr_check(settings: Settings) -> Check:
    """Read a line of text drawn into a picture: the OCR models load and recognise (issue 13)."""
    if not settings.ocr:
        return Check("OCR", True, "turned off in settings (scanned pages are not read)", essential=False)
    import numpy as np

    from .library import ocr

    try:
        import cv2
    except ImportError as e:
        return Check("OCR", False, f"OpenCV is not available ({e})", essential=False)
    # Drawn with OpenCV's built-in stroke font: no font file or FreeType needed (the bundle leaves
    # out the HarfBuzz that Pillow's text drawing links). Not a narrow strip: the detector scales
    # an image up until its short side is 736 px, and a 640 x 120 strip takes it ~8 s, not ~1 s.
    img = np.full((740, 800, 3), 255, np.uint8)
    cv2.putText(img, OCR_CHECK_TEXT, (30, 80), cv2.FONT_HERSHEY_SIMPLEX, 1.6, (0, 0, 0), 3, cv2.LINE_AA)
    try:
        _engine, ms = _timed(ocr.engine)
        page, ms2 = _timed(lambda: ocr.recognise(img))
    except AssistantError as e:
        return Check("OCR", False, str(e), essential=False)
    read = " ".join(w.text for w in page.words)
    ok = read.replace(" ", "") == OCR_CHECK_TEXT.replace(" ", "")
    return Check("OCR", ok, f"PP-OCRv6 small loaded in {ms:.0f} ms; read {read!r} in {ms2:.0f} ms"
                 + ("" if ok else f" (expected {OCR_CHECK_TEXT!r})"), essential=False)


def speech_check(settings: Settings) -> Check:
    """Transcribe the known clip with the default speech model and judge it by word error rate."""
    if importlib.util.find_spec("faster_whisper") is None:
        return Check("speech model", False, "faster-whisper is not installed", essential=False)
    from .speech.model import load
    from .speech.transcription import transcribe_all

    try:
        model, ms = _timed(lambda: load(threads=settings.stt_threads, cfg=settings))
        tr, ms2 = _timed(lambda: transcribe_all(SPEECH_CHECK, settings=settings, model=model))
    except AssistantError as e:  # includes "no speech detected": audio that never reached the decoder
        return Check("speech model", False, str(e), essential=False)
    wer = word_error_rate(SPEECH_CHECK_TEXT, tr.text)
    ok = wer <= SPEECH_CHECK_MAX_WER
    return Check("speech model", ok, f"{model.name} loaded in {ms:.0f} ms; a {tr.duration_s:.1f} s test "
                 f"clip gave {tr.text.strip()!r} in {ms2:.0f} ms, word error rate {wer:.2f}"
                 + ("" if ok else f" (at most {SPEECH_CHECK_MAX_WER:.2f} expected: {SPEECH_CHECK_TEXT!r})"),
                 essential=False)


def _search_in_library(db, session) -> Check:
    """A search over the technician's own library (empty on a fresh install: then 0 passages)."""
    from .rag.search import search

    try:
        res, ms = _timed(lambda: search(db, session.embedder_or_none(), "maintenance", k=3))
        return Check("search in the library", True, f"{len(res.passages)} passages in {ms:.0f} ms")
    except AssistantError as e:
        return Check("search in the library", False, str(e))


def _search_pipeline(session) -> Check:
    """Index a known passage into a scratch database and find it by meaning and by part number:
    proves parsing, chunking, embedding, FTS5 and sqlite-vec together, even on an empty library."""
    from . import db as dbmod
    from .library import ingest
    from .rag.search import search

    with tempfile.TemporaryDirectory(prefix="fa-doctor-") as tmp:
        doc = Path(tmp) / "doctor-check.md"
        doc.write_text(PIPELINE_DOC, encoding="utf-8")
        scratch = dbmod.connect(Path(tmp) / "check.sqlite3")
        try:
            embedder = session.embedder
            report, ms = _timed(lambda: ingest.run(scratch, embedder, [doc]))
            if report.failed:
                return Check("search pipeline", False, f"indexing a test passage failed: {report.failed}")
            # No word in common with the passage: only the embedding and sqlite-vec can find it.
            by_meaning = search(scratch, embedder, "what torque for the fixing screws", k=2, mode="vector")
            by_part = search(scratch, embedder, "P-77-0415", k=2, mode="bm25")
        except AssistantError as e:
            return Check("search pipeline", False, str(e))
        finally:
            scratch.close()
    found = [bool(r.passages) and "45 N·m" in r.passages[0].text for r in (by_meaning, by_part)]
    n = sum(a.get("chunks", 0) for a in report.added)
    detail = (f"indexed a test document in {ms:.0f} ms ({n} passages); found by meaning: {'yes' if found[0] else 'NO'}, "
              f"by part number: {'yes' if found[1] else 'NO'}")
    return Check("search pipeline", all(found), detail)
