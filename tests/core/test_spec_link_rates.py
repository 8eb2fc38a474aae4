"""Spec-row search, round 14 (issue 13): a link's rate asked by another name ("what bit rate comes
out", "how much network bandwidth") is a rate in bit/s under a "bps" column or inside a row's
prose; a rate set in baud is the same value as a table's bit/s ("5 Mbaud": "5 Mbps"); a code the
question writes as the start of a longer one ("starts with INT6405-MAC") finds the cell that begins
with it. Real ingest of small tables shaped as real manuals print them (PyFtdi's UART limits, QLC+'s
E1.31 settings, the Powerline Toolkit's device identification), the bundled embedding model."""

from __future__ import annotations

from assistant.rag import specs
from tests.core.spec_fixtures import ingest_text as _ingest
from tests.core.spec_fixtures import labels as _labels

UART = """# serialext - UART API

## Limitations

| Requ. bps | HW capability | 9-bit time | Real bps | Duty cycle | Stable |
|---|---|---|---|---|---|
| 115.2 Kbps | 115.2 Kbps | 78.08 µs | 115.26 Kbps | 49.9% | Yes |
| 1 Mbps | 1 Mbps | 8.98 µs | 1.002 Mbps | 49.5% | Yes |
| 4 Mbps | 4 Mbps | 2.24 µs | 4.018 Mbps | 48% | Yes |
| 5 Mbps | 5.052 Mbps | 1.78 µs | 5.056 Mbps | 50% | Yes |
| 6 Mbps | 6 Mbps | 1.49 µs | 6.040 Mbps | 48.5% | Yes |
| 8 Mbps | 8 Mbps | 1.11 µs | 8.108 Mbps | 44%-48% | No |

## Serial devices

| Keyword | Meaning |
|---|---|
| serial-device | devicepath speed KISS |
| serial-device | devicepath speed DPRS |
"""

E131 = """# E1.31 input/output plugin

## Configuration

| Setting | Description |
|---|---|
| IP Address | This is the destination IP address where the E1.31 plugin will transmit packets to. |
| Port | This is the port the outgoing packets will target. Multicast E1.31 port is always 5568. |
| Transmission Mode | Here you can select if QLC+ should transmit full or partial universes. 'Full' means that all the 512 DMX channels of a universe are transmitted, resulting in a constant network traffic of about 200Kbit/s. |
| Priority | E1.31 source priority. 0 is the minimum priority, 200 is the maximum, 100 is default priority. |

## Limits

| Item | Amount |
|---|---|
| Universe size | 512 channels |
| Universes per network interface | 4 |
| Packet buffer size | 638 bytes |

## Network status LEDs

| State | LED |
|---|---|
| No Link | Off |
| Link / Activity | Amber (blinking) |
| Link / No Activity | Green (solid) |
"""

DEVICES = """# Powerline Toolkit: legacy device identification

## Liar! Liar! Pants on Fire!

| Chipset | Bootloader | Type | Firmware | Version string |
|---|---|---|---|---|
| INT6000 | 0x01 / 0x00000042 | BootLoader | 0x01 / na | INT6000-MAC-0-0-3213-1206-20071224-FINAL |
| INT6300 | 0x02 / 0x00006300 | BootLoader | 0x02 / na | INT6300-MAC-0-0-4203-00-4089-20091105-FINAL |
| INT7400 | 0x03 / 0x00007400 | BootLoader | 0x04 / na | INT7400-MAC-5-2-5213-01-1027-20110428-FINAL |
| AR6405 | 0x03 / 0x00006400 | BootLoader | 0x05 / na | INT6405-MAC-4-3-4304-01-4397-20100924-FINAL |
| AR7400 | 0x04 / 0x00007400 | BootLoader | 0x06 / na | MAC-AR7400-1.0.0.0-00-20110323-FINAL |
"""


def test_a_rate_set_in_baud_finds_the_bit_rate_row(session, tmp_path):
    _ingest(session, tmp_path, "pyftdi-uart.md", UART)
    rows = specs.search(session.db, "If I set an FTDI serial port to 5 Mbaud, what bit rate actually comes out of the pins?",
                        embedder=session.embedder)
    # before, no row held "5 Mbaud", so every row lacked the value asked: none was listed
    assert rows and rows[0].cells[:2] == ["5 Mbps", "5.052 Mbps"]
    assert specs.direct_row(rows) is rows[0]


