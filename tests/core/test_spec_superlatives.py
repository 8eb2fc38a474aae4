"""Spec-row search, round 12 (issue 13): a superlative asks a limit ("the hottest the chip has been"
is its highest temperature), which a table writes as the limit ("temp1_highest | Highest observed
temperature."). Real ingest of a small real table, the bundled embedding model."""

from __future__ import annotations

from assistant.rag import specs
from tests.core.spec_fixtures import ingest_text as _ingest
from tests.core.spec_fixtures import labels as _labels

ADM1275 = """# Kernel driver adm1275

## Sysfs entries

| | |
|---|---|
| inX_input | Measured voltage. |
| inX_max | Maximum voltage. |
| inX_highest | Historical maximum voltage. |
| inX_reset_history | Write any value to reset history. |
| curr1_input | Measured current. |
| curr1_max | Maximum current. |
| curr1_highest | Historical maximum current. |
| curr1_reset_history | Write any value to reset history. |
| power1_input_lowest | Lowest observed input power. ADM1293 and ADM1294 only. |
| power1_input_highest | Highest observed input power. |
| temp1_input | Chip temperature. |
| temp1_max | Maximum chip temperature. |
| temp1_max_alarm | Temperature alarm. |
| temp1_crit | Critical chip temperature. |
| temp1_crit_alarm | Critical temperature high alarm. |
| temp1_highest | Highest observed temperature. |
| temp1_reset_history | Write any value to reset history. Temperature attributes are supported on ADM1272 and ADM1278. |
"""


def test_the_hottest_is_the_highest_temperature(session, tmp_path):
    _ingest(session, tmp_path, "adm1275.md", ADM1275)
    rows = specs.search(session.db, "adm1275 driver: which attribute shows the hottest the chip has been since"
                        " the history was cleared?", embedder=session.embedder)
    # with the chip's maximum (a limit too), above the history's reset and the plain reading
    assert "temp1_highest" in _labels(rows)[:2]
