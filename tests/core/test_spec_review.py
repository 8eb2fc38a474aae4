"""Spec-row search, three cases a review found wrong (issue 13): a table whose top-left header
cell is blank is a one-line header, not a two-line one that swallows the first row; a symbol's
spelled-out meaning does not chain to another symbol ("MISO" is not "MOSI"); "what amount of
torque" asks a torque as "what torque" does. Real ingest of small real tables, the bundled
embedding model."""

from __future__ import annotations

from assistant.rag import specs
from tests.core.spec_fixtures import ingest_text as _ingest
from tests.core.spec_fixtures import labels as _labels

MODELS = """# KX-2 handheld terminal

## Model comparison

| | KX-2 Basic | KX-2 Pro |
|---|---|---|
| Display | LCD | OLED |
| Battery | 2000 mAh | 3000 mAh |
| Weight | 310 g | 340 g |
"""

PINS = """# Wren-3 radio module

## SPI header

| Pin | Signal | Direction |
|---|---|---|
| 1 | MISO | out |
| 2 | MOSI | in |
| 3 | SCLK | in |
| 4 | GND | - |
"""

BOLTS = """# AHU-8 air handling unit

## Tightening torques

| Fastener | Size | Torque |
|---|---|---|
| Casing bolts | M8 | 22 Nm |
| Fan motor mount | M10 | 45 Nm |
| Filter frame screws | M5 | 4 Nm |
"""


def test_a_blank_top_left_corner_keeps_the_first_row(session, tmp_path):
    _ingest(session, tmp_path, "kx2.md", MODELS)
    rows = specs.search(session.db, "What display does the KX-2 Pro have?")
    assert _labels(rows)[:1] == ["Display"]
    assert rows[0].headers[1:] == ["KX-2 Basic", "KX-2 Pro"]  # the first row is not merged into them


def test_a_symbol_s_meaning_does_not_chain_to_another_symbol(session, tmp_path):
    _ingest(session, tmp_path, "wren3.md", PINS)
    rows = specs.search(session.db, "Which Wren-3 pin is MOSI?")
    assert _labels(rows)[:1] == ["2"]
    assert "1" not in _labels(rows)  # the MISO row holds no word of the question's


def test_what_amount_of_a_quantity_asks_the_quantity(session, tmp_path):
    _ingest(session, tmp_path, "ahu8.md", BOLTS)
    plain = specs.search(session.db, "What torque for the AHU-8 casing bolts?")
    amount = specs.search(session.db, "What amount of torque for the AHU-8 casing bolts?")
    assert _labels(amount)[:1] == _labels(plain)[:1] == ["Casing bolts"]
    assert amount[0].match == plain[0].match
