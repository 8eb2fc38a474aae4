"""Spec-row search, round 14 (issue 13): a chip's code no cell holds, which a table writes with another
prefix or none ("a 53C875": the NCR53C8XX driver's "875" row; "an ES1371": "ens1371"), is found by
the number ending it, as a row's first cell after letters beginning as the code does, or alone in a
manual that names the code's family ("NCR53C8XX"); a row merely numbered 500 is no STK500. Real
ingest of tables shaped as the Linux kernel documentation prints them, the bundled embedding model."""

from __future__ import annotations

from assistant.rag import specs
from tests.core.spec_fixtures import ingest_text as _ingest
from tests.core.spec_fixtures import labels as _labels

NCR = """# The Linux NCR53C8XX/SYM53C8XX drivers README file

## 2. Supported chips and SCSI features

| Chip | On board SDMS BIOS | Wide | SCSI std. | Max. sync |
|---|---|---|---|---|
| 810 | N | N | FAST10 | 10 MB/s |
| 825 | Y | Y | FAST10 | 20 MB/s |
| 860 | N | N | FAST20 | 20 MB/s |
| 875 | Y | Y | FAST20 | 40 MB/s |
| 895 | Y | Y | FAST40 | 80 MB/s |

## 10.5 Serial NVRAM support boot option

| Parameter | Symbios | Tekram |
|---|---|---|
| Synchronous transfer speed | Y | Y |
| Wide negotiation | Y | Y |
"""

JOYSTICK = """# Joystick support on ALSA drivers

## PCI cards

| Driver | Module option | Available values |
|---|---|---|
| als4000 | joystick_port | 0 = disable (default), 1 = auto-detect, manual: any address (e.g. 0x200) |
| es1938 | N/A | N/A |
| ens1371 | joystick_port | 0 = disable (default), 1 = auto-detect, manual: 0x200, 0x208, 0x210, 0x218 |
| cmipci | joystick_port | 0 = disable (default), 1 = auto-detect, manual: any address (e.g. 0x200) |
"""

SENSOR = """# Kernel driver sht3x

## Description

| Interval (ms) | Rate | Mode |
|---|---|---|
| 0 | | single shot mode |
| 500 | 2 Hz | periodic measurement |
| 1000 | 1 Hz | periodic measurement |
"""


def test_a_chip_number_keys_the_row_of_its_family(session, tmp_path):
    _ingest(session, tmp_path, "ncr53c8xx.md", NCR)
    rows = specs.search(session.db, "What is the fastest synchronous transfer rate a 53C875 SCSI chip supports?",
                        embedder=session.embedder)
    # before, "53C875" was a code no row holds: the "875" row was not told from its siblings
    assert _labels(rows)[:1] == ["875"]


def test_a_chip_number_after_other_letters(session, tmp_path):
    _ingest(session, tmp_path, "alsa-joystick.md", JOYSTICK)
    rows = specs.search(session.db, "Which game port I/O addresses can I pick for an Ensoniq ES1371 sound card under Linux?",
                        embedder=session.embedder)
    assert _labels(rows)[:1] == ["ens1371"]


def test_a_row_numbered_as_a_boards_number_is_not_that_board(session, tmp_path):
    _ingest(session, tmp_path, "sht3x.md", SENSOR)
    rows = specs.search(session.db, "Which serial port of the STK500 is the programming port?", embedder=session.embedder)
    assert "500" not in _labels(rows)
