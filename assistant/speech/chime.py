"""The chime played when the wake word is heard, and the filter that keeps it out of the take.

The chime is two short sine notes (synthesised here, so there is no sound file to license). Its
sound reaches the microphone while the technician starts the command, often over the first word
("okay nabu, next step" in one breath), so waiting for it to end would clip the command and a
timing window would depend on the sound server's output latency. Instead the start of the take
goes through `ChimeFilter`, a band-stop at the chime's two frequencies: the chime is gone from what
the end-pointer and Whisper see, and speech loses two bands 100 Hz wide for under a second.
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
BAND_HZ = 50.0  # half the width of each stop band: 100 Hz wide bands made "next step" "next tip"
TAPS = 1601  # 100 ms at 16 kHz: narrow bands need a long filter; its delay (50 ms) is harmless
HOLD_S = 0.8  # the part of the take the chime can be in: its 0.14 s, after the sound server's latency
FADE_S = 0.05


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


def _band_pass(rate: int = SAMPLE_RATE) -> np.ndarray:
    """FIR taps: a windowed-sinc band-pass around each chime tone (the band-stop is a unit
    impulse minus these)."""
    m = np.arange(TAPS) - (TAPS - 1) / 2
    win = np.blackman(TAPS)

    def low(fc: float) -> np.ndarray:
        return 2 * fc / rate * np.sinc(2 * fc / rate * m) * win

    return sum(low(f + BAND_HZ) - low(f - BAND_HZ) for f in TONES_HZ).astype(np.float32)


class ChimeFilter:
    """The band-stop over a stream of 16 kHz mono chunks (state carried between chunks, so the
    output is the same as filtering the whole take at once, delayed by TAPS // 2 samples).

    Only the first `hold_s` of the take are filtered, then the stop bands fade out over FADE_S:
    the chime is over by then (its length and the sound server's latency), and the rest of the
    command keeps every frequency. The band-stop is the delayed input minus a band-pass, so
    fading the band-pass out leaves exactly the delayed input: no click, no jump in time."""

    def __init__(self, hold_s: float = HOLD_S):
        self.bandpass = _band_pass()
        self._tail = np.zeros(TAPS - 1, dtype=np.float32)
        self._hold = int(hold_s * SAMPLE_RATE)
        self._fade = int(FADE_S * SAMPLE_RATE)
        self._done = 0  # samples output so far

    @property
    def taps(self) -> np.ndarray:
        h = -self.bandpass
        h[(TAPS - 1) // 2] += 1.0
        return h

    def samples(self, x: np.ndarray) -> np.ndarray:
        x = np.concatenate([self._tail, x.astype(np.float32, copy=False)])
        self._tail = x[-(TAPS - 1):]
        delayed = x[(TAPS - 1) // 2: x.size - TAPS // 2]
        n = delayed.size
        pos = self._done + np.arange(n)
        self._done += n
        gain = np.clip(1.0 - (pos - self._hold) / self._fade, 0.0, 1.0).astype(np.float32)
        if not gain.any():
            return delayed.copy()
        return (delayed - gain * np.convolve(x, self.bandpass, mode="valid")).astype(np.float32)

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
