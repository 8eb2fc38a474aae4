"""Query expansion from the manual's own words (assistant.rag.expansion): a question in the
technician's words finds the passage that only uses the manual's."""

from __future__ import annotations

from assistant.library import ingest
from assistant.rag import expansion
from assistant.rag import search as searchmod
from assistant.rag.expansion import expansion_terms
from assistant.rag.search import STOPWORDS, query_terms, search

# The manual never says "overlap" or "wins": its word for what the question asks is "priority",
# in a section that shares no word with the question. Two other passages use the question's
# words ("copper pour") next to the manual's word for them ("zone").
BOARD_EDITOR = """# Board editor

## Glossary

Copper pours are called zones in this editor. Each zone is a filled area bound to one net.

## Copper pour clearance

A copper pour keeps its clearance from other nets: set the zone clearance and the minimum zone
width in the zone dialog.

## Zone priority

When zones meet, the zone with the higher priority level is filled first and the other keeps clear
of it. Edit the priority level in the zone dialog before filling.

## Tracks

Route tracks with the interactive router. Track width comes from the net class of the net.

## Vias

Place vias while routing with the V key. Via drill and diameter come from the net class.

## Plotting

Plot Gerber files for fabrication from the File menu. Choose the layers to plot in the dialog.
"""

QUESTION = "which copper pour wins where two pours overlap"


def _library(session, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "board-editor.md").write_text(BOARD_EDITOR, encoding="utf-8")
    report = ingest.run(session.db, session.embedder, [docs])
    assert not report.failed
    return session.db


def _sections(passages) -> list[str]:
    return [p.section.rsplit(" > ", 1)[-1] for p in passages]


def test_the_best_passages_shared_rare_word_is_the_expansion(session, tmp_path):
    db = _library(session, tmp_path)
    rows = db.execute("SELECT text FROM chunks WHERE section LIKE '%Glossary' OR section LIKE '%clearance'").fetchall()
    assert len(rows) == 2
    extra = expansion_terms(db, [(r["text"], 1.0) for r in rows], query_terms(QUESTION), STOPWORDS)
    assert extra[0] == "zone"
    assert not set(extra) & set(query_terms(QUESTION))
    # A word in a single feedback passage ("net", "area") is incidental, not the manual's word.
    assert "net" not in extra and "area" not in extra


def test_a_question_in_other_words_finds_the_manuals_passage_through_the_expansion(session, tmp_path, monkeypatch):
    db = _library(session, tmp_path)
    answer = db.execute("SELECT text FROM chunks WHERE section LIKE '%Zone priority'").fetchone()["text"].lower()
    assert not set(query_terms(QUESTION)) & set(answer.replace(".", " ").replace(",", " ").split())
    # Keyword ranking alone (no embedder), so only the expansion can reach the passage.
    monkeypatch.setattr(searchmod, "PRF_WEIGHT", 0.0)
    assert "Zone priority" not in _sections(search(db, None, QUESTION, k=5).passages)
    monkeypatch.setattr(searchmod, "PRF_WEIGHT", 1.0)
    found = _sections(search(db, None, QUESTION, k=5).passages)
    assert "Zone priority" in found[:3]


def test_the_coverage_gate_expands_only_a_question_the_best_passages_do_not_cover(session, tmp_path, monkeypatch):
    db = _library(session, tmp_path)
    texts = [r["text"] for r in db.execute("SELECT text FROM chunks WHERE section LIKE '%Glossary'"
                                           " OR section LIKE '%clearance'")]
    monkeypatch.setattr(expansion, "GATE", "coverage")
    # "wins", "two", "overlap": half the question's plain words are in neither passage.
    assert expansion.needed(db, texts, query_terms(QUESTION))
    assert not expansion.needed(db, texts, query_terms("copper pour clearance between nets"))
    monkeypatch.setattr(expansion, "GATE", "missing")
    assert expansion.needed(db, texts, query_terms(QUESTION))  # "wins" is in no passage
    assert not expansion.needed(db, texts, query_terms("zone priority level"))


def test_no_expansion_without_shared_words(session, tmp_path):
    db = _library(session, tmp_path)
    rows = db.execute("SELECT text FROM chunks WHERE section LIKE '%Tracks' OR section LIKE '%Plotting'").fetchall()
    assert len(rows) == 2
    # They share only "the" and "from", which are stop words.
    assert expansion_terms(db, [(r["text"], 1.0) for r in rows], [], STOPWORDS) == []
