"""The model registry: bundled models, admin-added GGUF files, defaults, and clear errors."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest

from assistant import llm, models
from assistant.errors import AssistantError, ModelCorruptError, ModelMissingError
from tests.conftest import EXE


def test_bundled_models_are_listed_with_roles_and_formats():
    infos = {m.role: m for m in models.installed() if m.default}
    assert set(infos) >= {"chat", "embedding", "speech"}
    chat = infos["chat"]
    assert chat.name == models.DEFAULT_CHAT and chat.quantization == "Q4_1" and chat.format == "gguf Q4_1"
    assert chat.size_bytes > 50_000_000 and not chat.problem


def test_admin_adds_a_gguf_and_makes_it_default(home, models_dir, tmp_path):
    src = tmp_path / "Other-Model.Q4_1.gguf"
    shutil.copyfile(models_dir / "chat" / models.DEFAULT_CHAT, src)
    r = subprocess.run([EXE, "models", "add", str(src)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    listed = json.loads(subprocess.run([EXE, "models", "--json"], capture_output=True, text=True).stdout)
    chat = {m["name"]: m for m in listed["models"] if m["role"] == "chat"}
    assert {models.DEFAULT_CHAT, "Other-Model.Q4_1.gguf"} <= set(chat)  # (beside any shelf models)
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
    path = models_dir / "chat" / models.DEFAULT_CHAT
    assert llm.load(path, 1024) is llm.load(path, 1024)


def test_one_chat_model_stays_loaded(models_dir):
    """Switching models frees the one before (a tablet has room for one), and switching back loads it again."""
    path = models_dir / "chat" / models.DEFAULT_CHAT
    first = llm.load(path, 1024)
    second = llm.load(path, 512)  # another context size is another instance
    assert second is not first and list(llm._cache.values()) == [second]
    assert first._llm._model.model is None  # freed by llama.cpp, not left mapped beside the new one
    assert llm.load(path, 1024) is not first


def test_the_registry_reads_a_model_file_once_until_it_changes(home, models_dir, monkeypatch):
    """Every question lists the models; a GGUF header (its vocabulary walked in Python) is read only
    when the file is new or changed."""
    from assistant import gguf

    reads = []
    real = gguf._read_metadata
    monkeypatch.setattr(gguf, "_read_metadata", lambda p: reads.append(p.name) or real(p))
    dest = home / "models" / "chat" / "Copy.gguf"
    dest.parent.mkdir(parents=True)
    shutil.copyfile(models_dir / "chat" / models.DEFAULT_CHAT, dest)
    models.installed()
    models.installed()
    assert reads.count("Copy.gguf") == 1
    with dest.open("r+b") as f:  # the admin replaces it: same size, new contents and time
        f.seek(4)
        f.write(b"\xff\xff\xff\xff")
    info = next(m for m in models.installed() if m.name == "Copy.gguf")
    assert reads.count("Copy.gguf") == 2 and info.problem


def test_doctor_loads_and_runs_every_model():
    r = subprocess.run([EXE, "doctor"], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    for check in ("database", "embedding model", "search in the library", "search pipeline", "chat model",
                  "speech model", "OCR"):
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
    from assistant import doctor, settings
    from assistant.speech import transcription

    assert doctor.speech_check(settings.load()).ok  # the clip passes through the real path
    read, damage_fn = transcription.read_audio, _damaged(damage)
    monkeypatch.setattr(transcription, "read_audio", lambda audio, *a, **kw: damage_fn(read(audio, *a, **kw)))
    check = doctor.speech_check(settings.load())
    assert not check.ok, check.detail
    assert "no speech" in check.detail or "word error rate" in check.detail, check.detail


def test_models_bench_measures_on_this_library_keeps_the_result_and_recommends(home, tmp_path):
    from tests.core import corpus

    subprocess.run([EXE, "ingest", str(corpus.write(tmp_path / "docs"))], check=True, capture_output=True)
    r = subprocess.run([EXE, "models", "bench", "--json"], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    [res] = [x for x in out["results"] if x["name"] == models.DEFAULT_CHAT] or [None]
    assert res and res["prompt_tokens"] > 50 and res["decode_tokens_per_s"] > 0 and res["rss_mb"] > 0
    assert res["first_token_s"] > 0 and res["within_budget"] == (res["first_token_s"] <= 8.0)
    # Kept: `models --json` shows it, and recommends a measured model within the budget (or none).
    listed = json.loads(subprocess.run([EXE, "models", "--json"], capture_output=True, text=True).stdout)
    [chat] = [m for m in listed["models"] if m["name"] == models.DEFAULT_CHAT]
    assert chat["bench"]["first_token_s"] == res["first_token_s"]
    assert listed["recommended_chat"] == (models.DEFAULT_CHAT if res["within_budget"] else None) or \
        listed["recommended_chat"] in {x["name"] for x in out["results"] if x["within_budget"]}
    r = subprocess.run([EXE, "models", "bench", "no-such-model"], capture_output=True, text=True)
    assert r.returncode == 1 and "no chat model named" in r.stderr


def test_the_default_chat_model_is_the_one_measured_best_here_until_the_user_picks_one(models_dir, tmp_path):
    from assistant import model_bench

    src = tmp_path / "Admin-Model.Q4_1.gguf"
    shutil.copyfile(models_dir / "chat" / models.DEFAULT_CHAT, src)
    added = models.add(src)

    def measured(first_token_s):
        model_bench._save(model_bench.BenchResult(added.name, added.size_bytes, 800, 100.0, 20.0, first_token_s,
                                                  400.0, 1, "2026-12-03T00:00:00+00:00"))

    assert models.default("chat").name == models.DEFAULT_CHAT  # nothing measured: the small fallback
    measured(5.0)
    assert models.default("chat").name == added.name  # within the budget on this device
    measured(12.0)
    assert models.default("chat").name == models.DEFAULT_CHAT  # too slow here
    measured(5.0)
    models.set_default(models.DEFAULT_CHAT)  # the user's choice wins over the measurement
    assert models.default("chat").name == models.DEFAULT_CHAT


def test_recommend_prefers_the_better_model_within_the_budget():
    from assistant.model_bench import BenchResult, recommend

    def info(name, size):
        return models.ModelInfo(name, "chat", f"/m/{name}", size, "gguf", False)

    def res(name, size, ttft):
        return BenchResult(name, size, 900, 100.0, 20.0, ttft, 500.0, 1, "2026-12-02T00:00:00+00:00")

    small, big = info("SmolLM2-135M-Instruct.Q4_1.gguf", 98), info("Qwen2.5-Coder-1.5B-Instruct-Q4_K_M.gguf", 1117)
    other = info("Admin-7B.gguf", 4000)
    assert recommend([small, big], {small.name: res(small.name, 98, 3.0), big.name: res(big.name, 1117, 7.5)}) \
        == big.name
    assert recommend([small, big], {small.name: res(small.name, 98, 3.0), big.name: res(big.name, 1117, 21.0)}) \
        == small.name  # too slow here
    assert recommend([small, big], {small.name: res(small.name, 50, 3.0)}) is None  # file changed: not measured
    assert recommend([small, other], {other.name: res(other.name, 4000, 6.0)}) == other.name


def test_a_model_too_large_for_the_memory_left_is_refused_with_the_figures(models_dir, monkeypatch):
    from assistant import procinfo

    monkeypatch.setattr(procinfo, "memory_available_mb", lambda: 50.0)  # what /proc/meminfo would say
    path = models_dir / "chat" / models.DEFAULT_CHAT
    with pytest.raises(AssistantError, match=r"needs about [\d,]+ MB of memory and 50 MB are free"):
        llm.ChatModel(path)
