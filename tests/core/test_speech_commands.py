"""Spoken commands: the short window procedure mode decodes them in, and the wake chime's filter.

Real tiny.en, real Silero VAD, espeak-ng speech (as tests/core/test_stt.py); each command is checked
against the grammar it is meant for, and beside the usual 30 s window on the same audio.
"""

from __future__ import annotations

import wave

import numpy as np
import pytest

from assistant import settings as settingsmod
from assistant.procedures.commands import VOCABULARY, match
from assistant.speech.audio import SAMPLE_RATE, decode_file
from assistant.speech.chime import (
    HOLD_S,
    PLAY_RATE,
    TONES_HZ,
    ChimeFilter,
    chime_samples,
    tone_level_db,
    write_chime,
)
from assistant.speech.endpoint import Endpointer
from assistant.speech.model import load
from assistant.speech.transcription import SHORT_WINDOW_S, transcribe_all
from tests.core.test_stt import JFK, JFK_CLIP, assert_heard, speak

# (said, the command it must be): step moves, a question, and "what torque", which the short window
# alone decodes in circles (the 30 s window then takes over)
COMMANDS = [("next step", "next"), ("go back", "back"), ("repeat that", "repeat"), ("previous step", "back"),
            ("what torque", "question"), ("okay", "ack")]


@pytest.fixture
def settings(home) -> settingsmod.Settings:
    # Procedure mode's decoding: greedy, primed with the command words (ui/procedure/procedure_view.py).
    return settingsmod.load().model_copy(update={"stt_beam_size": 1})


def command_audio(text: str, tmp_path) -> np.ndarray:
    x = decode_file(speak(text, tmp_path / "command.wav")) * 0.5
    z = np.zeros(SAMPLE_RATE // 2, np.float32)
    return np.concatenate([z, x, z])  # the talk button held a moment before and after


def test_short_window_takes_the_commands_the_30s_window_takes(settings, tmp_path):
    model = load(threads=settings.stt_threads, cfg=settings)
    missed = []
    for text, kind in COMMANDS:
        audio = command_audio(text, tmp_path)
        short = transcribe_all(audio, settings=settings, model=model, prompt_terms=VOCABULARY, short=True)
        full = transcribe_all(audio, settings=settings, model=model, prompt_terms=VOCABULARY)
        if match(full.text).kind != kind:
            # The peer missed it: nothing to compare ("okay" alone came out empty in the 30 s window on
            # one machine's CPU, where CTranslate2's kernels differ). At most one such miss, below.
            missed.append((text, full.text))
            continue
        assert match(short.text).kind == kind, (text, short.text, full.text)  # ...the short window hears it too
        assert short.segments and short.segments[0].start < short.segments[0].end <= short.duration_s
    assert len(missed) <= 1, missed  # the peer hears the commands


def test_short_window_silence_and_noise_are_messages(settings):
    rng = np.random.default_rng(4)
    noise = np.clip(0.2 * rng.standard_normal(2 * SAMPLE_RATE), -1, 1).astype(np.float32)
    for audio, why in ((np.zeros(2 * SAMPLE_RATE, np.float32), "silent"), (noise, "")):
        t = transcribe_all(audio, settings=settings, prompt_terms=VOCABULARY, short=True)
        assert t.text == "" and t.message.startswith("no speech detected") and why in t.message, t.to_json()


def test_speech_longer_than_the_short_window_is_transcribed_whole(settings):
    """Two readings of the 11 s JFK clip: more than the short window holds, so the usual 30 s
    windows; both readings are there. (Not every word: where greedy decoding fails Whisper's checks,
    faster-whisper samples the window again from CTranslate2's process-wide generator, and in 1 of 3
    clean-clone CI runs the second reading lost its last clause, word error rate 0.205; seeding that
    generator per transcription did not make it repeatable in CI. A transcript cut at the short
    window would lose the whole second reading: 0.5.)"""
    x = decode_file(JFK_CLIP)
    twice = np.concatenate([x, np.zeros(SAMPLE_RATE // 2, np.float32), x])
    assert twice.size / SAMPLE_RATE > SHORT_WINDOW_S
    t = transcribe_all(twice, settings=settings, short=True)
    assert_heard(f"{JFK} {JFK}", t.text, 0.3)
    # both readings: "my fellow Americans" each time (Whisper's greedy pass has written "americas"
    # for both in a clean-clone CI run under load; a cut at the short window leaves one)
    assert t.text.casefold().count("fellow americ") == 2, t.text


# ---------------------------------------------------------------- the wake chime

def test_chime_file_is_a_short_wav_of_its_two_tones(tmp_path):
    path = write_chime(tmp_path)
    with wave.open(str(path)) as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 2, PLAY_RATE)
        frames = w.readframes(w.getnframes())
        assert 0.1 <= w.getnframes() / PLAY_RATE <= 0.3
    x = np.frombuffer(frames, "<i2").astype(np.float32) / 32768
    assert tone_level_db(x, PLAY_RATE) > -1  # nearly all its power is in the two tones
    assert np.abs(x[:10]).max() < 0.01 and np.abs(x[-10:]).max() < 0.01  # no click at either end
    before = path.stat().st_mtime_ns
    assert write_chime(tmp_path) == path and path.stat().st_mtime_ns == before  # written once


def test_filter_removes_the_chime_and_keeps_the_speech(settings, tmp_path):
    """The chime over the first word of "next step", as a microphone hears the app's own chime:
    filtered chunk by chunk (40 ms, as the wake listener does), its tones drop by more than 40 dB,
    the rest of the take passes unchanged, the end-pointer hears the speech end, and Whisper hears
    the command."""
    speech = command_audio("next step", tmp_path)
    chime = chime_samples(SAMPLE_RATE)
    mixed = speech.copy()
    mixed[SAMPLE_RATE // 2:SAMPLE_RATE // 2 + chime.size] += chime
    f = ChimeFilter()
    out = np.concatenate([f.samples(mixed[i:i + 640]) for i in range(0, mixed.size, 640)])
    assert out.size == mixed.size
    delay = f.taps.size // 2
    # Chunks or all at once: the same output.
    assert np.allclose(out, ChimeFilter().samples(mixed), atol=1e-5)
    before = mixed[:int(HOLD_S * SAMPLE_RATE)]
    after = out[delay:delay + before.size]
    assert tone_level_db(before) > -15
    assert tone_level_db(after) < tone_level_db(before) - 40
    # Speech bands are untouched where the chime was...
    spec_in, spec_out = np.abs(np.fft.rfft(before)), np.abs(np.fft.rfft(after))
    freqs = np.fft.rfftfreq(before.size, 1 / SAMPLE_RATE)
    far = (freqs > 200) & (freqs < 4000) & np.all([np.abs(freqs - t) > 150 for t in TONES_HZ], axis=0)
    assert np.median(spec_out[far] / spec_in[far]) == pytest.approx(1.0, abs=0.05)
    # ...and once it is over the take is the microphone's audio, only delayed.
    rest = int((HOLD_S + 0.1) * SAMPLE_RATE)
    assert np.allclose(out[rest:], mixed[rest - delay:mixed.size - delay], atol=1e-6)
    ep = Endpointer()
    for i in range(0, out.size, 640):
        if ep.feed(out[i:i + 640]):
            break
    ep.feed(np.zeros(SAMPLE_RATE, np.float32))
    assert ep.reason == "end"
    t = transcribe_all(out, settings=settings, prompt_terms=VOCABULARY, short=True)
    assert match(t.text).kind == "next", t.text
