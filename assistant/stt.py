"""Speech to text with faster-whisper: audio files or microphone PCM in, a stream of segments out.

    job = stt.transcribe("question.wav", cancel=event, prompt_terms=terms.domain_terms(db))
    for segment in job:          # decoding happens as the caller iterates (GUI: on the `stt` worker)
        show(segment.text)
    transcript = job.result()    # text, duration, timings; `message` says why the text is empty

Audio: any file libsndfile (`soundfile`) reads, else any file FFmpeg (PyAV) decodes when PyAV is
installed (WAV, FLAC, MP3 and OGG are tested; the frozen app carries soundfile only), resampled to 16 kHz
mono; or 16 kHz mono PCM from the microphone: s16 bytes, an int16/float32 array, or a `PcmBuffer`
the GUI fills chunk by chunk from QAudioSource. Silero VAD (bundled with faster-whisper) drops the
silence before decoding.

Models: CTranslate2 Whisper folders from the registry (`models.default("speech")`, tiny.en unless
settings choose another), int8 on the CPU, loaded once per process, from local files only.

Bad input never raises anything but an `AssistantError`: `AudioError` (unreadable, unsupported,
too short, too long), `ModelMissingError` / `ModelCorruptError`, `Cancelled`. Silence or noise is
not an error of the stream: it yields no segment, and the transcript has text "" and a `message`
("no speech detected in X: ..."); `Transcript.require_text()` turns that into `NoSpeechError`
for callers that need words (e.g. `ask --audio`).
"""

from __future__ import annotations

import logging
import os
import re
import threading
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import models
from . import settings as settingsmod
from .errors import AudioError, Cancelled, ModelCorruptError, ModelMissingError, NoSpeechError

log = logging.getLogger(__name__)

SAMPLE_RATE = 16_000
MIN_SECONDS = 0.3  # shorter than a single short word: a slip of the talk key
SILENT_PEAK = 10 ** (-60 / 20)  # below -60 dBFS everywhere: nothing was recorded
# The decoder's context for earlier text is 223 tokens. A plain list of ~150 tokens biased best in our
# measurements (bench/stt_bias.py); 60-100 helped less, 200 leaked codes into tiny.en's transcripts,
# and a "Glossary:" label made ordinary speech come out worse ("lowercase" for "lower case").
PROMPT_MAX_TOKENS = 150
SAME_SHAPE_MAX = 2  # A11, A12, A13…: two examples teach the shape of a series
KIND_MIX = ("code", "word", "acronym", "code", "word")  # turns the kinds take in a prompt
FILE_TYPES = "WAV, FLAC, MP3 or OGG"

os.environ.setdefault("HF_HUB_OFFLINE", "1")


@dataclass
class Segment:
    start: float  # seconds from the start of the audio (silence removed by VAD is counted)
    end: float
    text: str
    avg_logprob: float = 0.0
    no_speech_prob: float = 0.0

    def to_json(self) -> dict:
        return {"start": round(self.start, 2), "end": round(self.end, 2), "text": self.text.strip()}


@dataclass
class Transcript:
    text: str
    language: str
    duration_s: float
    segments: list[Segment]
    timings: dict
    model: str
    speech_s: float = 0.0  # audio left after voice activity detection
    message: str | None = None  # why `text` is empty (silence, noise), else None
    prompt: str | None = None  # the domain vocabulary the decoder was biased with

    def to_json(self) -> dict:
        return {
            "text": self.text,
            "language": self.language,
            "duration_s": round(self.duration_s, 3),
            "segments": [s.to_json() for s in self.segments],
            "timings": self.timings,
            "model": self.model,
            "speech_s": round(self.speech_s, 3),
            "message": self.message,
            "prompt": self.prompt,
        }

    def require_text(self) -> str:
        """The text; raises NoSpeechError (with the message) when nothing was said."""
        if not self.text:
            raise NoSpeechError(self.message or "no speech detected")
        return self.text


# ---------------------------------------------------------------- audio in

class PcmBuffer:
    """Microphone audio collected while the talk key is held: 16 kHz mono s16 chunks, any size.

    Thread-safe: the audio thread feeds it, the `stt` worker reads it after the key is released.
    """

    rate, frame_bytes = SAMPLE_RATE, 2  # one frame: one s16 sample (DeviceAudio: other formats)

    def __init__(self, max_seconds: float | None = None):
        self.max_samples = int((max_seconds or settingsmod.load().stt_max_seconds) * SAMPLE_RATE)
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

    def __init__(self, rate: int, channels: int, sample_format: str, max_seconds: float | None = None):
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


