"""Spec-row search, round 13 (issue 13): two rows holding the question's value about as well as each
other are two answers, not one: `direct_row` states neither (it stated the first). Real ingest of a
small real table, the bundled embedding model."""

from __future__ import annotations

from assistant.rag import specs
from tests.core.spec_fixtures import ingest_text as _ingest

B210 = """# USRP B2x0 Series

## External Connections

| Component ID | Description | Details |
|---|---|---|
| J1 | RF A: TX/RX | TX power +20 dBm max, RX power -15 dBm max |
| J2 | RF A: RX2 | RX power -15 dBm max |
| J3 | RF B: RX2 | RX power -15 dBm max |
| J4 | RF B: TX/RX | TX power +20 dBm max, RX power -15 dBm max |
| J601 | External Power | 6 V 3 A |
| J701 | USB Connector | USB 3.0 |
"""


def test_two_rows_holding_the_value_alike_are_no_direct_answer(session, tmp_path):
    _ingest(session, tmp_path, "b2x0.md", B210)
    rows = specs.search(session.db, "Which RX2 connector is rated -15 dBm max?", embedder=session.embedder)
    # both RX2 ports (J2 and J3) hold "-15 dBm max" as their whole rating: either may be the one meant
    assert {r.cells[0] for r in rows[:2]} == {"J2", "J3"}
    assert specs.direct_row(rows) is None


def test_a_row_holding_the_value_clearly_best_is_still_stated(session, tmp_path):
    _ingest(session, tmp_path, "b2x0.md", B210)
    rows = specs.search(session.db, "Which connector takes the 6 V 3 A supply?", embedder=session.embedder)
    assert (d := specs.direct_row(rows)) is not None and d.cells[0] == "J601"
