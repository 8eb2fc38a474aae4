"""The chime played when the wake word is heard, and the filter that keeps it out of the take.

The chime is two short sine notes (synthesised here, so there is no sound file to license). Its
sound reaches the microphone while the technician starts the command, often over the first word
("okay nabu, next step" in one breath), so waiting for it to end would clip the command and a
timing window would depend on the sound server's output latency. Instead every sample of the take
goes through `ChimeFilter`, a band-stop at the chime's two frequencies: the chime is gone from what
the end-pointer and Whisper see, and speech loses two bands 200 Hz wide, which neither notices.
"""

from __future__ import annotations

import io
import wave
from pathlib import Path

import numpy as np

from .audio import SAMPLE_RATE

TONES_HZ = (1320.0, 1760.0)  # E6 then A6: a rising "ready" cue, far from the voice's fundamental
NOTE_S = 0.07  # each note; the whole chime is 0.14 s
PLAY_RATE = 48000  # what sound servers mix at: no resampling on the way out
BAND_HZ = 100.0  # half the width of each stop band
TAPS = 801  # 50 ms at 16 kHz: narrow bands need a long filter; its delay (25 ms) is harmless


def chime_samples(rate: int = PLAY_RATE, volume: float = 0.3) -> np.ndarray:
    """The chime as float32 samples in -1..1: each note a sine under a Hann envelope (no click at
    either end, so no broadband energy outside the stop bands)."""
    n = int(NOTE_S * rate)
    t = np.arange(n) / rate
    env = np.hanning(n)
    notes = [np.sin(2 * np.pi * f * t) * env for f in TONES_HZ]
    return (volume * np.concatenate(notes)).astype(np.float32)


def chime_wav_bytes(rate: int = PLAY_RATE) -> bytes:
    """The chime as a 16-bit mono WAV file's bytes."""
    pcm = (np.clip(chime_samples(rate), -1, 1) * 32767).astype("<i2").tobytes()
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm)
    return out.getvalue()


def write_chime(folder: Path) -> Path:
    """The chime's WAV file in `folder` (written once; rewritten if its content changed)."""
    data = chime_wav_bytes()
    path = Path(folder) / "wake-chime.wav"
    if not path.is_file() or path.read_bytes() != data:
        path.write_bytes(data)
    return path


def _band_stop(rate: int = SAMPLE_RATE) -> np.ndarray:
    """FIR taps: a unit impulse minus a windowed-sinc band-pass around each chime tone."""
    m = np.arange(TAPS) - (TAPS - 1) / 2
    win = np.blackman(TAPS)

    def low(fc: float) -> np.ndarray:
        return 2 * fc / rate * np.sinc(2 * fc / rate * m) * win

    h = -sum(low(f + BAND_HZ) - low(f - BAND_HZ) for f in TONES_HZ)
    h[(TAPS - 1) // 2] += 1.0
    return h.astype(np.float32)


class ChimeFilter:
    """The band-stop over a stream of 16 kHz mono chunks (state carried between chunks, so the
    output is the same as filtering the whole take at once, delayed by TAPS // 2 samples)."""

    def __init__(self):
        self.taps = _band_stop()
        self._tail = np.zeros(TAPS - 1, dtype=np.float32)

    def samples(self, x: np.ndarray) -> np.ndarray:
        x = np.concatenate([self._tail, x.astype(np.float32, copy=False)])
        self._tail = x[-(TAPS - 1):]
        return np.convolve(x, self.taps, mode="valid").astype(np.float32)

    def pcm(self, chunk: bytes) -> bytes:
        """16-bit little-endian PCM in, the same out (filtered)."""
        x = np.frombuffer(chunk[:len(chunk) // 2 * 2], dtype="<i2").astype(np.float32) / 32768
        return (np.clip(self.samples(x), -1, 1) * 32767).astype("<i2").tobytes()


def tone_level_db(samples: np.ndarray, rate: int = SAMPLE_RATE) -> float:
    """How loud the chime's tones are in `samples` (dB, their power over the whole signal's):
    near 0 for the chime alone, far below for speech or the filtered take. Tests use it."""
    spec = np.abs(np.fft.rfft(samples * np.hanning(samples.size))) ** 2
    freqs = np.fft.rfftfreq(samples.size, 1 / rate)
    near = np.zeros(freqs.size, bool)
    for f in TONES_HZ:
        near |= np.abs(freqs - f) <= 30
    return float(10 * np.log10((spec[near].sum() + 1e-12) / (spec.sum() + 1e-12)))
