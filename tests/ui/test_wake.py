"""The WakeListener: the real wake word model, VAD and tiny.en on the `stt` lane.

Most tests replace only the device (as tests/ui/test_voice.py does for push-to-talk) and feed
espeak-ng speech in 40 ms chunks the way QAudioSource delivers it; the last one runs a small app in
a subprocess against the PulseAudio virtual microphone (tests/pulse.py), with the real QAudioSource.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import require_tools
from tests.core.test_stt import speak

CHUNK = 1280  # bytes: 40 ms of 16 kHz s16 mono
COMMAND = "okay nabu, next step"


def pcm(wav: Path, before: float = 0.5, after: float = 2.0) -> bytes:
    from assistant.speech.audio import decode_file

    x = decode_file(wav) * 0.5
    z = lambda s: np.zeros(int(s * 16000), np.float32)  # noqa: E731
    return (np.clip(np.concatenate([z(before), x, z(after)]), -1, 1) * 32767).astype("<i2").tobytes()


@pytest.fixture
def services(qtbot):
    from ui.services import Services

    s = Services()
    yield s
    s.shutdown(2.0)


def fake_device(listener) -> list:
    """A microphone that exists but is fed by the test: only the QAudioSource part is replaced."""
    from assistant.speech.audio import PcmBuffer

    mic, opened = listener.mic, []

    def start():
        mic.buffer, mic.sample_format, mic.device_name = PcmBuffer(), "Int16", "test microphone"
        opened.append(True)
        return None

    mic.start = start
    return opened


def feed(listener, data: bytes) -> None:
    for i in range(0, len(data), CHUNK):
        listener.mic.accept(data[i:i + CHUNK])


def test_wake_word_then_command_is_transcribed(qtbot, tmp_path, services):
    from ui.voice.wake import WakeIndicator, WakeListener

    wl = WakeListener(services)
    fake_device(wl)
    events, levels = [], []
    wl.woke.connect(lambda: events.append("woke"))
    wl.utterance.connect(lambda t: events.append(t))
    wl.level.connect(levels.append)
    ind = WakeIndicator(wl)
    assert ind.isHidden()
    wl.start()
    assert wl.state == "listening" and not ind.isHidden()
    feed(wl, pcm(speak("please open the pump housing", tmp_path / "other.wav")))
    assert events == [] and wl.state == "listening"  # speech without the wake word
    with qtbot.waitSignal(wl.utterance, timeout=120_000):
        feed(wl, pcm(speak(COMMAND, tmp_path / "cmd.wav")))
        assert events == ["woke"]
        assert wl.state == "transcribing"  # the end-pointer closed the take within the trailing silence
    assert events[0] == "woke" and "next" in events[1].lower(), events
    assert max(levels) > 0.05  # the meter moved while listening
    assert wl.state == "listening"  # and it listens again
    wl.stop()
    assert wl.state == "off" and wl.mic.buffer is None


def test_command_run_on_without_a_pause(qtbot, tmp_path, services):
    """ "okay nabu next step" in one breath: the take starts a little before the detection fires,
    so the first word of the command is not clipped."""
    from ui.voice.wake import WakeListener

    wl = WakeListener(services)
    fake_device(wl)
    wl.start()
    with qtbot.waitSignal(wl.utterance, timeout=120_000) as got:
        feed(wl, pcm(speak("okay nabu next step", tmp_path / "runon.wav")))
    assert "next" in got.args[0].lower(), got.args


def test_command_in_procedure_mode_is_decoded_as_its_push_to_talk(qtbot, tmp_path, services):
    """While procedure mode is on screen the take after the wake word is decoded as its talk
    button's (the command words, greedy, the short window): "what torque" is a question, which
    the Ask page's decoding hears as "What's tork?" in espeak's voice."""
    from assistant.procedures import commands
    from ui.voice.talk import TalkController
    from ui.voice.wake import WakeListener

    talk = TalkController(services)
    talk.vocabulary, talk.beam_size, talk.short = commands.VOCABULARY, 1, True
    wl = WakeListener(services)
    wl.command_talk = lambda: talk
    fake_device(wl)
    wl.start()
    with qtbot.waitSignal(wl.utterance, timeout=120_000) as got:
        feed(wl, pcm(speak("okay nabu, what torque", tmp_path / "q.wav")))
    wl.stop()
    assert commands.match(got.args[0]).kind == "question", got.args


def test_device_in_its_own_format_is_converted(qtbot, tmp_path, services):
    """A microphone that only gives 48 kHz stereo float (many USB headsets): chunks are converted
    to 16 kHz mono s16 one by one, and the wake word is still heard."""
    from assistant.speech.audio import DeviceAudio, decode_file
    from ui.voice.wake import WakeListener

    wl = WakeListener(services)
    mic = wl.mic

    def start():
        mic.buffer, mic.sample_format, mic.device_name = DeviceAudio(48000, 2, "Float"), "Float", "headset"
        return None

    mic.start = start
    woke = []
    wl.woke.connect(lambda: woke.append(1))
    wl.start()
    x = decode_file(speak("okay nabu", tmp_path / "wake.wav")) * 0.5
    x = np.concatenate([np.zeros(8000, np.float32), x, np.zeros(16000, np.float32)])
    up = np.interp(np.arange(x.size * 3) / 3, np.arange(x.size), x).astype("<f4")  # 48 kHz
    stereo = np.repeat(up, 2).tobytes()
    step = 48000 // 25 * 8  # 40 ms of 48 kHz stereo float
    for i in range(0, len(stereo), step):
        mic.accept(stereo[i:i + step])
    assert woke == [1] and wl.state == "recording"
    wl.stop()


