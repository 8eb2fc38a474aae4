"""The clause that asks (`assistant.rag.direct.focus`): a question that sets the scene in one clause
and asks in another ("The adapter is slow in ASCII mode; what is the default receive timeout?") is
answered by the line about what it asks, not the line that repeats its scene. Real ingest of a
small manual written for this test, the bundled embedding model; measured on the dev sets' tuning
halves (bench/direct_answer.py, avrdude-05)."""

from __future__ import annotations

import pytest

from assistant.rag import direct
from tests.core.ask_fixtures import direct_answer
from tests.core.spec_fixtures import ingest_text

# The firmware line holds as many of the question's words as the timeout line does (adapter, ASCII,
# mode, slow against default, receive, timeout), and reads as much like the question to MiniLM.
ADAPTER = """# Bus adapter programmer

## Firmware

Firmware before version 2.7 has no binary protocol, so the adapter falls back to ASCII mode,
which is slow.

## Serial settings

The serial port runs at 115200 baud. The receive timeout is how long the host waits for the
adapter's prompt, and the default receive timeout is 100 ms. Shorter waits speed up programming.
"""


@pytest.fixture
def library(session, tmp_path):
    ingest_text(session, tmp_path, "adapter.md", ADAPTER)
    return session


@pytest.mark.parametrize("question", [
    "The adapter is slow in ASCII mode; what is the default receive timeout?",
    "The adapter is slow in ASCII mode, what receive timeout does it use by default?",
])
def test_the_line_about_what_is_asked_wins_over_the_line_about_the_scene(library, question):
    d = direct_answer(library, question)
    assert d is not None and "100 ms" in d.text
    assert "ASCII" not in d.text


def test_the_asking_clause():
    assert direct.focus("Bus Pirate is crawling in ascii mode; what's the default receive timeout and how low "
                        "can it go?") == {"default", "receiv", "timeout"}
    # a fronted context phrase is scene too
    assert direct.focus("In the simulator, does a resistor value of 1M mean mega-ohm?") == {
        "resistor", "valu", "1m", "mean", "mega-ohm"}
    # one clause: no focus, every word weighs the same; "and" inside a name does not end a clause
    assert direct.focus("What are the benefits of NFC and payment?") == set()
    # an asking clause that points back at the scene ("what now?") is no focus either
    assert direct.focus("SerialUPDI won't connect to a locked chip - what now?") == set()
