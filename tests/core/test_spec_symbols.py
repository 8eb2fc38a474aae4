"""Spec-row search for a thing a table names by a symbol or abbreviation (issue 13): "USB supply
voltage" for `VBUS`, "die temperature" for `Tjunc`; "which channel reads the die temperature"
asks the channel, not a temperature; a height in rack units ("2U") inside a longer dimensions
cell; "how fast does it talk" asks a baud rate; a table's second header line names its columns.
Real ingest of small real tables, the bundled embedding model; searched by words and values only,
so the vectors cannot carry a row."""

from __future__ import annotations

import pytest

from assistant.rag import specs
from assistant.rag.abbreviations import meaning_words, symbols_for
from tests.core.spec_fixtures import ingest_text as _ingest
from tests.core.spec_fixtures import labels as _labels

PMIC = """# Kestrel PM-7 power management chip driver

## ADC channels

The ADC measures these inputs:

| Channel | Signal |
|---|---|
| 0 | VSYS - system voltage |
| 1 | ICHG - charger current |
| 2 | VBUS voltage |
| 3 | Tjunc - internal sensor |
| 4 | ADCIN4 - general purpose input voltage |

## Thermal limits

| Item | Limit |
|---|---|
| Shutdown temperature | 150 °C |
| Warning temperature | 125 °C |
"""

MONITOR = """# Osprey HM-2 hardware monitor driver

## ADC inputs

| Channel | Input |
|---|---|
| 5 | Die temperature sensor |
| 6 | Charger voltage |
| 7 | Battery voltage |

## Thermal limits

| Item | Limit |
|---|---|
| Die temperature shutdown | 150 °C |
| Die temperature warning | 125 °C |
"""

UPS = """# Northwind PX-900 UPS user guide

## Specifications

| Item | Value |
|---|---|
| Output power | 2700 W |
| Dimensions (W x H x D) | 438 x 86 x 610 mm (2U) |
| Weight | 29 kg |
| Noise | Below 50 dBA at 1 m |
"""

LOGGERS = """# Logbridge manual

## Supported loggers

| Manufacturer | Model | USB (baud) | Bluetooth (baud) |
|---|---|---|---|
| Polaris | Travel Honey | up to 230400 | 9600 |
| Qstarz | BT-Q1000 | 115200 | 38400 |

## Speed units

| Speed unit | Meaning |
|---|---|
| kt | Knots |
| kmh | Kilometers per hour |
"""


def test_a_symbol_in_a_row_matches_the_words_it_stands_for(session, tmp_path):
    _ingest(session, tmp_path, "pm7.md", PMIC)
    # "USB supply voltage" shares only "voltage" with the VBUS row, which three other rows hold too
    rows = specs.search(session.db, "Which PM-7 ADC channel reads the USB supply voltage?")
    assert _labels(rows)[:1] == ["2"]
    # "die temperature" shares no word with "Tjunc - internal sensor"; the thermal limits do
    rows = specs.search(session.db, "Which PM-7 ADC channel reads the chip's die temperature?")
    assert _labels(rows)[:1] == ["3"]


def test_the_abbreviation_table_reads_both_ways():
    assert {"junction", "temperature", "die"} <= set(meaning_words("Tjunc."))
    assert meaning_words("voltage") == ()
    assert "core" in meaning_words("Vccp1")  # the first of several numbered ones
    assert "cs" in symbols_for({"chip", "select", "pin"}, str.lower)
    stems = {"usb", "supply", "voltage", "channel"}
    assert "vbus" in symbols_for(stems, str.lower)
    assert "temp" not in symbols_for({"temperature"}, str.lower)  # a one-word meaning: the prefix rule has it


def test_a_symbol_in_the_question_matches_a_row_that_spells_it_out(session, tmp_path):
    _ingest(session, tmp_path, "hm2.md", MONITOR)
    rows = specs.search(session.db, "Which HM-2 ADC channel reads VBAT?")
    assert _labels(rows)[:1] == ["7"]


def test_which_channel_asks_the_channel_not_the_temperature(session, tmp_path):
    _ingest(session, tmp_path, "hm2.md", MONITOR)
    rows = specs.search(session.db, "Which ADC channel reads the die temperature?")
    assert _labels(rows)[:1] == ["5"]
    # asked as a temperature, the limits answer
    rows = specs.search(session.db, "What is the die temperature shutdown limit?")
    assert _labels(rows)[:1] == ["Die temperature shutdown"]


