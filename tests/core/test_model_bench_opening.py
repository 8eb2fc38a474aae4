"""`models bench` times the first token the app gives: the GUI reads the answer prompt's fixed opening
(`prompt_cache.warm`) while it loads the model, so a question reads only the rest of its prompt.
Timed from an empty cache instead, the 0.5B read as over the 8 s budget on a device where the app's
first token came in under 5 s, and the device was given the 135M model. Real models, a real
ingested manual; no timing is asserted (what is read is)."""

from __future__ import annotations

import json

import pytest

from assistant import llm, model_bench, models, paths
from assistant.rag import prompt_cache
from tests.core.ask_fixtures import record_evals
from tests.core.spec_fixtures import ingest_text

QWEN = "Qwen2.5-Coder-0.5B-Instruct-Q4_K_M.gguf"
MANUAL = """# Compressor HX-400 service guide

## Intake filter

Replace the intake filter cartridge FX-220 every 500 operating hours. Switch the compressor off at
the main isolator first, then open the side panel with a 5 mm hex key. Fit the new cartridge with
its arrow towards the motor and close the panel.

## Mounting

Tighten the M12 pump mounting bolts to 68 Nm in a cross pattern. Check them again after the first
50 operating hours.
"""


@pytest.mark.parametrize("name", [QWEN, models.DEFAULT_CHAT])
def test_the_typical_prompt_starts_with_the_opening_the_app_reads_at_load(session, tmp_path, models_dir, name):
    path = models_dir / "chat" / name
    if not path.exists():
        pytest.skip(f"{name} is not among the bundled models here")
    ingest_text(session, tmp_path, "hx400.md", MANUAL)
    chat = llm.load(path)
    tokens = chat.tokenize(model_bench.typical_prompt(session.db, chat, 4).text)
    opening = prompt_cache.opening(chat)
    assert len(opening) > 20 and tokens[: len(opening)] == opening


def test_measure_reads_the_opening_first_then_times_the_rest_as_the_app_does(session, tmp_path, models_dir,
                                                                              monkeypatch):
    ingest_text(session, tmp_path, "hx400.md", MANUAL)
    path = models_dir / "chat" / models.DEFAULT_CHAT
    chat = llm.load(path)
    reads = record_evals(monkeypatch, chat)
    r = model_bench.measure(path, session.db)
    opening = len(prompt_cache.opening(chat))
    assert r.opening_tokens == opening and r.prompt_tokens > opening
    assert r.cold_first_token_s > 0 and r.first_token_s > 0 and r.decode_tokens_per_s > 0
    # From an empty cache the whole prompt; then the opening alone, as at model load; then only the rest.
    assert reads[0] == r.prompt_tokens
    k = reads.index(opening, 1)
    assert reads[k + 1] == r.prompt_tokens - opening
    assert model_bench.load_results()[path.name] == r  # kept, with both figures


def test_the_fleet_proof_of_a_pushed_model_times_it_as_the_app_answers(session, tmp_path, models_dir, monkeypatch):
    """The proof that rolls a pushed model back when its first token misses the budget reads the
    opening first, as the app does at model load, and times only the rest of the prompt."""
    from assistant.fleet import models as fleet_models

    ingest_text(session, tmp_path, "hx400.md", MANUAL)
    path = models_dir / "chat" / models.DEFAULT_CHAT
    chat = llm.load(path)
    opening = len(prompt_cache.opening(chat))
    reads = record_evals(monkeypatch, chat)
    got = fleet_models.prove(path, session.db, bench_tokens=2, budget_s=3600)
    assert got["prompt_tokens"] > opening > 20
    assert reads[:2] == [opening, got["prompt_tokens"] - opening]


def test_a_result_kept_before_the_opening_was_measured_counts_as_not_measured_when_over_the_budget(home):
    f = paths.models_dir() / "bench.json"
    f.parent.mkdir(parents=True, exist_ok=True)
    old = {"name": QWEN, "size_bytes": 491400064, "prompt_tokens": 604, "prefill_tokens_per_s": 74.7,
           "decode_tokens_per_s": 24.2, "first_token_s": 8.08, "rss_mb": 681.1, "threads": 1,
           "measured_at": "2026-12-06T20:43:57+00:00"}
    small = old | {"name": "Small.gguf", "size_bytes": 1000, "first_token_s": 3.1}
    new = old | {"name": "New.gguf", "opening_tokens": 234, "cold_first_token_s": 8.1, "first_token_s": 4.8}
    f.write_text(json.dumps({QWEN: old, "Small.gguf": small, "New.gguf": new}))
    # Timed cold and over the budget: maybe within it as the app answers, so measured again.
    assert model_bench.result_for(QWEN, 491400064) is None
    # Timed cold and within the budget: stands (the app's first token is shorter still).
    assert model_bench.result_for("Small.gguf", 1000).first_token_s == 3.1
    got = model_bench.result_for("New.gguf", 491400064)
    assert got.first_token_s == 4.8 and got.cold_first_token_s == 8.1 and got.within_budget


def test_a_model_too_slow_for_the_whole_prompt_is_timed_on_the_prompt_the_app_would_give_it(session, tmp_path,
                                                                                                models_dir, monkeypatch):
    """The app sizes its prompt to what the model reads within the budget at its measured prefill
    speed (`prompt_cap`); the first token the budget is about is that prompt's. Here the budget is
    made so short that the cap is its floor."""
    ingest_text(session, tmp_path, "hx400.md", MANUAL * 3)
    path = models_dir / "chat" / models.DEFAULT_CHAT
    chat = llm.load(path)
    reads = record_evals(monkeypatch, chat)
    monkeypatch.setattr(model_bench, "LATENCY_BUDGET_S", 1e-6)
    monkeypatch.setattr(model_bench, "MIN_PROMPT_CAP", 200)
    whole = len(chat.tokenize(model_bench.typical_prompt(session.db, chat, 4).text))
    assert whole > 200
    r = model_bench.measure(path, session.db)
    assert reads[0] == whole  # the prefill speed, on the whole prompt
    assert 100 < r.prompt_tokens <= 200 and model_bench.prompt_cap(path) == 200
    k = reads.index(r.opening_tokens, 1)
    assert reads[k + 1] == r.prompt_tokens - r.opening_tokens  # then timed as the app answers
