"""The verified depot documents this device holds (`depot_docs`, migration m008), as both device
sides read and write them: fleet-device's pull stores what it fetched, jobs and scoping read them."""

from __future__ import annotations

import json
from typing import Any

from .. import db as dbmod
from ..depot import format as fmt
from ..notes.state import device_id  # noqa: F401 - the one device id, as fleet code names it


def store_verified(db, doc: dict[str, Any], public_key) -> None:
    """Verify `doc` with the depot's public key, then insert or replace it in depot_docs.

    A withdrawn document (`withdrawn: true`, signed again) replaces its earlier revision and its
    state becomes "withdrawn"; otherwise a known document keeps the state its file reached.
    Raises:
        DepotSignatureError: unsigned, signed by another key, or changed after signing (nothing stored).
    """
    fmt.verify(doc, public_key)
    kind = doc.get("kind")
    if kind not in fmt.KINDS:
        raise fmt.DepotSignatureError(f"{doc.get('_id', '?')}: unknown kind {kind!r}")
    name = str(doc.get("name") or doc.get("model") or doc["_id"].split(":", 2)[1])
    revision = doc.get("revision")
    body = json.dumps(doc, sort_keys=True)
    with dbmod.transaction(db):
        db.execute(
            "INSERT INTO depot_docs(id, kind, name, revision, doc, state) VALUES (?, ?, ?, ?, ?, ?)"
            " ON CONFLICT(id) DO UPDATE SET doc = excluded.doc, kind = excluded.kind, name = excluded.name,"
            " revision = excluded.revision, updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now'),"
            " state = CASE WHEN excluded.state = 'withdrawn' THEN 'withdrawn' ELSE depot_docs.state END",
            (doc["_id"], kind, name, None if revision is None else str(revision), body,
             "withdrawn" if doc.get("withdrawn") else "known"),
        )


def docs(db, kind: str) -> list[dict[str, Any]]:
    """The held documents of one kind, each with its local `_state` added."""
    rows = db.execute("SELECT doc, state FROM depot_docs WHERE kind = ? ORDER BY id", (kind,)).fetchall()
    return [{**json.loads(r[0]), "_state": r[1]} for r in rows]