def _too_long(seconds: float, limit: float, label: str) -> AudioError:
    return AudioError(f"{label} is too long: {seconds:.0f} s of audio, the limit is {limit:.0f} s "
                      "(setting stt_max_seconds)")


def decode_file(path: str | os.PathLike, max_seconds: float | None = None,
                cancel: threading.Event | None = None) -> np.ndarray:
    """Decode an audio file to 16 kHz mono float32 (downmixed and resampled).

    libsndfile (`soundfile`) reads WAV, FLAC, MP3 and OGG (Vorbis, Opus); whatever it cannot read goes
    to FFmpeg (PyAV) when PyAV is installed (the frozen app leaves PyAV and its 100 MB of FFmpeg out).

    Raises:
        AudioError: missing, empty, not audio, or longer than `max_seconds`.
        Cancelled: `cancel` was set.
    """
    p = Path(path)
    limit = max_seconds or settingsmod.load().stt_max_seconds
    if not p.exists():
        raise AudioError(f"{p}: no such file")
    if p.is_dir():
        raise AudioError(f"{p} is a folder, not an audio file")
    if p.stat().st_size == 0:
        raise AudioError(f"{p.name}: the file is empty")
    try:
        return _decode_soundfile(p, limit, cancel)
    except _Unreadable as e:
        first = str(e)
    try:
        import av

        av.open  # noqa: B018 (a bundle without PyAV has a placeholder module: see packaging/)
    except (ImportError, AttributeError):
        raise AudioError(f"{p.name}: not a readable audio file ({first}); expected {FILE_TYPES}") from None
    return _decode_av(p, limit, cancel, av)


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
            raise _too_long(f.frames / rate, limit, p.name)
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
                raise _too_long(n / rate, limit, p.name)
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
                raise _too_long(container.duration / av.time_base, limit, p.name)
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
                    raise _too_long(n / SAMPLE_RATE, limit, p.name)
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


