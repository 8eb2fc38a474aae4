"""Read aloud through the real platform engine: the app's Speaker speaks with speech-dispatcher
(espeak-ng) into a private PulseAudio's null sink; the sink's monitor is recorded and the recording
transcribed by the app's own speech-to-text (tiny.en). The words must come back.

Needs the Debian packages speech-dispatcher, speech-dispatcher-espeak-ng, pulseaudio and
pulseaudio-utils (scripts/system-packages.txt, group test): missing ones fail the test, not skip it.
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import require_tools

SENTENCE = "Close the pressure valve before you open the pump housing."
KEY_WORDS = ("close", "pressure", "valve", "pump", "housing")
LONG = ("Before any maintenance, switch off the main breaker, lock it, tag it, and wait ten minutes "
        "so that the capacitors discharge. Then check with a meter that no voltage is present. ") * 3


@pytest.fixture
def speech_env(tmp_path, monkeypatch):
    """A private PulseAudio and speech-dispatcher, with this process pointed at them."""
    from tests import pulse, speechd

    require_tools(*pulse.TOOLS, "parecord", *speechd.TOOLS)
    if not Path(speechd.ESPEAK_MODULE).exists():
        pytest.fail(f"{speechd.ESPEAK_MODULE} is missing: install speech-dispatcher-espeak-ng "
                    "(scripts/system-packages.sh --install test)", pytrace=False)
    with pulse.virtual_microphone(tmp_path / "pulse") as client:
        with speechd.speech_dispatcher(tmp_path / "speechd", client) as address:
            for k, v in address.items():
                monkeypatch.setenv(k, v)
            yield client


def _recording(tmp_path: Path, client, run) -> np.ndarray:
    from assistant.speech.audio import decode_file
    from tests import pulse

    wav = tmp_path / "heard.wav"
    rec = pulse.record(wav, client)
    time.sleep(0.5)  # the recorder is connected before the first word
    try:
        run()
    finally:
        time.sleep(0.5)
        rec.terminate()
        rec.wait(10)
    return decode_file(wav)


def _speaker():
    """A Speaker as the window makes it: its speech-dispatcher probe runs through a real Services."""
    from assistant import settings
    from ui.services import Services
    from ui.voice.speaker import Speaker

    services = Services()
    sp = Speaker(settings.load, submit=services.submit)
    sp.services = services  # kept alive with the speaker
    return sp


def test_speaker_is_heard_and_understood(qtbot, tmp_path, speech_env):
    from assistant import settings
    from assistant.speech.transcription import transcribe_all

    sp = _speaker()
    assert sp.available(), sp.problem

    def speak():
        with qtbot.waitSignal(sp.started, timeout=20_000):
            sp.say(SENTENCE)
        with qtbot.waitSignal(sp.finished, timeout=60_000):
            pass

    audio = _recording(tmp_path, speech_env, speak)
    assert audio.size > 16000 and np.max(np.abs(audio)) > 0.05, "nothing was played into the sink"
    text = transcribe_all(audio, settings=settings.load()).text.lower()
    words = set(re.findall(r"[a-z]+", text))
    found = [w for w in KEY_WORDS if w in words]
    assert len(found) >= 3, f"heard {text!r}: only {found} of {KEY_WORDS}"


def test_barge_in_stops_speech_at_once(qtbot, tmp_path, speech_env):
    """Pressing talk (the controller going to "recording") stops a long text mid-way."""
    from ui.services import Services
    from ui.voice.speaker import connect_barge_in
    from ui.voice.talk import TalkController

    services = Services()
    sp = _speaker()
    talk = TalkController(services)
    connect_barge_in(sp, talk=talk)
    times = {}

    def speak():
        with qtbot.waitSignal(sp.started, timeout=20_000):
            sp.say(LONG)
        qtbot.wait(1500)
        times["stop"] = time.monotonic()
        with qtbot.waitSignal(sp.finished, timeout=5_000):
            talk.state_changed.emit("recording")
        qtbot.wait(1500)

    try:
        audio = _recording(tmp_path, speech_env, speak)
    finally:
        services.shutdown(2.0)
    # The long text takes about 40 s; what reached the sink is the 1.5 s before the barge-in and
    # nothing after it: the last 1 s of the recording (0.5 s + 1.5 s after the stop) is silent.
    tail = audio[-16000:]
    assert np.max(np.abs(tail)) < 0.01, "speech went on after talk was pressed"
    assert np.max(np.abs(audio)) > 0.05, "nothing was said before the barge-in"


def test_read_aloud_off_says_nothing(qtbot, speech_env):
    from assistant import settings

    settings.save(read_aloud=False)
    sp = _speaker()
    started = []
    sp.started.connect(lambda: started.append(1))
    sp.say(SENTENCE)
    qtbot.wait(1500)
    assert started == [] and not sp.speaking


def test_engine_choice_never_mock():
    from ui.voice.speaker import platform_engine

    assert platform_engine([]) is None
    assert platform_engine(["mock"]) is None  # Qt's silent test engine is no engine
    linux = sys.platform.startswith("linux")
    assert platform_engine(["mock", "speechd"]) == ("speechd" if linux else "")


def test_no_speech_dispatcher_is_said_once(qtbot, tmp_path, monkeypatch):
    """speech-dispatcher not reachable (a device without it): one message, and say() stays quiet."""
    if not sys.platform.startswith("linux"):
        pytest.skip("speech-dispatcher is the Linux engine")
    monkeypatch.setenv("SPEECHD_ADDRESS", f"unix_socket:{tmp_path / 'no-daemon.sock'}")
    sp = _speaker()
    told = []
    sp.unavailable.connect(told.append)
    sp.say(SENTENCE)
    sp.say(SENTENCE)  # while the daemon is probed: replaces the first
    qtbot.waitUntil(lambda: bool(told), timeout=20_000)
    sp.say(SENTENCE)  # after: nothing more is said about it
    qtbot.wait(200)
    assert len(told) == 1 and "speech engine did not start" in told[0], told
    assert not sp.available() and not sp.speaking


def test_a_daemon_that_never_answers_does_not_freeze_the_window(qtbot, tmp_path, monkeypatch):
    """speech-dispatcher wedged (seen without a sound device): it accepts the connection and never
    replies. libspeechd would wait for ever in QTextToSpeech's constructor; the probe gives up."""
    import socket

    from ui.voice import speaker as spk

    path = tmp_path / "wedged.sock"
    mute = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    mute.bind(str(path))
    mute.listen(4)
    monkeypatch.setenv("SPEECHD_ADDRESS", f"unix_socket:{path}")
    try:
        assert "does not answer" in spk.speechd_problem(timeout=1.0)
        sp = _speaker()
        sp.probe_timeout = 1.0
        told = []
        sp.unavailable.connect(told.append)
        sp.say(SENTENCE)  # returns at once: the probe runs on its own thread
        assert not sp.speaking
        qtbot.waitUntil(lambda: bool(told), timeout=20_000)
        assert "does not answer" in told[0] and not sp.available()
    finally:
        mute.close()


