"""What the health document counts, recorded where the answers are made (assistant/rag/answer.py)."""

from __future__ import annotations

import pytest

from assistant.fleet import counters
from assistant.library import ingest
from assistant.rag.answer import ask
from tests.fleet.test_jobs import P200


@pytest.fixture
def library(session, tmp_path):
    (tmp_path / "p200-om.md").write_text(P200)
    assert not ingest.run(session.db, session.embedder, [tmp_path / "p200-om.md"]).failed
    return session


def test_answers_abstentions_and_ttft_are_counted(library):
    s = library
    done = list(ask(s.db, s.embedder, s.chat, "What torque for the impeller nut of the P-200?", s.settings))[-1]
    assert not done.answer.abstained
    none = list(ask(s.db, s.embedder, s.chat, "How do I bake sourdough bread?", s.settings))[-1]
    assert none.answer.abstained
    assert counters.counts(s.db) == {"question": 2, "abstained": 1, "error": 0, "speech_error": 0, "sync_error": 0}
    p = counters.ttft_percentiles(s.db)
    assert p["p95"] == max(done.answer.timings["ttft_ms"], none.answer.timings["ttft_ms"])


def test_a_failed_answer_is_counted_as_an_error(damaged_chat_model, library):
    s = library
    with pytest.raises(Exception, match="chat model|GGUF|gguf|corrupt|load"):
        list(ask(s.db, s.embedder, s.chat, "What torque for the impeller nut of the P-200?", s.settings))
    assert counters.counts(s.db)["error"] == 1 and counters.counts(s.db)["question"] == 0
