"""The depot's three databases on one CouchDB server, as the admin commands use them.

Built on the notes sync's CouchClient (retries with backoff, TLS pinning, bounded answers); this
adds what publishing needs: documents read and written with their revision, and a file streamed
into an attachment (a 1 GB model is never held in memory) then checked against the server's own
digest of what it stored.
"""

from __future__ import annotations

import base64
import hashlib
import logging
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..sync.config import SyncConfig, quote_id
from ..sync.couch import AuthError, CouchClient, ServerError, ServerUnreachable, SyncError
from .format import BLOBS_DB, CONTENT_DB, HEALTH_DB
from .keys import DepotError

log = logging.getLogger(__name__)

CHUNK = 1 << 20

# Writes to the content and blob databases by server admins (or the `depot_admin` role) only: on
# CouchDB 3 a validate_doc_update function runs on every write, replication included, so a device's
# credentials cannot publish even if the database's _security lets devices read. (pouchdb-server runs
# it too, but in "admin party" mode, as in the tests, every request is an admin.)
VALIDATE = """function (newDoc, oldDoc, userCtx, secObj) {
  var roles = userCtx.roles || [];
  if (roles.indexOf('_admin') === -1 && roles.indexOf('depot_admin') === -1) {
    throw({forbidden: 'only the depot admin publishes to this database'});
  }
}"""
DESIGN_ID = "_design/depot_admin"
# Health documents: a device account writes only `device:<id>` documents, and only the ones it
# claimed. The device id is the device's own random id (notes sync), not its account name, so the
# tie is the document's `account` field: the device writes its CouchDB user name there, the first
# write claims the id, and from then on only that account (or an admin) may change or delete it. A
# document written before `account` existed is claimed by the next account that writes it.
HEALTH_VALIDATE = """function (newDoc, oldDoc, userCtx, secObj) {
  var roles = userCtx.roles || [];
  if (roles.indexOf('_admin') !== -1 || roles.indexOf('depot_admin') !== -1) { return; }
  var name = userCtx.name;
  if (!name) { throw({unauthorized: 'health documents are written by a device account'}); }
  if (newDoc._id.indexOf('device:') !== 0) {
    throw({forbidden: 'a device writes only its device:<id> health document'});
  }
  if (oldDoc && oldDoc.account && oldDoc.account !== name) {
    throw({forbidden: newDoc._id + ' belongs to the account ' + oldDoc.account});
  }
  if (!newDoc._deleted && newDoc.account !== name) {
    throw({forbidden: 'the health document must name its account (' + name + ') in account'});
  }
}"""
# The CouchDB role the depot's device accounts carry (in _users: "roles": ["fa_device"]).
DEVICE_ROLE = "fa_device"


def file_digests(path: Path) -> tuple[str, str, int]:
    """(sha256 hex, md5 base64, size) of a file, read in 1 MB chunks. The md5 is what CouchDB reports
    as an attachment's digest: it proves the server stored exactly these bytes."""
    sha, md5, size = hashlib.sha256(), hashlib.md5(usedforsecurity=False), 0
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            sha.update(chunk)
            md5.update(chunk)
            size += len(chunk)
    return sha.hexdigest(), base64.b64encode(md5.digest()).decode("ascii"), size


def _content(doc: dict) -> dict:
    """A document without the server's bookkeeping, to compare what we sent with what it holds."""
    return {k: v for k, v in doc.items() if k not in ("_rev", "_attachments", "_revisions")}


def _chunks(path: Path, offset: int = 0, length: int | None = None) -> Iterator[bytes]:
    """The file's bytes [offset, offset + length) in 1 MB pieces (all of it from `offset` by default)."""
    left = length
    with path.open("rb") as f:
        f.seek(offset)
        while left is None or left > 0:
            chunk = f.read(CHUNK if left is None else min(CHUNK, left))
            if not chunk:
                return
            if left is not None:
                left -= len(chunk)
            yield chunk


def part_digests(path: Path, part_size: int) -> list[tuple[int, int, str]]:
    """(offset, length, md5 base64) of each fixed-size part of a file: what CouchDB will report as
    each part attachment's digest."""
    out = []
    offset = 0
    with path.open("rb") as f:
        while True:
            md5, n = hashlib.md5(usedforsecurity=False), 0
            while n < part_size and (chunk := f.read(min(CHUNK, part_size - n))):
                md5.update(chunk)
                n += len(chunk)
            if n == 0:
                return out
            out.append((offset, n, base64.b64encode(md5.digest()).decode("ascii")))
            offset += n


