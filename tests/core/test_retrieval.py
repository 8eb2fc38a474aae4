"""Hybrid retrieval and the ONNX embedder, on real models and a real on-disk library."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

from assistant.library import ingest
from assistant.rag.search import fts_query, query_terms, search
from tests.core import corpus


@pytest.fixture
def library(session, tmp_path):
    docs = corpus.write(tmp_path / "docs")
    (docs / "parts.md").write_text(corpus.parts_catalogue())
    report = ingest.run(session.db, session.embedder, [docs])
    assert not report.failed
    return session


def test_query_terms_keep_exact_tokens():
    terms = query_terms("What is seal kit 55-0192-B for the E47 alarm at 0.4 bar? max_velocity")
    assert "55-0192-b" in terms and "e47" in terms and "0.4" in terms and "max_velocity" in terms
    assert "what" not in terms and "the" not in terms
    assert '"55 0192 b"' in fts_query(terms)
    # User text is never parsed as FTS syntax.
    assert fts_query(query_terms('pump" OR NEAR(x) AND *')) .count('"') % 2 == 0
    assert search.__doc__


def test_hybrid_finds_exact_part_number_that_vector_search_misses(library):
    s = library
    target = "55-0192-B"
    vec = search(s.db, s.embedder, f"seal kit {target}", k=5, mode="vector").passages
    hyb = search(s.db, s.embedder, f"seal kit {target}", k=5, mode="hybrid").passages
    assert all(target not in p.text for p in vec), "vector search alone should miss the exact part number"
    assert target in hyb[0].text
    assert hyb[0].keyword_rank == 1


def test_search_returns_manual_page_section(library):
    res = search(library.db, library.embedder, "HX-400 compressor mounting bolts torque", k=3)
    top = res.passages[0]
    assert top.manual == "HX-400 Heat Pump Manual" and top.page == 2
    assert "31 Nm" in top.text and top.section
    res = search(library.db, library.embedder, "what to do for alarm E47", k=3)
    assert "E47" in res.passages[0].section or "e47" in res.passages[0].text.lower()


def test_keyword_search_works_without_embedder(library):
    res = search(library.db, None, "55-0195-F", k=3)
    assert "55-0195-F" in res.passages[0].text


@pytest.mark.skipif(importlib.util.find_spec("sentence_transformers") is None,
                    reason="sentence-transformers (the export extra) is not installed")
def test_onnx_embeddings_match_sentence_transformers(session):
    """The run-time ONNX export gives the same vectors as the reference sentence-transformers model;
    its int8 variant comes close (measured at set-up here: cosine 0.977-0.993 on these texts, the
    lowest on 3,000 repeated letters, 0.985 on a part number)."""
    from sentence_transformers import SentenceTransformer

    from assistant import model_setup, models
    from assistant.embedding import OnnxEmbedder

    texts = [corpus.PUMP_MD, "WARNING: lock out and tag out the motor supply before opening the housing.",
             "Check the inlet strainer and the suction valve; the pump stops after 30 s below 0.4 bar.",
             "UPS shuts down too early", "55-0192-B", "x" * 3000]
    ref = SentenceTransformer(str(model_setup.sentence_transformers_dir()), device="cpu", local_files_only=True)
    expected = ref.encode(texts, normalize_embeddings=True)

    def cosines(got):
        return (expected * got).sum(axis=1) / (np.linalg.norm(expected, axis=1) * np.linalg.norm(got, axis=1))

    assert cosines(session.embedder.embed(texts)).min() >= 0.999
    int8 = OnnxEmbedder(models.default("embedding").path, file=model_setup.INT8_FILE)
    assert cosines(int8.embed(texts)).min() >= 0.97


def test_token_vectors_pool_to_the_sentence_vector(session):
    """The embedder's token vectors (what late interaction scores) are the ones its sentence
    vector is pooled from: their mean, re-normalised, is the embedding."""
    texts = ["Torque the impeller nut to 38 Nm.", "UPS shuts down too early"]
    emb = session.embedder
    for tokens, sentence in zip(emb.token_vectors(texts), emb.embed(texts), strict=True):
        assert tokens.shape[1] == emb.dim and tokens.shape[0] >= 5
        assert np.allclose(np.linalg.norm(tokens, axis=1), 1.0, atol=1e-5)
        # Mean of the unnormalised vectors is what pooling takes; the normalised ones point the same way.
        assert float(np.dot(tokens.mean(axis=0) / np.linalg.norm(tokens.mean(axis=0)), sentence)) > 0.95


def test_a_code_is_found_whichever_way_it_is_written(library):
    # The display shows "E47"; a technician types "E-47" or "E 47". The index holds "E47" as one
    # token and "R-32" as two, so each spelling must also be searched as the other.
    for asked in ("What does E-47 mean?", "alarm E 47"):
        res = search(library.db, None, asked, k=3)
        assert res.passages and "E47" in res.passages[0].text, asked
    res = search(library.db, None, "how much R32 refrigerant", k=3)
    assert res.passages and "R-32" in res.passages[0].text
    assert fts_query(["e-47"]) == '("e 47" OR "e47")' and fts_query(["r32"]) == '("r32" OR "r 32")'
    # A part number with more than one separator is left as it is written.
    assert fts_query(["55-0192-b"]) == '"55 0192 b"'


def test_a_name_on_every_other_page_is_no_exact_match_ranking(session):
    # "PC-2" is the demo pump's controller, named in 16 of the manual's 46 passages: ranked as an
    # exact identifier it lifted every passage naming it (fault codes, spare parts) over the settings
    # table that answers "How do I set the pressure set point on the PC-2?" and does not name it.
    from assistant import demo
    from assistant.rag.search import _everywhere

    assert not ingest.run(session.db, session.embedder, [demo.demo_dir()]).failed
    assert _everywhere(session.db, "pc-2") and not _everywhere(session.db, "e12")
    res = search(session.db, session.embedder, "How do I set the pressure set point on the PC-2?", k=5)
    assert any(p.section.endswith("5.3 Controller settings") for p in res.passages)
    # a part number stays an exact match: the seal kit's passages first
    res = search(session.db, session.embedder, "seal kit SK-200-45B", k=3)
    assert "SK-200-45B" in res.passages[0].text
