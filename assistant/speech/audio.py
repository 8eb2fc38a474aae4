"""Audio in: files decoded, microphone PCM collected, all as 16 kHz mono float32 for the recogniser.

Files: any file libsndfile (`soundfile`) reads, else any file FFmpeg (PyAV) decodes when PyAV is
installed (WAV, FLAC, MP3 and OGG are tested; the frozen app carries soundfile only), downmixed and
resampled. Microphone: 16 kHz mono s16 bytes, an int16/float32 array, or a `PcmBuffer` the GUI
fills chunk by chunk from QAudioSource (`DeviceAudio` when the device gives another format).
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

import numpy as np

from ..errors import AudioError, Cancelled
from ..settings import Settings

log = logging.getLogger(__name__)

SAMPLE_RATE = 16_000
FILE_TYPES = "WAV, FLAC, MP3 or OGG"
# The longest audio kept when the caller gives no limit: the setting's own default (the GUI and the
# transcription pass the technician's `stt_max_seconds`).
DEFAULT_MAX_SECONDS: float = Settings.model_fields["stt_max_seconds"].default


class PcmBuffer:
    """Microphone audio collected while the talk key is held: 16 kHz mono s16 chunks, any size.

    Thread-safe: the audio thread feeds it, the `stt` worker reads it after the key is released.
    """

    rate, frame_bytes = SAMPLE_RATE, 2  # one frame: one s16 sample (DeviceAudio: other formats)

    def __init__(self, max_seconds: float = DEFAULT_MAX_SECONDS):
        self.max_samples = int(max_seconds * SAMPLE_RATE)
        self.max_frames = int(self.max_samples / SAMPLE_RATE * self.rate)
        self._chunks: list[bytes] = []
        self._odd = b""  # part of a frame left over from the last chunk
        self._frames = 0
        self._lock = threading.Lock()

    def feed(self, chunk: bytes | bytearray | memoryview) -> bool:
        """Append whole frames; returns False (and keeps nothing more) once the maximum is reached."""
        with self._lock:
            data = self._odd + bytes(chunk)
            whole = len(data) - len(data) % self.frame_bytes
            self._odd = data[whole:]
            room = (self.max_frames - self._frames) * self.frame_bytes
            if room <= 0:
                return False
            take = data[: min(whole, room)]
            self._chunks.append(take)
            self._frames += len(take) // self.frame_bytes
            return self._frames < self.max_frames

    @property
    def duration_s(self) -> float:
        return self._frames / self.rate

    @property
    def full(self) -> bool:
        return self._frames >= self.max_frames

    def samples(self) -> np.ndarray:
        """Everything fed so far as 16 kHz mono float32 in [-1, 1]."""
        with self._lock:
            raw = b"".join(self._chunks)
        return np.frombuffer(raw, dtype="<i2").astype(np.float32) / 32768.0

    def clear(self) -> None:
        with self._lock:
            self._chunks, self._odd, self._frames = [], b"", 0


class DeviceAudio(PcmBuffer):
    """A PcmBuffer fed in whatever format the microphone gives (when it cannot do 16 kHz mono s16).

    Chunks are kept as they arrive; `samples()` converts them once, after the key is released:
    downmix, then a band-limited resample of the whole take (chunk-by-chunk resampling would click
    at every chunk boundary).
    """

    FORMATS = {"UInt8": ("u1", 128.0, 128.0), "Int16": ("<i2", 0.0, 32768.0),
               "Int32": ("<i4", 0.0, 2147483648.0), "Float": ("<f4", 0.0, 1.0)}

    def __init__(self, rate: int, channels: int, sample_format: str, max_seconds: float = DEFAULT_MAX_SECONDS):
        if sample_format not in self.FORMATS:
            raise AudioError(f"the microphone's sample format {sample_format} is not supported")
        if rate <= 0 or channels <= 0:
            raise AudioError(f"the microphone reports {rate} Hz and {channels} channels")
        self.rate, self.channels = rate, channels
        self.dtype, self.offset, self.scale = self.FORMATS[sample_format]
        self.frame_bytes = np.dtype(self.dtype).itemsize * channels
        super().__init__(max_seconds)

    def samples(self) -> np.ndarray:
        with self._lock:
            raw = b"".join(self._chunks)
        x = (np.frombuffer(raw, dtype=self.dtype).astype(np.float32) - self.offset) / self.scale
        if self.channels > 1:
            x = x.reshape(-1, self.channels).mean(axis=1)
        return _resample(x.astype(np.float32), self.rate)


def level(chunk: bytes, sample_format: str = "Int16") -> float:
    """Peak level of a chunk of microphone audio, 0..1 (for the meter while recording)."""
    dtype, offset, scale = DeviceAudio.FORMATS.get(sample_format, DeviceAudio.FORMATS["Int16"])
    usable = len(chunk) - len(chunk) % np.dtype(dtype).itemsize
    if usable <= 0:
        return 0.0
    x = np.frombuffer(chunk[:usable], dtype=dtype).astype(np.float32)
    return float(min(1.0, np.max(np.abs(x - offset)) / scale))


def too_long(seconds: float, limit: float, label: str) -> AudioError:
    """The error for audio longer than `limit` seconds (the setting stt_max_seconds)."""
    return AudioError(f"{label} is too long: {seconds:.0f} s of audio, the limit is {limit:.0f} s "
                      "(setting stt_max_seconds)")


def decode_file(path: str | os.PathLike, max_seconds: float = DEFAULT_MAX_SECONDS,
                cancel: threading.Event | None = None) -> np.ndarray:
    """Decode an audio file to 16 kHz mono float32 (downmixed and resampled).

    libsndfile (`soundfile`) reads WAV, FLAC, MP3 and OGG (Vorbis, Opus); whatever it cannot read goes
    to FFmpeg (PyAV) when PyAV is installed (the frozen app leaves PyAV and its 100 MB of FFmpeg out).

    Raises:
        AudioError: missing, empty, not audio, or longer than `max_seconds`.
        Cancelled: `cancel` was set.
    """
    p = Path(path)
    if not p.exists():
        raise AudioError(f"{p}: no such file")
    if p.is_dir():
        raise AudioError(f"{p} is a folder, not an audio file")
    if p.stat().st_size == 0:
        raise AudioError(f"{p.name}: the file is empty")
    try:
        return _decode_soundfile(p, max_seconds, cancel)
    except _Unreadable as e:
        first = str(e)
    try:
        import av

        av.open  # noqa: B018 (a bundle without PyAV has a placeholder module: see packaging/)
    except (ImportError, AttributeError):
        raise AudioError(f"{p.name}: not a readable audio file ({first}); expected {FILE_TYPES}") from None
    return _decode_av(p, max_seconds, cancel, av)


class _Unreadable(Exception):
    """libsndfile cannot read this file (or soundfile is not installed)."""


def _resample(x: np.ndarray, rate: int) -> np.ndarray:
    """`x` at `rate` Hz resampled to SAMPLE_RATE (band-limited, in the frequency domain)."""
    if rate == SAMPLE_RATE or x.size < 2:
        return x
    n_out = max(1, round(x.size * SAMPLE_RATE / rate))
    spec = np.fft.rfft(x)
    out = np.fft.irfft(spec[: min(spec.size, n_out // 2 + 1)], n_out) * (n_out / x.size)
    return out.astype(np.float32)


def _decode_soundfile(p: Path, limit: float, cancel: threading.Event | None) -> np.ndarray:
    try:
        import soundfile
    except (ImportError, OSError) as e:  # OSError: libsndfile itself is missing
        raise _Unreadable(f"soundfile is not available: {e}") from e
    pieces: list[np.ndarray] = []
    n, damaged = 0, False
    try:
        f = soundfile.SoundFile(str(p))
    except (soundfile.LibsndfileError, RuntimeError, TypeError, ValueError) as e:
        raise _Unreadable(str(e).split(": ", 1)[-1] or type(e).__name__) from e
    with f:
        rate = f.samplerate
        if f.frames > 0 and f.frames / rate > limit + 1:
            raise too_long(f.frames / rate, limit, p.name)
        while True:
            try:
                block = f.read(rate * 10, dtype="float32", always_2d=True)
            except (soundfile.LibsndfileError, RuntimeError) as e:
                # Damaged data ends the stream: keep what was decoded before it.
                log.debug("%s: read error %s", p.name, e)
                block, damaged = None, True
            if block is None or not len(block):
                break
            mono = block.mean(axis=1) if block.shape[1] > 1 else block[:, 0]
            pieces.append(mono)
            n += mono.size
            if n > (limit + 1) * rate:
                raise too_long(n / rate, limit, p.name)
            if cancel is not None and cancel.is_set():
                raise Cancelled("transcription cancelled")
    if damaged:
        log.warning("%s: damaged audio after %.1f s; transcribing what came before", p.name, n / rate)
    if not n:
        raise _Unreadable("no audio could be decoded")
    return _resample(np.concatenate(pieces), rate)


def _decode_av(p: Path, limit: float, cancel: threading.Event | None, av) -> np.ndarray:
    pieces: list[np.ndarray] = []
    n, damaged = 0, False
    try:
        with av.open(str(p), mode="r", metadata_errors="ignore") as container:
            if not container.streams.audio:
                raise AudioError(f"{p.name}: no audio in this file (expected {FILE_TYPES})")
            if container.duration and container.duration / av.time_base > limit + 1:
                raise too_long(container.duration / av.time_base, limit, p.name)
            stream = container.streams.audio[0]
            resampler = av.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)
            frames = container.decode(stream)
            while True:
                try:
                    frame = next(frames)
                except StopIteration:
                    frame = None
                except av.error.InvalidDataError:
                    # Damaged data ends the stream: keep what was decoded before it, as
                    # faster-whisper does (a file damaged from the start fails below).
                    frame, damaged = None, True
                for out in resampler.resample(frame):
                    a = out.to_ndarray().reshape(-1)
                    pieces.append(a)
                    n += a.size
                if frame is None:
                    break
                if n > (limit + 1) * SAMPLE_RATE:
                    raise too_long(n / SAMPLE_RATE, limit, p.name)
                if cancel is not None and cancel.is_set():
                    raise Cancelled("transcription cancelled")
    except AudioError:
        raise
    except (av.error.FFmpegError, ValueError, IndexError, EOFError) as e:
        reason = getattr(e, "strerror", None) or str(e) or type(e).__name__
        raise AudioError(f"{p.name}: not a readable audio file ({reason}); expected {FILE_TYPES}") from e
    if damaged:
        log.warning("%s: damaged audio after %.1f s; transcribing what came before", p.name, n / SAMPLE_RATE)
    if not n:
        raise AudioError(f"{p.name}: no audio could be decoded (expected {FILE_TYPES})")
    return np.concatenate(pieces).astype(np.float32) / 32768.0


def read_audio(audio, max_seconds: float = DEFAULT_MAX_SECONDS, cancel: threading.Event | None = None) -> np.ndarray:
    """Any accepted input as 16 kHz mono float32 samples.

    Args:
        audio: a file path; 16 kHz mono s16le bytes; a 1-D int16 or float array of 16 kHz mono
            samples; or a PcmBuffer.
        max_seconds: longer files are refused (a PcmBuffer keeps its own limit).
        cancel: stops decoding a file; Cancelled is raised.
    Raises:
        AudioError: unreadable, or not mono 16 kHz samples.
    """
    if isinstance(audio, PcmBuffer):
        return audio.samples()
    if isinstance(audio, (str, os.PathLike)):
        return decode_file(audio, max_seconds, cancel)
    if isinstance(audio, (bytes, bytearray, memoryview)):
        raw = bytes(audio)
        return np.frombuffer(raw[: len(raw) - len(raw) % 2], dtype="<i2").astype(np.float32) / 32768.0
    if isinstance(audio, np.ndarray):
        if audio.ndim != 1:
            raise AudioError(f"expected 1-D mono samples at 16 kHz, got an array of shape {audio.shape}")
        if audio.dtype == np.int16:
            return audio.astype(np.float32) / 32768.0
        if np.issubdtype(audio.dtype, np.floating):
            return audio.astype(np.float32, copy=False)
        raise AudioError(f"expected int16 or float samples, got {audio.dtype}")
    raise AudioError(f"cannot read audio from a {type(audio).__name__}")


def label_of(audio) -> str:
    """How messages name the audio: a file's name, else "the recording"."""
    if isinstance(audio, (str, os.PathLike)):
        return Path(audio).name
    return "the recording"


