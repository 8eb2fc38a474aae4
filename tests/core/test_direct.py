"""Splitting passages into answerable units and picking one without an embedding model
(`assistant.rag.direct`); the CLI tests in test_answer.py cover it with the real models."""

from __future__ import annotations

import pytest

from assistant.rag.direct import find, units
from assistant.rag.search import Passage

pytestmark = pytest.mark.no_models


def passage(text: str, section: str = "Pump", n: int = 1) -> Passage:
    return Passage(n, "ZX-9 Pump Manual", "/m/pump.md", None, section, text, 1.0)


TABLE = "| item | value |\n|---|---|\n| impeller nut torque | 38 Nm |\n| seal kit | 55-0192-B |"
STEPS = ("WARNING: lock out the motor supply.\n\n1. Drain the pump casing.\n2. Remove the six M8 housing bolts.\n"
         "3. Replace seal kit 55-0192-B and torque the impeller nut to 38 Nm.")


def test_table_rows_carry_their_header_and_list_items_lose_their_numbers():
    assert units(passage(TABLE)) == ["| item | value |\n| impeller nut torque | 38 Nm |",
                                     "| item | value |\n| seal kit | 55-0192-B |"]
    got = units(passage(STEPS))
    assert "Drain the pump casing." in got and got[-1].startswith("Replace seal kit")


def test_sentences_are_split_at_their_ends_only():
    got = units(passage("Check the inlet strainer. The pump stops after 30 s below 0.4 bar. See E47."))
    assert got == ["Check the inlet strainer.", "The pump stops after 30 s below 0.4 bar.", "See E47."]


def test_keyword_only_direct_answer_picks_the_line_with_the_value():
    d = find("What torque for the impeller nut?", [passage(STEPS, n=1), passage(TABLE, n=2)])
    assert d is not None and "38 Nm" in d.text and d.manual == "ZX-9 Pump Manual"


def test_no_direct_answer_when_nothing_holds_the_question():
    assert find("How do I bake sourdough bread?", [passage(STEPS)]) is None
    assert find("", [passage(STEPS)]) is None and find("torque", []) is None
