"""Spec-row search for a quantity asked in everyday words (issue 13): "out of the box" for a
factory-setting column, "how thick" for a diameter written inside a longer cell, a part's name
("the KX-4 controller") that the tables write only in prose, and a numbered part ("pin 10") that
a table writes joined to other names ("pin 10/S6,ACK") or as the number under its column ("5"
under "Pin"). Real ingest of small real tables, the bundled embedding model."""

from __future__ import annotations

from assistant.rag import specs
from tests.core.spec_fixtures import ingest_text as _ingest
from tests.core.spec_fixtures import labels as _labels

BOOSTER = """# Rivet booster set service manual

## Design data

| Parameter | Value |
|---|---|
| Impeller | Bronze, 5 vanes |
| Shaft | Stainless steel 1.4021, diameter 28 mm at the seal |
| Motor cable | 4 x 2.5 mm² copper, screened between KX-4 and motor |
| Sensor lead | Shielded, wired to KX-4 terminals 31/32 |
| Suction hose | 2.5 m, DN 32 |

## Tightening torques

| Joint | Thread size | Torque |
|---|---|---|
| Seal cover screws | M6 | 10 Nm |
| Pump mounting bolts | M12 | 68 Nm |
| Impeller nut | M14 | 38 Nm |

## Fill quantities

| Item | Quantity |
|---|---|
| Seal chamber oil | 0.4 L |
| Bearing grease | 25 g per bearing |

## Controller settings

Hold the MENU key for 3 seconds to enter the menu.

| Parameter | Description | Factory setting | Range |
|---|---|---|---|
| P01 | Pressure set point | 4.0 bar | 1.0-12.0 bar |
| P07 | Maximum starts per hour | 20 | 5-40 |
| P09 | Modbus RTU address | 1 | 1-247 |
"""

CABLE = """# Finch-2 programming cable

## Wiring

| Signal | Board | Parport (DB-25) |
|---|---|---|
| SCK | J403.PE4 | pin 5/D3 |
| MOSI | J403.PE5 | pin 6/D4 |
| IRQ | J402.PF4 | pin 10/S6,ACK |
| GND | J400.GND | pin 24/GND |
| GND | J402.GND | pin 25/GND |

## Edge connector

| Pin | Function |
|---|---|
| 3 | Column 1 |
| 5 | Button A |
| 11 | Button B |
"""


def test_out_of_the_box_asks_for_the_factory_setting_column(session, tmp_path):
    _ingest(session, tmp_path, "kx4.md", BOOSTER)
    # Words only: "out of the box" is the "Factory setting" column, not three thing words no row holds.
    rows = specs.search(session.db, "Which Modbus address does the unit answer on out of the box?")
    assert _labels(rows)[:1] == ["P09"] and rows[0].match == "quantity"
    for question in ("Which Modbus address does the unit answer on if it is not set?",
                     "Which Modbus address does the unit answer on when nobody has changed it?"):
        rows = specs.search(session.db, question)
        assert _labels(rows)[:1] == ["P09"], question


def test_a_part_named_only_in_prose_costs_no_row_lacking_it(session, tmp_path):
    _ingest(session, tmp_path, "kx4.md", BOOSTER)
    # "KX-4" (not in the manual's title) is written only inside prose cells: the P09 row, which
    # lacks it, is not the wrong row for that.
    rows = specs.search(session.db, "Which Modbus address does the KX-4 controller answer on?")
    assert _labels(rows)[:1] == ["P09"]
    # The possessive "KX-4's" is the code's, no thing word that no row holds.
    plain, possessive = (specs.search(session.db, f"What is the factory Modbus RTU address of the {kx} controller?")
                         for kx in ("KX-4", "KX-4's"))
    assert _labels(possessive)[:1] == ["P09"] and possessive[0].score == plain[0].score
    # The rows that hold it in prose still match it.
    rows = specs.search(session.db, "What is the cross-section of the cable from the KX-4 to the motor?")
    assert "Motor cable" in _labels(rows)[:3]


def test_how_thick_finds_a_diameter_named_beside_its_value(session, tmp_path):
    _ingest(session, tmp_path, "kx4.md", BOOSTER)
    # The cell is prose ("Stainless steel 1.4021, diameter 28 mm at the seal"), but it names the
    # kind asked for beside a value of its unit; the torque rows' short mm-free cells do not.
    rows = specs.search(session.db, "How thick is the shaft where the seal sits?", embedder=session.embedder)
    assert _labels(rows)[:1] == ["Shaft"]


def test_a_numbered_part_is_found_inside_a_cell_and_under_its_column(session, tmp_path):
    _ingest(session, tmp_path, "finch2.md", CABLE)
    # "pin 10/S6,ACK" is one code to the value reader: "pin 10" is looked up inside the cells.
    rows = specs.search(session.db, "On the Finch-2 cable, which board connection goes to DB-25 pin 10?")
    assert _labels(rows)[:1] == ["IRQ"] and rows[0].match == "value"
    # "5" under a "Pin" column is pin 5, not the "pin 5/D3" of the wiring table.
    rows = specs.search(session.db, "What is edge connector pin 5 connected to?")
    assert _labels(rows)[:1] == ["5"]
    # A longer number is another pin.
    assert specs._numbered_rows(session.db, "pin", "2") == []


def test_a_quantity_asked_in_everyday_words_is_the_kind_its_values_carry(session, tmp_path):
    _ingest(session, tmp_path, "kx4.md", BOOSTER)
    # "how tight" asks a torque, "how much oil" a volume, "how long" a time or a length: the row
    # answers as the quantity asked, not by its words alone.
    for question, label in (("How tight should the impeller nut be?", "Impeller nut"),
                            ("How much oil goes in the seal chamber?", "Seal chamber oil"),
                            ("How long is the suction hose?", "Suction hose")):
        rows = specs.search(session.db, question)
        assert _labels(rows)[:1] == [label] and rows[0].match == "quantity", question
