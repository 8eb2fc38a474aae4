"""Spec-row search for what no word reader sees (issue 13): a code written with symbols ("#",
"-X-"), a number joined to its word ("16-bit"), a function
name the question spells out ("square root" for sqrt), and a row whose cells share no word with
the question but whose column it names ("which colour lead": a "Color" column). Real ingest of
small real tables, the bundled embedding model."""

from __future__ import annotations

from assistant.rag import specs
from tests.core.spec_fixtures import ingest_text as _ingest
from tests.core.spec_fixtures import labels as _labels

TIMEKEEPER = """# Tempo-7 time server reference

## Peer list

The first character of each line of the peer list tells how the server was judged:

| Mark | Description |
|---|---|
| * | the system peer, chosen for synchronisation |
| + | included by the combine algorithm |
| # | backup (more than the maximum number of sources) |
| x | discarded as a falseticker |
| - | discarded as an outlier by the cluster algorithm |

## Receiver log

| Mark | Meaning |
|---|---|
| -O- | Reply received in time |
| -X- | Error message |
| -?- | No reply before the timeout |
"""

TOOLCHAIN = """# Corvid-8 toolchain manual

## Operand constraints

| Constraint | Used for | Range |
|---|---|---|
| a | Simple upper registers | r16 to r23 |
| b | Base pointer register pairs | y, z |
| d | Upper register | r16 to r31 |
| e | Pointer register pairs | x, y, z |
| w | Special upper register pairs | r24, r26, r28, r30 |
| x | Pointer register pair X | x (r27:r26) |

## Return values

| Size | Registers |
|---|---|
| 8 bits | WREG |
| 16 bits | PRODL:WREG |
| 24 bits | PRODH:PRODL:WREG |
| 32 bits | FSR0L:PRODH:PRODL:WREG |

## Math benchmarks

| Function | Cycles |
|---|---|
| exp (1.5) | 2142 |
| log (2.5) | 2456 |
| sin (0.5) | 1653 |
| sqrt (2.5) | 492 |
| atan (0.5) | 2417 |
"""

LOGGER = """# WX-9 weather logger assembly

## Wiring the sensor board

The sensor board hangs off port D; each lead is plugged into the header as follows.

| Port | Header | Color | Function |
|---|---|---|---|
| D0 | 1 | brown | RxD |
| D1 | 2 | orange | TxD |
| D2 | 3 | yellow | SDA |
| D3 | 4 | green | SCL |
| D4 | 5 | blue | status LED |
| GND | 9 | | unused |
"""


def test_a_symbol_code_finds_its_row_as_a_whole_cell(session, tmp_path):
    _ingest(session, tmp_path, "tempo7.md", TIMEKEEPER)
    # Words only: the "#" is in no word of the question, and the row shares none of its words.
    rows = specs.search(session.db, "In the Tempo-7 peer list, what does a # in front of a server mean?")
    assert _labels(rows)[:1] == ["#"] and rows[0].match == "value"
    # Unquoted or quoted, a code of symbols and letters is one cell: not "-O-", not "x".
    for question in ("What does a receiver log line marked -X- mean?", "What does `-X-` in the receiver log mean?"):
        rows = specs.search(session.db, question)
        assert _labels(rows)[:1] == ["-X-"] and rows[0].match == "value", question


def test_a_number_joined_to_its_word_counts_as_the_number(session, tmp_path):
    _ingest(session, tmp_path, "corvid8.md", TOOLCHAIN)
    rows = specs.search(session.db, "Which registers hand back a 16-bit return value?", embedder=session.embedder)
    assert _labels(rows)[:1] == ["16 bits"]


def test_a_contraction_in_the_row_matches_the_words_it_stands_for(session, tmp_path):
    _ingest(session, tmp_path, "corvid8.md", TOOLCHAIN)
    # Words only (no embedding): "sqrt" is read as "square root", one row of five alike.
    rows = specs.search(session.db, "How many cycles does a square root take?")
    assert _labels(rows)[:1] == ["sqrt (2.5)"] and rows[0].match == "words"
    # Not a contraction of an unrelated pair of words, nor of one word whose letters run otherwise.
    assert specs._cover({"sport": 1.0, "played": 1.0}, {"spd"}) == 0.0
    assert specs._cover({"clock": 1.0}, {"clk"}) > 0


def test_a_row_sharing_no_word_with_the_question_is_found_by_the_column_it_names(session, tmp_path):
    _ingest(session, tmp_path, "wx9.md", LOGGER)
    # "colour" names the "Color" column (British spelling), "port" the "Port" one; "I2C data line"
    # is none of the SDA row's words. Before, no row of this table came back at all.
    question = "On the WX-9 weather logger, which colour lead carries the I2C data line from port D?"
    rows = specs.search(session.db, question, embedder=session.embedder)
    assert rows and {r.cells[0] for r in rows} <= {"D0", "D1", "D2", "D3", "D4", "GND"}
    assert "D2" in _labels(rows)[:3]
    # A question naming none of its columns gets no row of it by words.
    assert not specs.search(session.db, "On the WX-9 weather logger, which lead carries the I2C data line?")


EDITOR = """# Lynx-3 schematic editor and simulator reference

## Device letters

| Letter | Element |
|---|---|
| J | Junction field effect transistor |
| Q | Bipolar junction transistor |
| R | Resistor |

## Editor actions

| Action | Default Hotkey | Description |
|---|---|---|
| Add Junction | J | Add a junction |
| Add Label | L | Add a net label |
| Rotate | R | Rotate the item |
"""


def test_a_key_pressed_is_found_under_a_column_of_keys(session, tmp_path):
    _ingest(session, tmp_path, "lynx3.md", EDITOR)
    # "J" labels the device-letter row; a key pressed is the hotkey column's "J" (words only: the
    # embedding of so short a question leans to the transistor row).
    rows = specs.search(session.db, "What does pressing J do?")
    assert _labels(rows) == ["Add Junction", "J"]
    rows = specs.search(session.db, "In the Lynx-3 editor, what does pressing J do?", embedder=session.embedder)
    assert _labels(rows)[:1] == ["Add Junction"]


def _relay_manual() -> str:
    # Over 500 rows hold a 1 before the log levels do: "1" is no way in, but tells the levels apart.
    registers = "\n".join(f"| R{n:03d} | 1 |" for n in range(520))
    return f"""# Kestrel relay reference

## Register reset values

| Register | Reset value |
|---|---|
{registers}

## Relay log levels

The relay_loglevel setting takes one of these levels:

| Level | Meaning |
|---|---|
| 0 | Disable logging of handshakes. |
| 1 | Log only a summary message on handshake completion. |
| 2 | Also log the steps of the negotiation. |
| 3 | Also log a hexadecimal dump of the negotiation. |
"""


def test_a_value_in_rows_beyond_counting_still_tells_the_rows_found_apart(session, tmp_path):
    _ingest(session, tmp_path, "kestrel.md", _relay_manual())
    assert session.db.execute("SELECT count(*) FROM spec_values WHERE number = 1").fetchone()[0] > 500
    rows = specs.search(session.db, "What does the relay log on handshakes with relay_loglevel set to 1?")
    assert _labels(rows)[:1] == ["1"]
