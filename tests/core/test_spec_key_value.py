"""Spec-row search, round 10 (issue 13): key/value tables ("Type | Value", "Model | W25Q64"), whose
row label is the thing asked in other words; "how much" of a thing asks its size; a numbered
logical device under an "LDN #" column. Real ingest of small real tables, the bundled embedding model."""

from __future__ import annotations

from assistant.rag import specs
from tests.core.spec_fixtures import ingest_text as _ingest
from tests.core.spec_fixtures import labels as _labels

BOARD = """# Acme B450 mainboard

## Technology

| CPU | AMD embedded G series |
|---|---|
| DRAM | 4 GB DDR3 |
| Boot | From SD card, USB, SATA |
| Power | 6 to 12W of 12V power |
| Firmware | coreboot with support for iPXE and USB boot |

## Flashing coreboot

| Type | Value |
|---|---|
| Socketed flash | no |
| Model | W25Q64 |
| Size | 8 + 4 MiB |
| Package | SOIC-8 |
| Write protection | jumper on WP# pin |
| Dual BIOS feature | no |
| Internal flashing | yes |
"""


def test_the_which_phrase_names_a_key_value_row_label(session, tmp_path):
    _ingest(session, tmp_path, "acme-b450.md", BOARD)
    rows = specs.search(session.db, "Which SPI flash chip model holds the firmware on the Acme B450 board?",
                        embedder=session.embedder)
    # "model" of the which-phrase is the label "Model", not the "Firmware" row the other words name
    assert _labels(rows)[0] == "Model"


def test_how_much_of_a_thing_asks_its_size(session, tmp_path):
    _ingest(session, tmp_path, "acme-b450.md", BOARD)
    rows = specs.search(session.db, "How much BIOS flash does the Acme B450 have, counting both chips?",
                        embedder=session.embedder)
    assert _labels(rows)[0] == "Size"


SUPER_IO = """# NPCD378 Super I/O

## LDNs

| LDN # | Function |
|---|---|
| 0 | FDC |
| 1 | Parallel Port |
| 2 | Com1 |
| 7 | WDT1 |
| 8 | HWM |
| 0xf | GPIO |

## Pins

| Pin | Device |
|---|---|
| 8 | Serial device RX |
| 9 | Serial device TX |
"""


def test_a_logical_device_number_under_an_ldn_column(session, tmp_path):
    _ingest(session, tmp_path, "npcd378.md", SUPER_IO)
    rows = specs.search(session.db, "What function is logical device 8 on the NPCD378 Super I/O?",
                        embedder=session.embedder)
    assert rows[0].cells == ["8", "HWM"]
    # "number 8" alone does not spell out a logical device: the LDN column is not its
    rows = specs.search(session.db, "Which element has atomic number 8?", embedder=session.embedder)
    assert ["8", "HWM"] not in [r.cells for r in rows]


HANDHELD = """# Acme HT-2 handheld radio

## Battery pack

| Type | Value |
|---|---|
| Chemistry | Li-ion |
| Voltage | 7.4 V |
| Capacity | 2000 mAh |

## Accessories

| Accessory | Supply | Notes |
|---|---|---|
| Desk charger | 12 V | from the mains adapter |
| Car adapter | 12 V | cigarette lighter plug |
| Speaker mic | 3.3 V | from the radio |
"""


def test_a_value_of_the_kind_asked_is_context_not_the_key(session, tmp_path):
    _ingest(session, tmp_path, "ht2.md", HANDHELD)
    rows = specs.search(session.db, "Before I hook up my 12 V bench supply, what voltage is the HT-2's battery pack?",
                        embedder=session.embedder)
    # "what voltage" asks a voltage the asker does not know: the 12 V is theirs, not the row's key
    assert _labels(rows)[0] == "Voltage"


def _language_pdf(path):
    """A PDF whose language-code table breaks across two pages: its header row ("Language Code |
    Language Name", no digit, no value) is stored as a first row, and page 2's half has none."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Table, TableStyle

    styles = getSampleStyleSheet()
    grid = TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black)])
    first = [["Language Code", "Language Name"], ["C", "English (US)"], ["cs", "Czech"], ["da", "Danish"],
             ["de", "German"], ["el", "Greek"]]
    second = [["es", "Spanish"], ["fr", "French"], ["hu", "Hungarian"], ["ja", "Japanese"], ["nb", "Norwegian"]]
    SimpleDocTemplate(str(path), pagesize=A4).build([
        Paragraph("Changes to the CUPS Interface", styles["Heading1"]),
        Paragraph("Gutenprint generates PPD files in the languages below.", styles["Normal"]),
        Table(first, style=grid), PageBreak(), Table(second, style=grid),
        Paragraph("Other languages fall back to English.", styles["Normal"])])
    return path


def test_a_table_broken_across_pages_keeps_its_header_row(session, tmp_path):
    from assistant.library import ingest

    report = ingest.run(session.db, session.embedder, [_language_pdf(tmp_path / "printer-manual.pdf")])
    assert not report.failed
    rows = specs.search(session.db, "What language code do I give the driver to get Hungarian PPD files?",
                        embedder=session.embedder)
    # page 2's "hu | Hungarian" sits under page 1's header row, which is itself no answer
    assert _labels(rows)[0] == "hu"
    assert "Language Code" not in _labels(rows)
    assert rows[0].headers == ["Language Code", "Language Name"]


HUES = """# Printer driver colour options

## Hue adjustment curve

| | Ink Type | |
|---|---|---|
| Angle | RGB | CMY |
| 0 | Red | Cyan |
| 1 | Yellow | Blue |
| 2 | Green | Magenta |
| 3 | Cyan | Red |
| 4 | Blue | Yellow |
| 5 | Magenta | Green |
| 6 | Red | Cyan |
"""


def test_a_header_spanning_from_a_blank_corner_has_a_second_line(session, tmp_path):
    _ingest(session, tmp_path, "hues.md", HUES)
    rows = specs.search(session.db, "Which ink colour is hue angle 4 when the output is RGB?", embedder=session.embedder)
    assert rows[0].cells == ["4", "Blue", "Yellow"]
    # "Angle | RGB | CMY" is the header's second line: it names the columns and is no answer
    assert "Angle" not in _labels(rows)
    assert rows[0].headers == ["Angle", "Ink Type RGB", "CMY"]


def test_a_word_in_the_column_the_question_names(session, tmp_path):
    _ingest(session, tmp_path, "hues.md", HUES)
    rows = specs.search(session.db, "At what hue angle (0 to 6 scale) does magenta sit when the inks are CMY?",
                        embedder=session.embedder)
    # Magenta under CMY (angle 2), not Magenta under RGB (angle 5)
    assert rows[0].cells == ["2", "Green", "Magenta"]
