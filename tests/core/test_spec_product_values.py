"""Spec-row search, round 15 (issue 13): a value many rows of the library hold ("+5V", on every
connector pinout) beside the product a manual is about ("the ADM9240's +5V rail") says which row in
that manual, where the value is a cell of its own. Real ingest of small real tables (the Linux
adm9240 driver's voltage table, an ATX connector pinout), the bundled embedding model."""

from __future__ import annotations

from assistant.rag import specs
from tests.core.spec_fixtures import ingest_text as _ingest
from tests.core.spec_fixtures import labels as _labels

ADM9240 = """# Kernel driver adm9240

## Voltage Monitoring

| in | Input | nominal mV | Maximum mV | Resolution mV/LSB |
|---|---|---|---|---|
| 0 | +2.5V | 2500 | 3320 | 13.0 |
| 1 | Vccp1 | 2700 | 3600 | 14.1 |
| 2 | +3.3V | 3300 | 4380 | 17.2 |
| 3 | +5V | 5000 | 6640 | 26.0 |
| 4 | +12V | 12000 | 15940 | 62.5 |
| 5 | Vccp2 | 2700 | 3600 | 14.1 |
"""

# Twenty rows holding "+5V": a value beyond counting, which alone makes no row an answer.
PINOUT = "# ATX power supply connectors\n\n## 24-pin main connector\n\n| Pin | Signal | Colour |\n|---|---|---|\n" + \
    "".join(f"| {n} | +5V | Red |\n" if n % 2 else f"| {n} | COM | Black |\n" for n in range(1, 41))


def test_a_common_value_of_the_named_product_finds_its_row(session, tmp_path):
    _ingest(session, tmp_path, "linux-hwmon-adm9240.md", ADM9240)
    _ingest(session, tmp_path, "atx-pinout.md", PINOUT)
    rows = specs.search(session.db, "How fine a step does the ADM9240 read the +5V rail in?", embedder=session.embedder)
    # before, no row answered: "+5V" was common and no word of the question was in the ADM9240 row
    assert _labels(rows)[:1] == ["3"]


def test_a_common_value_without_the_product_still_answers_nothing_alone(session, tmp_path):
    _ingest(session, tmp_path, "linux-hwmon-adm9240.md", ADM9240)
    _ingest(session, tmp_path, "atx-pinout.md", PINOUT)
    # no product named: "+5V" stays a hint, the ADM9240 row is no answer for an unrelated thing
    assert "3" not in _labels(specs.search(session.db, "How fine a step does the oven read the +5V rail in?",
                                           embedder=session.embedder))[:1]


LUMA_LCD = """# Hardware — Luma.LCD: Display drivers for PCD8544, ST7735, HT1621

## Suggested Wiring

### PCD8544

| LCD Pin | Remarks | RPi Pin | RPi Function |
|---|---|---|---|
| RST | Reset | P01-18 | GPIO 24 |
| CE | Chip Enable | P01-24 | GPIO 8 (CE0) |
| CLK | Clock | P01-23 | GPIO 11 (SCLK) |
| LED | Backlight control | P01-12 | GPIO 18 (PCM_CLK) |

### HT1621

| LCD Pin | Remarks | RPi Pin | RPi Function |
|---|---|---|---|
| CS | Chip select | P01-24 | GPIO 8 (CE0) |
| WR | Write clock | P01-23 | GPIO 11 (SCLK) |
| LED | Backlight control | P01-12 | GPIO 18 (PCM_CLK) |

### HT1632 LED matrix

| Matrix Pin | Remarks | Physical RPi Pin | RPi Function |
|---|---|---|---|
| CLK | Clock wire of the LED matrix | P01-23 | GPIO 11 (SCLK) |
| DATA | Data wire of the LED matrix | P01-19 | GPIO 10 (MOSI) |
"""

LUMA_LED = """# Installation — Luma.LED_Matrix: Display driver for MAX7219, WS2812

## Hardware

| Board Pin | Name | Remarks | RPi Pin | RPi Function |
|---|---|---|---|---|
| 1 | VCC | +5V Power | 2 | 5V0 |
| 2 | GND | Ground | 6 | GND |
| 3 | DIN | Data In | 19 | GPIO 10 (MOSI) |
| 4 | CS | Chip Select | 24 | GPIO 8 (SPI CE0) |
| 5 | CLK | Clock | 23 | GPIO 11 (SPI CLK) |
"""


def test_the_named_product_s_manual_ranks_above_a_look_alike_table(session, tmp_path):
    _ingest(session, tmp_path, "luma-lcd-hardware.md", LUMA_LCD)
    _ingest(session, tmp_path, "luma-led-matrix-install.md", LUMA_LED)
    rows = specs.search(session.db, "Which physical Raspberry Pi pin does the CLK wire of a MAX7219 LED matrix go to?",
                        embedder=session.embedder)
    # before (0.8), the LCD manual's look-alike matrix table, all words of the question, ranked above the MAX7219's own
    assert rows[0].cells[:2] == ["5", "CLK"]
