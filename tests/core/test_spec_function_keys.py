"""Spec-row search (issue 13): "which function key" asks one of F1-F12, not a key of a hotkey column
that shares the question's words ("Cursor Left | Left"). Real ingest of small real tables, the bundled
embedding model."""

from __future__ import annotations

from assistant.rag import specs
from tests.core.spec_fixtures import ingest_text as _ingest
from tests.core.spec_fixtures import labels as _labels

EDITOR = """# Board editor

## Common hotkeys

| Action | Default Hotkey | Description |
|---|---|---|
| Cursor Left | Left | Moves the cursor left in the window |
| Cursor Right | Right | Moves the cursor right in the window |
| Cursor Left Fast | Ctrl+Left | Moves the cursor far left in the window |
| Cursor Up | Up | Moves the cursor up in the window |

## Drawing sheet editor keyboard commands

| Key | Command |
|---|---|
| F1 | Zoom In |
| F2 | Zoom Out |
| F4 | Recenter the view |
| Home | Fit drawing sheet to the window |
"""


def test_which_function_key_asks_an_f_key(session, tmp_path):
    _ingest(session, tmp_path, "editor.md", EDITOR)
    rows = specs.search(session.db, "Which function key centres the cursor?", embedder=session.embedder)
    assert _labels(rows)[0] == "F4"
    # a plain "which key" still reads the hotkey column
    rows = specs.search(session.db, "Which key moves the cursor left?", embedder=session.embedder)
    assert _labels(rows)[0] == "Cursor Left"
