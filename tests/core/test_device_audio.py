"""Microphones that cannot give 16 kHz mono s16: their own format, converted after the take."""

from __future__ import annotations

import numpy as np
import pytest

from assistant import settings as settingsmod
from assistant.errors import AudioError
from assistant.speech.audio import DeviceAudio, decode_file, level
from assistant.speech.transcription import transcribe_all
from assistant.wer import word_error_rate
from tests.core.test_stt import assert_heard, speak


def _feed_in_odd_chunks(buf, data: bytes, size: int = 1001) -> None:
    for i in range(0, len(data), size):  # sizes that split frames and samples
        buf.feed(data[i:i + size])


def test_48k_stereo_float_microphone_transcribes(tmp_path):
    said = "Check the pump mounting bolts"
    speech16 = decode_file(speak(said, tmp_path / "q.wav"))
    t = np.arange(speech16.size * 3) / 48000
    speech48 = np.interp(t, np.arange(speech16.size) / 16000, speech16).astype("<f4")
    stereo = np.stack([speech48, speech48 * 0.5], axis=1).tobytes()
    buf = DeviceAudio(48000, 2, "Float")
    _feed_in_odd_chunks(buf, stereo)
    assert abs(buf.duration_s - speech16.size / 16000) < 0.01
    x = buf.samples()
    assert abs(x.size - speech16.size) <= 2
    settings = settingsmod.load()
    heard = transcribe_all(buf, settings=settings).text
    direct = transcribe_all(speech16, settings=settings).text
    # Converted from 48 kHz stereo float, the take reads as the 16 kHz original does (at most one
    # word of five apart: the samples differ by the interpolation), and as what was said.
    assert word_error_rate(direct, heard) <= 0.2, (heard, direct)
    assert_heard(said, heard)


@pytest.mark.parametrize("fmt,dtype,full", [("UInt8", "u1", None), ("Int16", "<i2", 32767),
                                            ("Int32", "<i4", 2**31 - 1)])
def test_integer_formats_convert_to_the_same_tone(fmt, dtype, full):
    tone = 0.5 * np.sin(2 * np.pi * 440 * np.arange(8000) / 8000)
    raw = (tone * 127 + 128).astype(dtype) if fmt == "UInt8" else (tone * full).astype(dtype)
    buf = DeviceAudio(8000, 1, fmt)
    _feed_in_odd_chunks(buf, raw.tobytes(), 333)
    x = buf.samples()
    assert x.size == 16000
    assert abs(float(np.max(np.abs(x))) - 0.5) < 0.03
    assert abs(level(raw.tobytes(), fmt) - 0.5) < 0.02


def test_take_stops_at_the_longest_clip():
    buf = DeviceAudio(44100, 2, "Int16", max_seconds=1.0)
    second = bytes(44100 * 2 * 2)
    assert buf.feed(second[: len(second) // 2])
    assert not buf.feed(second)  # full: the rest is not kept
    assert abs(buf.duration_s - 1.0) < 0.001 and buf.full


def test_unknown_format_is_a_clear_error():
    with pytest.raises(AudioError, match="sample format"):
        DeviceAudio(16000, 1, "Unknown")
