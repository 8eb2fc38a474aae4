"""Spec-row search, round 20 (issue 13): a code asked for a key the question names ("which scan code
for the HELP key"), keys that are no letter or modifier ("Scroll Lock"), and a code written as the
end of a longer one ("the S8iR-LP" of "AOC-USAS-S8iR-LP"). Real ingest of a small real-shaped manual,
the bundled embedding model."""

from __future__ import annotations

from assistant.rag import specs
from tests.core.spec_fixtures import ingest_text as _ingest
from tests.core.spec_fixtures import labels

KEYBOARD = """# Keyboard and controller notes

## Emulated keyboard

The PC keyboard lacks some keys of the original machine:

| Key | Meaning |
|---|---|
| Alt | will act as the original ALTERNATE key |
| Page Up | will emulate the ( key in the keypad |
| Page Down | will emulate the ) key in the keypad |
| Print Screen | will emulate the original HELP key |
| Scroll Lock | will emulate the original UNDO key |

## Scan codes

The keyboard sends these scan codes:

| Hex | Keytop |
|---|---|
| 01 | Esc |
| 0E | BACKSPACE |
| 1C | RETURN |
| 61 | UNDO |
| 62 | HELP |
| 72 | KEYPAD ENTER |

## Supported cards

| PCI ID | OEM | Product |
|---|---|---|
| 9005:0285:108e:7aac | SUN | STK RAID REM |
| 9005:0285:108e:0286 | SUN | STK RAID INT |
| 9005:0285:15d9:02d3 | SMC | AOC-USAS-S8iR-LP |
| 9005:0285:15d9:02d2 | SMC | AOC-USAS-S8i-LP |
| 9005:0285:1014:034d | IBM | ServeRAID 8s |
| 9005:0285:9005:0290 | ICP | ICP9085LI-SATA2 |
| 9005:0285:9005:0291 | ICP | ICP5085BR-SATA2 |
"""


def test_a_code_asked_for_a_named_key_is_the_code_not_a_key(session, tmp_path):
    _ingest(session, tmp_path, "keyboard.md", KEYBOARD)
    # "the HELP key" names which row; the code is what is asked. Read as a key asked, the emulated
    # keys' "Page Up" and "Alt" rows (key cells) came first and the scan code row was not listed.
    rows = specs.search(session.db, "Which scan code does the keyboard send for the HELP key?",
                        embedder=session.embedder)
    assert labels(rows)[0] == "62", labels(rows)
    rows = specs.search(session.db, "What key code does the keypad's Enter key give?", embedder=session.embedder)
    assert labels(rows)[0] == "72", labels(rows)
    # asked "what is ...", the code is asked as well
    rows = specs.search(session.db, "What is the scan code for the HELP key?", embedder=session.embedder)
    assert labels(rows)[0] == "62", labels(rows)
    rows = specs.search(session.db, "What's the scan code of the UNDO key?", embedder=session.embedder)
    assert labels(rows)[0] == "61", labels(rows)
    # a code that follows a key word is the key's object, not what is asked
    assert not specs._asks_code("Which shortcut formats code in the editor?")
    assert not specs._asks_code("Which hotkey folds code?")


def test_a_lock_key_is_a_key(session, tmp_path):
    _ingest(session, tmp_path, "keyboard.md", KEYBOARD)
    rows = specs.search(session.db, "Which PC key gives me the original UNDO?", embedder=session.embedder)
    assert labels(rows)[0] == "Scroll Lock", labels(rows)
    assert rows[0].match == "quantity"


def test_a_code_written_as_the_end_of_a_longer_one_finds_its_row(session, tmp_path):
    _ingest(session, tmp_path, "keyboard.md", KEYBOARD)
    rows = specs.search(session.db, "Our server has the S8iR-LP card: which PCI ID should it show?",
                        embedder=session.embedder)
    assert rows[0].cells[2] == "AOC-USAS-S8iR-LP" and rows[0].match == "value", [r.cells for r in rows]
    # a tail that ends two products' codes says neither; one that does not follow a separator is
    # no tail ("R-LP" of "S8iR-LP")
    assert len(specs._suffix_rows(session.db, "S8i-LP")) == 1
    assert specs._suffix_rows(session.db, "SATA2") == []
    assert specs._suffix_rows(session.db, "R-LP") == []
