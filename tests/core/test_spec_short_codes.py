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


PARIDE = """# Linux and parallel port IDE devices

## 1. Introduction

| Code | Name | Country |
|---|---|---|
| aten | ATEN EH-100 | (HK) |
| bpck | Microsolutions backpack | (US) |
| comm | DataStor (old-type) "commuter" adapter | (TW) |
| dstr | DataStor EP-2000 | (TW) |
| epat | Shuttle EPAT | (UK) |
| fit2 | FIT TD-2000 | (US) |
| friq | Freecom IQ cable | (DE) |
| frpw | Freecom Power | (DE) |
| kbic | KingByte KBIC-951A and KBIC-971A | (TW) |
| ktti | KT Technology PHd adapter | (SG) |

## 2. Using the PARIDE subsystem

| Manufacturer | Model | Driver | Protocol |
|---|---|---|---|
| MicroSolutions | CD-ROM | pcd | bpck |
| SyQuest | EZ, SparQ | pd | epat |
| Imation | Superdisk | pf | epat |
| Maxell | Superdisk | pf | friq |
| FreeCom | CD-ROM | pcd | frpw |
"""


def test_a_short_code_keys_its_row_when_its_table_names_what_it_is(session, tmp_path):
    _ingest(session, tmp_path, "paride.md", PARIDE)
    rows = specs.search(session.db, "Which adapter is the PARIDE friq protocol module for?", embedder=session.embedder)
    # the friq row holds none of the question's other words, its table does ("... adapter"); before,
    # it was not listed (the brand-name table's "Maxell | Superdisk | pf | friq" was)
    assert "friq" in _labels(rows)[:3]
