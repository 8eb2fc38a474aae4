"""Invented values left out of the answer (answer.DROP_UNVERIFIED, `without_unverified`): a sentence
whose value no passage given to the model holds goes, the manual's words stay."""

from __future__ import annotations

from assistant.rag import answer
from assistant.rag.search import Passage

PASSAGE = Passage(5, "Phone", "/phone.md", 12, "Always On Display",
                  "From Settings, tap Lock screen > Always On Display. Brightness: Drag the slider to set the "
                  "brightness. The display turns off after 10 minutes.", 0.9)


def test_a_sentence_with_an_invented_value_is_left_out():
    text = ("From Settings, tap Lock screen > Always On Display [1]. Drag the slider to 50% or 100% "
            "opacity.\nThe display turns off after 10 minutes [1].")
    kept, dropped = answer.without_unverified(text, [PASSAGE])
    assert dropped == ["Drag the slider to 50% or 100% opacity."]
    assert kept == "From Settings, tap Lock screen > Always On Display [1]. The display turns off after 10 minutes [1]."
    assert answer.unverified_values(kept, [PASSAGE]) == []
    assert answer.unverified_values(text, [PASSAGE]) == ["50%", "100%"]


def test_an_answer_with_no_verified_sentence_stays_whole_and_flagged():
    text = "Set it to 50%. Or to 75%."
    assert answer.without_unverified(text, [PASSAGE]) == (text, [])
    ok = "The display turns off after 10 minutes [1]."
    assert answer.without_unverified(ok, [PASSAGE]) == (ok, [])  # nothing invented: unchanged
