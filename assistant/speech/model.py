"""The speech model: a CTranslate2 Whisper folder from the registry, loaded with faster-whisper.

`models.default("speech")` is tiny.en unless settings choose another; int8 on the CPU, loaded once
per process (by folder and thread count), from local files only.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from pathlib import Path

import numpy as np

from .. import models
from ..errors import ModelCorruptError, ModelMissingError
from ..settings import Settings
from .audio import SAMPLE_RATE

log = logging.getLogger(__name__)

# faster-whisper reaches for the Hugging Face hub when a file is missing: never (models load from
# local files only).
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def default_threads() -> int:
    """CPU threads for the recogniser: the cores we may use, at most 4 (more barely helps Whisper)."""
    n = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(n, 4))


class SpeechModel:
    """A CTranslate2 Whisper model loaded with faster-whisper (int8 on the CPU)."""

    def __init__(self, info: models.ModelInfo, threads: int | None = None):
        path = Path(info.path)
        for needed in ("model.bin", "config.json", "tokenizer.json"):
            # Without tokenizer.json faster-whisper would fetch one from the Hugging Face hub.
            if not (path / needed).is_file():
                raise ModelCorruptError(f"speech model {info.name}: {path / needed} is missing; "
                                        f"{models.SETUP_HINT}, or copy the whole model folder again")
        try:
            import ctranslate2
            from faster_whisper import WhisperModel
        except ImportError as e:
            raise ModelMissingError(f"faster-whisper is not installed ({e}); install the `speech` extra") from e
        self.name = info.name
        self.path = path
        self.threads = threads or default_threads()
        supported = ctranslate2.get_supported_compute_types("cpu")
        self.compute_type = "int8" if "int8" in supported else "float32"
        t0 = time.perf_counter()
        try:
            self.whisper = WhisperModel(str(path), device="cpu", compute_type=self.compute_type,
                                        cpu_threads=self.threads, local_files_only=True)
        except (RuntimeError, ValueError, OSError) as e:
            raise ModelCorruptError(
                f"speech model {info.name} cannot be loaded ({str(e).splitlines()[0][:160]}); the files in "
                f"{path} may be damaged: {models.SETUP_HINT}, or copy the folder again") from e
        self.loaded_at = time.perf_counter()
        self.load_ms = round((self.loaded_at - t0) * 1000, 1)
        self.multilingual = bool(self.whisper.model.is_multilingual)
        log.info("speech model %s loaded in %.0f ms (%s, %d threads)", self.name, self.load_ms,
                 self.compute_type, self.threads)

    def count_tokens(self, text: str) -> int:
        return len(self.whisper.hf_tokenizer.encode(text, add_special_tokens=False).ids)


_loaded: dict[tuple[str, int | None], SpeechModel] = {}
_load_lock = threading.Lock()


def find(name: str | None = None, cfg: Settings | None = None) -> models.ModelInfo:
    """The registry entry of a speech model (the default one when `name` is None: `cfg.speech_model`,
    else tiny.en).

    Raises:
        ModelMissingError: no such model, or none installed.
    """
    if not name:
        return models.default("speech", cfg)
    speech = [m for m in models.installed(cfg) if m.role == "speech"]
    for m in speech:
        if m.name == name:
            if m.problem:
                raise ModelMissingError(f"speech model {name} is unusable: {m.problem}")
            return m
    have = ", ".join(m.name for m in speech) or "none"
    raise ModelMissingError(f"no speech model named {name!r} (installed: {have}); see `field-assistant models`")


def load(name: str | None = None, threads: int | None = None, cfg: Settings | None = None) -> SpeechModel:
    """Load a speech model once per process (by folder and thread count) and return it.

    Args:
        name: a model name from `field-assistant models`; None: the default speech model.
        threads: CPU threads (the caller's `settings.stt_threads`); None: `default_threads()`.
        cfg: the caller's settings, which choose the default model (see `find`).
    Raises:
        ModelMissingError / ModelCorruptError: the model is absent, incomplete or damaged.
    """
    info = find(name, cfg)
    key = (str(Path(info.path).resolve()), threads)
    with _load_lock:
        if key not in _loaded:
            _loaded[key] = SpeechModel(info, threads)
        return _loaded[key]


def warm_up(model: SpeechModel, short: bool = False) -> None:
    """Run the model once on a short tone so the first real request is not slowed by lazy set-up
    (`short`: through the short window spoken commands are decoded in, instead of the 30 s one)."""
    t = np.arange(SAMPLE_RATE // 2) / SAMPLE_RATE
    tone = (0.1 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    if short:
        import ctranslate2

        from .transcription import SHORT_WINDOW_S

        fx = model.whisper.feature_extractor
        frames = int(SHORT_WINDOW_S * fx.sampling_rate) // fx.hop_length
        x = np.zeros(frames * fx.hop_length, np.float32)
        x[:tone.size] = tone
        feats = np.ascontiguousarray(fx(x, padding=0)[None, :, :frames])
        model.whisper.model.encode(ctranslate2.StorageView.from_array(feats))
        return
    segments, _ = model.whisper.transcribe(tone, language="en", beam_size=1, vad_filter=False,
                                           without_timestamps=True)
    for _ in segments:
        pass
