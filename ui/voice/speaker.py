"""Read aloud: answers, safety notes and procedure steps spoken by the platform's speech engine.

QtTextToSpeech drives whatever the system has: speech-dispatcher on Linux (its "speechd" plugin; the
voice is espeak-ng or whichever module the system set up), SAPI/WinRT on Windows, AVSpeech on macOS.
Nothing is bundled: Piper's neural voices would sound better, but its runtime (piper-phonemize with
espeak-ng) is GPL-3.0, so it is not shipped with the app.

Barge-in: the technician pressing talk or saying the wake word stops speech at once
(`connect_barge_in`): they are about to speak, and the app must not talk over them nor hear itself.

A device without an engine says so once (`unavailable(str)`), not on every button press, and only
to a technician who reads aloud: Settings lists the voices at each opening, read aloud on or off, and
its voice list shows the reason itself.
"""

from __future__ import annotations

import logging
import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot

from assistant import settings as settingsmod

log = logging.getLogger(__name__)


def platform_engine(engines: list[str]) -> str | None:
    """The engine to use from those Qt found: speechd on Linux, the platform's default elsewhere.

    Qt's "mock" engine speaks nothing (it exists for Qt's own tests): it is never chosen here.
    None: no usable engine.
    """
    real = [e for e in engines if e != "mock"]
    if not real:
        return None
    if sys.platform.startswith("linux"):
        return "speechd" if "speechd" in real else None  # flite is the only other, rarely built
    return ""  # QTextToSpeech's default for the platform (sapi/winrt, darwin, android)


PROBE_TIMEOUT_S = 8.0


def speechd_socket() -> Path | None:
    """Where libspeechd connects: SPEECHD_ADDRESS's unix socket, else the user's runtime folder.
    None for an inet_socket address or one without a path."""
    address = os.environ.get("SPEECHD_ADDRESS", "")
    if address:
        if not address.startswith("unix_socket") or ":" not in address:
            return None
        return Path(address.split(":", 1)[1])
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    base = Path(runtime) if runtime else Path.home() / ".cache"
    return base / "speech-dispatcher" / "speechd.sock"


def speechd_daemon() -> tuple[int, int] | None:
    """Which speech-dispatcher serves the socket now: its socket file's (inode, mtime), which a
    restarted daemon changes, or None when nothing listens there (no file, or a file left by a
    killed daemon that refuses connections). A connect only: no SSIP, so it cannot hang on a
    wedged daemon for longer than the short timeout."""
    path = speechd_socket()
    if path is None:
        return (0, 0)  # inet_socket: not watched
    try:
        st = path.stat()
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(0.5)
            sock.connect(str(path))
    except OSError:
        return None
    return (st.st_ino, st.st_mtime_ns)


def speechd_problem(timeout: float = PROBE_TIMEOUT_S) -> str | None:
    """Ask speech-dispatcher for its voices over its socket (SSIP), with a timeout; None when it
    answers, else why not. Qt's speechd engine makes the same request in its constructor through
    libspeechd, which waits for ever: a daemon wedged without a sound device (seen: "Opening audio
    failed") would freeze the window. Like libspeechd, a missing daemon is spawned first."""
    address = os.environ.get("SPEECHD_ADDRESS", "")
    if address and not address.startswith("unix_socket"):
        return None  # inet_socket: not probed (not used on the devices)
    path = speechd_socket()
    if path is None:
        return "no socket in SPEECHD_ADDRESS"
    if not path.exists() and not address and shutil.which("speech-dispatcher"):
        try:  # what libspeechd's autospawn runs
            subprocess.run(["speech-dispatcher", "--spawn", "--communication-method", "unix_socket",
                            "--socket-path", str(path)], capture_output=True, timeout=timeout)
        except (OSError, subprocess.TimeoutExpired) as e:
            return f"speech-dispatcher could not be started ({e})"
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(timeout)
            sock.connect(str(path))
            f = sock.makefile("rwb")
            for command in (b"SET SELF CLIENT_NAME user:field-assistant:probe", b"LIST SYNTHESIS_VOICES"):
                f.write(command + b"\r\n")
                f.flush()
                while True:  # SSIP: "NNN-..." lines go on, "NNN ..." ends the reply
                    line = f.readline()
                    if not line:
                        return "speech-dispatcher closed the connection"
                    if line[3:4] != b"-":
                        break
                if not line[:1] == b"2":
                    return f"speech-dispatcher refused: {line.decode(errors='replace').strip()}"
            f.write(b"QUIT\r\n")
            f.flush()
    except TimeoutError:
        return f"speech-dispatcher does not answer (waited {timeout:.0f} s)"
    except OSError as e:
        return f"speech-dispatcher is not running ({e.strerror or e})"
    return None


