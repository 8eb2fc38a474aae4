"""An answer that only repeats the direct answer's line (turn.repeats): the GUI shows it once."""

from __future__ import annotations

from assistant.rag.answer import Answer
from assistant.rag.direct import Direct
from assistant.rag.turn import Turn, repeats

ROW = "Pump mounting bolts (bearing bracket foot to baseplate) — Size: M12; Torque: 68 Nm"
SYMPTOM = ("Symptom: during a mains failure the UPS switches off, or the connected servers shut down, long "
           "before the runtime shown in section 4 has passed.\nWork through these causes in order.")


def test_a_copy_of_the_line_with_marks_or_the_quote_s_opening_repeats_it():
    assert repeats(f"{ROW} [1]", ROW)
    assert repeats(f"{ROW} [1].", ROW)
    assert repeats("The manual says [1]: Symptom: during a mains failure the UPS switches off, or the", SYMPTOM)
    assert repeats("The manual says: " + " ".join(SYMPTOM.split()) + " [1]", SYMPTOM)  # the line break as a space
    # Words left out of the middle make it no copy: what it kept may read differently.
    assert not repeats("The manual says: Symptom: during a mains failure the UPS switches off [1]. Work through "
                       "these causes in order.", SYMPTOM)


def test_an_answer_that_adds_to_the_line_or_is_too_short_to_tell_does_not():
    assert not repeats(f"{ROW} [1]. Values apply to lightly oiled steel screws [1].", ROW)
    assert not repeats("Tighten the pump mounting bolts to 68 Nm [1].", ROW)
    assert not repeats("Yes [1].", "Protect your eyes: yes, wear glasses.")  # too short to tell
    assert not repeats("Mounting bolts to baseplate", ROW.replace("baseplate", "baseplates"))  # whole words
    assert not repeats("", ROW)


def test_a_turn_repeats_its_direct_answer_only_when_done_and_answered():
    d = Direct(ROW, 1, "P-200", "/p200.pdf", 5, "Tightening torques", 7, 0.9, kind="spec_row")
    t = Turn("torque for the pump mounting bolts", state="done", direct=d)
    t.answer = Answer(f"{ROW} [1]", False, [], [], "test", {}, "model")
    assert t.repeats_direct
    t.state = "writing"
    assert not t.repeats_direct
    t.state = "done"
    t.answer = Answer("Not found in the loaded manuals.", True, [], [], "test", {}, "none")
    assert not t.repeats_direct
    t.direct = None
    t.answer = Answer(f"{ROW} [1]", False, [], [], "test", {}, "model")
    assert not t.repeats_direct


def test_while_the_answer_streams_in_a_possible_copy_is_held_back():
    d = Direct(SYMPTOM, 1, "UPS-3000", "/ups.md", None, "7.1 UPS shuts down too early", 7, 0.9)
    t = Turn("UPS shuts down too early", state="writing", direct=d, text="The manual says [1]: Symptom: during a")
    assert t.holds_back
    t.text += " power cut the UPS trips."  # says something else: shown from now on
    assert not t.holds_back
    t = Turn("UPS shuts down too early", state="writing", direct=d, text="Replace the battery")
    assert not t.holds_back
    t = Turn("UPS shuts down too early", state="writing", direct=None, text="The manual says")
    assert not t.holds_back  # no line above to repeat
    t = Turn("UPS shuts down too early", state="done", direct=d, text="The manual says [1]: Symptom:")
    assert not t.holds_back  # finished: repeats_direct decides


def test_after_a_first_copy_of_the_line_the_answer_shows_only_what_it_adds():
    from assistant.rag.turn import after_copy

    assert after_copy(f"{ROW} [1]. Values apply to lightly oiled steel screws [1].", ROW) == \
        "Values apply to lightly oiled steel screws [1]."
    flat = " ".join(SYMPTOM.split())
    assert after_copy(f"The manual says [1]: {flat} Check the battery date [2].", SYMPTOM) == "Check the battery date [2]."
    # a copy of the line's first sentence, ended where the answer's sentence ends
    assert after_copy("Symptom: during a mains failure the UPS switches off, or the connected servers shut down, long "
                      "before the runtime shown in section 4 has passed [1]. Replace the pack.", SYMPTOM) == "Replace the pack."
    # no copy first, a copy that leaves the line mid-sentence, two words, or nothing more: None
    assert after_copy("Tighten the pump mounting bolts to 68 Nm [1].", ROW) is None
    assert after_copy("Symptom: during a mains failure, replace the pack.", SYMPTOM) is None
    assert after_copy("Work through. Then check.", SYMPTOM) is None
    assert after_copy(f"{ROW} [1].", ROW) is None


def test_the_card_shows_the_answer_without_its_first_copy_of_the_line():
    said = f"The manual says [1]: {ROW}. Use a calibrated torque wrench [1]."
    t = Turn("torque?", direct=Direct(ROW, 1, "M", "/m.pdf", 5, "3.3", 1, 0.5), state="done",
             answer=Answer(said, False, [], [], "test", {}, "model"))
    assert t.shown_answer == "Use a calibrated torque wrench [1]." and t.answer.answer == said  # the JSON keeps it all
    t.answer = Answer("Not found in the loaded manuals.", True, [], [], "test", {}, "model")
    assert t.shown_answer == "Not found in the loaded manuals."


def test_a_copy_cited_with_two_sources_is_a_copy_too_and_a_long_line_copied_whole_is_one():
    from assistant.rag.turn import after_copy

    first = SYMPTOM.split(".\n")[0]  # the first sentence, without its full stop
    assert after_copy(f"{first} [1, 2]. Replace the pack.", SYMPTOM) == "Replace the pack."
    # The card calls after_copy on every streamed token; it reads the answer word by word with no
    # regex made per word (one per word took 0.3 s a call on a 2,000-character line: not timed here).
    line = " ".join(f"Step {k}: check valve V{k} and tighten its bolts." for k in range(40))
    assert after_copy(f"The manual says [1]: {line} Then restart.", line) == "Then restart."
