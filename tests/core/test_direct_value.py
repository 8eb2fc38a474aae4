"""The value shown after the line that names what is asked (`assistant.rag.direct._value_after`),
over a real ingested manual with the real embedding model: the next one or two pieces, through the
last that gives a value, since the first that carries a number is often a side detail of the answer
(the other pins) and the answer is the one after it. Measured on the dev sets' tuning halves
(bench/direct_answer.py); the manual here is written for these tests."""

from __future__ import annotations

import pytest

from assistant.rag import direct
from tests.core.ask_fixtures import direct_answer
from tests.core.spec_fixtures import ingest_text

BOARD = """# Programming adapter guide

## Wiring

### Reset line

A pull-up resistor must be fitted between the target's reset pin and its supply. Where the supply
differs from the bus voltage, fit it on the target side of the level shifter to protect the board.
On the single-board computer, header J8 gives access to the bus and GPIO lines. The bus signals sit
on pins 19, 21 and 23, and the chip selects on pins 24 and 26. Next to them, pin 22 (GPIO25) can be
used as reset and pin 25 as ground. Keep the wires short.

### Power

The adapter is powered from the host. It draws at most 120 mA from the USB port.
"""


@pytest.fixture
def library(session, tmp_path):
    ingest_text(session, tmp_path, "adapter.md", BOARD)
    return session


def test_the_value_after_the_line_that_names_the_setting_runs_through_the_last_that_gives_one(library):
    d = direct_answer(library, "Which header pin should drive the target's reset line?")
    assert d is not None and d.section.endswith("Reset line")
    assert d.text.startswith("A pull-up resistor must be fitted")
    assert "pins 19, 21 and 23" in d.text and "pin 22 (GPIO25)" in d.text
    assert "Keep the wires short." not in d.text  # no value: the look-ahead ends at the last that has one


@pytest.mark.no_models
def test_lines_that_give_a_value():
    assert direct._gives_value("Next to them, pin 22 (GPIO25) can be used as reset and pin 25 as ground.")
    assert direct._gives_value("It draws at most 120 mA from the USB port.")
    assert not direct._gives_value("Keep the wires short.")
