"""A table's caption led by its term (`spec_store._caption`): a table with no caption of its own
has the term alone as its caption, not "term: " with nothing after it."""

from __future__ import annotations

from assistant.library import spec_store
from assistant.library.document import Block


def test_a_term_over_a_table_without_caption_or_heading_is_the_caption_alone():
    blocks = [Block("peci_diode", None, ()), Block("| a | b |", None, (), kind="table")]
    assert spec_store._caption(blocks, 1) == "peci_diode"


def test_a_term_leads_a_caption_it_is_not_in():
    blocks = [Block("loopstats", None, ("Options",)), Block("| a | b |", None, ("Options",), kind="table")]
    assert spec_store._caption(blocks, 1) == "loopstats: Options"
