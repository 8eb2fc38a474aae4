"""The chat model's Markdown where the answer is shown: steps the 0.5B runs together on one line,
its bold marks, and the [n] markers `attribute` adds to an answer that cites nothing."""

from __future__ import annotations

from types import SimpleNamespace

from assistant.rag.answer import attribute
from assistant.rag.model_markdown import bold_spans, steps_on_lines, unmarked

# As the 0.5B wrote it for "How do I replace the mechanical seal on the P-200?" (demo library).
RUN_ON = ("To replace the mechanical seal on the P-200, follow these steps:\n\n1. **Identify the Part Number**: "
          "The part number is SK-200-45B [1]. 2. **Locate the Seal Kit**: The kit holds the seal [1]. "
          "3. **Check the Installation**: Lock the main isolator in the OFF position.")


def test_run_on_steps_go_on_lines_of_their_own():
    lines = steps_on_lines(RUN_ON).splitlines()
    assert lines[2].startswith("1. **Identify") and lines[2].endswith("SK-200-45B [1].")
    assert lines[3].startswith("2. **Locate") and lines[4].startswith("3. **Check")


def test_numbers_that_are_no_steps_stay():
    for text in ("Set P02 to 2. Then press OK.", "See section 4. 2 pumps can run.", "Open it. 2. Close it.",
                 "The vessel holds 3.5 bar. 5. Check it."):
        assert steps_on_lines(text) == text
    assert steps_on_lines("Steps: 1. Open the valve. 2. Vent it.") == "Steps:\n1. Open the valve.\n2. Vent it."


def test_bold_and_code_shown_and_not_read_aloud():
    assert bold_spans("a **seal kit** and `TEST > CALIB`") == "a <b>seal kit</b> and <code>TEST > CALIB</code>"
    assert bold_spans("streaming **Identi") == "streaming **Identi"  # not closed yet
    assert unmarked("## Steps\n1. **Open** the `vent` plug") == "Steps\n1. Open the vent plug"


PASSAGE = SimpleNamespace(text="Open the suction isolating valve fully. Keep the discharge valve closed. "
                               "Open the vent plug on top of the pump casing by one to two turns.")


def test_attribute_marks_the_step_not_its_number_and_keeps_lines():
    text, used = attribute("To bleed air from the pump casing, follow these steps:\n"
                           "1. Open the suction isolating valve fully.\n2. Keep the discharge valve closed.", [PASSAGE])
    assert used == {1}
    assert text.splitlines()[1:] == ["1. Open the suction isolating valve fully [1].",
                                     "2. Keep the discharge valve closed [1]."]
    text, _ = attribute("Open the suction isolating valve fully. 2. Keep the discharge valve closed.", [PASSAGE])
    assert text == "Open the suction isolating valve fully [1]. 2. Keep the discharge valve closed [1]."


def test_a_nested_lists_run_on_steps_stay_in_it():
    # before, the sub-step "2. Turn it" went to the outer list's margin: two steps 2 in a row
    nested = "1. Open the cover.\n   1. Loosen the cap. 2. Turn it by hand.\n2. Remove the seal. 3. Fit the new one."
    assert steps_on_lines(nested).splitlines() == ["1. Open the cover.", "   1. Loosen the cap.", "   2. Turn it by hand.",
                                                   "2. Remove the seal.", "3. Fit the new one."]


def test_read_aloud_says_no_bullet_or_emphasis_asterisks():
    said = unmarked("Check these:\n* **Seal faces** worn\n  * *Note*: the O-ring too\n***Warning***: isolate first. "
                    "Current above P06*P05, 2 * 3 s. Cut **here")
    assert said == ("Check these:\nSeal faces worn\nNote: the O-ring too\nWarning: isolate first. "
                    "Current above P06*P05, 2 * 3 s. Cut here")


SETTINGS = SimpleNamespace(text="P07 Maximum starts per hour: factory setting 20, range 5-40. "
                                "Set the Modbus address P12 to a value from 1 to 247.")


def test_attribute_marks_a_sentence_ending_in_its_value_after_the_value():
    # before, a value ending the sentence was taken for the next list item's number: "... of [1] 20."
    for said, marked in (("The maximum starts per hour P07 has a factory setting of 20.",
                          "The maximum starts per hour P07 has a factory setting of 20 [1]."),
                         ("Set the Modbus address P12 to 1. Then save.", "Set the Modbus address P12 to 1 [1]. Then save."),
                         ("P07 maximum starts per hour, factory setting: 20.", "P07 maximum starts per hour, factory setting: 20 [1].")):
        assert attribute(said, [SETTINGS])[0] == marked
    # the next item's number after a colon still goes after the marker
    assert attribute("Set the Modbus address P12 and maximum starts P07 as follows: 1. Open SETUP.", [SETTINGS])[0] \
        == "Set the Modbus address P12 and maximum starts P07 as follows: [1] 1. Open SETUP."


def test_read_aloud_says_no_citation_mark_in_any_form_the_answer_cites_with():
    from assistant.rag.model_markdown import spoken

    said = spoken("Fill the pump [1]. Vent it [1; 3]. Close the plug [2, 4] at **20 Nm** [1-2].")
    assert said == "Fill the pump. Vent it. Close the plug at 20 Nm."


def test_read_aloud_ends_each_step_so_steps_do_not_run_together():
    from assistant.rag.model_markdown import spoken

    said = spoken("## Venting\n1. Close the suction valve\n2. Open the vent plug [1]\n\nThen start it.")
    assert said == "Venting. 1. Close the suction valve. 2. Open the vent plug. Then start it."
