"""Spec-row search, round 12 (issue 13): a quantity said in words is the value a table prints in
digits, with its sign ("the negative twelve volt rail" is the "Vee (-12v)" row). Real ingest of a
small real table, the bundled embedding model."""

from __future__ import annotations

import pytest

from assistant.library.quantities import query_values
from assistant.library.spoken_numbers import digits
from assistant.rag import specs
from tests.core.spec_fixtures import ingest_text as _ingest
from tests.core.spec_fixtures import labels as _labels

LTC4245 = """# Kernel driver ltc4245

## Sysfs entries

| | |
|---|---|
| in1_input | 12v input voltage (mV) |
| in2_input | 5v input voltage (mV) |
| in3_input | 3v input voltage (mV) |
| in4_input | Vee (-12v) input voltage (mV) |
| curr1_input | 12v current (mA) |
| curr2_input | 5v current (mA) |
| curr3_input | 3v current (mA) |
| curr4_input | Vee (-12v) current (mA) |
| curr1_max_alarm | 12v overcurrent alarm |
| curr4_max_alarm | Vee (-12v) overcurrent alarm |
| power1_input | 12v power usage (mW) |
| power4_input | Vee (-12v) power usage (mW) |
"""


@pytest.mark.parametrize(("said", "written"), [
    ("the negative twelve volt rail", "the -12 volt rail"),
    ("three point three volts", "3.3 volts"),
    ("a twenty-four volt supply", "a 24 volt supply"),
    ("the twelve-volt line", "the 12 volt line"),
    ("minus 5 V", "-5 V"),
    ("three hundred and twenty mA", "320 mA"),
    # a number said without a unit, sign or decimal point stays a word
    ("which one is it", "which one is it"),
    ("whether the last eight polls got an answer", "whether the last eight polls got an answer"),
    ("which one in the list", "which one in the list"),
])
def test_spoken_quantities_are_written_in_digits(said, written):
    assert digits(said) == written


def test_a_spoken_value_keeps_its_sign_and_decimals():
    assert [v.key for v in query_values("the negative twelve volt rail")] == ["q:-12 V"]
    assert [v.key for v in query_values("three point three volts")] == ["q:3.3 V"]


def test_the_negative_rail_said_in_words_finds_the_minus_12v_row(session, tmp_path):
    _ingest(session, tmp_path, "ltc4245.md", LTC4245)
    rows = specs.search(session.db, "On an LTC4245 hot-swap controller, which sysfs file reads the current"
                        " drawn on the negative twelve volt rail?", embedder=session.embedder)
    assert _labels(rows)[0] == "curr4_input"
    # the positive rail said in words is the 12v row, not the -12v one
    rows = specs.search(session.db, "On an LTC4245, which sysfs file reads the current drawn on the twelve"
                        " volt rail?", embedder=session.embedder)
    assert _labels(rows)[0] == "curr1_input"


@pytest.mark.parametrize(("said", "written"), [
    ("the ups keeps beeping once a second", "the ups keeps beeping every 1 second"),
    ("beeps every second", "beeps every 1 second"),
    ("flashes once per minute", "flashes every 1 minute"),
    ("every 4 seconds", "every 4 seconds"),  # a number already said stays
    ("check it every other day", "check it every other day"),
    ("every second week", "every second week"),  # every other week, not every 1 second
    ("beeps every second and the red LED is on", "beeps every 1 second and the red LED is on"),
])
def test_a_rate_said_without_a_number_gets_one(said, written):
    assert digits(said) == written


def test_beeping_once_a_second_finds_the_every_1_s_row(demo_library):
    # The demo UPS guide's alarm table: "A21 | Battery low ... | Every 1 s"; "once a second" found the
    # fan failure's "Every 2 s" row.
    question = "the ups keeps beeping once a second"
    d = demo_library.answer(question)
    assert d is not None and "A21" in d.text and "Every 1 s" in d.text, d


@pytest.mark.parametrize(("said", "written"), [
    ("can you tell me what e zero four means", "can you tell me what E04 means"),
    ("hey what does alarm a twenty three mean", "hey what does alarm A23 mean"),
    ("the ups says a twelve", "the ups says A12"),
    ("pump shows f zero seven", "pump shows F07"),
    ("set p zero one to four bar", "set P01 to four bar"),
    # the article, the pronoun and plain counts stay words
    ("I need a twelve volt battery", "I need a twelve volt battery"),
    ("is it a four wire cable", "is it a four wire cable"),
    ("i have two pumps", "i have two pumps"),
    ("the meter reads a twelve volt drop", "the meter reads a twelve volt drop"),  # a unit follows
    ("what's one bar in psi", "what's one bar in psi"),  # the 's of a contraction is no letter
    ("e twenty twenty", "e twenty twenty"),  # two numbers, not one code
    ("x two", "x two"),  # a count, as search._SPACED_CODE reads "x 2"
])
def test_a_code_said_in_words_is_written_as_the_code(said, written):
    from assistant.library.spoken_numbers import spoken_codes

    assert spoken_codes(said) == written


def test_a_spoken_fault_code_finds_its_row(demo_library):
    # As speech-to-text writes a technician's "E zero four": no direct answer before.
    for question, code in [("can you tell me what e zero four means", "E04"),
                           ("hey what does alarm a twenty three mean on the ups", "A23")]:
        d = demo_library.answer(question)
        assert d is not None and d.text.startswith(code), d
