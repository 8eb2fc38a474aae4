"""The safety notes pinned above an answer (`answer.safety_notes`): each warning once, most severe first."""

from __future__ import annotations

import pytest

from assistant.rag.answer import SafetyNote, safety_notes
from assistant.rag.search import Passage

pytestmark = pytest.mark.no_models

LOCK = "WARNING: Lock out / tag out before opening the housing."
HOT = "CAUTION: Hot surfaces and hot water. Drain and let the pump cool below 40 °C before starting work."


def _note(level: str, text: str, chunk_id: int) -> SafetyNote:
    return SafetyNote(level, "P-200", "/p200.pdf", 10, "8.3 Mechanical seal replacement", text, chunk_id)


def test_a_warning_another_note_already_holds_is_not_shown_again():
    # The demo pump: the chunker repeats the short CAUTION paragraph at the start of the next chunk,
    # so the CAUTION was a note of its own under the note that held it already.
    both = _note("WARNING", f"{LOCK}\n{HOT}", 35)
    alone = _note("CAUTION", HOT, 36)
    near = {1: [both, alone], 2: [alone]}
    passages = [Passage(1, "P-200", "/p200.pdf", 10, "8", "text", 1.0), Passage(2, "P-200", "/p200.pdf", 10, "8", "t", 0.9)]
    assert safety_notes(near, passages) == [both]
    # the same text in two chunks: shown once; different warnings: each, most severe first
    twin = _note("CAUTION", HOT, 37)
    assert safety_notes({1: [alone, twin]}, passages[:1]) == [alone]
    lock = _note("WARNING", LOCK, 38)
    assert safety_notes({1: [alone, lock]}, passages[:1]) == [lock, alone]


def test_the_note_that_holds_another_takes_its_place_within_the_limit():
    # The note holding the first passage's warning is near the last passage, after four others of
    # its level: in the place of the note it holds, it is shown (limit 4).
    alone = _note("WARNING", LOCK, 10)
    others = [_note("WARNING", f"WARNING: other hazard {k}.", 20 + k) for k in range(4)]
    holder = _note("WARNING", f"{LOCK}\n{HOT}", 30)
    passages = [Passage(i, "P-200", "/p200.pdf", 10, "8", "t", 1.0) for i in range(1, 4)]
    got = safety_notes({1: [alone], 2: others, 3: [holder]}, passages)
    assert [n.chunk_id for n in got] == [30, 20, 21, 22]


def test_the_notes_are_of_the_manual_the_direct_answer_is_from():
    # "How long should I hold the vacuum?": the rooftop unit's line answered, and the UPS guide's
    # passage (close by its "vacuum cleaners") pinned the UPS's hazardous-voltage warning.
    from assistant.rag.answer import of_the_job
    from assistant.rag.direct import Direct

    ups = Passage(1, "UPS-3000", "/ups.md", None, "Safety", "vacuum cleaners", 1.0)
    rtu = Passage(2, "RTU-45", "/rtu.html", None, "Service", "hold the vacuum for 30 minutes", 0.9)
    rtu_other = Passage(3, "RTU-45", "/rtu.html", None, "Safety", "refrigerant", 0.8)
    volts = SafetyNote("WARNING", "UPS-3000", "/ups.md", None, "Safety", "WARNING: Hazardous voltage.", 40)
    gas = SafetyNote("WARNING", "RTU-45", "/rtu.html", None, "Service", "WARNING: Refrigerant under pressure.", 41)
    near = {1: [volts], 2: [gas], 3: []}
    line = Direct("hold the vacuum for 30 minutes", 2, "RTU-45", "/rtu.html", None, "Service", 2, 0.39)
    close = [ups, rtu_other]
    assert safety_notes(near, close) == [volts]  # as before: the UPS's note
    job = of_the_job(close, line, [ups, rtu, rtu_other])
    assert job == [rtu, rtu_other]  # the answer's own passage first, the other manual's left out
    assert safety_notes(near, job) == [gas]
    assert of_the_job(close, None, [ups, rtu, rtu_other]) == close  # no direct answer: all of them
