"""Read aloud and the wake word in the main window: the buttons, the settings, the listener's start.

(The speech itself is tested in test_read_aloud.py through speech-dispatcher; here the window's
Speaker is real too, but the tests look at what is sent to it.)
"""

from __future__ import annotations

import json

from PySide6.QtCore import Qt

from tests.ui.conftest import wait_ready


def test_answer_and_safety_note_have_read_aloud_buttons(qtbot, make_window, library):
    from ui.chat.cards import SafetyBanner

    w = make_window()
    wait_ready(qtbot, w)
    said = []
    w.ask.read_aloud.connect(said.append)
    w.ask.box.setText("What torque for the impeller nut on the ZX-9 pump?")
    qtbot.keyClick(w.ask.box, Qt.Key.Key_Return)
    turn = w.ask.current
    qtbot.waitUntil(lambda: not turn.busy, timeout=120_000)
    tv = w.ask.turn_view
    qtbot.waitUntil(lambda: tv.read_button.isVisible(), timeout=5_000)
    tv.read_button.click()
    assert said and "38 Nm" in said[0]  # the manual's line first
    assert "[" not in said[0]  # citation marks are not read out
    qtbot.waitUntil(lambda: tv.cards_ready, timeout=5_000)
    banner = next(b for b in tv.findChildren(SafetyBanner) if b.property("level") == "WARNING")
    read = next(b for b in banner.findChildren(type(tv.read_button)) if b.text() == "Read aloud")
    read.click()
    assert said[-1].startswith("Warning.") and "lock out" in said[-1].lower()
    # No engine on this "device" (tests/ui/conftest.py: no speech-dispatcher): said once, in the window.
    qtbot.waitUntil(lambda: "Read aloud is not available" in w.toast.text(), timeout=20_000)
    assert w.hands_free.speaker._told and not w.hands_free.speaker.available()


def test_read_aloud_off_hides_the_buttons(qtbot, make_window, library, monkeypatch):
    monkeypatch.setenv("FIELD_ASSISTANT_READ_ALOUD", "false")
    w = make_window()
    wait_ready(qtbot, w)
    w.ask.box.setText("What torque for the impeller nut on the ZX-9 pump?")
    qtbot.keyClick(w.ask.box, Qt.Key.Key_Return)
    turn = w.ask.current
    qtbot.waitUntil(lambda: not turn.busy, timeout=120_000)
    qtbot.waitUntil(lambda: w.ask.turn_view.cards_ready, timeout=5_000)
    assert not w.ask.turn_view.read_button.isVisible()
    assert not [b for b in w.ask.turn_view.findChildren(type(w.ask.turn_view.read_button))
                if b.text() == "Read aloud" and b.isVisible()]


def test_wake_word_setting_saved_and_listening_follows_it(qtbot, make_window, library):
    """The dialog saves the wake word and phrase; the window starts listening (or says why not: the
    test machine's Qt may see no microphone) when it is turned on, and stops when it is turned off."""
    from assistant import settings

    w = make_window()
    wait_ready(qtbot, w)
    assert w.hands_free.wake.state == "off"  # off by default outside kiosk mode
    dlg = w.open_settings()
    assert dlg.wake_word.currentData() is None and dlg.read_aloud.isChecked()
    dlg.wake_word.setCurrentIndex(dlg.wake_word.findData(True))
    dlg.wake_model.setCurrentIndex(dlg.wake_model.findData("hey_jarvis"))
    dlg.speech_rate.setCurrentIndex(dlg.speech_rate.findData(-0.3))
    msgs = []
    w.hands_free.wake.message.connect(msgs.append)
    dlg.save()
    saved = json.loads(settings.paths.settings_path().read_text())
    assert saved["wake_word"] is True and saved["wake_word_model"] == "hey_jarvis" and saved["speech_rate"] == -0.3
    wl = w.hands_free.wake
    # Listening, or one message saying why not (no microphone on this machine).
    assert (wl.state == "listening" and wl.detector.model == "hey_jarvis") or (wl.state == "off" and len(msgs) == 1)
    dlg = w.open_settings()
    dlg.wake_word.setCurrentIndex(dlg.wake_word.findData(False))
    dlg.save()
    assert wl.state == "off"


def test_kiosk_listens_for_the_wake_word_by_default(qtbot, make_window, library):
    from assistant import settings

    w = make_window(kiosk=True)
    wait_ready(qtbot, w)
    assert settings.wake_word_on(w.services.settings, w.kiosk.active)
    wl = w.hands_free.wake
    assert wl.state == "listening" or (wl.state == "off" and w.toast.isVisible())
    assert wl.detector is not None and wl.detector.model == "okay_nabu"


def test_wake_word_command_goes_to_procedure_mode(qtbot, make_window, tmp_path):
    """In procedure mode what is said after the wake word is a command for the step screen."""
    from tests.ui.test_procedure_mode import make_pdf, seal

    w = make_window(start=False)
    v = w.procedure
    w.open_procedure(seal(make_pdf(tmp_path / "p200.pdf")))
    qtbot.waitUntil(lambda: v.stack.currentIndex() == 1, timeout=30_000)
    v.hear("ok")  # the warnings acknowledged: step 1
    with qtbot.waitSignal(v.step_shown, timeout=10_000) as shown:
        w.hands_free.wake.utterance.emit("Next step.")  # as the listener emits a transcript
    assert shown.args == [2] and w.page == "procedure"
    assert w.ask.current is None  # not asked as a question