def read_audio(audio, max_seconds: float | None = None, cancel: threading.Event | None = None) -> np.ndarray:
    """Any accepted input as 16 kHz mono float32 samples.

    Args:
        audio: a file path; 16 kHz mono s16le bytes; a 1-D int16 or float array of 16 kHz mono
            samples; or a PcmBuffer.
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


def _label(audio) -> str:
    if isinstance(audio, (str, os.PathLike)):
        return Path(audio).name
    return "the recording"


# ---------------------------------------------------------------- models

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
        self.threads = threads or settingsmod.load().stt_threads or default_threads()
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
        self.load_ms = round((time.perf_counter() - t0) * 1000, 1)
        self.multilingual = bool(self.whisper.model.is_multilingual)
        log.info("speech model %s loaded in %.0f ms (%s, %d threads)", self.name, self.load_ms,
                 self.compute_type, self.threads)

    def count_tokens(self, text: str) -> int:
        return len(self.whisper.hf_tokenizer.encode(text, add_special_tokens=False).ids)


_loaded: dict[tuple[str, int | None], SpeechModel] = {}
_load_lock = threading.Lock()


def find(name: str | None = None) -> models.ModelInfo:
    """The registry entry of a speech model (the default one when `name` is None).

    Raises:
        ModelMissingError: no such model, or none installed.
    """
    if not name:
        return models.default("speech")
    speech = [m for m in models.installed() if m.role == "speech"]
    for m in speech:
        if m.name == name:
            if m.problem:
                raise ModelMissingError(f"speech model {name} is unusable: {m.problem}")
            return m
    have = ", ".join(m.name for m in speech) or "none"
    raise ModelMissingError(f"no speech model named {name!r} (installed: {have}); see `field-assistant models`")


def load(name: str | None = None, threads: int | None = None) -> SpeechModel:
    """Load a speech model once per process (by folder and thread count) and return it.

    Raises:
        ModelMissingError / ModelCorruptError: the model is absent, incomplete or damaged.
    """
    info = find(name)
    key = (str(Path(info.path).resolve()), threads)
    with _load_lock:
        if key not in _loaded:
            _loaded[key] = SpeechModel(info, threads)
        return _loaded[key]


# ---------------------------------------------------------------- domain vocabulary

def _shape(term: str) -> str:
    """A11 and E07 -> "A00"; SK-200-45B -> "AA-000-00A": codes of one shape form a series."""
    return re.sub(r"[A-Za-z]", "A", re.sub(r"\d", "0", term))


def _interleave(terms: Iterable) -> Iterator[tuple[str, str | None]]:
    """(text, kind) with the kinds mixed as KIND_MIX says; plain strings first, in their order."""
    queues: dict[str | None, list[str]] = {}
    for t in terms:
        text, kind = (t, None) if isinstance(t, str) else (t.text, t.kind)
        queues.setdefault(kind, []).append(text)
    yield from ((text, None) for text in queues.pop(None, []))
    iters = {k: iter(v) for k, v in queues.items()}
    while iters:
        for kind in KIND_MIX + tuple(k for k in iters if k not in KIND_MIX):
            if kind in iters:
                text = next(iters[kind], None)
                if text is None:
                    del iters[kind]
                else:
                    yield text, kind


def build_prompt(terms: Iterable, count_tokens, max_tokens: int | None = None) -> str | None:
    """A short list of the library's terms for the decoder's prompt, within `max_tokens`.

    Codes, words and acronyms take turns (the most frequent of each first), so part numbers do not
    crowd out names like "upsmon". A word is used only when Whisper's tokenizer splits it (a
    one-token word such as "pump" is something Whisper spells right anyway), and of a series of
    codes of one shape (A11, A12, ...) a couple of examples are enough.

    Args:
        terms: best first; `Term`s from `assistant.library.terms`, or plain strings (used first).
        count_tokens: the speech model's token counter.
    """
    max_tokens = max_tokens or PROMPT_MAX_TOKENS
    chosen: list[str] = []
    shapes: Counter[str] = Counter()
    used = 0
    for text, kind in _interleave(terms):
        n = count_tokens(" " + text)
        if kind == "word" and n < 2:
            continue
        if kind == "code":
            if shapes[_shape(text)] >= SAME_SHAPE_MAX:
                continue
            shapes[_shape(text)] += 1
        if used + n + 1 > max_tokens:  # + 1: the comma
            if used + 3 > max_tokens:
                break
            continue
        chosen.append(text)
        used += n + 1
    return ", ".join(chosen) + "." if chosen else None


# ---------------------------------------------------------------- transcription

class Transcription:
    """One transcription: an iterator of `Segment`s, then `result()`.

    Nothing happens until the first `next()` (so the GUI can create it on its thread and iterate
    on the `stt` worker); errors are raised from there.
    """

    def __init__(self, audio, *, model: SpeechModel | str | None = None,
                 cancel: threading.Event | None = None, prompt_terms: Sequence | None = None,
                 label: str | None = None, settings: settingsmod.Settings | None = None):
        self.audio = audio
        self.model_arg = model
        self.cancel = cancel
        self.prompt_terms = prompt_terms
        self.label = label or _label(audio)
        self.settings = settings or settingsmod.load()
        self.model: SpeechModel | None = None
        self.model_name = ""
        self.segments: list[Segment] = []
        self.language = "en"
        self.duration_s = 0.0
        self.speech_s = 0.0
        self.message: str | None = None
        self.prompt: str | None = None
        self.timings: dict = {"total_ms": None, "load_ms": 0.0, "audio_ms": None, "first_segment_ms": None,
                              "real_time_factor": None}
        self._silent = False
        self._iter: Iterator[Segment] | None = None
        self._done = False

    def __iter__(self) -> Transcription:
        return self

    def __next__(self) -> Segment:
        if self._iter is None:
            self._iter = self._run()
        return next(self._iter)

    def result(self) -> Transcript:
        """Consume the remaining segments and return the whole transcript."""
        for _ in self:
            pass
        text = " ".join(s.text.strip() for s in self.segments if s.text.strip())
        return Transcript(text, self.language, self.duration_s, list(self.segments), dict(self.timings),
                          self.model_name, self.speech_s, self.message, self.prompt)

    def _check_cancel(self) -> None:
        if self.cancel is not None and self.cancel.is_set():
            raise Cancelled("transcription cancelled")

    def _run(self) -> Iterator[Segment]:
        t0 = time.perf_counter()
        s = self.settings
        self._check_cancel()
        # The model's name first (a missing model is reported before any work), the audio next (a
        # bad file fails fast), the model itself last (silence never needs it).
        self.model_name = self.model_arg.name if isinstance(self.model_arg, SpeechModel) else find(self.model_arg).name
        t_audio = time.perf_counter()
        samples = read_audio(self.audio, s.stt_max_seconds, self.cancel)
        self.timings["audio_ms"] = round((time.perf_counter() - t_audio) * 1000, 1)
        self.duration_s = samples.size / SAMPLE_RATE
        if self.duration_s < MIN_SECONDS:
            raise AudioError(f"{self.label} is too short: {self.duration_s:.2f} s of audio, "
                             f"at least {MIN_SECONDS} s is needed")
        if self.duration_s > s.stt_max_seconds:
            raise _too_long(self.duration_s, s.stt_max_seconds, self.label)
        self._check_cancel()

        if float(np.max(np.abs(samples))) < SILENT_PEAK:
            self.message = (f"no speech detected in {self.label}: the audio is silent "
                            "(is the microphone muted or unplugged?)")
            self._finish(t0)
            return
        if isinstance(self.model_arg, SpeechModel):
            self.model = self.model_arg
        else:
            before = len(_loaded)
            self.model = load(self.model_arg, s.stt_threads)
            if len(_loaded) > before:
                self.timings["load_ms"] = self.model.load_ms
        self._check_cancel()
        bias = s.stt_bias if s.stt_bias in ("prompt", "hotwords", "off") else "prompt"
        bias = bias if self.prompt_terms else "off"
        if bias != "off":
            self.prompt = build_prompt(self.prompt_terms, self.model.count_tokens)
        language = None if self.model.multilingual and not s.stt_language else (s.stt_language or "en")
        try:
            gen, info = self.model.whisper.transcribe(
                samples, language=language, beam_size=s.stt_beam_size, vad_filter=True,
                initial_prompt=self.prompt if bias == "prompt" else None,
                hotwords=self.prompt if bias == "hotwords" else None,
            )
            self.language = info.language
            self.speech_s = float(info.duration_after_vad)
            if self.speech_s <= 0:
                self.message = (f"no speech detected in {self.label}: {self.duration_s:.1f} s of audio "
                                "without a voice")
                self._finish(t0)
                return
            while True:
                self._check_cancel()
                try:
                    seg = next(gen)
                except StopIteration:
                    break
                if not any(ch.isalnum() for ch in seg.text) or self._is_prompt_echo(seg):
                    continue
                out = Segment(seg.start, seg.end, seg.text.strip(), seg.avg_logprob, seg.no_speech_prob)
                self.segments.append(out)
                if self.timings["first_segment_ms"] is None:
                    self.timings["first_segment_ms"] = round((time.perf_counter() - t0) * 1000, 1)
                yield out
        except RuntimeError as e:  # CTranslate2 failures surface as RuntimeError
            raise ModelCorruptError(f"speech model {self.model.name} failed: {str(e).splitlines()[0][:160]}") from e
        if not self.segments:
            self.message = (f"no speech detected in {self.label}: only noise or unintelligible sound "
                            f"({self.speech_s:.1f} s that sounded like a voice)")
        self._finish(t0)

    def _is_prompt_echo(self, seg) -> bool:
        """Whisper sometimes answers noise by reciting its prompt: drop a segment made only of prompt terms."""
        if not self.prompt or seg.no_speech_prob < 0.2:
            return False
        words = re.findall(r"[\w\-]+", seg.text.lower())
        vocab = set(re.findall(r"[\w\-]+", self.prompt.lower()))
        return bool(words) and all(w in vocab for w in words)

    def _finish(self, t0: float) -> None:
        total = time.perf_counter() - t0
        self.timings["total_ms"] = round(total * 1000, 1)
        work = total - self.timings["load_ms"] / 1000
        if self.duration_s:
            self.timings["real_time_factor"] = round(work / self.duration_s, 4)
        if self.message:
            log.info("%s", self.message)


def transcribe(audio, *, model: SpeechModel | str | None = None, cancel: threading.Event | None = None,
               prompt_terms: Sequence | None = None, label: str | None = None) -> Transcription:
    """Transcribe `audio` (a path, PCM bytes/array or a PcmBuffer) as a stream of segments.

    Args:
        model: a loaded SpeechModel, a model name from `field-assistant models`, or None (default).
        cancel: set it to stop between segments; iteration then raises Cancelled.
        prompt_terms: the domain vocabulary, best first (`assistant.library.terms.domain_terms`);
            the decoder is biased toward it as settings.stt_bias says. None: no bias.
        label: how messages name the audio (default: the file name, or "the recording").
    Returns:
        A Transcription: iterate it for segments, then call `.result()`.
    """
    return Transcription(audio, model=model, cancel=cancel, prompt_terms=prompt_terms, label=label)


def transcribe_all(audio, **kwargs) -> Transcript:
    """`transcribe(...)` collected into one Transcript (same arguments)."""
    return transcribe(audio, **kwargs).result()


def warm_up(model: SpeechModel) -> None:
    """Run the model once on a short tone so the first real request is not slowed by lazy set-up."""
    t = np.arange(SAMPLE_RATE // 2) / SAMPLE_RATE
    tone = (0.1 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    segments, _ = model.whisper.transcribe(tone, language="en", beam_size=1, vad_filter=False,
                                           without_timestamps=True)
    for _ in segments:
        pass