class Speaker(QObject):
    """Says one text at a time; a new `say` replaces what is being said.

    Signals: `started` when the engine begins speaking, `finished` when it stops (done or stopped),
    `unavailable(str)` once per reason, when there is no engine or it fails to start, while read aloud
    is on (or for "Test voice").
    """

    started = Signal()
    finished = Signal()
    unavailable = Signal(str)
    # Answers `list_voices`: [(name, language)] and "" , or [] and why there are none.
    voices_listed = Signal(list, str)

    def __init__(self, settings: Callable[[], settingsmod.Settings] | None = None, engine: str | None = None,
                 parent=None, submit: Callable | None = None):
        """`settings`: the app's current settings (read at each `say`: on/off, voice, rate).
        `engine`: an engine name to force (tests); None picks the platform's (`platform_engine`).
        `submit`: `Services.submit`, the one way the GUI works in the background: the speech-dispatcher
        probe runs there. Without it speech-dispatcher is not probed and read aloud says it is not
        available rather than risk a hang on the GUI thread."""
        super().__init__(parent)
        self._submit = submit
        self._settings = settings or settingsmod.load
        self._engine_name = engine
        self._tts = None
        self._problem: str | None = None
        self._told: set[str] = set()  # reasons `unavailable` was emitted for (once each per Speaker)
        self._logged: set[str] = set()
        self.speaking = False
        self._probe = "todo"  # speechd only: todo | running | ok | failed
        self.probe_timeout = PROBE_TIMEOUT_S
        self._pending: tuple[str, tuple | None] | None = None  # (text, voice and rate) said while the probe runs
        self._want_voices = False  # `list_voices` asked while the probe runs
        self._default_voice = None  # the engine's own voice, for "the default" after another was used
        self._listed: dict = {}  # voice name -> QVoice, from `list_voices` (voices of other locales too)
        self._daemon: tuple[int, int] | None = None  # the speech-dispatcher the engine talks to (speechd_daemon)

    # -- the engine ----------------------------------------------------------------------------

    def _engine(self):
        """The QTextToSpeech, created at first use (speech-dispatcher may be spawned by it)."""
        if self._tts is not None or self._problem:
            return self._tts
        try:
            from PySide6.QtTextToSpeech import QTextToSpeech
        except ImportError as e:
            self._problem = self.tr("Read aloud is not available: Qt's text-to-speech module is missing ({0})").format(e)
            return None
        name = self._engine_name if self._engine_name is not None else platform_engine(QTextToSpeech.availableEngines())
        if name == "speechd" and self._probe != "ok":
            return None  # constructed once the probe says the daemon answers (see `say`)
        if name is None:
            self._problem = self.tr("Read aloud is not available: no speech engine on this device "
                                    "(on Linux, install speech-dispatcher and espeak-ng)")
            return None
        tts = QTextToSpeech(name, self) if name else QTextToSpeech(self)
        if tts.state() == QTextToSpeech.State.Error:
            self._problem = self.tr("Read aloud is not available: the speech engine did not start ({0})").format(
                tts.errorString() or tts.engine())
            tts.deleteLater()
            return None
        # To a slot without arguments: the slot reads the state (see recorder.py on PySide6's enums).
        tts.stateChanged.connect(self._state_changed)
        self._daemon = speechd_daemon() if tts.engine() == "speechd" else None
        _app_language_if_none(tts)
        self._default_voice = tts.voice()
        self._tts = tts
        log.info("read aloud with the %s engine", tts.engine())
        return tts

    def available(self) -> bool:
        """An engine is there and has not failed. Cheap: it lists Qt's engine plugins without
        starting one (connecting to speech-dispatcher, which may spawn it, takes seconds: that
        happens at the first `say`, and a failure then is sent once as `unavailable`)."""
        if self._problem:
            return False
        if self._tts is not None:
            return True
        try:
            from PySide6.QtTextToSpeech import QTextToSpeech
        except ImportError:
            return False
        if self._engine_name is not None:
            return self._engine_name in QTextToSpeech.availableEngines() or self._engine_name == ""
        return platform_engine(QTextToSpeech.availableEngines()) is not None

    @property
    def problem(self) -> str | None:
        return self._problem

    # -- speaking ------------------------------------------------------------------------------

    def enabled(self) -> bool:
        return bool(self._settings().read_aloud)

    def say(self, text: str) -> None:
        """Speak `text`, replacing anything being said. Nothing happens when read aloud is off."""
        if self.enabled():
            self._say(text, None)

    def preview(self, text: str, voice: str | None, rate: float) -> None:
        """Speak `text` with `voice` (None: the engine's default) and `rate`, not the saved ones, even
        with read aloud off: the settings dialog's "Test voice"."""
        self._say(text, (voice, rate))

    def _say(self, text: str, override: tuple | None) -> None:
        text = " ".join(text.split())
        if not text:
            return
        self._drop_if_daemon_gone()
        if self._needs_probe():
            self._pending = (text, override)
            self._start_probe()
            return
        tts = self._engine()
        if tts is None:
            self._tell(asked=override is not None)
            return
        self._speak(tts, text, override)

    def list_voices(self) -> None:
        """Ask for the engine's voices: `voices_listed` answers, at once or once speech-dispatcher
        has been probed off the GUI thread (as for the first `say`)."""
        self._drop_if_daemon_gone()
        if self._needs_probe():
            self._want_voices = True
            self._start_probe()
            return
        self._send_voices()

    def _send_voices(self) -> None:
        from PySide6.QtCore import QLocale

        self._want_voices = False
        tts = self._engine()
        if tts is None:
            self.voices_listed.emit([], self._problem or self.tr("no speech engine"))
            return
        if not self._listed:  # once: listing visits locales, which would cut off speech each time
            self._listed = {v.name(): v for v in _voices_in_language(tts)}
        voices = []
        for name, v in self._listed.items():  # espeak-ng's names say their language: not said twice
            language = v.locale().nativeLanguageName()
            english = QLocale.languageToString(v.locale().language())
            said = any(x and x.casefold() in name.casefold() for x in (language, english))
            voices.append((name, "" if said or v.locale().language() == QLocale.Language.C else language))
        self.voices_listed.emit(voices, "" if voices else self.tr("the speech engine offers no voices"))

    def _drop_if_daemon_gone(self) -> None:
        """Drop the engine when the speech-dispatcher it was made with has gone (crashed, killed,
        restarted): on such a connection libspeechd crashes the whole process at the next setRate or
        setVoice (seen: SIGSEGV with Qt 6's speechd plugin), while say() only fails. The next use
        probes again, which spawns a missing daemon as libspeechd would, and makes a new engine."""
        if self._tts is None or self._daemon is None or speechd_daemon() == self._daemon:
            return
        log.warning("speech-dispatcher went away: read aloud reconnects")
        self._drop_engine()
        self._probe = "todo"

    def _drop_engine(self) -> None:
        tts, self._tts = self._tts, None
        tts.stateChanged.disconnect(self._state_changed)
        tts.deleteLater()  # safe on a dead connection, unlike setRate/setVoice
        self._daemon = None
        self._default_voice = None
        self._listed = {}  # QVoice objects of the old engine
        if self.speaking:  # the old engine never said it stopped
            self.speaking = False
            self.finished.emit()

    def _start_probe(self) -> None:
        """Ask speech-dispatcher whether it answers, off the GUI thread: the daemon may need
        spawning, or may hang (see `speechd_problem`). `_probe_done` goes on from there."""
        if self._probe != "todo":
            return
        self._probe = "running"
        if self._submit is None:
            self._probe_done("no background worker to check the speech engine with")
            return
        timeout = self.probe_timeout  # read here: the probe runs on a worker thread
        self._submit(lambda ctx: speechd_problem(timeout), lane="pool", name="speechd-probe",
                     owner=self, on_result=self._probe_done,
                     on_error=lambda e: self._probe_done(str(e) or type(e).__name__))

    def _needs_probe(self) -> bool:
        if self._probe == "ok" or self._problem or self._tts is not None:
            return False
        try:
            from PySide6.QtTextToSpeech import QTextToSpeech
        except ImportError:
            return False
        name = self._engine_name if self._engine_name is not None else platform_engine(QTextToSpeech.availableEngines())
        return name == "speechd"

    def _speak(self, tts, text: str, override: tuple | None = None) -> None:
        if override is None:
            s = self._settings()
            voice, rate = s.speech_voice, s.speech_rate
        else:
            voice, rate = override
        tts.setRate(max(-1.0, min(1.0, float(rate))))
        chosen = None
        if voice:
            chosen = self._listed.get(voice) or next((v for v in tts.availableVoices() if v.name() == voice), None)
        if chosen is None and self._default_voice is not None:
            chosen = self._default_voice  # no voice chosen (or not on this device): the engine's own
        if chosen is not None and chosen.name() != tts.voice().name():
            tts.setVoice(chosen)
        tts.stop()
        tts.say(text)

    def stop(self) -> None:
        """Stop at once (barge-in); `finished` follows if something was being said."""
        self._pending = None
        if self._tts is not None:
            from PySide6.QtTextToSpeech import QTextToSpeech

            self._tts.stop(QTextToSpeech.BoundaryHint.Immediate)

    @Slot(object)
    def _probe_done(self, problem) -> None:
        if problem:
            self._probe = "failed"
            self._problem = self.tr("Read aloud is not available: the speech engine did not start ({0})").format(problem)
            pending, self._pending = self._pending, None  # never to be said
            if self._want_voices:
                self._send_voices()
            self._tell(asked=bool(pending and pending[1] is not None))
            return
        self._probe = "ok"
        pending, self._pending = self._pending, None
        if self._want_voices:
            self._send_voices()
        tts = self._engine()
        if tts is None:
            self._tell(asked=bool(pending and pending[1] is not None))
        elif pending:
            tts.stop()
            self._speak(tts, *pending)

    def _tell(self, asked: bool = False, problem: str | None = None) -> None:
        """Log why read aloud is unavailable (`problem`, else the lasting one) and send `unavailable`,
        each once per reason. The signal (the window's toast) waits until read aloud is on, or `asked`
        ("Test voice"): with it off, Settings listing the voices must not show it, as the voice list
        says why itself."""
        problem = problem or self._problem
        if not problem:
            return
        if problem not in self._logged:
            self._logged.add(problem)
            log.warning("%s", problem)
        if problem in self._told or not (asked or self.enabled()):
            return
        self._told.add(problem)
        self.unavailable.emit(problem)

    @Slot()
    def _state_changed(self) -> None:
        from PySide6.QtTextToSpeech import QTextToSpeech

        st = self._tts.state()
        if st == QTextToSpeech.State.Speaking and not self.speaking:
            self.speaking = True
            self.started.emit()
        elif st in (QTextToSpeech.State.Ready, QTextToSpeech.State.Error) and self.speaking:
            self.speaking = False
            self.finished.emit()
        if st == QTextToSpeech.State.Error:
            # Said once; not a lasting problem: the next `say` makes a new engine (after a new probe
            # for speech-dispatcher), so one failed sentence does not end read aloud until a restart.
            problem = self.tr("Read aloud stopped: {0}").format(self._tts.errorString() or self._tts.engine())
            self._drop_engine()
            self._probe = "todo"
            self._tell(problem=problem)


