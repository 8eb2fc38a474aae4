"""Checks on note documents pulled from the server, before they reach the notes store.

The server is trusted to speak the protocol, not to hold only good documents: another client, an
admin's script or a damaged replica can leave a document whose `title` is an object, whose
`_revisions` is a string, or whose body is 50 MB. One such document must not stop a device's sync
(every round would retry the same page, and push, which runs after pull, would never run), so each
pulled document is checked here; a bad one is parked with the reason, the rest are stored.
"""

from __future__ import annotations

import json
import re

MAX_ID = 256
MAX_TITLE = 2_000
MAX_BODY = 1_000_000  # characters: about 500 pages of typed notes
MAX_TAGS = 100
MAX_FIELD = 1_000  # work order, asset, serial, author, device, timestamps, one tag
MAX_CITATIONS = 100
MAX_DOC_BYTES = 4_000_000  # the whole document as JSON, citations and source included
MAX_HISTORY = 10_000  # revisions in `_revisions`
REV = re.compile(r"[1-9][0-9]{0,8}-[0-9a-zA-Z]{1,64}")

# Text fields and their longest allowed value.
_TEXT_FIELDS = {"title": MAX_TITLE, "body": MAX_BODY, **dict.fromkeys(
    ("work_order", "asset", "serial", "created_at", "edited_at", "deleted_at", "author", "device", "device_name"),
    MAX_FIELD)}


def problem(doc: object) -> str | None:
    """Why `doc` cannot be stored as a pulled note revision, or None when it can.

    Checks types, sizes and required fields of what `NoteStore.apply_remote` and the notes list read
    (`_id`, `_rev`, `_revisions`, `_deleted`, title, body, tags, work order, asset, serial, times,
    citations, source, clock), and that `_revisions` starts at `_rev`.
    """
    if not isinstance(doc, dict):
        return f"not a JSON object ({type(doc).__name__})"
    doc_id, rev = doc.get("_id"), doc.get("_rev")
    if not isinstance(doc_id, str) or not doc_id or len(doc_id) > MAX_ID:
        return "_id is missing, not a string, or too long"
    if not isinstance(rev, str) or not REV.fullmatch(rev):
        return "_rev is missing or not of the form N-hash"
    if "_deleted" in doc and not isinstance(doc["_deleted"], bool):
        return "_deleted is not true or false"
    if (why := _revisions_problem(doc.get("_revisions"), rev)) is not None:
        return why
    try:
        size = len(json.dumps(doc, ensure_ascii=False).encode())
    except (TypeError, ValueError):
        return "not serialisable as JSON"
    if size > MAX_DOC_BYTES:
        return f"too large ({size:,} bytes; at most {MAX_DOC_BYTES:,})"
    for field, limit in _TEXT_FIELDS.items():
        if (why := _text(doc, field, limit)) is not None:
            return why
    tags = doc.get("tags")
    if tags is not None and (not isinstance(tags, list) or len(tags) > MAX_TAGS
                             or not all(isinstance(t, str) and len(t) <= MAX_FIELD for t in tags)):
        return f"tags is not a list of at most {MAX_TAGS} short strings"
    cites = doc.get("citations")
    if cites is not None and (not isinstance(cites, list) or len(cites) > MAX_CITATIONS
                              or not all(isinstance(c, dict) for c in cites)):
        return f"citations is not a list of at most {MAX_CITATIONS} objects"
    if doc.get("source") is not None and not isinstance(doc["source"], dict):
        return "source is not an object"
    if "conflict" in doc and not isinstance(doc["conflict"], (bool, type(None))):
        return "conflict is not true or false"
    clock = doc.get("clock")
    if clock is not None and (not isinstance(clock, dict) or len(clock) > MAX_TAGS or not all(
            isinstance(k, str) and isinstance(v, (str, int)) and not isinstance(v, bool)
            and len(str(v)) <= MAX_FIELD for k, v in clock.items())):
        return "clock is not an object of device -> timestamp"
    return None


def _text(doc: dict, field: str, limit: int) -> str | None:
    value = doc.get(field)
    if value is None:
        return None
    if not isinstance(value, str):
        return f"{field} is not text ({type(value).__name__})"
    if len(value) > limit:
        return f"{field} is too long ({len(value):,} characters; at most {limit:,})"
    return None


def _revisions_problem(revisions: object, rev: str) -> str | None:
    if revisions is None:
        return None
    if not isinstance(revisions, dict):
        return "_revisions is not an object"
    start, ids = revisions.get("start"), revisions.get("ids")
    if not isinstance(start, int) or isinstance(start, bool) or start < 1:
        return "_revisions.start is not a positive number"
    if (not isinstance(ids, list) or not ids or len(ids) > MAX_HISTORY or len(ids) > start
            or not all(isinstance(h, str) and 0 < len(h) <= 64 for h in ids)):
        return "_revisions.ids is not a list of revision hashes as long as its history"
    if f"{start}-{ids[0]}" != rev:
        return f"_revisions does not start at {rev}"
    return None
