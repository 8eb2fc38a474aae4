"""The direct answer over real ingested manuals with the real embedding model
(`assistant.rag.direct` after `ingest.run` and `search`): the behaviours measured on the Debian
dev set's tuning half (bench/direct_answer.py), on small manuals written for these tests."""

from __future__ import annotations

import pytest

from assistant.library import ingest
from assistant.rag import direct
from assistant.rag.search import search

BOM = """# Schematic editor

## Bill of materials

The command line for a netlist or BOM exporter defines the command the editor runs to write the
output file. The editor replaces %I with the input file and %O with the output file.

For a BOM exporter using Python, an example is:

    /usr/bin/python3 /usr/share/editor/plugins/make_parts_list.py "%I" "%O.csv"

## Printing

Print the sheet from the File menu. The plot dialog chooses the paper size and the margins.
"""

CLOCK = """# Programmer guide

## Troubleshooting

Problem: After flashing a firmware that lowers the clock, the programmer cannot establish an ISP
connection with the board any more.

Solution: Even though ISP starts by pulling the reset line low, the board keeps running at the
slow clock that the firmware set before. Therefore, the ISP clock speed must be reduced to less
than 1/4 of the board clock with the -B option before the connection succeeds.

## Fuses

The fuses set the clock source. Read them with the -U option.
"""


@pytest.fixture
def library(session, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "editor.md").write_text(BOM, encoding="utf-8")
    (docs / "programmer.md").write_text(CLOCK, encoding="utf-8")
    assert not ingest.run(session.db, session.embedder, [docs]).failed
    return session


def _direct(s, q):
    res = search(s.db, s.embedder, q, k=s.settings.top_k)
    return direct.find(q, res.passages, s.embedder, qvec=res.qvec)


def test_a_lead_in_is_shown_with_the_command_it_leads_to(library):
    d = _direct(library, "Give me an example of a BOM exporter using Python")
    assert d is not None and d.text.startswith("For a BOM exporter using Python, an example is:")
    assert "make_parts_list.py" in d.text


def test_a_remedy_that_says_what_must_be_done_follows_the_symptom(library):
    d = _direct(library, "After flashing a slow-clock firmware the programmer cannot get an ISP connection. Fix?")
    assert d is not None and "-B option" in d.text and d.manual == "Programmer guide"
