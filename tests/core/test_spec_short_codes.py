"""Spec-row search, round 13 (issue 13): a short code the question names as a plain word
("braille-driver pm") finds the row it keys, the code being that row's whole first cell. Real ingest
of a small real table (BRLTTY's driver identification codes), the bundled embedding model."""

from __future__ import annotations

from assistant.rag import specs
from tests.core.spec_fixtures import ingest_text as _ingest
from tests.core.spec_fixtures import labels as _labels

BRLTTY = """# BRLTTY Reference Manual: Driver Identification Codes

## 10. Driver Identification Codes

| Code | Name |
|---|---|
| al | Alva |
| at | Albatross |
| ba | BrlAPI |
| bd | Braudi |
| bl | BrailleLite |
| bm | Baum |
| bn | BrailleNote |
| cb | CombiBraille |
| ec | EcoBraille |
| eu | EuroBraille |
| fs | FreedomScientific |
| hm | HIMS |
| ht | HandyTech |
| mm | BrailleMemo |
| mn | MiniBraille |
| pm | Papenmeier |
| vo | Voyager |
"""


def test_a_short_code_written_as_a_word_finds_its_row(session, tmp_path):
    _ingest(session, tmp_path, "brltty-codes.md", BRLTTY)
    rows = specs.search(session.db, "My brltty.conf has braille-driver pm: which display maker is that?",
                        embedder=session.embedder)
    # before, only rows near in meaning ("BrailleMemo", "BrailleLite") were listed, not Papenmeier's
    assert _labels(rows)[0] == "pm"


def test_a_short_word_alone_keys_no_row(session, tmp_path):
    _ingest(session, tmp_path, "brltty-codes.md", BRLTTY)
    # "al" keys the Alva row, but nothing else of the question is in the row, its table or its manual
    assert "al" not in _labels(specs.search(session.db, "Who is Al Pacino?", embedder=session.embedder))
