"""Values in an answer checked against the passages the model was given (`assistant.values`)."""

from __future__ import annotations

import pytest

from assistant.rag.answer import unverified_values
from assistant.rag.search import Passage
from assistant.values import facts, unsupported

pytestmark = pytest.mark.no_models


def keys(text: str) -> list[str]:
    return [f.key for f in facts(text)]


@pytest.mark.parametrize("a, b", [
    ("68 Nm", "68 N·m"), ("68 N m", "68 N-m"), ("68Nm", "68 newton metres"), ("0.50 V", "0.5 V"),
    ("1,000 rpm", "1000 rpm"), ("120 seconds", "120 s"), ("550 ohms", "550 Ω"), ("25 °C", "25°C"),
    ("E05", "E-05"), ("P-200", "p200"), ("v2.3.1", "2.3.1"),
])
def test_the_same_value_written_two_ways_is_one_fact(a, b):
    assert keys(a) == keys(b) and keys(a)


@pytest.mark.parametrize("a, b", [("68 Nm", "680 Nm"), ("68 Nm", "68 lbf·ft"), ("12 V", "12 mV"),
                                  ("2.3.1", "2.3"), ("E05", "E50")])
def test_different_values_differ(a, b):
    assert keys(a) != keys(b)


def test_list_numbering_and_citation_marks_are_not_values():
    assert facts("1. Open the cover [1]. 2. Remove the fuse [2].") == []
    assert facts("10. Tap Save.\n11. Tap Back.") == []  # two-digit items too
    assert [f.text for f in facts("Set the delay to 10 s. Then wait 15 minutes.")] == ["10 s", "15 minutes"]
    assert [f.text for f in facts("The port is 443. Restart it.")] == ["443"]  # a value ending a sentence


@pytest.mark.parametrize("text, key", [
    ("CanoScan 19200S", "code:19200s"),  # a model, not 19200 seconds
    ("Adaptec SCSI Card 39320A", "code:39320a"),  # not 39320 amperes
    ("JOY0DAT | 00A | R", "code:00a"),  # a register address
    ("MS5607 30km (33k')", "code:33k"),  # thousands of feet, not 33 kelvin
    ("a 10k pull-up", "code:10k"),
    ("an Aquantia 10G network card", "code:10g"),  # ten gigabit, not 10 grams
])
def test_a_number_glued_to_a_letter_that_is_a_code(text, key):
    got = facts(text)
    assert key in {f.key for f in got}
    number = key[5:].lstrip("0")[:-1] or "0"
    assert not any(f.kind == "quantity" and f.key.split(" ")[0] == "q:" + number for f in got)


@pytest.mark.parametrize("text, key", [("12V", "q:12 V"), ("5A fuse", "q:5 A"), ("1500W", "q:1500 W"),
                                       ("3000K", "q:3000 K"), ("max 40C", "q:40 °C"), ("45Nm", "q:45 N·m"),
                                       ("a 2000A breaker", "q:2000 A"), ("1000L tank", "q:1000 L"),
                                       ("a 500g weight", "q:500 g")])
def test_a_quantity_written_without_a_space_stays_one(text, key):
    assert key in {f.key for f in facts(text)}


@pytest.mark.parametrize("answer, passage", [("10k", "a 10K pull-up"), ("10K", "a 10k pull-up"),
                                             ("05A", "bit 5 A"), ("19200S", "CanoScan 19200S")])
def test_a_glued_code_is_checked_as_the_quantity_it_spells_too(answer, passage):
    assert unsupported(f"Use {answer}.", [passage]) == []


def test_a_value_the_model_invented_is_flagged_and_copied_ones_are_not():
    passages = [Passage(1, "HX-400 Service Manual", "/m/hx400.pdf", 2, "Mounting", "Tighten the compressor "
                        "mounting bolts to 31 N·m in a cross pattern. Use bolts M8 x 25 (part HX-B825).", 1.0)]
    # What a 135M model wrote: the torque copied in another spelling, the part number copied,
    # a second torque and a part number of its own.
    answer = "Tighten the bolts to 31 Nm [1], then to 45 Nm, with part HX-B825 or HX-B830 [1]."
    assert unverified_values(answer, passages) == ["45 Nm", "HX-B830"]


def test_a_bare_number_in_a_table_whose_header_names_the_unit_supports_the_value():
    table = "| Bolt | Torque (N·m) |\n|---|---|\n| M10 | 47 |"
    assert unsupported("Tighten the M10 bolts to 47 Nm.", [table]) == []
    assert unsupported("Tighten the M10 bolts to 47 psi.", [table]) == ["47 psi"]


def test_the_expeyes_coil_answer_seen_in_the_app_is_flagged():
    passage = "The coil has an inductance of approximately 125 mH and a resistance of about 550 Ω."
    answer = "The coil is approximately 1.25 Farads, 1.25 x 10^-9 Farad."
    assert "1.25 Farads" in unsupported(answer, [passage])
    assert unsupported("About 125 mH and 550 ohms.", [passage]) == []


@pytest.mark.parametrize("text, key", [
    ("What is standard DHCPv4 option 119 in Kea?", "q:119"),  # a name follows: the word in
    ("Which register 40 in the map holds the setpoint?", "q:40"),  # a determiner follows
    ("Mount it in a 19 in rack.", "q:19 in"),  # inches, a plain noun after
    ("The pipe is 3 in.", "q:3 in"),
    ("A 2 in NPT fitting", "q:2 in"),  # a thread standard in capitals: inches
    ("Set the cut-in to 29 in Hg.", "q:29 in"),  # inches of mercury
    ("Which routes get administrative distance 20 in FRR?", "q:20"),  # a product named in capitals
])
def test_in_after_a_number_is_the_word_when_a_name_or_determiner_follows(text, key):
    assert key in {f.key for f in facts(text)}


def test_a_number_named_with_in_finds_its_table_row_as_a_bare_value():
    # Seen on Kea's option table: "option 119 in Kea" was 119 inches, so no cell "119" matched.
    from assistant.library.quantities import query_values

    assert [v.key for v in query_values("What is option 119 in Kea?") if v.number == 119] == ["q:119"]