def _start_speaking(qtbot, tmp_path, monkeypatch, client):
    """A speaker that is speaking LONG through a daemon started for the block; yields (speaker, told)."""
    from tests import speechd

    with speechd.speech_dispatcher(tmp_path / "speechd", client) as address:
        for k, v in address.items():
            monkeypatch.setenv(k, v)
        sp = _speaker()
        told = []
        sp.unavailable.connect(told.append)
        with qtbot.waitSignal(sp.started, timeout=20_000):
            sp.say(LONG)
        qtbot.wait(500)
    (tmp_path / "speechd" / "run" / "speechd.sock").unlink(missing_ok=True)
    return sp, told


def test_a_restarted_daemon_is_reconnected_not_crashed_on(qtbot, tmp_path, monkeypatch):
    """speech-dispatcher killed mid-sentence and started again (a crash, a package upgrade): the old
    connection is dead, and setting a rate or voice on it crashes the process inside libspeechd.
    The next sentence goes through a new engine on the new daemon, and nothing is reported."""
    from tests import pulse, speechd

    require_tools(*pulse.TOOLS, *speechd.TOOLS)
    with pulse.virtual_microphone(tmp_path / "pulse") as client:
        sp, told = _start_speaking(qtbot, tmp_path, monkeypatch, client)
        assert sp.speaking  # the dead daemon's engine never says it stopped
        with speechd.speech_dispatcher(tmp_path / "speechd", client):
            finished = []
            sp.finished.connect(lambda: finished.append(1))
            with qtbot.waitSignal(sp.started, timeout=30_000):
                sp.say(SENTENCE)  # crashed the test process before the engine was dropped
            assert finished == [1]  # the lost sentence ended for listeners
            with qtbot.waitSignal(sp.finished, timeout=60_000):
                pass
    assert told == [] and sp.available()


def test_a_daemon_gone_for_good_is_said_once(qtbot, tmp_path, monkeypatch):
    """speech-dispatcher killed mid-sentence and not back: no crash, `finished` for the lost
    sentence, one message, and later sentences are quiet."""
    from tests import pulse, speechd

    require_tools(*pulse.TOOLS, *speechd.TOOLS)
    with pulse.virtual_microphone(tmp_path / "pulse") as client:
        sp, told = _start_speaking(qtbot, tmp_path, monkeypatch, client)
        with qtbot.waitSignal(sp.finished, timeout=5_000):
            sp.say(SENTENCE)
        qtbot.waitUntil(lambda: bool(told), timeout=20_000)
        sp.say(SENTENCE)
        qtbot.wait(300)
    assert len(told) == 1 and "not running" in told[0], told
    assert not sp.speaking and not sp.available()
