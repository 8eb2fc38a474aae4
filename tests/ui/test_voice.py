"""Push-to-talk in the app: real speech (espeak-ng) through the recorder's path, the real tiny.en
model on the `stt` lane, the transcript in the question box and the answer started.

The CI machine has no sound card, so most tests replace only the device (the recorder opens a
take without QAudioSource) and feed the synthesised speech in 40 ms chunks the way QAudioSource
delivers it. `test_records_through_a_virtual_microphone` then runs the app in a subprocess against
a PulseAudio virtual microphone, with the real QAudioSource.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from assistant.wer import word_error_rate
from tests.conftest import require_tools
from tests.core.test_stt import ESPEAK_MAX_WER, assert_heard, speak
from tests.ui.conftest import wait_ready

QUESTION = "What torque for the pump mounting bolts?"
CHUNK = 1280  # bytes: 40 ms of 16 kHz s16 mono, what QAudioSource hands over at a time


def pcm(wav: Path) -> bytes:
    from assistant.speech.audio import decode_file

    return (np.clip(decode_file(wav), -1, 1) * 32767).astype("<i2").tobytes()


@pytest.fixture(scope="module")
def question_pcm(tmp_path_factory) -> bytes:
    return pcm(speak(QUESTION, tmp_path_factory.mktemp("voice") / "question.wav"))


def fake_device(voice) -> None:
    """A microphone that exists but is fed by the test: only the QAudioSource part is replaced."""
    from assistant.speech.audio import PcmBuffer

    rec = voice.recorder

    def start():
        rec.buffer, rec.sample_format, rec.device_name = PcmBuffer(), "Int16", "test microphone"
        return None

    rec.device = lambda: "test microphone"
    rec.start = start
    voice.refresh()


def say(qtbot, window, data: bytes, button=None) -> None:
    """Hold the talk button, stream `data` in, let go."""
    button = button or window.ask.mic_button
    QTest.mousePress(button, Qt.MouseButton.LeftButton, pos=QPoint(5, 5))
    assert window.ask.voice.state == "recording"
    levels = []
    window.ask.voice.level.connect(levels.append)
    for i in range(0, len(data), CHUNK):
        window.ask.voice.recorder.accept(data[i:i + CHUNK])
    QTest.mouseRelease(button, Qt.MouseButton.LeftButton, pos=QPoint(5, 5))
    if any(data):
        assert max(levels) > 0.05  # the meter moved


def test_spoken_question_is_transcribed_and_asked(qtbot, make_window, library, question_pcm):
    w = make_window()
    wait_ready(qtbot, w)
    fake_device(w.ask.voice)
    assert w.ask.mic_button.isEnabled()
    say(qtbot, w, question_pcm)
    assert w.ask.voice.state == "transcribing"
    qtbot.waitUntil(lambda: w.ask.current is not None, timeout=120_000)
    assert_heard(QUESTION, w.ask.current.question)
    assert w.ask.box.text() == w.ask.current.question
    qtbot.waitUntil(lambda: not w.ask.current.busy, timeout=120_000)
    assert w.ask.current.state == "done"


def test_confirm_setting_waits_for_ask(qtbot, make_window, library, question_pcm, monkeypatch):
    monkeypatch.setenv("FIELD_ASSISTANT_VOICE_AUTO_ASK", "false")
    w = make_window()
    wait_ready(qtbot, w)
    assert w.services.settings.voice_auto_ask is False
    fake_device(w.ask.voice)
    with qtbot.waitSignal(w.ask.voice.transcribed, timeout=120_000):
        say(qtbot, w, question_pcm)
    assert_heard(QUESTION, w.ask.box.text())
    assert w.ask.current is None and not w.ask.turns  # nothing asked yet: the technician checks first
    QTest.mouseClick(w.ask.ask_button, Qt.MouseButton.LeftButton)
    assert w.ask.current is not None and w.ask.current.question == w.ask.box.text()


def test_silence_gives_one_clear_message(qtbot, make_window, library):
    w = make_window()
    wait_ready(qtbot, w)
    fake_device(w.ask.voice)
    with qtbot.waitSignal(w.ask.voice.message, timeout=120_000) as got:
        say(qtbot, w, bytes(2 * 16000 * 2))  # two seconds of digital silence
    assert got.args[0].startswith("Nothing was heard") and "silent" in got.args[0]
    assert w.ask.voice.state == "idle" and w.ask.current is None
    assert w.toast.isVisible() and "Nothing was heard" in w.toast.text()


def test_too_short_press_says_how_to_talk(qtbot, make_window, library):
    w = make_window()
    wait_ready(qtbot, w)
    fake_device(w.ask.voice)
    with qtbot.waitSignal(w.ask.voice.message, timeout=10_000) as got:
        say(qtbot, w, bytes(1600))  # 50 ms
    assert "Hold the button" in got.args[0]
    assert w.ask.voice.state == "idle"


def test_pressing_again_cancels_the_transcription(qtbot, make_window, library, question_pcm):
    w = make_window()
    wait_ready(qtbot, w)
    fake_device(w.ask.voice)
    say(qtbot, w, question_pcm)
    first = w.ask.voice.job
    assert first is not None
    w.ask.voice.cancel()
    assert first.cancel_event.is_set() and w.ask.voice.state == "idle"
    qtbot.waitUntil(lambda: first.done, timeout=120_000)
    qtbot.wait(200)
    assert w.ask.current is None  # the cancelled take asked nothing


def test_no_microphone_disables_the_buttons_and_typing_still_works(qtbot, make_window, library):
    w = make_window(kiosk=True)
    wait_ready(qtbot, w)
    w.ask.voice.recorder._inputs = lambda: []  # a machine without any audio input
    w.ask.voice.refresh()
    assert w.ask.voice.state == "unavailable"
    for b in (w.ask.talk, w.ask.mic_button):
        assert not b.isEnabled()
    assert w.ask.talk.isVisible() and "No microphone" in w.ask.talk.text()
    assert "type your question" in w.ask.talk.toolTip()
    QTest.keyClicks(w.ask.box, "pump torque")
    QTest.keyClick(w.ask.box, Qt.Key.Key_Return)
    assert w.ask.current is not None and w.ask.current.question == "pump torque"


def test_space_talks_only_when_the_question_box_is_not_focused(qtbot, make_window, library, question_pcm):
    w = make_window()
    wait_ready(qtbot, w)
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow, timeout=5_000)
    fake_device(w.ask.voice)
    w.ask.box.setFocus()
    QTest.keyClick(w.ask.box, Qt.Key.Key_Space)
    assert w.ask.box.text() == " " and w.ask.voice.state == "idle"  # typing a space, not talking
    w.ask.box.clear()
    w.ask.scroll.setFocus()
    QTest.keyPress(w.ask.scroll, Qt.Key.Key_Space)
    assert w.ask.voice.state == "recording"
    for i in range(0, len(question_pcm), CHUNK):
        w.ask.voice.recorder.accept(question_pcm[i:i + CHUNK])
    QTest.keyRelease(w.ask.scroll, Qt.Key.Key_Space)
    assert w.ask.voice.state == "transcribing"
    qtbot.waitUntil(lambda: w.ask.current is not None, timeout=120_000)
    assert_heard(QUESTION, w.ask.current.question)


def test_records_through_a_virtual_microphone(tmp_path, library, home):
    """The real QAudioSource, recording from PulseAudio: a null sink's monitor as the default
    source, espeak-ng's question played into the sink while the talk key is held."""
    from tests import pulse

    require_tools(*pulse.TOOLS)
    wav = speak(QUESTION, tmp_path / "question.wav")
    takes = []
    # A sound server is a real-time program: on a CI machine running two suites on two cores it can
    # miss its deadlines and leave holes in the "microphone" signal (the length arrives, words are
    # lost: seen at load 4). A second take is allowed for that; a broken recording path (no audio,
    # a wrong sample rate: word error rate 0.9 or more) fails both.
    for take in range(2):
        with pulse.virtual_microphone(tmp_path / f"pulse-{take}") as client:
            env = {**os.environ, **client, "QT_QPA_PLATFORM": "offscreen", "FA_TEST_WAV": str(wav),
                   "FIELD_ASSISTANT_MAX_ANSWER_TOKENS": "16"}
            r = subprocess.run([sys.executable, "-m", "tests.ui.voice_mic_app"], env=env, capture_output=True,
                               text=True, timeout=600, cwd=Path(__file__).resolve().parents[2])
        assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
        out = json.loads(r.stdout.strip().splitlines()[-1])
        assert out["device"], out  # a real input device was used
        assert out["recorded_s"] > 1.5, out  # the whole take arrived, every time
        takes.append(out)
        # Through PulseAudio (22.05 -> 44.1 -> 16 kHz, two resamplings) as through the recorder's path.
        if word_error_rate(QUESTION, out["box"]) <= ESPEAK_MAX_WER:
            break
    else:
        raise AssertionError(f"heard {[t['box'] for t in takes]!r} for {QUESTION!r}: word error rate over "
                             f"{ESPEAK_MAX_WER} in both takes; {takes}")
    assert out["asked"] == out["box"], out
