"""Spec rows, round 12 (issue 13): a table described under a term of its own (a definition list's
"loopstats" line, then a sentence and an example record, then the table of the record's fields) has
the term in its caption, so a question naming the term finds the table's rows. Real ingest of a
small Markdown page shaped like ntpsec's monitoring options, the bundled embedding model."""

from __future__ import annotations

from assistant.library import extractions
from assistant.rag import specs
from tests.core.spec_fixtures import ingest_text as _ingest

MONOPT = """# Monitoring Commands and Options

## statistics name

clockstats

Enables recording of clock driver statistics information. Each update received from a clock driver appends a line of the following form to the file generation set named clockstats:

49213 525.624 SPECTRACOM(1) 93 226 00:08:29.606

| Item | Units | Description |
|---|---|---|
| 49213 | MJD | modified Julian day number |
| 525.624 | s | time of day (s) past midnight UTC |
| SPECTRACOM(1) | | receiver identifier (Spectracom unit 1) |

loopstats

Enables recording of loop filter statistics information. Each update of the local clock outputs a line of the following form to the file generation set named loopstats:

50935 75440.031 0.000006019 13.778190 0.000351733 0.0133806

| Item | Units | Description |
|---|---|---|
| 50935 | MJD | date |
| 75440.031 | s | time past midnight |
| 0.000006019 | s | clock offset |
| 13.778 | PPM | drift (frequency offset) |
| 0.000351733 | s | RMS jitter |

peerstats

Enables recording of peer statistics information. This includes statistics records of all peers of an NTP server and of special signals. Each valid update appends a line of the following form to the current element of a file generation set named peerstats:

48773 10847.650 SPECTRACOM(4) 9714 -0.001605376 0.000000000 0.001424877 0.000958674

| Item | Units | Description |
|---|---|---|
| 48773 | MJD | date |
| 10847.650 | s | time past midnight |
| 9714 | hex | status word |
| -0.001605376 | s | clock offset |
| 0.000958674 | s | RMS jitter |
"""


def test_a_table_described_under_a_term_has_it_in_its_caption(session, tmp_path):
    _ingest(session, tmp_path, "monopt.md", MONOPT)
    captions = [r[0] for r in session.db.execute("SELECT caption FROM spec_tables ORDER BY ord")]
    assert [c.split(":")[0] for c in captions] == ["clockstats", "loopstats", "peerstats"]
    assert extractions.CURRENT[extractions.SPEC_ROWS] >= 4  # stored libraries catch up through the upgrade
    rows = specs.search(session.db, "In an ntpd loopstats line, in what unit is the local oscillator's frequency"
                        " error given?", embedder=session.embedder)
    assert any(r.cells[0] == "13.778" for r in rows[:3])
