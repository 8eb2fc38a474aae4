"""Shared by the spec-row tests (and the direct-answer and prompt tests that ingest one small
manual): a small manual written and ingested for real, and the labels of the rows a search returns."""

from __future__ import annotations

from pathlib import Path

from assistant.library import ingest


def ingest_text(session, tmp_path: Path, name: str, text: str) -> None:
    """Write `text` as `name` and ingest it into the session's library (one manual added)."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    report = ingest.run(session.db, session.embedder, [path])
    assert not report.failed and len(report.added) == 1


def labels(rows) -> list[str]:
    """Each spec row's first cell, in rank order."""
    return [r.cells[0] for r in rows]
