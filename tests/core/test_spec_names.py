"""Spec-row search, round 9 (issue 13): a number that is part of a name ("the MCU 8051 IDE") is no
value asked for, a numbered thing ("transceiver type 3", "field 6") is the number keying a row of
a table named for its word, and an equals sign between a name and its value ("R0 = 1") is no symbol
asked. Real ingest of small real tables, the bundled embedding model."""

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


SENSOR = """# DS1721 thermometer driver

## Resolution

| R0 | R1 | Resolution |
|---|---|---|
| 0 | 0 | 9 bits, 0.5 degrees Celsius |
| 1 | 0 | 10 bits, 0.25 degrees Celsius |
| 0 | 1 | 11 bits, 0.125 degrees Celsius |
| 1 | 1 | 12 bits, 0.0625 degrees Celsius |

## Comparison operators

| Operator | Name | Meaning |
|---|---|---|
| = | eq | equal to |
| < | lt | less than |
| > | gt | greater than |
"""


def test_an_equals_sign_between_a_name_and_its_value_is_no_symbol_asked(session, tmp_path):
    _ingest(session, tmp_path, "ds1721.md", SENSOR)
    rows = specs.search(session.db, "What resolution do the config bits R0 = 1 and R1 = 0 select?",
                        embedder=session.embedder)
    assert _labels(rows)[0] == "1" and "10 bits" in rows[0].cells[2]
    assert "=" not in _labels(rows)  # the operator row held only the sign
    # quoted, the sign is the symbol asked
    rows = specs.search(session.db, "What does the operator '=' mean?", embedder=session.embedder)
    assert _labels(rows)[0] == "="


REFCLOCK = """# Refclock driver notes

## Clockstats

| The Clockstats Line | |
|---|---|
| field | Description |
| 5 | Bad replies since last poll. |
| 6 | Number of sample cycles since last poll that were discarded because there was no fix. |
| 7 | Number of time records received since last poll. |

## Telemetry packet

| Field | Example | Description |
|---|---|---|
| 5 | 0042 | Packet counter |
| 6 | 1286 | Device serial number |
"""


def test_a_numbered_field_keys_a_table_whose_second_header_line_names_it(session, tmp_path):
    _ingest(session, tmp_path, "refclock.md", REFCLOCK)
    rows = specs.search(session.db, "In the clockstats line, what does field 6 count?", embedder=session.embedder)
    assert rows[0].cells[:1] == ["6"] and "sample cycles" in rows[0].cells[1]
