"""Late interaction in the app's search: token vectors stored at ingest, MaxSim reordering the
hybrid's best passages, and what happens without stored vectors, with a bad row, without a model."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest

from assistant.library import ingest, token_store
from assistant.rag import late_interaction
from assistant.rag.search import search

PUMP = Path(__file__).resolve().parents[2] / "resources" / "demo" / "p200-pump-service-manual.pdf"
# "Prime" is not a word of the manual: the answer says "fill and vent the pump completely before
# the first start". The hybrid ranks it 5th, behind passages sharing "pump" and "starting".
QUESTION = "How do I prime the pump before starting?"
ANSWER = "Fill and vent the pump completely before the first start"


@pytest.fixture
def pump(session, monkeypatch):
    """The demo pump manual ingested with late interaction on, at the setting the benches measure
    (the app ships it off: `late_interaction.DEPTH` 0)."""
    monkeypatch.setattr(token_store, "STORE", True)
    monkeypatch.setattr(late_interaction, "DEPTH", 20)
    report = ingest.run(session.db, session.embedder, [PUMP])
    assert not report.failed
    return session


def _rank(passages) -> int | None:
    return next((i + 1 for i, p in enumerate(passages) if ANSWER in p.text), None)


def _order(s, query: str = QUESTION) -> list[tuple[int, float]]:
    return [(p.chunk_id, p.score) for p in search(s.db, s.embedder, query, k=10).passages]


def test_ingest_stores_each_passage_token_vectors_capped_and_in_int8(pump):
    s = pump
    n = s.db.execute("SELECT count(*) FROM chunks").fetchone()[0]
    sizes = [r[0] for r in s.db.execute("SELECT length(vectors) FROM chunk_tokens")]
    assert len(sizes) == n and token_store.missing(s.db) == 0
    per_token = 4 + s.embedder.dim  # a float32 scale and an int8 row
    assert all(size % per_token == 0 and 0 < size // per_token <= token_store.TOKEN_CAP for size in sizes)
    # Stored vectors are the model's own, within int8 rounding.
    cid, text, title, section = s.db.execute(
        "SELECT c.id, c.text, m.title, c.section FROM chunks c JOIN manuals m ON m.id = c.manual_id LIMIT 1").fetchone()
    fresh = s.embedder.token_vectors([ingest.embed_text(title, section, text)])[0][: token_store.TOKEN_CAP]
    stored = token_store.load(s.db, [cid], s.embedder.dim)[cid]
    assert stored.shape == fresh.shape
    assert np.min(np.sum(stored * fresh, axis=1)) > 0.995  # a cosine: 1 within int8 rounding


def test_maxsim_lifts_a_passage_the_plain_hybrid_ranks_lower(pump, monkeypatch):
    s = pump
    late = search(s.db, s.embedder, QUESTION, k=10).passages
    monkeypatch.setattr(late_interaction, "DEPTH", 0)
    plain = search(s.db, s.embedder, QUESTION, k=10).passages
    assert _rank(plain) is not None and _rank(late) is not None
    assert _rank(late) < _rank(plain)
    assert [p.chunk_id for p in late] != [p.chunk_id for p in plain]
    # Scores still fall with rank, for whoever reads `score`.
    assert [p.score for p in late] == sorted((p.score for p in late), reverse=True)


def test_a_library_without_stored_vectors_ranks_the_same_and_fill_catches_it_up(pump):
    s = pump
    stored = _order(s)
    s.db.execute("DELETE FROM chunk_tokens")  # as a library from before m013
    assert token_store.missing(s.db) > 0
    assert _order(s) == stored  # computed at query time, rounded as if stored
    assert token_store.fill(s.db, s.embedder) > 0
    assert token_store.missing(s.db) == 0
    assert _order(s) == stored


def test_a_corrupt_or_missing_row_is_computed_again(pump, caplog):
    s = pump
    stored = _order(s)
    first, second = (cid for cid, _ in stored[:2])
    s.db.execute("UPDATE chunk_tokens SET vectors = ? WHERE chunk_id = ?", (b"\x01\x02\x03", first))
    s.db.execute("DELETE FROM chunk_tokens WHERE chunk_id = ?", (second,))
    with caplog.at_level(logging.WARNING, logger="assistant.library.token_store"):
        assert _order(s) == stored
    assert f"passage {first}" in caplog.text
    assert token_store.decode(b"", s.embedder.dim) is None
    nan = np.full(1, np.nan, dtype=np.float32).tobytes() + bytes(s.embedder.dim)
    assert token_store.decode(nan, s.embedder.dim) is None


def test_keyword_only_mode_searches_as_before(pump, monkeypatch):
    s = pump
    with_late = search(s.db, None, QUESTION, k=10)
    monkeypatch.setattr(late_interaction, "DEPTH", 0)
    without = search(s.db, None, QUESTION, k=10)
    assert not with_late.vector_used and with_late.passages
    assert [(p.chunk_id, p.score) for p in with_late.passages] == [(p.chunk_id, p.score) for p in without.passages]


def test_shipped_off_ingest_stores_no_token_vectors(session, tmp_path):
    assert late_interaction.DEPTH == 0 and not token_store.STORE  # the tuning halves' verdict
    doc = tmp_path / "pump.md"
    doc.write_text("# Pump\n\n## Priming\n\nFill and vent the pump completely before the first start.\n")
    assert not ingest.run(session.db, session.embedder, [doc]).failed
    assert session.db.execute("SELECT count(*) FROM chunk_tokens").fetchone()[0] == 0
    assert search(session.db, session.embedder, "prime the pump", k=3).passages


def test_maxsims_in_one_product_equal_each_maxsim():
    rng = np.random.default_rng(0)
    q = rng.standard_normal((7, 16)).astype(np.float32)
    docs = [rng.standard_normal((n, 16)).astype(np.float32) for n in (1, 5, 30, 2)]
    assert np.allclose(late_interaction.maxsims(q, docs), [late_interaction.maxsim(q, d) for d in docs], atol=1e-5)
    assert late_interaction.maxsims(q, [docs[0], np.zeros((0, 16), np.float32)])[1] == 0.0