def test_bandwidth_asks_a_rate_in_a_rows_prose(session, tmp_path):
    _ingest(session, tmp_path, "qlc-e131.md", E131)
    rows = specs.search(session.db, "Roughly how much network bandwidth does QLC+ use to send one full universe over E1.31?",
                        embedder=session.embedder)
    # before, "how much" asked an amount ("Universe size | 512 channels" first), "bandwidth" a thing word no row holds
    assert _labels(rows)[:1] == ["Transmission Mode"]


def test_a_code_written_as_the_start_of_a_longer_one(session, tmp_path):
    _ingest(session, tmp_path, "plc-legacy.md", DEVICES)
    rows = specs.search(session.db, "My powerline adapter's firmware version string starts with INT6405-MAC: "
                        "which chipset is actually inside?", embedder=session.embedder)
    # before, the INT... rows came first by their look
    assert _labels(rows)[:1] == ["AR6405"]
    # a code that is only the start of a longer word is not matched ("INT640" of "INT6405-MAC")
    assert "AR6405" not in _labels(specs.search(session.db, "What is the INT640 chipset?", embedder=session.embedder))[:1]


N310 = """# USRP N3xx Series

## Front panel

| Port | Connector |
|---|---|
| RX1 | SMA J1 |
| TX1 | SMA J2 |
| RX2 | SMA J3 |

## RF Calibrations

| Calibration | Meaning |
|---|---|
| TRACK_TX1_LOL | Tx1 LO leakage tracking |
| TRACK_TX2_LOL | Tx2 LO leakage tracking |

## Filter API

| Filter Name | AD9371 Channel | Max Taps |
|---|---|---|
| RX1_FIR | 1 | 48 |
| RX2_FIR | 2 | 48 |
| TX1_FIR | 1 | 32 |
| TX2_FIR | 2 | 32 |
"""


def test_a_code_as_the_first_part_of_an_identifier(session, tmp_path):
    _ingest(session, tmp_path, "usrp-n3xx.md", N310)
    rows = specs.search(session.db, "How long a FIR filter can I load into the N310's TX1 channel?", embedder=session.embedder)
    # before, the row lacked the value "TX1", which the front panel's row holds whole
    assert _labels(rows)[:1] == ["TX1_FIR"]


PARTS = """# Aqualine P-200 Centrifugal Booster Pump - Service Manual

## 9 Spare parts

| Item | Part number | Description | Qty per pump | Recommended spare |
|---|---|---|---|---|
| 1 | SK-200-45B | Seal kit EPDM: mechanical seal 28 mm SiC/carbon, casing O-ring, seal cover gasket | 1 | Yes |
| 2 | SK-200-45V | Seal kit FKM (for P-200/45V), contents as SK-200-45B | 1 | Yes |
| 5 | OR-200-190 | O-ring 190 x 5 mm EPDM, casing (also in seal kit) | 1 | Yes |
| 8 | NUT-200-M14 | Impeller nut M14 with washer | 1 | Yes |
| 12 | PSK-200 | Plug seal kit: drain and vent plug seals | 1 | No |
"""


def test_a_code_beginning_two_codes_states_neither(session, tmp_path):
    _ingest(session, tmp_path, "p200-parts.md", PARTS)
    # "SK-200" begins the EPDM kit and the FKM kit: the question does not say which, and stating the
    # FKM kit (as before) told the technician the standard pump's seal kit is the FKM one
    for question in ("What does the SK-200 seal kit contain?", "Is the SK-200 kit EPDM or FKM?"):
        rows = specs.search(session.db, question, embedder=session.embedder)
        assert specs.direct_row(rows) is None, question
        assert {"SK-200-45B", "SK-200-45V"} <= {r.cells[1] for r in rows}
    # a code beginning one code only is still that code ("OR-200": the casing O-ring OR-200-190)
    rows = specs.search(session.db, "Where do I order a replacement OR-200 o-ring for the casing?", embedder=session.embedder)
    assert specs.direct_row(rows) is rows[0] and rows[0].cells[1] == "OR-200-190"
