"""Spec-row search, round 9 (issue 13): a number that is part of a name ("the MCU 8051 IDE") is no
value asked for, and a numbered thing ("transceiver type 3", "field 6") is the number keying a row
of a table named for its word. Real ingest of small real tables, the bundled embedding model."""

from __future__ import annotations

from assistant.rag import specs
from tests.core.spec_fixtures import ingest_text as _ingest
from tests.core.spec_fixtures import labels as _labels

HANDBOOK = """# MCU 8051 IDE handbook

## Assembler operators

| Operator | Meaning |
|---|---|
| SHR | logical shift right |
| SHL | logical shift left |
| MOD | unsigned remainder |
| HIGH | high order byte |

## Predefined symbols

| Symbol | Value |
|---|---|
| ??MCU_8051_IDE | 8051h |
| ??VERSION | 0139h |
"""


def test_a_number_in_a_product_name_is_not_a_value_asked(session, tmp_path):
    _ingest(session, tmp_path, "mcu8051ide.md", HANDBOOK)
    rows = specs.search(session.db, "What does SHR do in MCU 8051 IDE?", embedder=session.embedder)
    assert _labels(rows)[0] == "SHR"
    # the symbol row shares the name's words, but no value of the question
    assert all(r.match != "value" for r in rows)
    # ... while a number asked as a quantity still finds the row holding it
    rows = specs.search(session.db, "Which symbol is set to 8051?", embedder=session.embedder)
    assert _labels(rows)[0] == "??MCU_8051_IDE"


NETCARD = """# EtherLink III driver notes

## Available Transceiver Types

The transceiver types the driver accepts:

| xcvr | Selects |
|---|---|
| 0 | transceiver type from EEPROM config |
| 1 | 10baseT |
| 2 | AUI (thick-net / DB15 connector) |
| 3 | 10base2 (thin-net / BNC connector) |
| 4 | MII |

## Cabling

| Cable | Impedance | Reach |
|---|---|---|
| IBM Type 1 | 150 Ohm | up to 200 m |
| IBM Type 3 | 100 Ohm | up to 100 m |
| RG-62 | 93 Ohm | up to 650 m |
"""


def test_a_numbered_thing_is_the_key_of_a_table_named_for_its_word(session, tmp_path):
    _ingest(session, tmp_path, "netcard.md", NETCARD)
    rows = specs.search(session.db, "What does transceiver type 3 select on this card?", embedder=session.embedder)
    # "3" keys a row under "Available Transceiver Types" (the heading's plural "Types" is "type")
    assert _labels(rows)[0] == "3"