def blob_complete(blob: dict) -> bool:
    """Whether a `blob:<sha256>` document holds its whole file: attachment `file` of its `size`, or
    every part it lists, each of its length and MD5. A cut upload leaves a blob that says False."""
    atts = blob.get("_attachments") or {}
    parts = blob.get("parts")
    if isinstance(parts, list) and parts:
        for p in parts:
            att = atts.get(p.get("name")) if isinstance(p, dict) else None
            if not isinstance(att, dict) or att.get("length") != p.get("length") or att.get("digest") != f"md5-{p.get('md5')}":
                return False
        return sum(p.get("length") or 0 for p in parts) == blob.get("size")
    att = atts.get("file")
    return isinstance(att, dict) and att.get("length") == blob.get("size")


class Depot:
    """The content, blob and health databases of one depot server."""

    def __init__(self, config: SyncConfig):
        self.config = config
        self.clients = {db: CouchClient(replace(config, db=db)) for db in (CONTENT_DB, BLOBS_DB, HEALTH_DB)}

    def close(self) -> None:
        for c in self.clients.values():
            c.close()

    def __enter__(self) -> Depot:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # Every server failure becomes one DepotError naming the depot, not "the sync server".
    def _call(self, fn, *a, **kw):
        try:
            return fn(*a, **kw)
        except AuthError as e:
            raise DepotError(f"the depot server {self.config.safe_url} refused the admin's credentials ({e}); "
                             "give them in --server https://USER:PASSWORD@host or run `depot init` with them") from e
        except ServerUnreachable as e:
            raise DepotError(f"cannot reach the depot server {self.config.safe_url}; check the URL and the "
                             "network") from e
        except SyncError as e:
            raise DepotError(f"depot server {self.config.safe_url}: {e}") from e

    def _request(self, db: str, method: str, doc_id: str, suffix: str = "", **kw):
        c = self.clients[db]
        return self._call(c.request, method, f"{c.dbpath}/{quote_id(doc_id)}{suffix}", **kw)

    def _fail(self, db: str, r) -> None:
        self._call(self.clients[db]._raise_for, r)

    # ---------------------------------------------------------------- set-up

    def create_databases(self) -> dict[str, bool]:
        """PUT each database; {name: created now}. 412 = it exists already, which is fine."""
        self._call(self.clients[CONTENT_DB].ping)
        made = {}
        for db, c in self.clients.items():
            r = self._call(c.request, "PUT", c.dbpath, ok=(201, 202, 412))
            if r.status_code >= 400 and r.status_code != 412:
                self._fail(db, r)
            made[db] = r.status_code != 412
        for db in (CONTENT_DB, BLOBS_DB):
            self._install_validation(db)
        self._install_validation(HEALTH_DB, HEALTH_VALIDATE)
        for db in self.clients:
            self._let_devices_in(db)
        return made

    def _let_devices_in(self, db: str) -> None:
        """Give the device role access to a database whose _security names no members yet.

        CouchDB 3 creates databases admin-only (`default_security = admin_only`): without members,
        devices could not pull the depot nor push their health. Members read and write; writes to
        the content and blob databases are then refused by the validate_doc_update function above,
        so devices can only write health documents. An admin's own _security is left as it is."""
        c = self.clients[db]
        r = self._call(c.request, "GET", f"{c.dbpath}/_security")
        if r.status_code >= 400:
            self._fail(db, r)
        current = r.json() if r.content else {}
        members = current.get("members") or {}
        if members.get("names") or members.get("roles"):
            return
        body = {"admins": current.get("admins") or {"names": [], "roles": []},
                "members": {"names": [], "roles": [DEVICE_ROLE]}}
        r = self._call(c.request, "PUT", f"{c.dbpath}/_security", json=body)
        if r.status_code >= 400:
            self._fail(db, r)

    def _install_validation(self, db: str, function: str = VALIDATE) -> None:
        current = self.get(db, DESIGN_ID) or {}
        if current.get("validate_doc_update") == function:
            return
        body = {"_id": DESIGN_ID, "validate_doc_update": function, "language": "javascript"}
        if current.get("_rev"):
            body["_rev"] = current["_rev"]
        self.put(db, body)

    # ---------------------------------------------------------------- documents

    def get(self, db: str, doc_id: str) -> dict | None:
        r = self._request(db, "GET", doc_id)
        if r.status_code == 404:
            return None
        if r.status_code >= 400:
            self._fail(db, r)
        try:
            doc = r.json()
        except ValueError as e:
            raise DepotError(f"{doc_id}: the depot server's answer is not JSON") from e
        if not isinstance(doc, dict):
            raise DepotError(f"{doc_id}: the depot server's answer is not a document")
        return doc

    def put(self, db: str, doc: dict[str, Any]) -> str:
        """Write a document (with `_rev` when it replaces one); returns the new revision.

        A 409 means someone changed it in between: the caller reads it again rather than overwrite.
        """
        r = self._request(db, "PUT", doc["_id"], json=doc, ok=(200, 201, 202))
        if r.status_code == 409:
            # Either our own write landed and only its answer was lost (CouchClient then sent it again),
            # or someone else wrote in between. Ours, if the server holds exactly what we sent.
            current = self.get(db, doc["_id"])
            if current is not None and _content(current) == _content(doc):
                return current["_rev"]
            raise DepotError(f"{doc['_id']} was changed on the server meanwhile; run the command again")
        if r.status_code >= 400:
            self._fail(db, r)
        return r.json()["rev"]

    def delete(self, db: str, doc_id: str, rev: str) -> None:
        """Delete one revision; already gone (404) is fine, someone else's newer revision (409) is not."""
        r = self._request(db, "DELETE", doc_id, params={"rev": rev}, ok=(200, 202, 404))
        if r.status_code == 409:
            raise DepotError(f"{doc_id} was changed on the server meanwhile; run the command again")
        if r.status_code >= 400 and r.status_code != 404:
            self._fail(db, r)

    def compact(self, db: str) -> str:
        """Ask the server to compact a database (deleted attachments take disk space until then).
        Returns "started", or why not: compaction is housekeeping, its failure is reported, not raised."""
        c = self.clients[db]
        r = self._call(c.request, "POST", f"{c.dbpath}/_compact", json={}, ok=(200, 202))
        return "started" if r.status_code in (200, 202) else f"not started (HTTP {r.status_code})"

    def all_docs(self, db: str, page: int = 500) -> Iterator[dict]:
        """Every document of a database (design documents left out), a page at a time."""
        c = self.clients[db]
        start = None
        while True:
            params = {"include_docs": "true", "limit": str(page + 1)}
            if start is not None:
                params["startkey"] = '"' + start.replace("\\", "\\\\").replace('"', '\\"') + '"'
            r = self._call(c.request, "GET", f"{c.dbpath}/_all_docs", params=params)
            if r.status_code == 404:
                return
            if r.status_code >= 400:
                self._fail(db, r)
            rows = r.json().get("rows", [])
            for row in rows[:page]:
                if isinstance(row.get("doc"), dict) and not row["id"].startswith("_design/"):
                    yield row["doc"]
            if len(rows) <= page:
                return
            start = rows[page]["id"]

    # ---------------------------------------------------------------- attachments

    def put_attachment(self, db: str, doc_id: str, rev: str, path: Path, md5_b64: str, size: int,
                       content_type: str, name: str = "file", attempts: int = 8, offset: int = 0) -> None:
        """Stream a file into a document's attachment and check the server stored exactly it.

        The body is a generator (httpx sends it as it reads, with the Content-Length we give), so a
        retry needs a fresh one: retries happen here, not in CouchClient. A retry after a dropped
        connection first looks whether the upload landed after all (its digest and length match).
        CouchDB has no resumable upload (no Content-Range on a PUT), so a retry sends the whole file:
        publishing a 1 GB model wants a steady link (devices' downloads, by contrast, resume with Range).
        That is why large models go up as parts (`offset`, `size`: this part of the file; publish.py).
        """
        last: Exception | None = None
        for attempt in range(attempts):
            if attempt:  # CouchDB cannot resume an attachment upload: the whole file goes again
                self.clients[db]._sleep(min(8.0, 0.25 * 2 ** attempt))
            doc = self.get(db, doc_id)
            if doc is None:
                raise DepotError(f"{doc_id} disappeared from the depot server during the upload")
            if self._attachment_matches(doc, name, md5_b64, size):
                return
            rev = doc["_rev"]
            try:
                r = self._request(db, "PUT", doc_id, f"/{name}", params={"rev": rev}, retries=1,
                                  content=_chunks(path, offset, size),
                                  headers={"Content-Type": content_type, "Content-Length": str(size)},
                                  ok=(201, 202))
            except DepotError as e:
                last = e
                log.info("upload of %s to %s failed (%s); checking and retrying", path.name, doc_id, e)
                continue
            if r.status_code == 409:
                continue  # our own earlier attempt landed: read again
            if r.status_code >= 400:
                self._fail(db, r)
        doc = self.get(db, doc_id)
        if doc is not None and self._attachment_matches(doc, name, md5_b64, size):
            return
        raise DepotError(f"could not upload {path.name} to the depot server {self.config.safe_url}"
                         + (f" ({last})" if last else " (the server's copy does not match the file)"))

    @staticmethod
    def _attachment_matches(doc: dict, name: str, md5_b64: str, size: int) -> bool:
        att = (doc.get("_attachments") or {}).get(name)
        return isinstance(att, dict) and att.get("length") == size and att.get("digest") == f"md5-{md5_b64}"


__all__ = ["Depot", "DepotError", "ServerError", "file_digests", "part_digests", "blob_complete", "VALIDATE", "HEALTH_VALIDATE", "DESIGN_ID"]
