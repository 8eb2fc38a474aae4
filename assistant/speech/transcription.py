"""A transcription: Silero VAD (bundled with faster-whisper) drops the silence, Whisper decodes the
rest as a stream of `Segment`s, and `result()` collects them into a `Transcript`."""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from ..errors import AudioError, Cancelled, ModelCorruptError, NoSpeechError
from ..settings import Settings
from .audio import SAMPLE_RATE, label_of, read_audio, too_long
from .model import SpeechModel, find, load
from .vocabulary import build_prompt

log = logging.getLogger(__name__)

MIN_SECONDS = 0.3  # shorter than a single short word: a slip of the talk key
# A spoken command (`short=True`) is encoded in a window of this length instead of Whisper's 30 s:
# the encoder's cost grows with its input (attention more than linearly), and on tiny.en it is
# nearly all of a command's transcription (bench/procedure_voice.py). 15 s of which 2 s are speech
# decoded the 50 bench commands as well as 30 s; 10 s and less made Whisper repeat itself ("back,
# back, back"): it learned where speech ends from a long stretch of silence after it.
SHORT_WINDOW_S = 15.0
SHORT_MAX_TOKENS = 32  # a command, or a question about the step, is a handful of words
SILENT_PEAK = 10 ** (-60 / 20)  # below -60 dBFS everywhere: nothing was recorded


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


