"""Depot manuals on the device: the newest revision of each manual (by `created`) is downloaded,
verified and ingested in place of the revision before it, in one transaction (search shows one of
them at every moment, never both or neither). Revisions in between are never downloaded: a device
back after a month with 20 new revisions fetches and ingests only the newest.

When the newest revision is withdrawn, the manual leaves search (its file is kept until a cleanup);
publishing a later revision brings it back.
"""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path

from .. import db as dbmod
from .. import paths
from ..errors import Cancelled, ManualParseError
from ..library import ingest
from ..sync.couch import CouchClient
from . import download
from .progress import Progress, bytes_hook, emit

log = logging.getLogger(__name__)


@dataclass
class ApplyReport:
    activated: list[dict] = field(default_factory=list)  # {name, revision, replaced}
    withdrawn: list[str] = field(default_factory=list)
    failed: list[dict] = field(default_factory=list)  # {id, error}
    waiting: list[dict] = field(default_factory=list)  # downloads to resume next round

    def to_json(self) -> dict:
        return {"activated": self.activated, "withdrawn": self.withdrawn, "failed": self.failed,
                "waiting": self.waiting}


def manual_path(doc: dict) -> Path:
    return paths.home() / "depot-manuals" / str(doc["name"]) / str(doc["revision"]) / str(doc["filename"])


def _set_state(db, doc_id: str, st: str, error: str | None = None) -> None:
    db.execute("UPDATE depot_docs SET state = ?, error = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') "
               "WHERE id = ?", (st, error, doc_id))


def _revisions(db, name: str) -> list[tuple[str, str, dict]]:
    rows = db.execute("SELECT id, state, doc FROM depot_docs WHERE kind = 'manual' AND name = ?", (name,)).fetchall()
    out = [(r[0], r[1], json.loads(r[2])) for r in rows]
    out.sort(key=lambda t: (str(t[2].get("created") or ""), str(t[2].get("revision"))))
    return out


def apply(db, embedder, client: CouchClient, cancel: threading.Event | None = None,
          progress: Progress | None = None) -> ApplyReport:
    """Bring every depot manual this device holds to its newest revision (or out, if withdrawn)."""
    report = ApplyReport()
    names = [r[0] for r in db.execute("SELECT DISTINCT name FROM depot_docs WHERE kind = 'manual' ORDER BY name")]
    for name in names:
        if cancel is not None and cancel.is_set():
            raise Cancelled("depot cancelled")
        revs = _revisions(db, name)
        ids = [i for i, _, _ in revs]
        marks = ",".join("?" * len(ids))
        current = db.execute(f"SELECT path, depot_id FROM manuals WHERE depot_id IN ({marks})", ids).fetchone()
        newest_id, newest_state, newest = revs[-1]
        if newest.get("withdrawn"):
            with dbmod.transaction(db):
                if current is not None:
                    db.execute("DELETE FROM manuals WHERE path = ?", (current["path"],))
                for i, st, d in revs:
                    if d.get("withdrawn"):
                        _set_state(db, i, "withdrawn")
                    elif st == "active":
                        _set_state(db, i, "previous")
            if current is not None or newest_state != "withdrawn":
                report.withdrawn.append(newest_id)
            continue
        if current is not None and current["depot_id"] == newest_id:
            if newest_state != "active":
                with dbmod.transaction(db):
                    _set_state(db, newest_id, "active")
            continue
        if newest_state == "failed":
            continue  # tried; it waits for a new revision or a corrected document
        dest = manual_path(newest)
        try:
            with dbmod.transaction(db):
                _set_state(db, newest_id, "downloading")
            what = {"kind": "manual", "name": str(name), "revision": str(newest["revision"])}
            emit(progress, "downloading", **what, total=int(newest["size"]))
            download.fetch(client, client.config.db, newest_id, dest, str(newest["sha256"]), int(newest["size"]),
                           cancel=cancel, on_bytes=bytes_hook(progress, **what, total=int(newest["size"])))
            with dbmod.transaction(db):
                _set_state(db, newest_id, "staged")
            emit(progress, "installing", **what)
            ingest.ingest_replacing(db, embedder, dest, replaces=current["path"] if current else None,
                                    extra={"depot_id": newest_id, "revision": str(newest["revision"])}, cancel=cancel)
        except download.DownloadInterrupted as e:
            report.waiting.append({"id": newest_id, "error": str(e)})
            continue
        except (download.DownloadRejected, ManualParseError, OSError) as e:
            msg = e.reason if isinstance(e, ManualParseError) else str(e)
            with dbmod.transaction(db):
                _set_state(db, newest_id, "failed", msg)
            report.failed.append({"id": newest_id, "error": msg})
            continue
        with dbmod.transaction(db):
            for i, st, _ in revs:
                if i != newest_id and st == "active":
                    _set_state(db, i, "previous")
            _set_state(db, newest_id, "active")
        report.activated.append({"name": name, "revision": str(newest["revision"]),
                                 "replaced": current["depot_id"] if current else None})
    return report
