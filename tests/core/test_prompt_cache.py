"""The answer prompt's fixed opening read at model load (`assistant.rag.prompt_cache`): over a real
ingested manual, the real embedding model and the real bundled chat model, the opening is where
every answer prompt starts, and after `warm` the first question's prompt is read from the end of
the opening on."""

from __future__ import annotations

import pytest

from assistant.rag import prompt as promptmod
from assistant.rag import prompt_cache
from assistant.rag.answer import ask
from tests.core.ask_fixtures import record_evals, record_prompts
from tests.core.spec_fixtures import ingest_text

MANUAL = """# Compressor HX-400 service guide

## Intake filter

Replace the intake filter cartridge FX-220 every 500 operating hours. Switch the compressor off at
the main isolator first, then open the side panel with a 5 mm hex key.

## Mounting

Tighten the M12 pump mounting bolts to 68 Nm in a cross pattern.
"""

QUESTIONS = ["How often should the intake filter be replaced?", "What torque for the pump mounting bolts?"]


@pytest.fixture
def library(session, tmp_path):
    ingest_text(session, tmp_path, "hx400.md", MANUAL)
    session.settings.max_answer_tokens = 4  # the prompt is what is looked at, not the answer
    return session


def test_every_answer_prompt_starts_with_the_opening(library, monkeypatch):
    chat = library.chat()
    opening = prompt_cache.opening(chat)
    text = chat._llm.detokenize(opening).decode("utf-8")
    system = promptmod.system_for(chat.family)
    assert system.split("\n")[0] in text  # the system text is in it ...
    assert not any(q in text for q in QUESTIONS)  # ... and no question
    prompts = record_prompts(monkeypatch, chat)
    for q in QUESTIONS:
        list(ask(library.db, library.embedder, lambda: chat, q, library.settings))
    assert len(prompts) == 2
    for p in prompts:
        assert chat.tokenize(p)[: len(opening)] == opening


def test_after_warm_the_first_question_reads_only_what_follows_the_opening(library, monkeypatch):
    chat = library.chat()
    n = prompt_cache.warm(chat)
    assert n == len(prompt_cache.opening(chat)) and chat._llm.n_tokens == n
    prompts = record_prompts(monkeypatch, chat)
    sizes = record_evals(monkeypatch, chat)
    list(ask(library.db, library.embedder, lambda: chat, QUESTIONS[1], library.settings))
    (prompt,) = prompts
    assert sizes[0] == len(chat.tokenize(prompt)) - n  # the opening came from the cache

    # The peer: from an emptied cache the whole prompt is read.
    chat._llm.reset()
    sizes.clear()
    list(ask(library.db, library.embedder, lambda: chat, QUESTIONS[1], library.settings))
    assert sizes[0] == len(chat.tokenize(prompt))
