"""Push-to-talk: hold to record, release to transcribe; the words come out as `transcribed(str)`.

The controller is the whole voice flow without any widget, so the Ask page (its question box) and
the Notes editor (dictation) share it: the talk buttons and the Space key only call press/release.

    idle --press--> recording --release--> transcribing --done--> idle (transcribed / message)
    transcribing --press or cancel()--> the job is cancelled, a new take starts on press
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal

from assistant.errors import Cancelled
from assistant.speech.audio import PcmBuffer
from assistant.speech.model import load, warm_up
from assistant.speech.transcription import MIN_SECONDS, transcribe

from .recorder import Recorder

log = logging.getLogger(__name__)


class TalkController(QObject):
    state_changed = Signal(str)  # idle | recording | transcribing | unavailable
    level = Signal(float)  # 0..1 while recording
    partial = Signal(str)  # the words so far, while transcribing
    transcribed = Signal(str)  # the final transcript (never empty)
    message = Signal(str)  # one line for the user: silence, too short, a device or model problem

    def __init__(self, services, recorder: Recorder | None = None, parent=None):
        super().__init__(parent)
        self.services = services
        self.recorder = recorder or Recorder(lambda: self.services.settings, parent=self)
        self.recorder.level.connect(self.level)
        self.recorder.failed.connect(self._recorder_failed)
        self.recorder.devices_changed.connect(self.refresh)
        self.state = "idle"
        self.reason: str | None = None  # why voice input is unavailable, when it is
        self.model_problem: str | None = None
        self.job = None
        self._words: list[str] = []
        # Procedure mode speaks a handful of commands: a prompt of those words instead of the
        # library's, and a greedy decode (beam 1), make them both faster and better heard.
        self.vocabulary: list[str] | None = None
        self.beam_size: int | None = None
        # Takes are short commands: decoded in a short window, a few tokens (transcribe's `short`).
        self.short = False
        self._warmed = False  # the short window warmed up (on the first press, while the user speaks)
        self.refresh()

    # -- availability --------------------------------------------------------------------

    def refresh(self) -> None:
        """Re-check microphones and the speech model (devices plugged in or out, settings changed)."""
        if self.recorder.device() is None:
            reason = self.tr("No microphone: type your question instead")
        else:
            reason = self.model_problem
        self.reason = reason
        if self.state in ("idle", "unavailable"):
            self._set("unavailable" if reason else "idle")

    def preload(self):
        """Load and warm up the speech model on the `stt` lane, so the first question is not slowed
        by it. Called once the window is ready (after the chat model: both compete for the CPU).
        A controller for short commands warms up the short window instead (and does it by itself
        on its first press, while the technician speaks, if this was not called)."""
        settings = self.services.settings
        short = self._warmed = self.short

        def run(ctx):
            model = load(threads=settings.stt_threads, cfg=settings)
            ctx.check()
            warm_up(model, short=short)
            return model.name

        return self.services.submit(run, lane="stt", name="speech-model",
                                    on_result=lambda name: log.info("speech model %s ready", name),
                                    on_error=self._model_failed)

    def _model_failed(self, e: BaseException) -> None:
        self.model_problem = self.tr("Voice input unavailable: {0}").format(e)
        self.refresh()

    # -- the flow ------------------------------------------------------------------------

    def press(self) -> None:
        if self.state == "transcribing":
            self.cancel()
        if self.state == "recording":
            return
        if self.reason:
            self.message.emit(self.reason)
            return
        why = self.recorder.start()
        if why:
            self.message.emit(why)
            self.refresh()
            return
        self._set("recording")
        if self.short and not self._warmed:
            # The stt lane is idle while the technician speaks: load the model (if the Ask page's
            # preload has not) and run the short window once, so the first command is as fast as the rest.
            self.preload()

    def release(self) -> None:
        if self.state != "recording":
            return
        buf = self.recorder.stop()
        if buf is None or buf.duration_s < MIN_SECONDS:
            self._set("idle")
            self.message.emit(self.tr("Hold the button (or Space) while you speak, then let go."))
            return
        self._transcribe(buf)

    def cancel(self) -> None:
        """Stop recording or transcribing; nothing is asked."""
        if self.state == "recording":
            self.recorder.stop()
        elif self.job is not None:
            self.job.cancel()
            self.job = None
        self._set("idle")
        self.refresh()

    def _transcribe(self, buf: PcmBuffer) -> None:
        settings = self.services.settings
        if self.beam_size:
            settings = settings.model_copy(update={"stt_beam_size": self.beam_size})
        vocabulary = list(self.vocabulary) if self.vocabulary is not None else None
        short = self.short
        self._words = []

        def run(ctx):
            from assistant.library import terms

            model = load(threads=settings.stt_threads, cfg=settings)
            prompt_terms = vocabulary
            if vocabulary is None and settings.stt_bias != "off":
                try:
                    prompt_terms = terms.domain_terms(ctx.db)
                except Exception as e:  # no library is no reason not to transcribe
                    log.warning("transcribing without the library's vocabulary: %s", e)
            try:
                job = transcribe(buf, settings=settings, model=model, cancel=ctx.cancel, prompt_terms=prompt_terms,
                                 label=self.tr("the recording"), short=short)
                for seg in job:
                    ctx.report(seg.text.strip(), flush=True)
                return job.result()
            except Cancelled:
                raise
            except Exception:
                from assistant.fleet import counters

                counters.record(ctx.db, "speech_error")  # the health document's speech errors
                raise

        self._set("transcribing")
        job = self.services.submit(run, lane="stt", name="transcribe")
        # A cancelled take may still deliver (it finished before it saw the cancel): only the
        # current job's results count.
        job.progress.connect(lambda batch: job is self.job and self._progress(batch))
        job.succeeded.connect(lambda t: job is self.job and self._done(t))
        job.failed.connect(lambda e: job is self.job and self._failed(e))
        self.job = job

    def _progress(self, batch: list) -> None:
        self._words += [t for t in batch if t]
        self.partial.emit(" ".join(self._words))

    def _done(self, transcript) -> None:
        self.job = None
        self._set("idle")
        text = transcript.text.strip()
        # What was said stays out of the log at the default level (it can be about anything).
        log.debug("transcribed %.1f s in %s ms: %r", transcript.duration_s,
              transcript.timings.get("total_ms"), text)
        if text:
            self.transcribed.emit(text)
        else:
            self.message.emit(self.tr("Nothing was heard: {0}").format(
                transcript.message or self.tr("no speech detected")))

    def _failed(self, e: BaseException) -> None:
        self.job = None
        self._set("idle")
        self.message.emit(str(e))
        self.refresh()

    def _recorder_failed(self, why: str) -> None:
        self._set("idle")
        self.message.emit(why)
        self.refresh()

    def _set(self, state: str) -> None:
        if state != self.state:
            self.state = state
            self.state_changed.emit(state)