def test_a_height_in_rack_units_inside_the_dimensions_cell(session, tmp_path):
    _ingest(session, tmp_path, "px900.md", UPS)
    rows = specs.search(session.db, "How many rack units tall is the PX-900?")
    assert _labels(rows)[:1] == ["Dimensions (W x H x D)"] and rows[0].match == "quantity"
    for question in ("What is the rack height of the PX-900?", "How much rack space does the PX-900 take?"):
        assert _labels(specs.search(session.db, question))[:1] == ["Dimensions (W x H x D)"]
    # a product whose manual has no value in rack units gets no row for it
    rows = specs.search(session.db, "How many rack units tall is the PX-900 battery cabinet?")
    assert "Weight" not in _labels(rows)


def test_how_fast_it_talks_asks_a_baud_rate(session, tmp_path):
    _ingest(session, tmp_path, "logbridge.md", LOGGERS)
    rows = specs.search(session.db, "How fast does Logbridge talk to a Polaris Travel Honey logger over Bluetooth?")
    assert _labels(rows)[:1] == ["Polaris"] and rows[0].match == "quantity"
    # a link's "speed": a baud rate too
    rows = specs.search(session.db, "What speed does Logbridge use for a Polaris Travel Honey over Bluetooth?")
    assert _labels(rows)[:1] == ["Polaris"]
    # "how fast" alone still asks a speed of motion
    rows = specs.search(session.db, "How fast is a knot in the Logbridge speed units?")
    assert _labels(rows)[:1] == ["kt"]


USR = """# Tern USR file format

## Waypoint object

| Present in | | | | |
|---|---|---|---|---|
| USR 2 | USR 3 | Field | Size (Bytes) | Description |
| X | X | Unit number | 4 | Serial number of the unit |
| - | X | Unique ID number | 16 | Unique waypoint ID as four integers |
| X | X | Latitude | 4 | Latitude in mercator meters |
"""

def test_a_second_header_line_names_the_columns_and_is_no_answer(session, tmp_path):
    # a PDF table whose header has two lines is stored with the second as its first row
    _ingest(session, tmp_path, "usr.md", USR)
    rows = specs.search(session.db, "How many bytes does the unique waypoint identifier take in a Tern USR file?")
    assert rows and rows[0].cells[2] == "Unique ID number"
    assert rows[0].headers == ["Present in USR 2", "USR 3", "Field", "Size (Bytes)", "Description"]
    assert all(r.cells[0] != "USR 2" for r in rows)


VT1211 = """# Kernel driver vt1211

## Voltage monitoring

| Voltage | R1 | R2 | Divider | Raw value |
|---|---|---|---|---|
| +5V | 14K | 10K | 2.4 | 2083 mV |
| +12V | 47K | 10K | 5.7 | 2105 mV |
"""

ADM9240 = """# Kernel driver adm9240

## Analog inputs

| nr | label | nominal mV | maximum mV | step mV |
|---|---|---|---|---|
| 3 | +5V | 5000 | 6640 | 26.0 |
| 4 | +12V | 12000 | 15938 | 62.5 |
"""


def test_the_product_a_question_names_ranks_its_manuals_rows_first(session, tmp_path):
    _ingest(session, tmp_path, "vt1211.md", VT1211)
    _ingest(session, tmp_path, "adm9240.md", ADM9240)
    rows = specs.search(session.db, "How fine a step does the ADM9240 read the +5V rail in?")
    assert rows and rows[0].manual_title == "Kernel driver adm9240" and rows[0].cells[1] == "+5V"
    rows = specs.search(session.db, "How fine a step does the VT1211 read the +5V rail in?")
    assert rows and rows[0].manual_title == "Kernel driver vt1211"


BOARD = """# Wren-3 board guide

## SD card to SPI pin mapping

| SD pin | SPI pin | SD name | SPI name |
|---|---|---|---|
| 5 | 5 | CLK | SCLK |
| 7 | 7 | D0 | MISO |

## Edge connector

| Pin | Function |
|---|---|
| 5 | Button A |
| 11 | Button B |
"""


def test_a_value_counts_once_in_a_row_that_holds_it_twice(session, tmp_path):
    _ingest(session, tmp_path, "wren3.md", BOARD)
    rows = specs.search(session.db, "What is edge connector pin 5 wired to?")
    assert _labels(rows)[:1] == ["5"] and rows[0].cells[1] == "Button A"


