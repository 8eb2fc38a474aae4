"""Every value in the answer has its source among the citations (`answer.cite_values`): the model
copies a value from the quoted line ("The manual says [n]: ...") or another passage it was given
and cites a different one, or none; the app adds the passage that holds the value."""

from __future__ import annotations

from assistant.rag import answer
from assistant.rag.search import Passage

RESOLUTION = Passage(11, "TV", "/tv.json", 40, "Picture Size",
                     "Picture size options depend on the input signal. Supported inputs: 480i, 1080i and 4K.", 0.8)
MENU = Passage(12, "TV", "/tv.json", 41, "Picture Settings",
               "Open Settings > Picture > Picture Size Settings and pick a size.", 0.7)
TORQUE = Passage(13, "Pump", "/pump.pdf", 7, "Torques",
                 "Tighten the M12 mounting bolts to 68 N·m in a cross pattern.", 0.6)


def test_a_value_from_an_uncited_passage_cites_it():
    text = "Open Settings > Picture > Picture Size Settings [1]. It supports 480i and 1080i."
    cited = [answer.Citation.of(1, MENU)]
    assert answer.values.unsupported(text, [MENU.text])  # the model's own citation lacks the values
    out = answer.cite_values(text, cited, [MENU, RESOLUTION], [])
    assert [(c.n, c.chunk_id) for c in out] == [(1, 12), (2, 11)]
    assert answer.values.unsupported(text, [c.text for c in out]) == []


def test_the_quoted_passage_left_out_of_the_prompt_is_numbered_after_the_given_ones():
    text = "Tighten them to 68 Nm [1]."
    out = answer.cite_values(text, [answer.Citation.of(1, MENU)], [MENU, RESOLUTION], [TORQUE])
    assert [(c.n, c.chunk_id) for c in out] == [(1, 12), (3, 13)]


def test_one_added_passage_covers_every_value_it_holds():
    text = "Inputs: 480i [1], 1080i and 4K."
    out = answer.cite_values(text, [answer.Citation.of(1, MENU)], [MENU, RESOLUTION, RESOLUTION], [])
    assert [c.chunk_id for c in out] == [12, 11]


def test_nothing_is_added_when_the_citations_hold_every_value_or_no_passage_does():
    cited = [answer.Citation.of(1, TORQUE)]
    assert answer.cite_values("Tighten to 68 N m [1].", cited, [TORQUE, MENU], []) == cited
    # An invented value: no passage holds it, so no citation is added (it is flagged elsewhere).
    invented = answer.cite_values("Tighten to 95 Nm [1].", cited, [TORQUE, MENU], [RESOLUTION])
    assert invented == cited
