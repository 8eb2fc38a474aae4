"""Which manual of the library a stored citation means.

A note's citations come from another device as often as from this one (sync), so the path inside
one is only a hint: opening it would let a synced note open any file on this device. A citation
is resolved to a manual of this library, by the manual's content hash, then its path, then its
title, and only the library's own path is ever opened.
"""

from __future__ import annotations


def manual_for_citation(db, citation: dict) -> dict | None:
    """The library's manual (`{"id", "path", "title"}`) that `citation` refers to, or None."""
    if not isinstance(citation, dict):
        return None
    for column, key in (("content_hash", "content_hash"), ("path", "path"), ("title", "manual")):
        value = citation.get(key)
        if not isinstance(value, str) or not value:
            continue
        rows = db.execute(f"SELECT id, path, title FROM manuals WHERE {column} = ? LIMIT 2", (value,)).fetchall()
        if len(rows) == 1:  # a title two manuals share names neither
            return {"id": rows[0][0], "path": rows[0][1], "title": rows[0][2]}
    return None
