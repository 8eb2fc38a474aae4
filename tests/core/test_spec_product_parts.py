"""Spec-row search, round 15 (issue 13): a manual's title may name its product joined to another
word by a hyphen ("Kernel driver twl4030-madc"); a question names the product alone ("the TWL4030's
ADC channel"), and that manual's rows rank above a look-alike table of another chip's manual. Real
ingest of small real tables (the Linux twl4030-madc and mc13783-adc drivers' channel lists), the
bundled embedding model."""

from __future__ import annotations

from assistant.rag import specs
from tests.core.spec_fixtures import ingest_text as _ingest

TWL4030 = """# Kernel driver twl4030-madc

## Description

| Channel | Signal |
|---|---|
| 0 | Battery type(BTEMP) |
| 1 | BCI: Battery temperature (BTEMP) |
| 8 | BCI: VBUS voltage(VBUS) |
| 9 | Backup Battery voltage (VBKP) |
| 10 | BCI: Battery charger current (ICHG) |
| 11 | BCI: Battery charger voltage (VCHG) |
| 12 | BCI: Main battery voltage (VBAT) |
"""

MC13783 = """# Kernel driver mc13783-adc

## Description

| Channel | Signal | Input Range |
|---|---|---|
| 0 | Battery Voltage (BATT) | 2.50 - 4.65V |
| 1 | Battery Current (BATT - BATTISNS) | -50 - 50 mV |
| 3 | Charger Voltage (CHRGRAW) | 0 - 10V / 0 - 20V |
| 4 | Charger Current (CHRGISNSP-CHRGISNSN) | -0.25 - 0.25 V |
| 7 | USB ID pin voltage (UID) | 0 - 3.3V |
"""


def _manual_names(rows) -> list[str]:
    return [r.manual_path.rsplit("/", 1)[-1] for r in rows]


def test_the_product_named_by_part_of_the_title_s_code_ranks_its_manual_first(session, tmp_path):
    _ingest(session, tmp_path, "twl4030-madc.md", TWL4030)
    _ingest(session, tmp_path, "mc13783-adc.md", MC13783)
    rows = specs.search(session.db, "Which TWL4030 ADC channel reads the USB supply voltage seen by the charger?",
                        embedder=session.embedder)
    # before, "TWL4030" was no product of "twl4030-madc": the MC13783's charger rows ranked among the first
    assert _manual_names(rows)[:3] == ["twl4030-madc.md"] * 3
    assert "8" in [r.cells[0] for r in rows[:3]]