FAN_UNIT = """# Heron AHU-8 air handling unit

## Design data

| Item | Value |
|---|---|
| Test pressure of the casing | 24 bar |
| Maximum working pressure of the casing | 16 bar |
| Rated motor speed | 2900 rpm |
| Minimum motor speed | 1500 rpm |
| Rated motor power | 5.5 kW |
| Nominal airflow | 8 500 m³/h |
| Air filter class | ISO coarse 60 % |
"""


def test_limits_and_flows_asked_in_everyday_words(session, tmp_path):
    _ingest(session, tmp_path, "ahu8.md", FAN_UNIT)
    rows = specs.search(session.db, "What is the highest pressure the AHU-8 casing can take?")
    assert _labels(rows)[:1] == ["Maximum working pressure of the casing"]
    rows = specs.search(session.db, "What is the slowest the AHU-8 motor will run?")
    assert _labels(rows)[:1] == ["Minimum motor speed"]
    rows = specs.search(session.db, "How much air does the AHU-8 move?")
    assert _labels(rows)[:1] == ["Nominal airflow"]
    rows = specs.search(session.db, "How powerful is the AHU-8 motor?")
    assert _labels(rows)[:1] == ["Rated motor power"] and rows[0].match == "quantity"  # the answer, not a listed row


PSU = """# Kestrel KP-850 power supply driver

## Sysfs entries

| Entry | Description |
|---|---|
| in0_input | Voltage of the psu ac input |
| in1_input | Voltage of the 12v psu rail |
| in2_input | Voltage of the 5v psu rail |
| in1_crit | Voltage max critical value on the 12v psu rail |
| curr0_input | Current of the psu ac input |
"""


def test_the_mains_said_in_everyday_words_finds_the_ac_input(session, tmp_path):
    _ingest(session, tmp_path, "kp850.md", PSU)
    # "mains" shares no word with "ac input"; the 12 V and 5 V rail rows hold "voltage" as well
    rows = specs.search(session.db, "Which entry gives the mains voltage of the power supply?")
    assert _labels(rows)[:1] == ["in0_input"]


PAD = """# Kestrel pad adapter

## Wiring

| Pad | Parallel port |
|---|---|
| 1 (Up) | 2 (D0) |
| 2 (Down) | 3 (D1) |
| 6 (Button 1) | 17 (SELIN) |
| 7 (+5V) | 1 (STROBE) |
| 8 (Gnd) | 18 (Gnd) |
| 9 (Button 2) | 14 (AUTOFD) |
"""


def test_a_pin_named_by_its_voltage_is_a_supply(session, tmp_path):
    _ingest(session, tmp_path, "pad.md", PAD)
    # "supply" shares no word with "7 (+5V)": every row holds "pad" and "port" alike
    rows = specs.search(session.db, "Which parallel port pin feeds the pad's supply pin?")
    assert _labels(rows)[:1] == ["7 (+5V)"]


FAN_CHIP = """# Kestrel FC-39 fan controller driver

## Sysfs entries

| Name | Perm | Description |
|---|---|---|
| temp1_input | R | Temperature channel 1 input (0..150 C) |
| temp1_fault | R | Temperature channel 1 diode fault |
| temp1_max | RW | Set THERM temperature for input 1 |
| temp2_input | R | Temperature channel 2 input (0..150 C) |
| temp2_fault | R | Temperature channel 2 diode fault |
| temp2_max | RW | Set THERM temperature for input 2 |
"""


def test_a_row_named_by_a_symbol_alone_ranks_below_one_holding_the_kind(session, tmp_path):
    _ingest(session, tmp_path, "fc39.md", FAN_CHIP)
    # "temp1_fault" names a temperature only through "temp" and holds none; "temp1_input" holds 0..150 C
    rows = specs.search(session.db, "What temperature span can it read on channel 1's diode?")
    assert _labels(rows)[:1] == ["temp1_input"]


@pytest.mark.parametrize(("question", "shown"), [
    # the demo pump's FKM model, asked by the elastomer's trade name
    ("what seal kit for the viton pump", "SK-200-45V"),
    ("how hot can the water be for the viton version", "-10 to +70 °C (FKM)"),
])
def test_an_elastomer_asked_by_its_trade_name_finds_the_fkm_row(demo_library, question, shown):
    d = demo_library.answer(question)
    assert d is not None and shown in d.text, d
