"""Spec-row search, round 12 (issue 13): "the second external diode" is the one a table numbers 2
("remote temperature 2"), not a row whose identifier happens to hold a 2 ("temp2_max", the first
remote diode's). Real ingest of a small real table, the bundled embedding model."""

from __future__ import annotations

from assistant.rag import specs
from tests.core.spec_fixtures import ingest_text as _ingest
from tests.core.spec_fixtures import labels as _labels

MAX1668 = """# Kernel driver max1668

## Description

| | | |
|---|---|---|
| temp1_input | ro | local (ambient) temperature |
| temp1_max | rw | local temperature maximum threshold for alarm |
| temp1_max_alarm | ro | local temperature maximum threshold alarm |
| temp1_min | rw | local temperature minimum threshold for alarm |
| temp2_input | ro | remote temperature 1 |
| temp2_max | rw | remote temperature 1 maximum threshold for alarm |
| temp2_max_alarm | ro | remote temperature 1 maximum threshold alarm |
| temp2_min | rw | remote temperature 1 minimum threshold for alarm |
| temp3_input | ro | remote temperature 2 |
| temp3_max | rw | remote temperature 2 maximum threshold for alarm |
| temp3_max_alarm | ro | remote temperature 2 maximum threshold alarm |
| temp3_min | rw | remote temperature 2 minimum threshold for alarm |
"""


def test_an_ordinal_is_the_number_a_table_gives_its_thing(session, tmp_path):
    _ingest(session, tmp_path, "max1668.md", MAX1668)
    question = "On a MAX1668, which hwmon file sets the maximum temperature alarm point of the second remote diode?"
    top = _labels(specs.search(session.db, question, embedder=session.embedder))[:2]
    assert set(top) == {"temp3_max", "temp3_max_alarm"}
    question = "On a MAX1668, which hwmon file sets the maximum temperature alarm point of the first remote diode?"
    top = _labels(specs.search(session.db, question, embedder=session.embedder))[:2]
    assert set(top) == {"temp2_max", "temp2_max_alarm"}
