"""The model registry: bundled models, admin-added GGUF files, defaults, and clear errors."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest

from assistant import llm, models
from assistant.errors import ModelCorruptError, ModelMissingError
from tests.conftest import EXE


def test_bundled_models_are_listed_with_roles_and_formats():
    infos = {m.role: m for m in models.installed() if m.default}
    assert set(infos) >= {"chat", "embedding", "speech"}
    chat = infos["chat"]
    assert chat.name == models.DEFAULT_CHAT and chat.quantization == "Q4_1" and chat.format == "gguf Q4_1"
    assert chat.size_bytes > 50_000_000 and not chat.problem


def test_admin_adds_a_gguf_and_makes_it_default(home, models_dir, tmp_path):
    src = tmp_path / "Other-Model.Q4_1.gguf"
    shutil.copyfile(next((models_dir / "chat").glob("*.gguf")), src)
    r = subprocess.run([EXE, "models", "add", str(src)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    listed = json.loads(subprocess.run([EXE, "models", "--json"], capture_output=True, text=True).stdout)
    chat = {m["name"]: m for m in listed["models"] if m["role"] == "chat"}
    assert set(chat) == {models.DEFAULT_CHAT, "Other-Model.Q4_1.gguf"}
    assert chat[models.DEFAULT_CHAT]["default"] and not chat["Other-Model.Q4_1.gguf"]["default"]
    r = subprocess.run([EXE, "models", "default", "Other-Model.Q4_1.gguf"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert models.default("chat").name == "Other-Model.Q4_1.gguf"
    # Dropping a file into the models folder works as well as `models add`.
    shutil.copyfile(src, home / "models" / "chat" / "Dropped.gguf")
    assert "Dropped.gguf" in {m.name for m in models.installed()}


def test_adding_a_file_that_is_not_gguf_is_refused(tmp_path):
    bad = tmp_path / "notamodel.gguf"
    bad.write_bytes(b"PK\x03\x04 this is a zip")
    with pytest.raises(ModelCorruptError, match="not a GGUF"):
        models.add(bad)
    assert "notamodel.gguf" not in {m.name for m in models.installed()}


@pytest.mark.no_models
def test_no_models_gives_one_clear_line(tmp_path):
    (tmp_path / "a.md").write_text("# Pump\n\nTorque the nut to 38 Nm.\n")
    r = subprocess.run([EXE, "ingest", str(tmp_path / "a.md")], capture_output=True, text=True)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "models setup" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    with pytest.raises(ModelMissingError):
        models.default("chat")


def test_chat_model_loads_once_per_process(models_dir):
    path = next((models_dir / "chat").glob("*.gguf"))
    assert llm.load(path, 1024) is llm.load(path, 1024)


def test_doctor_loads_and_runs_every_model():
    r = subprocess.run([EXE, "doctor"], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    for check in ("database", "embedding model", "search in the library", "search pipeline", "chat model",
                  "speech model"):
        assert f"ok   {check}:" in r.stdout, r.stdout
    # The decoder really ran on the clip's speech ("ok" above: within doctor's SPEECH_CHECK_MAX_WER).
    assert re.search(r"clip gave '.{60,}' in \d+ ms, word error rate 0\.\d\d", r.stdout), r.stdout


def _damaged(damage: str):
    import numpy as np

    return {"silence": np.zeros_like,
            "half speed": lambda x: np.repeat(x, 2),  # 16 kHz samples taken for 8 kHz: a wrong sample rate
            "double speed": lambda x: x[::2].copy()}[damage]  # ... or for 32 kHz


@pytest.mark.parametrize("damage", ["silence", "half speed", "double speed"])
def test_doctor_speech_check_fails_when_the_audio_path_is_broken(monkeypatch, damage):
    """A regression the check exists for (no audio reaching the decoder, a wrong sample rate) still
    fails it: the word error rate, not any one word, is what fails."""
    from assistant import doctor, stt

    assert doctor.speech_check().ok  # the clip passes through the real path
    read, damage_fn = stt.read_audio, _damaged(damage)
    monkeypatch.setattr(stt, "read_audio", lambda audio, *a, **kw: damage_fn(read(audio, *a, **kw)))
    check = doctor.speech_check()
    assert not check.ok, check.detail
    assert "no speech" in check.detail or "word error rate" in check.detail, check.detail
