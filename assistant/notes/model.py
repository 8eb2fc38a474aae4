"""What a note is, as the rest of the app sees it: `Note`, `ParkedDoc`, the errors, and the
conversions from the stored forms (a row of the `notes` table, a revision's content)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from ..errors import AssistantError

# The fields a technician edits (everything else in a revision is written by the store).
EDITABLE = ("title", "body", "tags", "work_order", "asset", "serial")


class NoteExistsError(AssistantError):
    """A note with the id given to `NoteStore.add` is already stored."""


class NoteNotFoundError(AssistantError):
    """No note with that id (or it was deleted)."""


@dataclass
class Note:
    """The current (winning) version of a note."""

    id: str
    rev: str
    title: str
    body: str
    tags: list[str]
    work_order: str | None
    asset: str | None
    serial: str | None
    created_at: str | None
    edited_at: str | None
    author: str | None
    device: str | None
    citations: list[dict] = field(default_factory=list)
    source: dict | None = None
    deleted: bool = False
    # True while the note holds a "conflicting copy" marker or concurrent versions not yet merged.
    conflict: bool = False

    def to_json(self) -> dict:
        return {
            "id": self.id, "rev": self.rev, "title": self.title, "body": self.body, "tags": self.tags,
            "work_order": self.work_order, "edited_at": self.edited_at, "conflict": self.conflict,
            "asset": self.asset, "serial": self.serial, "created_at": self.created_at,
            "author": self.author, "device": self.device, "citations": self.citations,
            "source": self.source, "deleted": self.deleted,
        }


@dataclass
class ParkedDoc:
    """A revision that did not sync: ours that the server refused (`direction` "push": it stays
    local and visible until edited or retried), or the server's that could not be stored here
    ("pull": malformed; a later valid revision of the note replaces it)."""

    id: str
    rev: str
    error: str
    reason: str
    parked_at: str
    title: str | None = None
    direction: str = "push"


def iso(ts: float) -> str:
    """A wall-clock time as the ISO 8601 UTC text stored in notes (milliseconds, "Z")."""
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def clean_tags(tags: Iterable[str] | str) -> list[str]:
    """Tags as stored: trimmed, no empties, no repeats, sorted (a comma-separated string is split)."""
    if isinstance(tags, str):
        tags = tags.split(",")
    return sorted({t.strip() for t in tags if t and t.strip()})


def note_from_row(row) -> Note:
    """A `Note` from a row of the materialised `notes` table."""
    return Note(
        id=row["id"], rev=row["rev"], title=row["title"], body=row["body"], tags=json.loads(row["tags"] or "[]"),
        work_order=row["work_order"], asset=row["asset"], serial=row["serial"], created_at=row["created_at"],
        edited_at=row["edited_at"], author=row["author"], device=row["device"],
        citations=json.loads(row["citations"] or "[]"), source=json.loads(row["source"]) if row["source"] else None,
        deleted=bool(row["deleted"]), conflict=bool(row["conflict"] or row["open_conflict"]),
    )


def note_from_content(doc_id: str, rev: str, c: dict) -> Note:
    """A `Note` from one revision's content (a version in a conflict, before materialisation)."""
    return Note(
        id=doc_id, rev=rev, title=c.get("title") or "", body=c.get("body") or "", tags=list(c.get("tags") or []),
        work_order=c.get("work_order"), asset=c.get("asset"), serial=c.get("serial"),
        created_at=c.get("created_at"), edited_at=c.get("edited_at"), author=c.get("author"),
        device=c.get("device_name") or c.get("device"), citations=list(c.get("citations") or []),
        source=c.get("source"), deleted=False, conflict=bool(c.get("conflict")),
    )
