"""Spec-row search, round 13 (issue 13): asked "which key", a row whose first cell is a single
character is a key, whatever its column is called ("Command" in the magic SysRq table), as a key
combination is under any header; and a combination no cell holds ("Alt+SysRq+S") is looked up by its
last key, which such a table lists alone. Real ingest of small real tables, the bundled embedding
model."""

from __future__ import annotations

from assistant.rag import specs
from tests.core.spec_fixtures import ingest_text as _ingest
from tests.core.spec_fixtures import labels as _labels

SYSRQ = """# Linux Magic System Request Key Hacks

## What are the 'command' keys?

| Command | Function |
|---|---|
| b | Will immediately reboot the system without syncing or unmounting your disks. |
| c | Will perform a system crash and a crashdump will be taken if configured. |
| e | Send a SIGTERM to all processes, except for init. |
| i | Send a SIGKILL to all processes, except for init. |
| k | Secure Access Key (SAK) Kills all programs on the current virtual console. |
| o | Will shut your system off (if configured and supported). |
| s | Will attempt to sync all mounted filesystems. |
| u | Will attempt to remount all mounted filesystems read-only. |
"""

EDITOR = """# Schematic Editor

## Actions reference

| Action | Default Hotkey | Description |
|---|---|---|
| Add Power | P | Add a power port |
| Rotate | R | Rotate the selected items |
| Mirror Vertically | Y | Mirror the selected items |
| Reboot Simulator | Ctrl+Shift+B | Restart the simulation |
"""


def test_a_single_letter_first_cell_is_a_key(session, tmp_path):
    _ingest(session, tmp_path, "sysrq.md", SYSRQ)
    _ingest(session, tmp_path, "eeschema.md", EDITOR)
    rows = specs.search(session.db, "Which SysRq key reboots the machine at once?", embedder=session.embedder)
    # before, the "b" row, holding no key under a header naming keys, counted as lacking the kind
    # asked and was not listed; the editor's "Reboot Simulator" hotkey was alone
    assert "b" in _labels(rows)[:2]


def test_a_combination_no_cell_holds_is_looked_up_by_its_last_key(session, tmp_path):
    _ingest(session, tmp_path, "sysrq.md", SYSRQ)
    _ingest(session, tmp_path, "eeschema.md", EDITOR)
    # before, "SysRq" was no modifier the key reader knew: no key was read and no row listed
    assert _labels(specs.search(session.db, "What does Alt+SysRq+S do?", embedder=session.embedder))[:1] == ["s"]
    # a combination a cell holds is looked up whole, as before
    rows = specs.search(session.db, "What does Ctrl+Shift+B do?", embedder=session.embedder)
    assert _labels(rows)[:1] == ["Reboot Simulator"]
