"""Spec-row search, round 11 (issue 13): a row answers only when it holds some of the question's
thing, not only the kind asked (a year, a minimum); "number base" is what "(octal)" says. Real
ingest of small real tables, the bundled embedding model."""

from __future__ import annotations

from assistant.rag import specs
from tests.core.spec_fixtures import ingest_text as _ingest
from tests.core.spec_fixtures import labels as _labels

FILEGEN = """# ntpd monitoring options

## filegen name [file filename] [type typename]

| Attribute | Description |
|---|---|
| none | The whole generation file set is one file. |
| pid | One element of the file set is used per ntpd process. |
| day | One file generation set element is created per day. |
| week | Any file set member contains data related to a certain week of a year. |
| month | One generation file set element is generated per month. |
| year | One generation file element is generated per year. |
| age | This type of file generation sets changes to a new element every 24 hours of execution. |
"""

SMM665 = """# Kernel driver smm665

## Sysfs entries

| | |
|---|---|
| in1_input | 12v input voltage (mV) |
| in1_min | 12v input minimum voltage (mV) |
| in1_max | 12v input maximum voltage (mV) |
| in9_input | AIN1 input voltage (mV) |
| in9_min | AIN1 minimum voltage (mV) |
| in10_min | AIN2 minimum voltage (mV) |
| temp1_min | chip minimum temperature |
"""


def test_a_year_row_is_no_answer_to_a_year_of_something_else(session, tmp_path):
    _ingest(session, tmp_path, "monopt.md", FILEGEN)
    # the which-phrase's "year" labels a row, but nothing of the Berlin Wall is in it or its table
    assert specs.search(session.db, "In which year did the Berlin Wall fall?", embedder=session.embedder) == []
    # the same label with the thing named around it still answers
    rows = specs.search(session.db, "Which filegen type makes ntpd start one file per year?",
                        embedder=session.embedder)
    assert _labels(rows)[0] == "year"


def test_a_limit_word_alone_is_no_thing(session, tmp_path):
    _ingest(session, tmp_path, "smm665.md", SMM665)
    # "smallest" is a minimum's word: the _min rows hold the kind, none of the prime number
    assert specs.search(session.db, "What is the smallest prime?", embedder=session.embedder) == []
    # with the thing named ("AIN1"), the minimum still finds its row
    rows = specs.search(session.db, "Which SMM665 file holds the smallest allowed AIN1 voltage?",
                        embedder=session.embedder)
    assert _labels(rows)[0] == "in9_min"


PEERS = """# ntpmon - real-time NTP status monitor

## Peers display

| Column | Description |
|---|---|
| tally | single-character code indicating current value of the select field of the peer status word |
| remote | host name (or IP number) of peer |
| refid | association ID or kiss code |
| st | stratum |
| when | sec/min/hr since last received packet |
| poll | poll interval (log2 s) |
| reach | reach shift register (octal) |
| delay | roundtrip delay |
| offset | offset of server relative to this host |
| jitter | jitter |
"""


def test_a_number_base_is_octal_or_hexadecimal(session, tmp_path):
    _ingest(session, tmp_path, "ntpmon.md", PEERS)
    rows = specs.search(session.db, "On ntpmon's peers display, in what number base is the column that records"
                        " whether the last eight polls got an answer?", embedder=session.embedder)
    # "number base" is said by the row's "(octal)"; before, the poll, tally and refid rows came first
    assert "reach" in _labels(rows)[:3]
