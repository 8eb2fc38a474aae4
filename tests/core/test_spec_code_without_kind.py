"""Spec-row search, round 20 (issue 13): a row holding only the code the question names ("PDP-15")
and nothing of the quantity asked is which thing, not the answer; times written "0.8usec" are
microseconds; "a 10G card" is ten gigabit, not ten grams. Real ingest of a small real-shaped manual,
the bundled embedding model."""

from __future__ import annotations

from assistant.rag import specs
from tests.core.spec_fixtures import ingest_text as _ingest
from tests.core.spec_fixtures import labels

MACHINES = """# Eighteen-bit computers

## Introduction

| | PDP-1 | PDP-4 | PDP-7 | PDP-9 | PDP-15 |
|---|---|---|---|---|---|
| First ship | Nov 1960 | Jul 1962 | Dec 1964 | Aug 1966 | May 1970 |
| Number built | 50 | 45 | 120 | 445 | 790 |
| Memory cycle | 5usec | 8usec | 1.75usec | 1usec | 0.8usec |

## Card readers

| System | Reader | Notes |
|---|---|---|
| PDP-15 | CR03B | |
| PDP-15 | CR15 | high speed, data-break |
| PDP-15 | UC15/CR11 | Unichannel PDP-11 card reader |
| PDP-9 | CR01E | |

## Network card messages

The driver's message level is a bitmask:

| Bit | Messages |
|---|---|
| 0x0001 | general driver status |
| 0x0002 | hardware probing |
| 0x0004 | link state |
| 0x0010 | interface being brought down |
"""


def test_a_row_holding_only_the_named_code_is_not_the_quantity_asked(session, tmp_path, monkeypatch):
    _ingest(session, tmp_path, "machines.md", MACHINES)
    asked = "How long did one core memory access take on a PDP-15?"
    rows = specs.search(session.db, asked, embedder=session.embedder)
    # "0.8usec" is a time, which "how long" asks (it was read as a code)
    assert labels(rows)[0] == "Memory cycle", labels(rows)
    assert any(v["unit"] == "µs" and v["number"] == 0.8 for v in rows[0].values), rows[0].values
    # the card reader rows hold "PDP-15", no other word of the question and no time: each loses
    # NAME_WITHOUT_KIND (in the 166-manual library they came first without it)
    with_rule = {r.row_id: r.score for r in rows if r.cells[0] == "PDP-15"}
    monkeypatch.setattr(specs, "NAME_WITHOUT_KIND", 0.0)
    without = {r.row_id: r.score for r in specs.search(session.db, asked, k=20, embedder=session.embedder)
               if r.cells[0] == "PDP-15"}
    assert with_rule and all(abs(without[i] - s - 0.5) < 1e-6 for i, s in with_rule.items()), (with_rule, without)
    monkeypatch.undo()
    # asked by the code and nothing else, its rows still answer
    rows = specs.search(session.db, "Which card reader does the PDP-15 take?", embedder=session.embedder)
    assert labels(rows)[0] == "PDP-15", labels(rows)


def test_a_number_glued_to_a_capital_g_is_no_weight(session, tmp_path):
    _ingest(session, tmp_path, "machines.md", MACHINES)
    assert [(v.unit, v.raw) for v in specs.query_values("an Aquantia 10G network card")] == [("code", "10G")]
    assert [(v.unit, v.raw) for v in specs.query_values("its 2.5G port")] == [("code", "2.5G")]
    asked = "Which debug message bit makes a {}network card log its link going up?"
    rows = specs.search(session.db, asked.format("10G "), embedder=session.embedder)
    assert "0x0004" in labels(rows)[:2], labels(rows)
    # read as "10 g", a weight no row holds, it cost every row a whole point (in the real library
    # every row fell under the threshold: no row at all); a code no row holds costs none
    plain = specs.search(session.db, asked.format(""), embedder=session.embedder)
    assert abs(max(r.score for r in rows) - max(r.score for r in plain)) < 0.5
