"""Spec-row search, round 13 (issue 13): an ordinal in a table that numbers its series from 0
("eth0", "port 0") names the row numbered one less ("the second port" is port 1), and in a table
numbering from 1 the row of its number, as before. Real ingest of small tables, the bundled
embedding model."""

from __future__ import annotations

from assistant.rag import specs
from tests.core.spec_fixtures import ingest_text as _ingest
from tests.core.spec_fixtures import labels as _labels

PORTS = """# Network Connectivity

## Network Interfaces

| Interface Name | Description | Default Configuration |
|---|---|---|
| eth0 | RJ45 port 0 (management) | DHCP |
| eth1 | RJ45 port 1 | 192.168.10.2/24 |
| eth2 | RJ45 port 2 | 192.168.20.2/24 |
| eth3 | RJ45 port 3 | 192.168.30.2/24 |
"""

FANS = """# Fan controller

## Sysfs entries

| File | Description |
|---|---|
| fan1_input | Speed of fan 1 (RPM) |
| fan2_input | Speed of fan 2 (RPM) |
| fan3_input | Speed of fan 3 (RPM) |
"""


def test_the_second_of_a_series_from_zero_is_one(session, tmp_path):
    _ingest(session, tmp_path, "ports.md", PORTS)
    _ingest(session, tmp_path, "fans.md", FANS)
    rows = specs.search(session.db, "What address does the second RJ45 port come up on out of the box?",
                        embedder=session.embedder)
    assert _labels(rows)[0] == "eth1"  # before, eth2 ("RJ45 port 2")
    rows = specs.search(session.db, "Which file gives the speed of the second fan?", embedder=session.embedder)
    assert _labels(rows)[0] == "fan2_input"
