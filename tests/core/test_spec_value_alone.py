"""Spec-row search, round 14 (issue 13): a value the question names ("a QCA7000") held by a row that
holds none of the question's several other words, in it or around it, names what the question is
about, not the row: "the hardware-generated length field of a QCA7000 SPI receive frame" is the
frame table's `LEN` row, not the device list's `QCA7000` row. Real ingest of tables shaped as the
Qualcomm Atheros Powerline Toolkit prints them, the bundled embedding model."""

from __future__ import annotations

from assistant.rag import specs
from tests.core.spec_fixtures import ingest_text as _ingest
from tests.core.spec_fixtures import labels as _labels

DEVICES = """# Powerline Toolkit: firmware

## But wait! There's more ...

Table 4.3. Device Identification

| Chipset | Softloader | Bootloader | Firmware | Identity |
|---|---|---|---|---|
| INT6000 | | 0x01 | 0x01 | 0x00000042 |
| AR7400 | | 0x04 | 0x20 | 0x001B587C |
| QCA7000 | | 0x05 | 0x22 | 0x001B589C |
| QCA7420 | | 0x06 | 0x21 | 0x001B5A9C |
"""

SERIAL = """# Serial line protocol

## Principles of Operation

| Offset | Length | Symbol | Description |
|---|---|---|---|
| 0x0000 | 4 | LEN | Hardware generated packet length. This field is only generated for SPI packets, not the UART packets. |
| 0x0004 | 4 | SOF | Start Of Frame. Must be 0xAAAAAAAA. |
| 0x0008 | 2 | FL | Ethernet frame length in little endian format. |
| 0x000A | 2 | RSVD | Must be 0x0000. Reserved to ensure 4-byte frame alignment. |
| 0x000C | 6 | DA | Destination address. |
"""


def test_a_value_alone_names_the_context_not_the_row(session, tmp_path):
    _ingest(session, tmp_path, "plc-device-id.md", DEVICES)
    _ingest(session, tmp_path, "plc-serial.md", SERIAL)
    rows = specs.search(session.db, "How many bytes is the hardware-generated length field at the start of a "
                        "QCA7000 SPI receive frame?", embedder=session.embedder)
    # before, the device list's QCA7000 row came first
    assert _labels(rows)[:1] == ["0x0000"]
    # the device list still answers a question about the chip itself
    rows = specs.search(session.db, "What firmware device ID does a QCA7000 powerline chip report?", embedder=session.embedder)
    assert _labels(rows)[:1] == ["QCA7000"]