def test_chime_heard_over_the_command_is_filtered_out(qtbot, tmp_path, services):
    """The microphone hears the app's own chime over the start of the command ("okay nabu",
    chime, "next step" while it still sounds): the take is still "next step", nothing more. With
    the setting off the chime is not played (the audio is the same: only the count is checked)."""
    from assistant.procedures.commands import match
    from assistant.speech.audio import decode_file
    from assistant.speech.chime import chime_samples
    from ui.voice.wake import WakeListener

    wake = decode_file(speak("okay nabu", tmp_path / "wake.wav")) * 0.5
    command = decode_file(speak("next step", tmp_path / "next.wav")) * 0.5
    z = lambda s: np.zeros(int(s * 16000), np.float32)  # noqa: E731
    audio = np.concatenate([z(0.5), wake, z(0.15), command, z(2.0)])
    at = int((0.5 + 0.05) * 16000) + wake.size  # the chime starts just after the wake word, over "next"
    chime = chime_samples(16000, volume=0.5)
    audio[at:at + chime.size] += chime
    for chime_on in (True, False):
        services.settings = services.settings.model_copy(update={"wake_chime": chime_on})
        wl = WakeListener(services)
        fake_device(wl)
        wl.start()
        with qtbot.waitSignal(wl.utterance, timeout=120_000) as got:
            feed(wl, (np.clip(audio, -1, 1) * 32767).astype("<i2").tobytes())
        wl.stop()
        assert wl.chime.asked == (1 if chime_on else 0)  # the setting turns it off
        if chime_on:
            assert match(got.args[0]).kind == "next", got.args


def test_nothing_after_the_wake_word_is_one_message(qtbot, tmp_path, services):
    from ui.voice.wake import NO_SPEECH_S, WakeListener

    wl = WakeListener(services)
    fake_device(wl)
    msgs = []
    wl.message.connect(msgs.append)
    wl.start()
    feed(wl, pcm(speak("okay nabu", tmp_path / "wake.wav"), after=NO_SPEECH_S + 1))
    assert msgs == ["Nothing heard after the wake word"]
    assert wl.state == "listening"


def test_push_to_talk_takes_the_microphone(qtbot, tmp_path, services):
    """Talk pressed while listening: the wake listener closes the device, and reopens it after."""
    from ui.voice.talk import TalkController
    from ui.voice.wake import WakeListener

    talk = TalkController(services)
    wl = WakeListener(services)
    opened = fake_device(wl)
    wl.follow(talk)
    wl.start()
    assert wl.state == "listening" and len(opened) == 1
    talk.state_changed.emit("recording")  # as TalkController.press() does once its take starts
    assert wl.state == "paused" and wl.mic.buffer is None  # the device is closed
    feed(wl, pcm(speak("okay nabu", tmp_path / "wake.wav")))  # nothing is listened to meanwhile
    assert wl.state == "paused"
    talk.state_changed.emit("transcribing")
    assert wl.state == "paused"
    talk.state_changed.emit("idle")
    assert wl.state == "listening" and len(opened) == 2


def test_unknown_model_is_a_message(qtbot, services, monkeypatch):
    from ui.voice.wake import WakeListener

    services.settings = services.settings.model_copy(update={"wake_word_model": "hey_computer"})
    wl = WakeListener(services)
    msgs = []
    wl.message.connect(msgs.append)
    wl.start()
    assert wl.state == "off" and len(msgs) == 1 and "hey_computer" in msgs[0]


def test_wake_word_through_a_virtual_microphone(tmp_path):
    """The real QAudioSource recording from PulseAudio: "okay nabu, next step" played into the
    virtual microphone; the listener emits woke, plays the chime (QSoundEffect, to the sink the
    microphone records: it hears its own chime, over the command), then an utterance with "next"."""
    from assistant.speech.audio import decode_file
    from assistant.speech.chime import NOTE_S, tone_level_db
    from tests import pulse

    require_tools(*pulse.TOOLS, "parecord")
    wav = speak(COMMAND, tmp_path / "command.wav")

    def chime_peak(x: np.ndarray) -> float:
        """The loudest the chime's tones are in any stretch of the chime's length."""
        n = int(2 * NOTE_S * 16000)
        return max(tone_level_db(x[i:i + n]) for i in range(0, max(1, x.size - n), n // 4))

    outs = []
    # As in test_voice.py: a sound server starved of CPU on a loaded machine can leave holes in the
    # "microphone" signal, so a second take is allowed; a broken path (no wake, no words) fails both.
    for take in range(2):
        with pulse.virtual_microphone(tmp_path / f"pulse-{take}") as client:
            heard = tmp_path / f"heard-{take}.wav"
            rec = pulse.record(heard, client)
            env = {**os.environ, **client, "QT_QPA_PLATFORM": "offscreen", "FA_TEST_WAV": str(wav)}
            r = subprocess.run([sys.executable, "-m", "tests.ui.wake_mic_app"], env=env, capture_output=True,
                               text=True, timeout=600, cwd=Path(__file__).resolve().parents[2])
            rec.terminate()
            rec.wait(10)
        assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
        out = json.loads(r.stdout.strip().splitlines()[-1])
        outs.append(out)
        assert out["max_level"] > 0.05, out  # the microphone heard the player
        assert out["chime_problem"] is None and out["chimes"] == 1, out  # the chime played, once
        if out["events"][:1] == ["woke"] and any("next" in e.lower() for e in out["events"][1:]):
            break
    else:
        raise AssertionError(f"expected woke, then an utterance with 'next', in one of two takes: {outs}")
    # What the microphone heard had the chime in it, far louder than the speech alone has those tones.
    assert chime_peak(decode_file(heard)) > chime_peak(decode_file(wav)) + 10
