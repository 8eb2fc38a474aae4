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
