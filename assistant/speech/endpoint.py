"""End-pointing: after the wake word, record until the speaker stops, then hand the take over.

Silero VAD (the ONNX model faster-whisper ships and already uses to drop silence before decoding)
gives a speech probability per 32 ms window, run as a stream (its recurrent state carried from
window to window). The take ends on the first of:

- "end": speech was heard and then `silence_s` of non-speech followed (the speaker stopped);
- "max": `max_s` of audio (someone kept talking, or the machine is loud and voice-like);
- "no_speech": nothing voice-like within `no_speech_s` (the wake word was a false alarm, or the
  technician changed their mind).

    ep = Endpointer()
    for chunk in microphone:              # 16 kHz s16 mono bytes, any length
        if ep.feed(chunk):
            break
    if ep.reason != "no_speech":
        text = transcribe(ep.samples(), settings=s).result().text
"""

from __future__ import annotations

import logging

import numpy as np

from ..errors import ModelMissingError
from .audio import SAMPLE_RATE

log = logging.getLogger(__name__)

WINDOW = 512  # samples per VAD call at 16 kHz (what Silero v5/v6 expects)
CONTEXT = 64  # samples of the previous window the model sees in front of each window


class StreamingVad:
    """Silero VAD over a stream: `probabilities(samples)` for each whole 512-sample window fed."""

    def __init__(self):
        try:
            from faster_whisper.vad import get_vad_model

            self._session = get_vad_model().session
        except (ImportError, RuntimeError, OSError) as e:
            raise ModelMissingError(f"the voice activity model cannot be loaded: {e}") from e
        self.reset()

    def reset(self) -> None:
        self._h = np.zeros((1, 1, 128), dtype=np.float32)
        self._c = np.zeros((1, 1, 128), dtype=np.float32)
        self._context = np.zeros(CONTEXT, dtype=np.float32)
        self._pending = np.zeros(0, dtype=np.float32)

    def probabilities(self, samples: np.ndarray) -> list[float]:
        x = np.concatenate([self._pending, samples.astype(np.float32, copy=False)])
        out = []
        n = x.size // WINDOW * WINDOW
        for i in range(0, n, WINDOW):
            win = x[i:i + WINDOW]
            inp = np.concatenate([self._context, win])[None, :]
            prob, self._h, self._c = self._session.run(None, {"input": inp, "h": self._h, "c": self._c})
            self._context = win[-CONTEXT:]
            out.append(float(np.asarray(prob).reshape(-1)[0]))
        self._pending = x[n:]
        return out


class Endpointer:
    """Collects one take and decides when it is over (see the module docstring)."""

    def __init__(self, silence_s: float = 0.7, max_s: float = 10.0, no_speech_s: float = 5.0,
                 threshold: float = 0.5, vad: StreamingVad | None = None):
        self.silence_s, self.max_s, self.no_speech_s = silence_s, max_s, no_speech_s
        self.threshold = threshold
        self.vad = vad or StreamingVad()
        self.vad.reset()
        self._chunks: list[np.ndarray] = []
        self._n = 0  # samples collected
        self._windows = 0  # VAD windows judged
        self.speech_windows = 0
        self._last_speech = -1  # index of the last window judged speech
        self.reason: str | None = None  # "end" | "max" | "no_speech" once over

    @property
    def duration_s(self) -> float:
        return self._n / SAMPLE_RATE

    @property
    def heard_speech(self) -> bool:
        # Two windows (64 ms) at least: a single click is not a voice.
        return self.speech_windows >= 2

    @staticmethod
    def _floats(chunk) -> np.ndarray:
        if isinstance(chunk, np.ndarray):
            return chunk.astype(np.float32) / 32768.0 if chunk.dtype == np.int16 else chunk.astype(np.float32)
        raw = bytes(chunk)
        return np.frombuffer(raw[: len(raw) - len(raw) % 2], dtype="<i2").astype(np.float32) / 32768.0

    def prime(self, chunk: bytes | bytearray | memoryview | np.ndarray) -> None:
        """Audio from just before the take (the end of the wake word, maybe the command's first
        sound): kept in the take, but neither counted as the speaker talking nor on the clocks."""
        x = self._floats(chunk)
        self._chunks.append(x)
        self.vad.probabilities(x)  # the model's state follows the audio, the counts do not

    def feed(self, chunk: bytes | bytearray | memoryview | np.ndarray) -> bool:
        """Add 16 kHz mono audio (s16 bytes or an array); True once the take is over."""
        if self.reason:
            return True
        x = self._floats(chunk)
        self._chunks.append(x)
        self._n += x.size
        window_s = WINDOW / SAMPLE_RATE
        for p in self.vad.probabilities(x):
            if p >= self.threshold:
                self.speech_windows += 1
                self._last_speech = self._windows
            self._windows += 1
            if self.heard_speech and (self._windows - 1 - self._last_speech) * window_s >= self.silence_s:
                self.reason = "end"
                break
            if not self.heard_speech and self._windows * window_s >= self.no_speech_s:
                self.reason = "no_speech"
                break
        if not self.reason and self.duration_s >= self.max_s:
            self.reason = "max"
        return self.reason is not None

    def samples(self) -> np.ndarray:
        """The take so far as 16 kHz mono float32."""
        return np.concatenate(self._chunks) if self._chunks else np.zeros(0, dtype=np.float32)


def endpoint(samples: np.ndarray, chunk: int = 1600, **options) -> tuple[str | None, float]:
    """Run an Endpointer over 16 kHz mono float32 `samples` fed in chunks: (reason, seconds at the end)."""
    ep = Endpointer(**options)
    for i in range(0, samples.size, chunk):
        if ep.feed(samples[i:i + chunk]):
            break
    return ep.reason, ep.duration_s
