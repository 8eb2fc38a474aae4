"""Pull-only replication of the depot's CONTENT_DB into `depot_docs`, every document verified first.

The feed is read page by page (`_changes?include_docs=true`, `style=main_only`: the depot has one
writer, so the winning revision is the document) from a checkpoint kept in `sync_state`; each page
is stored with its checkpoint in one transaction, so an interrupted pull resumes at the last page.

Filtering is done here, on the device, after fetching: pouchdb-server 4.2 (the test server) does not
implement `filter=_selector` (it looks for a design document named `_selector` and its process
crashes), and a server-side filter would also need a design document per device group. The cost: the
device reads every depot document's JSON (a few hundred bytes each, attachments only as stubs), not
just its own; 10,000 documents are about 5 MB once, then only what changed. Files are never fetched
for documents that are not this device's.

A document whose signature does not verify with the device's depot key is refused: it is not stored,
the report names it, and its id is kept to be fetched again next round (a tampering proxy or a
half-published document must not make the device skip the genuine one for good).
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from dataclasses import asdict, dataclass, field

from .. import db as dbmod
from ..depot import format as fmt
from ..errors import Cancelled
from ..notes import state
from ..sync.config import quote_id
from ..sync.couch import CouchClient, ProtocolError
from .settings import DepotTarget, selects

log = logging.getLogger(__name__)

PAGE = 200
REQUIRED = {"manual": ("name", "revision", "filename", "sha256", "size"),
            "model": ("name", "revision", "filename", "sha256", "size", "blob"),
            "rollout": ("model",), "job": ()}


@dataclass
class PullReport:
    received: int = 0  # verified documents stored (new ones and new revisions)
    skipped: int = 0  # documents for other devices or groups
    refused: list[dict] = field(default_factory=list)  # {id, error}

    def to_json(self) -> dict:
        return asdict(self)


def checkpoint_key(target: DepotTarget) -> str:
    return "depot_since:" + hashlib.sha256(f"{target.config.url}|{target.config.db}".encode()).hexdigest()[:16]


def check_shape(doc: dict) -> None:
    """The fields the device relies on, and an id that matches them (a verified document could still be
    an admin's mistake; one clear refusal is better than a crash later)."""
    kind = doc.get("kind")
    if kind not in REQUIRED:
        raise fmt.DepotSignatureError(f"{doc.get('_id')}: unknown kind {kind!r}")
    for f in REQUIRED[kind]:
        if doc.get(f) in (None, ""):
            raise fmt.DepotSignatureError(f"{doc.get('_id')}: the {kind} document has no {f}")
    if kind in ("manual", "model"):
        for part in (str(doc["name"]), str(doc["revision"])):  # they become folder names on the device
            if part in (".", "..") or part.startswith(".") or "\\" in part:
                raise fmt.DepotSignatureError(f"{doc.get('_id')}: unsafe name or revision {part!r}")
        try:
            expected = fmt.doc_id(kind, str(doc["name"]), str(doc["revision"]))
        except ValueError as e:
            raise fmt.DepotSignatureError(f"{doc.get('_id')}: {e}") from e
        if kind == "model" and (not str(doc["filename"]).endswith(".gguf") or doc.get("blob") != fmt.blob_id(str(doc["sha256"]))):
            raise fmt.DepotSignatureError(f"{doc.get('_id')}: a model is a .gguf file in blob:<its sha256>")
        if doc.get("_id") != expected:
            raise fmt.DepotSignatureError(f"{doc.get('_id')}: id does not match its name and revision ({expected})")
        if not isinstance(doc["size"], int) or doc["size"] < 0:
            raise fmt.DepotSignatureError(f"{doc.get('_id')}: size is not a byte count")
        name = str(doc["filename"])
        if "/" in name or "\\" in name or name in (".", "..") or name.startswith("."):
            raise fmt.DepotSignatureError(f"{doc.get('_id')}: unsafe file name {name!r}")


def store_doc(db, doc: dict) -> bool:
    """Store (or update to a newer CouchDB revision) one verified document; False if already held.
    Callers own the transaction. A document changed in place keeps its file state unless it was
    withdrawn; `manuals`/`models` decide what follows."""
    row = db.execute("SELECT doc FROM depot_docs WHERE id = ?", (doc["_id"],)).fetchone()
    kept = {k: v for k, v in doc.items() if k not in ("_attachments", "_revisions", "_conflicts")}
    if row is not None and json.loads(row[0]).get("_rev") == doc.get("_rev"):
        return False
    if row is None:
        db.execute("INSERT INTO depot_docs(id, kind, name, revision, doc, state) VALUES (?, ?, ?, ?, ?, 'known')",
                   (doc["_id"], doc["kind"], str(doc.get("name") or doc.get("model") or doc["_id"]),
                    None if doc.get("revision") is None else str(doc["revision"]), json.dumps(kept)))
    else:
        # A failed file is tried again when its document changes; other states stay for the appliers.
        db.execute("UPDATE depot_docs SET doc = ?, state = CASE WHEN state = 'failed' THEN 'known' ELSE state END, "
                   "error = NULL, updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = ?",
                   (json.dumps(kept), doc["_id"]))
    return True


class DepotPuller:
    def __init__(self, db, client: CouchClient, target: DepotTarget, device: str, page: int = PAGE,
                 cancel: threading.Event | None = None):
        self.db, self.client, self.target, self.device = db, client, target, device
        self.page = max(1, page)
        self.cancel = cancel or client.cancel
        self.key = checkpoint_key(target)
        self.retry_key = self.key + ":refused"

    def _accept(self, doc: dict, report: PullReport, refused: set[str]) -> bool:
        """Verify and keep one document (inside the caller's transaction). True when stored."""
        doc_id = doc.get("_id")
        if not isinstance(doc_id, str) or doc_id.startswith("_design/") or doc.get("_deleted"):
            return False
        try:
            fmt.verify(doc, self.target.public_key)
            check_shape(doc)
        except fmt.DepotSignatureError as e:
            report.refused.append({"id": doc_id, "error": f"refused: {e}"})
            refused.add(doc_id)
            log.warning("depot document refused: %s", e)
            return False
        refused.discard(doc_id)
        if not selects(doc, self.device, self.target.groups):
            report.skipped += 1
            return False
        if store_doc(self.db, doc):
            report.received += 1
        return True

    def run(self) -> PullReport:
        report = PullReport()
        refused = set(json.loads(state.read(self.db, self.retry_key) or "[]"))
        # Documents refused last time are read again first: a genuine revision may be there now.
        for doc_id in sorted(refused):
            r = self.client.request("GET", f"{self.client.dbpath}/{quote_id(doc_id)}", ok=(200, 404))
            if r.status_code == 404:
                refused.discard(doc_id)
                continue
            try:
                doc = r.json()
            except ValueError:
                continue
            if isinstance(doc, dict):
                with dbmod.transaction(self.db):
                    self._accept(doc, report, refused)
        since = state.read(self.db, self.key) or "0"
        while True:
            if self.cancel.is_set():
                raise Cancelled("depot pull cancelled")
            page = self.client._json("GET", f"{self.client.dbpath}/_changes", params={
                "since": since, "limit": self.page, "include_docs": "true", "style": "main_only", "feed": "normal"})
            results = page.get("results") if isinstance(page, dict) else None
            if not isinstance(results, list) or not isinstance(page.get("last_seq"), (str, int)):
                raise ProtocolError("depot _changes: the answer is not a page of results with a last_seq")
            with dbmod.transaction(self.db):
                for change in results:
                    doc = change.get("doc") if isinstance(change, dict) else None
                    if isinstance(doc, dict):
                        self._accept(doc, report, refused)
                since = str(page["last_seq"])
                state.write(self.db, self.key, since)
                state.write(self.db, self.retry_key, json.dumps(sorted(refused)) if refused else None)
            if len(results) < self.page:
                break
        with dbmod.transaction(self.db):
            state.write(self.db, self.retry_key, json.dumps(sorted(refused)) if refused else None)
        return report
