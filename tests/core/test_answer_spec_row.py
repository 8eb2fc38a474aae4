"""A spec row that answers, given to the 0.5B as the manual's line and starting its answer
(answer.SPEC_ROW "prime"): with the row as a "Table row ..." block the 0.5B wrote "To answer this
question, I'll follow these steps: 1. Scan the table ..." or "The manual says 68 Nm for all
assembly work" (bench/README.md, "Spec rows in the answer"). Real ingest, the real 0.5B."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.rag import answer
from assistant.rag.answer import ask
from tests.core.ask_fixtures import record_prompts
from tests.core.test_specs import _library

QWEN = "Qwen2.5-Coder-0.5B-Instruct-Q4_K_M.gguf"
QUESTION = "torque for the pump mounting bolts"
ROW = "Pump mounting bolts — Size: M12; Torque: 68 Nm"


def _qwen(models_dir: Path):
    from assistant import llm

    path = models_dir / "chat" / QWEN
    if not path.exists():
        pytest.skip(f"{QWEN} is not among the bundled models here")
    return llm.load(path)


def test_the_0_5b_s_answer_starts_with_the_answering_row(session, tmp_path, models_dir, monkeypatch):
    chat = _qwen(models_dir)
    assert chat.family in answer.PRIME_FAMILIES
    _library(session, tmp_path)
    session.settings.max_answer_tokens = 16
    prompts = record_prompts(monkeypatch, chat)
    events = list(ask(session.db, session.embedder, lambda: chat, QUESTION, session.settings))
    d = events[0].direct
    assert d.kind == "spec_row" and d.text == ROW and d.n >= 1
    (prompt,) = prompts
    # The row is the manual's line, numbered as its passage, and the answer's first words.
    assert f"The manual says [{d.n}]: {ROW}" in prompt and "Table row" not in prompt
    assert prompt.endswith("assistant\n" + ROW)
    a = events[-1].answer
    assert not a.abstained and a.answer.startswith(ROW)
    assert "".join(e.text for e in events if e.kind == "token").startswith(ROW)
    # Cited to the passage that holds the row (a row's words are not the passage's text verbatim).
    assert d.chunk_id in {c.chunk_id for c in a.citations}
    assert "68 Nm" not in " ".join(a.unverified)


def test_the_table_block_for_other_families_and_when_switched_off(session, tmp_path, models_dir, monkeypatch):
    """SmolLM2 (no primed family: unmeasured with the row as a quote) keeps the "Table row" block,
    and so does the 0.5B with SPEC_ROW "table"."""
    _library(session, tmp_path)
    session.settings.max_answer_tokens = 4
    small = session.chat()
    assert small.family not in answer.PRIME_FAMILIES
    prompts = record_prompts(monkeypatch, small)
    list(ask(session.db, session.embedder, lambda: small, QUESTION, session.settings))
    assert "Table row (from passage [" in prompts[0] and "The manual says" not in prompts[0]
    qwen = _qwen(models_dir)
    monkeypatch.setattr(answer, "SPEC_ROW", "table")
    prompts = record_prompts(monkeypatch, qwen)
    list(ask(session.db, session.embedder, lambda: qwen, QUESTION, session.settings))
    assert "Table row (from passage [" in prompts[0] and prompts[0].endswith("assistant\n")


def test_the_bench_s_spec_row_set_without_its_library_says_what_it_needs(tmp_path):
    """bench/answer_quality.py --only "Spec rows" without --specs DIR: a message, not a TypeError."""
    import subprocess
    import sys

    from tests.conftest import ROOT

    code = ("import sys; from pathlib import Path; sys.path.insert(0, 'bench'); import answer_quality as a; "
            f"a.build(Path({str(tmp_path)!r}), Path({str(tmp_path)!r}), 'tune', only='Spec rows')")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert out.returncode == 1 and "needs --specs DIR" in out.stderr and "Traceback" not in out.stderr
