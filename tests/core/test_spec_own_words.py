"""Spec-row search, round 13 (issue 13): among a table's rows found, a word of the question that only
one of them holds tells it from its siblings ("the main battery voltage": the one row saying "Main"
among a channel table's battery voltages). Real ingest of a small real table, the bundled embedding
model."""

from __future__ import annotations

from assistant.rag import specs
from tests.core.spec_fixtures import ingest_text as _ingest
from tests.core.spec_fixtures import labels as _labels

TWL4030 = """# Kernel driver twl4030-madc

## Description

The Texas Instruments TWL4030 is a Power Management and Audio Circuit. Among other things it contains
a 10-bit A/D converter MADC. The converter has 16 channels which can be used in different modes.

| Channel | Signal |
|---|---|
| 0 | Battery type(BTYPE) |
| 1 | BCI: Battery temperature (BTEMP) |
| 2 | GP analog input |
| 3 | GP analog input |
| 4 | GP analog input |
| 5 | GP analog input |
| 6 | GP analog input |
| 7 | GP analog input |
| 8 | BCI: VBUS voltage(VBUS) |
| 9 | Backup Battery voltage (VBKP) |
| 10 | BCI: Battery charger current (ICHG) |
| 11 | BCI: Battery charger voltage (VCHG) |
| 12 | BCI: Main battery voltage (VBAT) |
| 13 | Reserved |
| 14 | Reserved |
| 15 | VRUSB Supply/Speaker left/Speaker right polarization level |
"""


def test_the_word_only_one_sibling_holds_ranks_it_first(session, tmp_path):
    _ingest(session, tmp_path, "twl4030-madc.md", TWL4030)
    rows = specs.search(session.db, "Which channel of the TWL4030 converter gives the main battery voltage?",
                        embedder=session.embedder)
    # "battery" and "voltage" are in four rows; "main" in channel 12's alone (before: the backup
    # battery's channel 9 first)
    assert _labels(rows)[0] == "12"
