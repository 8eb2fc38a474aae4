"""A manual's legend of its signal words is no safety note (`safety.is_legend`, `answer.safety_near`)."""

from __future__ import annotations

from assistant.library import ingest
from assistant.library.safety import is_legend


def test_the_legend_of_signal_words_is_told_from_warnings():
    assert is_legend("• DANGER - an immediate hazard that will cause death or serious injury.\n"
                     "• WARNING - a hazard that can cause death or serious injury.\n"
                     "• CAUTION - a hazard that can cause minor injury or damage to the equipment.")
    assert is_legend("DANGER indicates a hazardous situation which, if not avoided, will result in death or "
                     "serious injury. WARNING indicates a potentially hazardous situation.")
    # warnings, however short, stay warnings
    assert not is_legend("WARNING: Electrical hazard. CAUTION: Burn hazard.")
    assert not is_legend("DANGER: Hazardous voltage (400 V AC). Switch off and lock out the main isolator.")


def test_a_pump_question_is_not_given_the_legend_as_a_danger_note(session):
    # "pump wont prime" over the demo library pinned the pump manual's "Safety notices used in this
    # manual" (• DANGER - an immediate hazard that will cause death ...) as a DANGER note of its own.
    from assistant import demo
    from assistant.rag import answer

    assert not ingest.run(session.db, session.embedder, [demo.demo_dir()]).failed
    got = answer.retrieve(session.db, session.embedder, "pump wont prime", session.settings)
    notes = [n for ns in answer.safety_near(session.db, got.res.passages).values() for n in ns]
    assert notes and not any("an immediate hazard that will cause" in n.text for n in notes)
    assert any("Hazardous voltage" in n.text and n.level == "DANGER" for n in notes)
