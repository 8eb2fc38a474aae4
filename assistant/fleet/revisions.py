"""A note's citations against the library now: a note saved from an answer records the depot manual
id and revision it cited; when the depot has since replaced that manual, the note says so ("cited
revision B, now revision C") and both files stay available (old revisions are kept on disk)."""

from __future__ import annotations

import json

from .manuals import manual_path


def citation_status(db, citation: dict) -> dict | None:
    """For a citation of a depot manual: {cited, current (None if withdrawn/absent), cited_path,
    current_path, changed}. None for a local manual's citation."""
    depot_id = citation.get("depot_id")
    if not depot_id or not str(depot_id).startswith("manual:"):
        return None
    name = str(depot_id).split(":")[1]
    row = db.execute("SELECT doc FROM depot_docs WHERE id = ?", (depot_id,)).fetchone()
    cited_path = str(manual_path(json.loads(row[0]))) if row else citation.get("path")
    marks = [r[0] for r in db.execute("SELECT id FROM depot_docs WHERE kind = 'manual' AND name = ?", (name,))]
    current = None
    if marks:
        current = db.execute(f"SELECT revision, path FROM manuals WHERE depot_id IN ({','.join('?' * len(marks))})",
                             marks).fetchone()
    return {"cited": citation.get("revision"), "current": current[0] if current else None,
            "cited_path": cited_path, "current_path": current[1] if current else None,
            "changed": current is None or current[0] != citation.get("revision")}


def describe(status: dict) -> str:
    if not status["changed"]:
        return f"revision {status['cited']} (current)"
    now = f"now revision {status['current']}" if status["current"] else "since withdrawn"
    return f"cited revision {status['cited']}, {now}"
