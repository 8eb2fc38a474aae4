"""Spec-row search, round 7 (issue 13): a data rate with its SI prefix glued on ("9.6kBaud") is the
same value as "9600 baud"; "which packet type code carries ..." asks the code, and the row naming
the packet beside its code answers, not the packet's own field table; a question word found only
inside a sentence of a row ("major-city") gives no row to an unrelated question. Real ingest of
small real tables, the bundled embedding model; searched by words and values only, so the vectors
cannot carry a row."""

from __future__ import annotations

from assistant.library.quantities import parse_cell, query_values
from assistant.rag import specs
from assistant.values import facts
from tests.core.spec_fixtures import ingest_text as _ingest
from tests.core.spec_fixtures import labels as _labels

MODEM = """# Kestrel KT-4 radio telemetry

## Modulation

| Rate | Deviation | Receiver bandwidth |
|---|---|---|
| 38.4kBaud | 20.5kHz | 100kHz |
| 9.6kBaud | 5.125kHz | 25kHz |
| 2.4kBaud | 1.5kHz | 5kHz |
"""

LOGGER = """# Osprey LG-2 data logger

## Serial ports

| Port | Speed | Format |
|---|---|---|
| COM1 | 9600 baud | 8N1 |
| COM2 | 38400 baud | 8N1 |
"""


def test_a_prefixed_data_rate_is_the_same_value_as_its_base_unit():
    assert {f.key for f in facts("9.6kBaud")} == {f.key for f in facts("at 9600 baud")} == {"q:9600 baud"}
    assert [v.key for v in query_values("at 38.4 kBaud")] == ["q:38400 baud"]
    assert [v.key for v in parse_cell("76.8 kbit/s")] == [v.key for v in parse_cell("76800 bps")] == ["q:76800 bit/s"]
    assert [(v.number, v.unit) for v in parse_cell("1-2 Mbit/s")] == [(1e6, "bit/s"), (2e6, "bit/s")]
    assert [v.key for v in parse_cell("20.5kHz")] == ["q:20.5 kHz"]  # other prefixed units keep theirs


def test_a_question_in_baud_finds_the_row_in_kbaud(session, tmp_path):
    _ingest(session, tmp_path, "kt4.md", MODEM)
    _ingest(session, tmp_path, "lg2.md", LOGGER)
    stored = session.db.execute("SELECT number, unit FROM spec_values WHERE raw = '9.6kBaud'").fetchall()
    assert [tuple(r) for r in stored] == [(9600.0, "baud")]
    rows = specs.search(session.db, "What deviation does the Kestrel KT-4 use at 9600 baud?")
    assert _labels(rows)[:1] == ["9.6kBaud"]
    rows = specs.search(session.db, "What receiver bandwidth goes with 38.4 kBaud on the KT-4?")
    assert _labels(rows)[:1] == ["38.4kBaud"]


PACKETS = """# Kestrel KT-4 telemetry packets

## Flight computer sensor data

| Type | Description |
|---|---|
| 0x08 | Flight computer IMU sensor data |
| 0x09 | Flight computer Kalman and voltage data |

## Kalman and voltage data packet

| Offset | Data type | Name | Description |
|---|---|---|---|
| 5 | uint8_t | state | Flight state |
| 6 | int16_t | v_batt | Battery voltage |
| 8 | int16_t | v_pyro | Pyro battery voltage |
| 10 | int16_t | accel | Kalman acceleration |
"""


def test_which_code_carries_a_named_thing_asks_the_code(session, tmp_path):
    _ingest(session, tmp_path, "packets.md", PACKETS)
    rows = specs.search(session.db, "Which KT-4 packet type code carries the Kalman and voltage data?")
    assert _labels(rows)[:1] == ["0x09"]
    # asked as a voltage, the packet's field answers
    rows = specs.search(session.db, "Where is the battery voltage in the KT-4 Kalman packet?")
    assert _labels(rows)[:1] == ["6"]


RADIO = """# Heron HR-1 radio user guide

## Frequency calibration

| Band | Reference |
|---|---|
| | We find major-city AM broadcast stations a good reference for calibrating the receiver dial |
| 160 m | Tune to the station and note the offset shown on the display |
"""

DEPOTS = """# Heron service guide

## Service centres

| City | Address |
|---|---|
| Lyon | 12 rue des Ondes |
"""


def test_one_question_word_in_a_rows_sentence_is_no_answer(session, tmp_path):
    _ingest(session, tmp_path, "hr1.md", RADIO)
    assert specs.search(session.db, "In which city is the Colosseum?") == []
    # the same word naming a column does answer
    _ingest(session, tmp_path, "depots.md", DEPOTS)
    rows = specs.search(session.db, "In which city is the Heron service centre?")
    assert _labels(rows)[:1] == ["Lyon"]


def _status_manual() -> str:
    # Forty rows hold a 7 (a bit width): the number tells no row apart; "07" as printed does.
    widths = "\n".join(f"| F{n:02d} | 7 | reserved |" for n in range(40))
    return f"""# Kestrel time server decoding guide

## Field widths

| Field | Bits | Use |
|---|---|---|
{widths}

## System status word

| Code | Event | Meaning |
|---|---|---|
| 06 | sync_time | clock synchronized to the time source |
| 07 | panic_stop | time offset more than 600 s, the server stops |
| 08 | no_peer | no time source is selected |
"""


def test_a_code_with_a_leading_zero_is_looked_up_as_printed(session, tmp_path):
    _ingest(session, tmp_path, "status.md", _status_manual())
    rows = specs.search(session.db, "What does system event code 07 in the Kestrel status word mean?")
    assert _labels(rows)[:1] == ["07"]