def _app_language_if_none(tts) -> None:
    """A system locale that names no language ("C", as services and kiosk users often run) leaves
    speech-dispatcher on the first voice it lists (seen: Bishnupriya Manipuri): then take an English
    voice, the app's language, as the default."""
    from PySide6.QtCore import QLocale

    if tts.locale().language() not in (QLocale.Language.C, QLocale.Language.AnyLanguage):
        return
    english = [loc for loc in tts.availableLocales() if loc.language() == QLocale.Language.English]
    if english:
        tts.setLocale(next((loc for loc in english if loc.name() == "en_US"), english[0]))


def _voices_in_language(tts) -> list:
    """The engine's voices in the app's language (English when the system locale names none, "C").

    QTextToSpeech lists the voices of its current locale, which is the system's: under "C" that is
    every voice espeak-ng has (1,500, most for languages the technician does not read), on a device
    set to en_US only the US ones. So the locales of the app's language are visited in turn, and the
    engine is put back as it was."""
    from PySide6.QtCore import QLocale

    lang = QLocale().language()
    if lang in (QLocale.Language.C, QLocale.Language.AnyLanguage):
        lang = QLocale.Language.English  # the app's source language
    locales = [loc for loc in tts.availableLocales() if loc.language() == lang]
    if not locales:
        return list(tts.availableVoices())
    locale, voice = tts.locale(), tts.voice()
    found: dict = {}
    try:
        for loc in locales:
            tts.setLocale(loc)
            for v in tts.availableVoices():
                found.setdefault(v.name(), v)
    finally:
        tts.setLocale(locale)
        tts.setVoice(voice)
    return list(found.values())


def connect_barge_in(speaker: Speaker, talk=None, wake=None) -> None:
    """Stop speech the moment the technician starts to talk: push-to-talk recording or the wake word."""
    if talk is not None:
        talk.state_changed.connect(lambda state: state == "recording" and speaker.stop())
    if wake is not None:
        wake.woke.connect(speaker.stop)
