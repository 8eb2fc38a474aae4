"""The wake word: microWakeWord models (pymicro-wakeword) over 16 kHz s16 mono microphone audio.

The wheel carries everything: the TFLite C runtime (`pymicro_wakeword/lib`), the feature frontend
(`pymicro_features`, a C extension) and four models (okay_nabu, hey_jarvis, hey_mycroft, alexa),
so nothing is downloaded. The detector is cheap enough to run per chunk on the thread that reads
the microphone: one 10 ms feature window per 160 samples, one model call per 30 ms (see
bench/wake_word.py for its CPU share).

    det = WakeWordDetector("okay_nabu")
    for chunk in microphone:          # bytes of 16 kHz s16 mono, any length
        if det.feed(chunk):
            ...                       # heard; the detector is ready for the next one
"""

from __future__ import annotations

import logging

import numpy as np

from ..errors import AudioError, ModelMissingError

log = logging.getLogger(__name__)

MODELS = ("okay_nabu", "hey_jarvis", "hey_mycroft", "alexa")
DEFAULT_MODEL = "okay_nabu"
PHRASES = {"okay_nabu": "okay nabu", "hey_jarvis": "hey jarvis", "hey_mycroft": "hey mycroft", "alexa": "alexa"}
# After a detection the model's probabilities stay high for a few hundred ms: one utterance of the
# wake word must fire once, so detections are ignored for this long.
REFRACTORY_S = 1.0


class WakeWordDetector:
    """One model over one audio stream. Not thread-safe: feed it from one thread at a time."""

    def __init__(self, model: str = DEFAULT_MODEL, cutoff: float | None = None):
        if model not in MODELS:
            raise ModelMissingError(f"unknown wake word model {model!r}; choose one of {', '.join(MODELS)}")
        try:
            from pymicro_wakeword import MicroWakeWord, MicroWakeWordFeatures, Model
        except (ImportError, OSError) as e:  # OSError: the TFLite runtime in the wheel cannot load
            raise ModelMissingError(f"the wake word runtime is not available: {e}") from e
        try:
            self._mww = MicroWakeWord.from_builtin(Model(model))
        except (OSError, ValueError) as e:
            raise ModelMissingError(f"wake word model {model} cannot be loaded: {e}") from e
        self._features_cls = MicroWakeWordFeatures
        self._features = MicroWakeWordFeatures()
        self.model = model
        self.phrase = PHRASES[model]
        # The model's own threshold (its JSON) unless the caller sets one (the benchmark sweeps it).
        self.cutoff = self._mww.probability_cutoff if cutoff is None else cutoff
        self.samples = 0  # fed so far (the clock detections are reported against)
        self._quiet_until = 0
        self.last_probability = 0.0

    def feed(self, chunk: bytes | bytearray | memoryview | np.ndarray) -> bool:
        """Feed audio; True when the wake word ended somewhere in this chunk."""
        if isinstance(chunk, np.ndarray):
            if chunk.dtype != np.int16:
                chunk = (np.clip(chunk, -1.0, 1.0) * 32767).astype("<i2")
            chunk = chunk.tobytes()
        data = bytes(chunk)
        if len(data) % 2:
            raise AudioError("wake word audio must be whole 16-bit samples")
        self.samples += len(data) // 2
        heard = False
        for features in self._features.process_streaming(data):
            p = self._mww.process_streaming_prob(features)
            if p is None:
                continue
            self.last_probability = p
            if p > self.cutoff and self.samples >= self._quiet_until:
                heard = True
                self._quiet_until = self.samples + int(REFRACTORY_S * 16000)
        return heard

    def reset(self) -> None:
        """Forget the audio so far (after a detection, before listening again)."""
        self._mww.reset()
        self._features = self._features_cls()
        self.last_probability = 0.0

    def close(self) -> None:
        self._mww.close()


def detections(samples: np.ndarray, model: str = DEFAULT_MODEL, chunk: int = 1600,
               cutoff: float | None = None) -> list[float]:
    """Seconds (end of the chunk) at which the wake word was heard in 16 kHz mono float32 `samples`."""
    det = WakeWordDetector(model, cutoff)
    pcm = (np.clip(samples, -1.0, 1.0) * 32767).astype("<i2")
    hits = []
    try:
        for i in range(0, pcm.size, chunk):
            if det.feed(pcm[i:i + chunk]):
                hits.append(min(pcm.size, i + chunk) / 16000)
    finally:
        det.close()
    return hits
