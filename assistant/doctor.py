"""Self-checks for admins and the frozen bundle: models load, database and extensions work."""

from __future__ import annotations

import importlib.util
import time
from collections.abc import Iterator
from dataclasses import dataclass

from . import models, paths
from .errors import AssistantError


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
        n = db.execute("SELECT count(*) FROM chunks").fetchone()[0]
        m = db.execute("SELECT count(*) FROM manuals").fetchone()[0]
        ok = db.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        yield Check("database", ok, f"{paths.db_path()} ({m} manuals, {n} chunks; sqlite-vec {vec}; "
                    f"integrity {'ok' if ok else 'FAILED'})")
    except AssistantError as e:
        yield Check("database", False, str(e))
        return
    for info in models.installed():
        if info.problem:
            yield Check(f"{info.role} model {info.name}", False, info.problem, essential=info.default)
    try:
        emb, ms = _timed(lambda: session.embedder)
        emb.embed(["pump seal replacement"])
        yield Check("embedding model", True, f"{emb.name} loaded in {ms:.0f} ms")
    except AssistantError as e:
        yield Check("embedding model", False, str(e))
    try:
        from .rag.search import search

        res, ms = _timed(lambda: search(db, session.embedder_or_none(), "maintenance", k=3))
        yield Check("search", True, f"{len(res.passages)} passages in {ms:.0f} ms")
    except AssistantError as e:
        yield Check("search", False, str(e))
    try:
        chat, ms = _timed(session.chat)
        out, ms2 = _timed(lambda: "".join(t.text for t in chat.stream(chat.render("Be brief.", "Say OK."), 8)))
        yield Check("chat model", True, f"{chat.name} ({chat.quantization}) loaded in {ms:.0f} ms; "
                    f"replied {out.strip()[:30]!r} in {ms2:.0f} ms")
    except AssistantError as e:
        yield Check("chat model", False, str(e), essential=False)
    if importlib.util.find_spec("faster_whisper") is None:
        yield Check("speech model", False, "faster-whisper is not installed", essential=False)
        return
    try:
        import numpy as np

        from . import stt

        model, ms = _timed(stt.load)
        # One second of a quiet tone, as a 22.05 kHz WAV file: proves the audio file reader
        # (libsndfile), the resampler, the model and its VAD run; no words are expected.
        import tempfile
        import wave

        tone = (300 * np.sin(2 * np.pi * 440 * np.arange(22050) / 22050)).astype("<i2")
        with tempfile.TemporaryDirectory(prefix="fa-doctor-") as tmp:
            wav = f"{tmp}/tone.wav"
            with wave.open(wav, "wb") as w:
                w.setnchannels(1)
                w.setsampwidth(2)
                w.setframerate(22050)
                w.writeframes(tone.tobytes())
            tr, ms2 = _timed(lambda: stt.transcribe_all(wav, model=model))
        yield Check("speech model", True, f"{model.name} loaded in {ms:.0f} ms; transcribed a 1 s test "
                    f"signal in {ms2:.0f} ms ({tr.message or 'no words, as expected'})"[:200], essential=False)
    except AssistantError as e:
        yield Check("speech model", False, str(e), essential=False)
