"""The terminal prints the manual's line first; the 0.5B often copies it as its whole answer ("The manual
says [1]: ..."). The CLI holds a streamed answer back while it may still be only that copy
(`turn.may_repeat`, `cli.answers.HoldBack`) and prints a note instead of the line a second time; an
answer that says more is printed from its first word, less a first copy of the line (`turn.after_copy`)."""

from __future__ import annotations

from assistant.cli.answers import HoldBack
from assistant.rag.answer import NOT_FOUND, Answer
from assistant.rag.turn import may_repeat

SYMPTOM = ("Symptom: during a mains failure the UPS switches off, or the connected servers shut down, long "
           "before the runtime shown in section 4 has passed. Work through these causes in order.")


def _pieces(text: str, size: int = 4) -> list[str]:
    """Text as a model streams it: a few characters at a time, words and marks cut anywhere."""
    return [text[i:i + size] for i in range(0, len(text), size)]


def _print(direct: str | None, said: str, abstained: bool = False) -> str:
    printer = HoldBack(direct)
    out = "".join(printer.feed(p) for p in _pieces(said))
    return out + printer.end(Answer(said, abstained, [], [], "test", {}, "model"))


def test_a_partial_copy_may_still_repeat_the_line():
    for partial in ("The man", "The manual says", "The manual says [", "The manual says [1", "The manual says [1]: Sym",
                    "The manual says [1]: Symptom: during a mains fail", "Symptom: during"):
        assert may_repeat(partial, SYMPTOM), partial
    for partial in ("To fix it", "The manual says [1]: Replace the battery", "Symptom: during a power cut"):
        assert not may_repeat(partial, SYMPTOM), partial


def test_a_copy_of_the_line_is_not_printed_twice():
    out = _print(SYMPTOM, f"The manual says [1]: {SYMPTOM} [1]")
    assert out == HoldBack.REPEATED


def test_an_answer_that_says_more_is_printed_whole():
    said = "Check the battery install date in INFO > BATT DATE [1]."
    assert _print(SYMPTOM, said) == said



def test_a_copy_of_the_line_and_then_more_prints_only_the_more():
    # The line is printed just above: what the answer adds reads on from it (turn.after_copy).
    assert _print(SYMPTOM, f"The manual says [1]: {SYMPTOM} Then run a self-test [1].") == "Then run a self-test [1]."
    assert _print(SYMPTOM, f"{SYMPTOM[:-1]} [1]. Then run a self-test.") == "Then run a self-test."
    # a copy of the line's start, its sentence ended early
    said = "The manual says [1]: Symptom: during a mains failure the UPS switches off. Replace the battery pack [2]."
    assert _print(SYMPTOM, said) == "Replace the battery pack [2]."
    # The copy's end is a sentence's end: a copy that turns into other words mid-sentence is printed whole.
    said = "Symptom: during a mains failure the UPS switches off when the battery is old [1]."
    assert _print(SYMPTOM, said) == said


def test_without_a_line_above_or_when_the_model_found_nothing_everything_is_printed():
    said = f"The manual says [1]: {SYMPTOM}"
    assert _print(None, said) == said
    # The model stopped after the opening: not a copy (too short to tell), so what it said is printed.
    assert _print(SYMPTOM, "The manual says") == "The manual says"
    assert _print(SYMPTOM, NOT_FOUND, abstained=True) == NOT_FOUND
