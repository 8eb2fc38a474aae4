"""The voice-command grammar of procedure mode: whole utterances as whisper writes them, fillers and
mis-hearings forgiven, sentences that merely contain a command word left alone, and questions
answered from the procedure's own text."""

from __future__ import annotations

import pytest

from assistant.procedures.commands import answer, match
from assistant.procedures.model import Procedure, Step

SAID = {
    "next": ["next", "Next.", " next. ", "NEXT!", "Next step.", "Okay, next.", "Uh, next.", "um next step please",
             "Necks.", "Next, next.", "okay next", "Done with this one.", "Go on.", "Move on.", "next one",
             "Alright, next step.", "Next please."],
    "back": ["back", "Back.", "Go back.", "Previous.", "Previous step.", "uh go back", "Back, please.",
             "Step back.", "Bag."],
    "repeat": ["repeat", "Repeat.", "Say again.", "Again.", "Say that again?", "Repeat that.", "Repeat, please.",
               "What was that?", "Come again?"],
    "read": ["read", "Read it.", "Read aloud.", "Read it out.", "Please read it.", "Read it aloud."],
    "pause": ["pause", "Pause.", "Wait.", "Hold on.", "Hold on, please.", "Wait a minute.", "Paws."],
    "resume": ["resume", "Resume.", "Continue.", "Carry on.", "Okay, continue.", "Resumed."],
    "finish": ["done", "Done.", "Finish.", "Finished.", "All done.", "I'm done.", "Finish the procedure."],
    "ack": ["ok", "OK.", "Okay.", "Acknowledged.", "Understood.", "I have read the warnings.", "Got it."],
}

NOT_COMMANDS = [
    "The next bolt is loose.",
    "Is the next step the seal?",
    "I think we should go back to the van",
    "There is a crack in the back plate.",
    "Read the label on the pump for me, I cannot see it.",
    "done this kind of repair before",
    "the pump is finished, shall I order a new one",
    "wait until the pressure drops to zero before you open it",
    "uh",
    "",
    "   ",
    "...",
    "nextel",
    "what",
    "What is the weather like today, do you know, because I need to go out later this evening",
]


@pytest.mark.parametrize("kind,text", [(k, t) for k, ts in SAID.items() for t in ts])
def test_phrasings_match_their_command(kind, text):
    cmd = match(text)
    assert cmd.kind == kind, f"{text!r} -> {cmd.kind}, expected {kind}"
    assert cmd.said == text and cmd.is_command


@pytest.mark.parametrize("text", NOT_COMMANDS)
def test_sentences_that_contain_a_command_word_are_not_commands(text):
    cmd = match(text)
    assert cmd.kind == "unknown" and not cmd.is_command


@pytest.mark.parametrize("text,topic", [
    ("What torque?", "torque"), ("what's the torque", "torque"), ("What is the torque for these bolts?", "torque"),
    ("How tight?", "torque"), ("Which tool?", "tool"), ("which tool do I need", "tool"),
    ("What tools?", "tool"), ("What size?", "size"), ("what size socket", "size"),
    ("Uh, what torque?", "torque"), ("What parts do I need?", "part"),
])
def test_questions_get_their_topic(text, topic):
    cmd = match(text)
    assert (cmd.kind, cmd.topic) == ("question", topic)


def seal_procedure() -> Procedure:
    return Procedure(
        "8.3 Replacing the mechanical seal",
        [Step(1, "Isolate the pump and drain the casing.", 4),
         Step(2, "Remove the four M8 bolts with a 13 mm socket.", 4),
         Step(3, "Fit the new seal SK-200-45B and tighten the bolts to 25 N·m in a cross pattern.", 5),
         Step(4, "Refit the guard; tighten its screws to 4-5 Nm.", 5)],
        tools=["13 mm socket", "torque wrench"], parts=["SK-200-45B"], torques=["25 N·m", "4-5 Nm"], id=7)


@pytest.mark.parametrize("text,kind", [("who what torque.", "question"), ("Nabu, next step.", "next"),
                                       ("Boo. Go back.", "back")])
def test_the_wake_word_s_end_before_a_command_is_not_part_of_it(text, kind):
    # The take after "okay nabu" may start on the wake word's last syllable (ui/voice/wake.py PRE_ROLL_S).
    assert match(text).kind == kind


def test_torque_answer_puts_the_current_step_first():
    p = seal_procedure()
    assert answer(p, 3, "torque").startswith("Torque: 25 N·m (step 3)")
    a4 = answer(p, 4, "torque")
    assert a4.startswith("Torque: 4-5 Nm (step 4)") and "25 N·m" in a4


def test_tool_size_and_part_answers_come_from_the_procedure():
    p = seal_procedure()
    tools = answer(p, 2, "tool")
    assert tools.startswith("Tools: 13 mm socket (step 2)") and "torque wrench" in tools
    assert "13 mm" in answer(p, 2, "size") and "M8" in answer(p, 2, "size")
    assert answer(p, 3, "part") == "Parts: SK-200-45B (step 3)"


def test_a_procedure_that_does_not_say_is_answered_so():
    p = Procedure("Clean the filter", [Step(1, "Take out the filter and rinse it.", None)])
    assert answer(p, 1, "torque") == "This procedure does not say (torque)."


@pytest.mark.parametrize("text", ["Start over.", "start over", "Uh, start again.", "Restart.",
                                  "From the beginning.", "Okay, start over please."])
def test_start_over_is_a_command_only_while_choosing(text):
    assert match(text, choosing=True).kind == "over"
    assert match(text).kind == "unknown"  # on a step, it would throw the run's place away


def test_resume_and_start_stay_apart_while_choosing():
    assert match("Resume.", choosing=True).kind == "resume"
    assert match("Start.", choosing=True).kind == "ack"  # "start" alone is not "start over"
