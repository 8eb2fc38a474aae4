"""Pull-only replication of the depot's CONTENT_DB into `depot_docs`, every document verified first.

The feed is read page by page (`_changes?include_docs=true`, `style=main_only`: the depot has one
writer, so the winning revision is the document) from a checkpoint kept in `sync_state`; each page
is stored with its checkpoint in one transaction, so an interrupted pull resumes at the last page.

The feed is filtered to this device's groups on the server where the server can (selector.py: a Mango
`_selector` on CouchDB >= 2, PouchDB's `selector` parameter on pouchdb-server), decided from the
server's welcome (`GET /`) each round; a server that refuses the filter (400, 404, 501) is remembered
in `sync_state` until its welcome changes and filtered on the device instead. The device also runs
`selects` over what it receives in every mode. The checkpoint belongs to the device's groups: a device
moved to other groups reads the feed again from the start, or it would never see the documents of
its new groups that went past before.

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
from . import selector as selmod
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
    filter: str = selmod.CLIENT  # where the feed was filtered: "couchdb" / "pouchdb" (server), "client"

    def to_json(self) -> dict:
        return asdict(self)


def _server_hash(target: DepotTarget) -> str:
    return hashlib.sha256(f"{target.config.url}|{target.config.db}".encode()).hexdigest()[:16]


def checkpoint_key(target: DepotTarget) -> str:
    groups = json.dumps(sorted(set(target.groups)))
    return f"depot_since:{_server_hash(target)}:" + hashlib.sha256(groups.encode()).hexdigest()[:8]


def refused_filter_key(target: DepotTarget) -> str:
    """sync_state: the welcome of a server that refused the server-side filter (it is not asked again
    while its welcome stays the same)."""
    return f"depot_filter_refused:{_server_hash(target)}"


# Answers of a server that does not take the filter (CouchDB 1.x: 404/400 for an unknown filter).
FILTER_REFUSED = (400, 404, 501)


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

    def filter_mode(self) -> str:
        """How to filter this round: from the server's welcome, unless this same server build refused."""
        try:
            welcome = self.client.ping(timeout=self.client.config.timeout_s)
        except ProtocolError:
            welcome = {}
        self._welcome_key = selmod.welcome_key(welcome)
        mode = selmod.mode_for(welcome)
        if mode != selmod.CLIENT and state.read(self.db, refused_filter_key(self.target)) == self._welcome_key:
            return selmod.CLIENT
        return mode

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
        mode = self.filter_mode()
        report.filter = mode
        sel = selmod.selector(self.device, self.target.groups)
        while True:
            if self.cancel.is_set():
                raise Cancelled("depot pull cancelled")
            params = {"since": since, "limit": self.page, "include_docs": "true", "style": "main_only",
                      "feed": "normal"}
            method, kw = selmod.request_args(mode, sel, params)
            r = self.client.request(method, f"{self.client.dbpath}/_changes", **kw)
            if mode != selmod.CLIENT and r.status_code in FILTER_REFUSED:
                log.warning("the depot server refused the selector filter (HTTP %d); filtering on the device",
                            r.status_code)
                with dbmod.transaction(self.db):
                    state.write(self.db, refused_filter_key(self.target), self._welcome_key)
                mode = report.filter = selmod.CLIENT
                continue
            if r.status_code >= 400:
                self.client._raise_for(r)
            try:
                page = r.json()
            except ValueError as e:
                raise ProtocolError("depot _changes: the answer is not JSON") from e
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
