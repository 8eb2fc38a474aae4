"""Spec-row search, round 13 (issue 13): a symbol code that many rows hold in a side column ("#" as
the unit of a count) but few as their key (the "#" tally code) weighs, for the row keyed by it, by
the rows keyed by it. Real ingest of a small real page (ntpq's tally codes and system statistics),
the bundled embedding model."""

from __future__ import annotations

from assistant.rag import specs
from tests.core.spec_fixtures import ingest_text as _ingest

NTPQ = """# ntpq - standard NTP query program

## peers

The tally code is one of the following:

| Code | Description |
|---|---|
| x | discarded by intersection algorithm |
| . | discarded by table overflow (not used) |
| - | discarded by the cluster algorithm |
| + | included by the combine algorithm |
| # | backup (more than tos maxclock sources) |
| * | system peer |
| o | PPS peer (when the prefer peer is valid) |

## sysstats

| Value | Units | Description |
|---|---|---|
| 366120 | # | NTPv1 packets received |
| 164 | # | page faults - reclaim/soft (no I/O) |
| 0 | # | page faults - I/O |
| 12 | # | process swapped out |
| 7 | # | file blocks in |
| 2328 | # | file blocks out |
| 64226 | # | context switches, wait |
| 1 | # | context switches, preempts |
| 3 | # | signals |
| 4308 | # | resident set size, kilobytes |
| 36 | # | servers reached |
"""


def test_a_code_common_in_a_side_column_keys_its_row(session, tmp_path):
    _ingest(session, tmp_path, "ntpq.md", NTPQ)
    rows = specs.search(session.db, "In ntpq's peers listing, what does a # in front of a server mean?",
                        embedder=session.embedder)
    # before, the "#" row led the "36 | # | servers reached" row by 0.04: no direct answer
    assert rows[0].cells[0] == "#"
    assert rows[0].score - rows[1].score > 0.5
    assert specs.direct_row(rows) is rows[0]
