"""Hands-free: listen for the wake word, then record the command that follows and transcribe it.

    off --start--> listening --wake word--> recording --speaker stops--> transcribing --> listening
                                                    \\--no speech for 5 s: message--> listening

The microphone is opened the way push-to-talk opens it (`Recorder`: the device from the settings,
16 kHz mono s16 or the device's own format converted here), and kept open while listening. Each
chunk QAudioSource hands over (~40 ms) goes through the wake word detector, then the end-pointer,
right here on the GUI thread: both together cost well under a millisecond per chunk
(bench/wake_word.py measures the listening CPU share), less than posting the chunk to a thread.
Transcription runs on the `stt` lane, like push-to-talk's.

Once the wake word is heard a short chime plays (setting `wake_chime`), so the technician knows
the app is listening. The microphone hears it too, over the command's first word if they do not
wait for it: every sample of the take goes through a band-stop at the chime's two tones
(`assistant.speech.chime.ChimeFilter`), so neither the end-pointer nor Whisper hears it, however
late the sound server plays it.

Push-to-talk and the wake word never fight for the microphone: `follow(talk)` pauses listening
(closes the device) while the talk key is held and resumes it once the take is transcribed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QObject, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QWidget

from assistant.errors import AssistantError
from assistant.speech.audio import DeviceAudio, _resample, level
from assistant.speech.chime import ChimeFilter
from assistant.speech.endpoint import Endpointer, StreamingVad
from assistant.speech.model import load
from assistant.speech.transcription import MIN_SECONDS, transcribe
from assistant.speech.wakeword import WakeWordDetector

from .chime import Chime
from .recorder import Recorder

log = logging.getLogger(__name__)

# After the wake word: the take ends after this much silence, at this length, or with no speech.
SILENCE_S, MAX_S, NO_SPEECH_S = 0.7, 10.0, 5.0
# The detector fires a little after the wake word ends (it averages its last few windows), and
# people run on ("okay nabu next step"): the take starts this far back, or "next" is clipped and
# heard as nothing. 0.2 s is best on espeak commands run on: 0.0 loses the first word, 0.3-0.5 s
# brings back the end of the wake word as an extra word ("move next step").
PRE_ROLL_S = 0.2


class _Microphone(Recorder):
    """A Recorder whose chunks go to a callback as 16 kHz mono s16 instead of into a take."""

    def __init__(self, settings, on_pcm: Callable[[bytes], None], inputs=None, parent=None):
        super().__init__(settings, inputs, parent)
        self._on_pcm = on_pcm

    def accept(self, chunk: bytes) -> None:
        buf = self.buffer
        if buf is None or not chunk:
            return
        self.level.emit(level(chunk, self.sample_format))
        if isinstance(buf, DeviceAudio):  # another format: convert this chunk (no take is kept)
            usable = len(chunk) - len(chunk) % buf.frame_bytes
            x = (np.frombuffer(chunk[:usable], dtype=buf.dtype).astype(np.float32) - buf.offset) / buf.scale
            if buf.channels > 1:
                x = x.reshape(-1, buf.channels).mean(axis=1)
            chunk = (np.clip(_resample(x, buf.rate), -1, 1) * 32767).astype("<i2").tobytes()
        self._on_pcm(chunk)


class WakeListener(QObject):
    """Signals: `level(float)` the microphone level while listening (0..1), `woke()` the wake word was
    heard, `utterance(str)` the transcript of what was said after it (never empty), `message(str)`
    one line for the user (no microphone, nothing heard), `state_changed(str)`."""

    level = Signal(float)
    woke = Signal()
    utterance = Signal(str)
    message = Signal(str)
    state_changed = Signal(str)  # off | listening | recording | transcribing | paused

    def __init__(self, services, inputs=None, parent=None):
        """`services`: the app's Services (settings, the `stt` lane). `inputs`: the microphone list
        (tests on a machine with no sound server give their own, as for the Recorder)."""
        super().__init__(parent)
        self.services = services
        self.mic = _Microphone(lambda: self.services.settings, self.accept_pcm, inputs, parent=self)
        self.mic.level.connect(self.level)
        self.mic.failed.connect(self._mic_failed)
        self.state = "off"
        self.detector: WakeWordDetector | None = None
        self.endpointer: Endpointer | None = None
        self._vad: StreamingVad | None = None
        self.job = None
        self._talk_busy = False
        self._recent = b""  # the last PRE_ROLL_S of audio while listening
        # Procedure mode's push-to-talk while its page is on screen (HandsFree sets this), else None:
        # the take is then a command, decoded as that controller decodes its own (command words,
        # its beam width, the short window).
        self.command_talk: Callable[[], object | None] = lambda: None
        self.chime = Chime(self)
        self._chime_filter: ChimeFilter | None = None  # while a take that the chime may be in is recorded

    # -- control -------------------------------------------------------------------------------

    def start(self) -> None:
        """Listen (opens the microphone); a problem is sent as `message` and listening stays off."""
        if self.state not in ("off", "paused"):
            return
        s = self.services.settings
        try:
            if self.detector is None or self.detector.model != s.wake_word_model:
                self.detector = WakeWordDetector(s.wake_word_model)
            self._vad = self._vad or StreamingVad()
        except AssistantError as e:
            self.message.emit(self.tr("Wake word unavailable: {0}").format(e))
            return
        if self._talk_busy:  # push-to-talk has the microphone: listen once it is done
            self._set("paused")
            return
        why = self.mic.start()
        if why:
            self.message.emit(why)
            self._set("off")
            return
        self.detector.reset()
        self.chime.prepare()  # loaded while listening, so the first wake word's chime is not late
        self._set("listening")

    def stop(self) -> None:
        """Stop listening and close the microphone (a transcription under way is cancelled)."""
        self.mic.stop()
        if self.job is not None:
            self.job.cancel()
            self.job = None
        self.endpointer = None
        self._set("off")

    def follow(self, talk) -> None:
        """Give the microphone to push-to-talk while its key is held (and its take transcribed)."""
        talk.state_changed.connect(self._talk_state)

    def _talk_state(self, state: str) -> None:
        self._talk_busy = state in ("recording", "transcribing")
        if self._talk_busy and self.state in ("listening", "recording"):
            self.mic.stop()
            self.endpointer = None
            self._set("paused")
        elif not self._talk_busy and self.state == "paused":
            self.start()

    # -- audio ---------------------------------------------------------------------------------

    def accept_pcm(self, pcm: bytes) -> None:
        """16 kHz mono s16 from the microphone (also where tests feed synthesised speech)."""
        if self.state == "listening":
            self._recent = (self._recent + pcm)[-int(PRE_ROLL_S * 16000) * 2:]
            if self.detector.feed(pcm):
                self._woke()
        elif self.state == "recording" and self.endpointer is not None:
            if self.endpointer.feed(self._chime_filter.pcm(pcm) if self._chime_filter else pcm):
                self._take_over()

    def _woke(self) -> None:
        log.info("wake word heard")
        self.endpointer = Endpointer(SILENCE_S, MAX_S, NO_SPEECH_S, vad=self._vad)
        chime = self.services.settings.wake_chime
        self._chime_filter = ChimeFilter() if chime else None
        self.endpointer.prime(self._chime_filter.pcm(self._recent) if chime else self._recent)
        self._recent = b""
        self._set("recording")
        if chime:
            self.chime.play()
        self.woke.emit()

    def _take_over(self) -> None:
        ep, self.endpointer = self.endpointer, None
        if ep.reason == "no_speech" or ep.duration_s < MIN_SECONDS:
            self.message.emit(self.tr("Nothing heard after the wake word"))
            self._listen_again()
            return
        self._transcribe(ep.samples())

    def _transcribe(self, samples: np.ndarray) -> None:
        settings = self.services.settings
        talk, vocabulary, short = self.command_talk(), None, False
        if talk is not None:
            if talk.beam_size:
                settings = settings.model_copy(update={"stt_beam_size": talk.beam_size})
            vocabulary = list(talk.vocabulary) if talk.vocabulary is not None else None
            short = talk.short

        def run(ctx):
            model = load(threads=settings.stt_threads, cfg=settings)
            return transcribe(samples, settings=settings, model=model, cancel=ctx.cancel, prompt_terms=vocabulary,
                              label=self.tr("the spoken command"), short=short).result()

        self._set("transcribing")
        job = self.services.submit(run, lane="stt", name="wake-utterance")
        job.succeeded.connect(lambda t: job is self.job and self._done(t))
        job.failed.connect(lambda e: job is self.job and self._failed(e))
        self.job = job

    def _done(self, transcript) -> None:
        self.job = None
        text = transcript.text.strip()
        log.debug("after the wake word: %r", text)
        self._listen_again()
        if text:
            self.utterance.emit(text)
        else:
            self.message.emit(self.tr("Nothing was heard: {0}").format(transcript.message or ""))

    def _failed(self, e: BaseException) -> None:
        self.job = None
        self._listen_again()
        self.message.emit(str(e))

    def _listen_again(self) -> None:
        if self.state in ("off", "paused"):
            return
        if self.detector is not None:
            self.detector.reset()
        self._set("listening" if self.mic.recording else "off")

    def _mic_failed(self, why: str) -> None:
        self.endpointer = None
        self._set("off")
        self.message.emit(why)

    def _set(self, state: str) -> None:
        if state != self.state:
            self.state = state
            if state in ("off", "paused"):
                self.level.emit(0.0)
            self.state_changed.emit(state)


class WakeIndicator(QWidget):
    """A small microphone level meter for the status bar: grey while listening for the wake word,
    the accent colour once it was heard (the visual cue), hidden when listening is off."""

    def __init__(self, listener: WakeListener, parent=None):
        super().__init__(parent)
        self.setObjectName("WakeIndicator")
        self._level, self._state = 0.0, listener.state
        listener.level.connect(self._set_level)
        listener.state_changed.connect(self._set_state)
        self.setFixedSize(QSize(72, 14))
        self._set_state(listener.state)

    def _set_level(self, v: float) -> None:
        self._level = max(0.0, min(1.0, v))
        self.update()

    def _set_state(self, state: str) -> None:
        self._state = state
        self.setVisible(state != "off")
        tips = {"listening": self.tr("Listening for the wake word"), "recording": self.tr("Listening: say the command"),
                "transcribing": self.tr("Understanding the command…"),
                "paused": self.tr("Wake word paused while you talk")}
        self.setToolTip(tips.get(state, ""))
        self.setAccessibleName(tips.get(state, ""))
        self.update()

    def paintEvent(self, event) -> None:
        from .. import theme

        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        r = QRectF(self.rect()).adjusted(1, 3, -1, -3)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(theme.color("border")))
        p.drawRoundedRect(r, 4, 4)
        # Speech sits far below full scale: the square root makes normal speech fill the bar.
        w = r.width() * min(1.0, self._level ** 0.5)
        key = "accent" if self._state in ("recording", "transcribing") else "muted"
        p.setBrush(QColor(theme.color(key)))
        p.drawRoundedRect(QRectF(r.left(), r.top(), w if self._state == "listening" else r.width(), r.height()), 4, 4)
        p.end()
