"""Spec-row search, round 14 (issue 13): an identifier labelling a row ("time_source") names the kind
asked ("how long") only as a symbol does ("temp1_fault"): holding no value of it, the row counts less
than a row that holds one, so "how long without usable PPS samples before it falls back" finds
gpsd's automatic mode ("... for some time, currently 120 s") before the USRP device arguments'
"time_source | Specify the time (PPS) source". Real ingest of tables shaped as the NTPsec and UHD
manuals print them, the bundled embedding model."""

from __future__ import annotations

from assistant.rag import specs
from tests.core.spec_fixtures import ingest_text as _ingest

GPSD = """# GPSD JSON client driver

## 4. The 'mode' word

| The Mode Word | | |
|---|---|---|
| Bits | Value | Description |
| 0..1 | 0 | IBT only operation. This mode is affected by the timing stability of whatever protocol is used between the GPS and GPSD Running on IBT only is not recommended in general. Possible use cases include: The receiver does not provide a PPS signal. The receiver has a stable serial timing and a proper fudge can be established. |
| 1 | Strict operation. This mode needs a valid PPS and a valid IBT to combine the absolute time from the IBT with the time stamp from the PPS record. Does not feed clock samples if no valid PPS+IBT pair is available. | |
| 2 | Automatic mode. Tries to operate in strict mode unless it fails to process valid samples for some time, currently 120 s. Then it reverts to IBT-only operation until the PPS is stable again for 40 s, when strict mode is engaged again. Use this mode only if IBT-only works fairly well with your setup, or if you expect longer dropouts of the PPS signal and prefer to use IBT alone over not getting synchronised at all. | |
| 3 | (reserved for future extension, do not use) | |
"""

USRP = """# USRP X4x0 from UHD

## Device Arguments

| Key | Description | Example Value |
|---|---|---|
| clock_source | Specify the reference clock source. | clock_source=internal |
| time_source | Specify the time (PPS) source. | time_source=internal |
| master_clock_rate | Specify the master clock rate. | master_clock_rate=245.76e6 |
"""


def test_an_identifier_naming_the_kind_is_a_symbol(session, tmp_path):
    _ingest(session, tmp_path, "ntpsec-gpsd.md", GPSD)
    for name in ("usrp-x4xx.md", "usrp-x3x0.md"):
        _ingest(session, tmp_path, name, USRP.replace("X4x0", name[5:9]))
    rows = specs.search(session.db, "With NTPsec's gpsd refclock set to try strict operation first, how long without "
                        "usable PPS samples before it falls back to serial time alone?", embedder=session.embedder)
    # before, the two time_source rows (the kind named by their label) came first
    assert rows[0].cells[0] == "2"
    assert rows[0].cells[1].startswith("Automatic mode")
