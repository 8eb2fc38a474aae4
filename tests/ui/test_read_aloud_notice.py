"""The "read aloud is not available" message in the window: once per session and reason, and only when
read aloud is on. Settings lists the engine's voices each time it opens (the speech-dispatcher probe
fails on this "device": tests/ui/conftest.py points it at a socket nobody listens on); the dialog
says why in its voice list, and the window's toast must not repeat it at each opening, at each save
of the setting, nor at all while read aloud is off."""

from __future__ import annotations

from tests.ui.conftest import wait_ready

SENTENCE = "Close the pressure valve before you open the pump housing."


def _toasts(w, monkeypatch) -> list[str]:
    """Every message the window's toast shows (the real toast still shows it)."""
    shown: list[str] = []
    real = w.toast.show_message

    def show_message(text, ms=3500):
        shown.append(text)
        real(text, ms)

    monkeypatch.setattr(w.toast, "show_message", show_message)
    return shown


def _open_settings_and_wait_for_voices(qtbot, w):
    dlg = w.open_settings()
    qtbot.waitUntil(lambda: dlg.voice_picker.listed, timeout=20_000)
    return dlg


def _read_aloud(shown: list[str]) -> list[str]:
    return [t for t in shown if "Read aloud is not available" in t]


def test_no_engine_is_said_once_and_never_while_read_aloud_is_off(qtbot, make_window, monkeypatch):
    from assistant import settings

    settings.save(read_aloud=False)
    w = make_window()
    wait_ready(qtbot, w)
    shown = _toasts(w, monkeypatch)

    # Off: Settings opens (twice), its voice list says why, the window says nothing.
    for _ in range(2):
        dlg = _open_settings_and_wait_for_voices(qtbot, w)
        assert "speech engine did not start" in dlg.voice_picker.reason.text()
        dlg.reject()
    w.hands_free.speaker.say(SENTENCE)  # off: nothing is said, and nothing about the engine either
    qtbot.wait(200)
    assert _read_aloud(shown) == [], shown

    # Turned on in Settings and saved: still nothing until something is to be read aloud ...
    dlg = _open_settings_and_wait_for_voices(qtbot, w)
    dlg.read_aloud.setChecked(True)
    dlg.save()
    assert w.services.settings.read_aloud
    assert _read_aloud(shown) == [], shown
    # ... then once.
    w.hands_free.speaker.say(SENTENCE)
    qtbot.waitUntil(lambda: bool(_read_aloud(shown)), timeout=5_000)

    # Not again: more requests, Settings opened again, the setting toggled off and on.
    w.hands_free.speaker.say(SENTENCE)
    for on in (False, True):
        dlg = _open_settings_and_wait_for_voices(qtbot, w)
        dlg.read_aloud.setChecked(on)
        dlg.save()
    w.hands_free.speaker.say(SENTENCE)
    qtbot.wait(200)
    assert len(_read_aloud(shown)) == 1, shown


def test_read_aloud_on_settings_opened_twice_says_it_once(qtbot, make_window, monkeypatch):
    w = make_window()
    wait_ready(qtbot, w)
    assert w.services.settings.read_aloud  # the default
    shown = _toasts(w, monkeypatch)
    for _ in range(2):
        dlg = _open_settings_and_wait_for_voices(qtbot, w)
        qtbot.waitUntil(lambda: bool(_read_aloud(shown)), timeout=5_000)
        dlg.reject()
    w.hands_free.speaker.say(SENTENCE)
    qtbot.wait(200)
    assert len(_read_aloud(shown)) == 1, shown
