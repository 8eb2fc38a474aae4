"""Spec-row search, round 13 (issue 13): a header that abbreviates the kind asked ("Cap / Slot" for a
capacity, "Freq." for a frequency) names it as the whole word does. Real ingest of a small real table,
the bundled embedding model."""

from __future__ import annotations

from assistant.rag import specs
from tests.core.spec_fixtures import ingest_text as _ingest

TAPES = """# Supported tape drives

## Tape Specifications

| Media Type | Drive Type | Media Capacity | Transfer Rate |
|---|---|---|---|
| DDS-1 | DAT | 2 GB | ?? GB/hr |
| DDS-2 | DAT | 4 GB | ?? GB/hr |
| DDS-3 | DAT | 12 GB | 5.4 GB/hr |
| Travan 40 | Travan | 20 GB | ?? GB/hr |
| DLT | DLT8000 | 40 GB | 21.6 GB/hr |

## Supported Tape Drives

| OS | Man. | Media | Model | Capacity |
|---|---|---|---|---|
| – | HP | DLT | HP DLT drives | – |
| – | HP | LTO | HP LTO Ultrium drives | – |
| FreeBSD | HP | DAT | HP StorageWorks DAT72i | – |
| Linux | Sony | AIT | SDX-500C | 20 GB |

## Supported Autochangers

| O.S. | Man. | Media | Model | Slots | Cap / Slot |
|---|---|---|---|---|---|
| Linux | HP | DDS-4 | SureStore DAT-40X6 | 6 | 40GB |
| Linux | Overland | LTO-2 | LoaderXpress LTO | 10 | 200GB |
| FreeBSD | Sony | AIT-2 | LIB-162 | 16 | 50GB |
"""


def test_an_abbreviated_header_names_the_kind(session, tmp_path):
    _ingest(session, tmp_path, "tapes.md", TAPES)
    # "how much" with no kind named asks a size or capacity: the changer's "Cap / Slot" column is one,
    # not only the drive tables' "Capacity" columns (before, the changer's row was not in the top 6)
    rows = specs.search(session.db, "How much does each tape hold in the HP SureStore changer?",
                        embedder=session.embedder)
    assert rows and rows[0].cells[3] == "SureStore DAT-40X6"
    assert rows[0].match == "quantity"