class Transcription:
    """One transcription: an iterator of `Segment`s, then `result()`.

    Nothing happens until the first `next()` (so the GUI can create it on its thread and iterate
    on the `stt` worker); errors are raised from there.
    """

    def __init__(self, audio, *, settings: Settings, model: SpeechModel | str | None = None,
                 cancel: threading.Event | None = None, prompt_terms: Sequence | None = None,
                 label: str | None = None, short: bool = False):
        self.audio = audio
        self.short = short
        self.model_arg = model
        self.cancel = cancel
        self.prompt_terms = prompt_terms
        self.label = label or label_of(audio)
        self.settings = settings
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
        self.model_name = self.model_arg.name if isinstance(self.model_arg, SpeechModel) else find(self.model_arg, self.settings).name
        t_audio = time.perf_counter()
        samples = read_audio(self.audio, s.stt_max_seconds, self.cancel)
        self.timings["audio_ms"] = round((time.perf_counter() - t_audio) * 1000, 1)
        self.duration_s = samples.size / SAMPLE_RATE
        if self.duration_s < MIN_SECONDS:
            raise AudioError(f"{self.label} is too short: {self.duration_s:.2f} s of audio, "
                             f"at least {MIN_SECONDS} s is needed")
        if self.duration_s > s.stt_max_seconds:
            raise too_long(self.duration_s, s.stt_max_seconds, self.label)
        self._check_cancel()

        if float(np.max(np.abs(samples))) < SILENT_PEAK:
            self.message = (f"no speech detected in {self.label}: the audio is silent "
                            "(is the microphone muted or unplugged?)")
            self._finish(t0)
            return
        if isinstance(self.model_arg, SpeechModel):
            self.model = self.model_arg
        else:
            self.model = load(self.model_arg, s.stt_threads, s)
            if self.model.loaded_at >= t0:  # loaded for this request, not earlier in the process
                self.timings["load_ms"] = self.model.load_ms
        self._check_cancel()
        bias = s.stt_bias if s.stt_bias in ("prompt", "hotwords", "off") else "prompt"
        bias = bias if self.prompt_terms else "off"
        if bias != "off":
            self.prompt = build_prompt(self.prompt_terms, self.model.count_tokens)
        language = None if self.model.multilingual and not s.stt_language else (s.stt_language or "en")
        if self.short and language is not None:
            voiced, speech = self._speech_only(samples)
            self.speech_s = voiced.size / SAMPLE_RATE
            if self.speech_s <= 0:
                self.message = (f"no speech detected in {self.label}: {self.duration_s:.1f} s of audio "
                                "without a voice")
                self._finish(t0)
                return
            if self.speech_s <= SHORT_WINDOW_S - 1.0:  # room for the silence that ends it
                out = self._decode_short(voiced, speech, language, bias)
                if out is not False:  # False: no words or round in circles; the 30 s window below
                    self.timings["first_segment_ms"] = round((time.perf_counter() - t0) * 1000, 1)
                    yield out
                    self._finish(t0)
                    return
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

    def _speech_only(self, samples: np.ndarray) -> tuple[np.ndarray, list[dict]]:
        """The voiced parts of `samples` (Silero VAD, as `WhisperModel.transcribe` does it: a few
        ms for a command) and where they were."""
        from faster_whisper.vad import VadOptions, collect_chunks, get_speech_timestamps

        speech = get_speech_timestamps(samples, VadOptions())
        if not speech:
            return np.zeros(0, np.float32), []
        chunks, _ = collect_chunks(samples, speech)
        return np.concatenate(chunks), speech

    def _decode_short(self, samples: np.ndarray, speech: list[dict], language: str,
                      bias: str) -> Segment | bool:
        """One pass (no temperature fallback, no timestamps, a few tokens) over the speech padded
        with silence to SHORT_WINDOW_S: what `WhisperModel.transcribe` does for one 30 s window,
        minus what a command never needs. Returns the segment, or False when the decoder went round
        in circles ("what torque, what torque, ..." until the token limit, which the short window
        does now and then and the 30 s one does not) or heard no words in what the VAD took for a
        voice: the caller then transcribes the usual way, as faster-whisper falls back to a higher
        temperature."""
        import ctranslate2
        from faster_whisper.tokenizer import Tokenizer
        from faster_whisper.transcribe import get_compression_ratio, get_suppressed_tokens

        whisper = self.model.whisper
        fx = whisper.feature_extractor
        frames = int(SHORT_WINDOW_S * fx.sampling_rate) // fx.hop_length
        # Padded as audio, not as features: the silence then has the log-mel floor Whisper was
        # trained on (faster-whisper pads the features with zeros, a different value).
        padded = np.zeros(frames * fx.hop_length, np.float32)
        padded[:samples.size] = samples
        features = fx(padded, padding=0)[:, :frames]
        tok = Tokenizer(whisper.hf_tokenizer, self.model.multilingual, task="transcribe", language=language)
        prompt: list[int] = []
        if bias != "off" and self.prompt:
            # Sent as faster-whisper sends an initial prompt (and hotwords, which differ only in
            # where a long list is cut).
            prompt = [tok.sot_prev] + tok.encode(" " + self.prompt.strip())[-(whisper.max_length // 2 - 1):]
        prompt += [*tok.sot_sequence, tok.no_timestamps]
        self._check_cancel()
        try:
            enc = whisper.model.encode(ctranslate2.StorageView.from_array(np.ascontiguousarray(features[None])))
            self._check_cancel()
            r = whisper.model.generate(
                enc, [prompt], beam_size=self.settings.stt_beam_size, max_length=len(prompt) + SHORT_MAX_TOKENS,
                return_scores=True, return_no_speech_prob=True, suppress_blank=True,
                suppress_tokens=list(get_suppressed_tokens(tok, [-1])))[0]
        except RuntimeError as e:  # CTranslate2 failures surface as RuntimeError
            raise ModelCorruptError(f"speech model {self.model.name} failed: {str(e).splitlines()[0][:160]}") from e
        tokens = [t for t in r.sequences_ids[0] if t < tok.eot]
        avg_logprob = r.scores[0] * len(tokens) / (len(tokens) + 1)  # as faster-whisper recovers it
        text = tok.decode(tokens).strip()
        if len(r.sequences_ids[0]) >= SHORT_MAX_TOKENS or get_compression_ratio(text) > 2.4:
            log.debug("short window went round in circles (%d tokens): the 30 s window", len(tokens))
            return False
        # faster-whisper's defaults: "no speech" is believed unless the words were likely anyway.
        if r.no_speech_prob > 0.6 and avg_logprob < -1.0:
            text = ""
        start, end = speech[0]["start"] / SAMPLE_RATE, speech[-1]["end"] / SAMPLE_RATE
        seg = Segment(start, end, text, avg_logprob, r.no_speech_prob)
        if not any(ch.isalnum() for ch in text) or self._is_prompt_echo(seg):
            # The VAD heard a voice and the short window made nothing of it (seen: a clean "previous
            # step" decoded as no words once the prompt gained "start over"): the 30 s window
            # decides, and says "no speech" itself if it hears nothing either.
            log.debug("short window heard no words in %.1f s of voice: the 30 s window", self.speech_s)
            return False
        self.segments.append(seg)
        return seg

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


def transcribe(audio, *, settings: Settings, model: SpeechModel | str | None = None,
               cancel: threading.Event | None = None, prompt_terms: Sequence | None = None,
               label: str | None = None, short: bool = False) -> Transcription:
    """Transcribe `audio` (a path, PCM bytes/array or a PcmBuffer) as a stream of segments.

    Args:
        settings: the caller's settings (stt_max_seconds, stt_threads, stt_beam_size, stt_language,
            stt_bias); the CLI's session, the GUI's services or a test give theirs.
        model: a loaded SpeechModel, a model name from `field-assistant models`, or None (default).
        cancel: set it to stop between segments; iteration then raises Cancelled.
        prompt_terms: the domain vocabulary, best first (`assistant.library.terms.domain_terms`);
            the decoder is biased toward it as settings.stt_bias says. None: no bias.
        label: how messages name the audio (default: the file name, or "the recording").
        short: a spoken command (push-to-talk in procedure mode): its speech is decoded in one
            greedy-or-beam pass over a SHORT_WINDOW_S window, a few tokens at most; speech longer
            than the window is transcribed the usual way.
    Returns:
        A Transcription: iterate it for segments, then call `.result()`.
    """
    return Transcription(audio, settings=settings, model=model, cancel=cancel, prompt_terms=prompt_terms,
                         label=label, short=short)


def transcribe_all(audio, **kwargs) -> Transcript:
    """`transcribe(...)` collected into one Transcript (same arguments)."""
    return transcribe(audio, **kwargs).result()


