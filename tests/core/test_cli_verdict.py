"""The terminal cannot take back a streamed answer: when the answer was started with the manual's
navigation line (answer.PRIME) and the model then said "not found", the CLI prints the verdict
under it (`verdict_after_stream`), as the GUI shows "not found" in place of the text."""

from __future__ import annotations

from assistant.cli.answers import verdict_after_stream
from assistant.rag.answer import NOT_FOUND, Answer

PRIMED = "From Settings, tap Display > Screen timeout."


def _answer(text: str, abstained: bool) -> Answer:
    return Answer(text, abstained, [], [], "Qwen2.5-Coder-0.5B-Instruct-Q4_K_M.gguf", {})


def test_a_primed_line_the_model_did_not_confirm_gets_the_verdict_printed_under_it():
    streamed = PRIMED + " Not found in the loaded manuals."
    verdict = verdict_after_stream(streamed, _answer(NOT_FOUND, True))
    assert verdict is not None and verdict.startswith(NOT_FOUND)
    assert "check the manual's line above" in verdict


def test_nothing_more_when_what_was_streamed_is_the_answer():
    assert verdict_after_stream(NOT_FOUND, _answer(NOT_FOUND, True)) is None  # nothing relevant found
    said = "The answer is not found in the loaded manuals. [1]"
    assert verdict_after_stream(said, _answer(said, True)) is None  # the model's own words, unprimed
    answer = PRIMED + " Then tap a time limit [1]."
    assert verdict_after_stream(answer, _answer(answer, False)) is None
