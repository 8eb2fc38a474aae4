"""A small stand-in for the admin's `depot` commands (built in parallel): documents made per the
contract in assistant/depot/format.py, signed with `format.sign` and a key made in the test, PUT with
their file to the real pouchdb-server. Tampering helpers alter what is stored after signing."""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime, timedelta

import httpx
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from assistant.depot import format as fmt

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def new_key() -> tuple[Ed25519PrivateKey, str]:
    key = Ed25519PrivateKey.generate()
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return key, fmt.encode_public_key(raw)


class Depot:
    def __init__(self, url: str, key: Ed25519PrivateKey | None = None):
        self.url = url
        self.key, self.public = (key, None) if key else new_key()
        if key:
            raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
            self.public = fmt.encode_public_key(raw)
        self.http = httpx.Client(base_url=url, timeout=60)
        self.clock = 0
        for db in (fmt.CONTENT_DB, fmt.BLOBS_DB):
            r = self.http.put(f"/{db}")
            assert r.status_code in (201, 412), r.text

    def created(self) -> str:
        self.clock += 1
        return (T0 + timedelta(minutes=self.clock)).isoformat().replace("+00:00", "Z")

    def get(self, doc_id: str, db: str = fmt.CONTENT_DB) -> dict | None:
        r = self.http.get(f"/{db}/{doc_id}")
        return r.json() if r.status_code == 200 else None

    def put(self, doc: dict, data: bytes | None = None, db: str = fmt.CONTENT_DB, sign_with=None,
            signed: bool = True) -> dict:
        """Sign and store `doc` (a new CouchDB revision if it exists), with `data` as attachment "file"."""
        body = fmt.sign(doc, sign_with or self.key) if signed else dict(doc)
        old = self.get(doc["_id"], db)
        if old:
            body["_rev"] = old["_rev"]
            if data is None and old.get("_attachments"):
                body["_attachments"] = old["_attachments"]  # stubs: keep the file
        if data is not None:
            body["_attachments"] = {"file": {"content_type": "application/octet-stream",
                                             "data": base64.b64encode(data).decode()}}
        r = self.http.put(f"/{db}/{doc['_id']}", json=body)
        assert r.status_code in (200, 201), r.text
        return body

    def manual(self, name: str, revision: str, data: bytes, filename: str = "manual.md", groups=(),
               equipment=("P-200",), title: str | None = None, **override) -> dict:
        doc = {"_id": fmt.doc_id("manual", name, revision), "kind": "manual", "name": name, "revision": revision,
               "title": title or f"{name} rev {revision}", "filename": filename,
               "sha256": hashlib.sha256(data).hexdigest(), "size": len(data), "equipment": list(equipment),
               "groups": list(groups), "created": self.created(), "withdrawn": False}
        doc.update(override)
        return self.put(doc, data)

    def withdraw(self, doc_id: str) -> dict:
        doc = {k: v for k, v in self.get(doc_id).items() if k not in ("_rev", "_attachments", "signature")}
        doc["withdrawn"] = True
        return self.put(doc)

    def model(self, name: str, version: str, data: bytes, filename: str | None = None, groups=()) -> dict:
        sha = hashlib.sha256(data).hexdigest()
        if not self.get(fmt.blob_id(sha), fmt.BLOBS_DB):
            # The file as a standalone binary attachment: a model is too large to send as base64 JSON.
            r = self.http.put(f"/{fmt.BLOBS_DB}/{fmt.blob_id(sha)}", json={"sha256": sha, "size": len(data)})
            assert r.status_code == 201, r.text
            r = self.http.put(f"/{fmt.BLOBS_DB}/{fmt.blob_id(sha)}/file", params={"rev": r.json()["rev"]},
                              content=data, headers={"Content-Type": "application/octet-stream"},
                              timeout=600)  # pouchdb-server takes ~1 min for the 100 MB model, more on a busy machine
            assert r.status_code == 201, r.text
        doc = {"_id": fmt.doc_id("model", name, version), "kind": "model", "name": name, "revision": version,
               "filename": filename or f"{name}-{version}.gguf", "sha256": sha, "size": len(data), "role": "chat",
               "min_ram_gb": 1, "groups": list(groups), "created": self.created(), "withdrawn": False,
               "blob": fmt.blob_id(sha)}
        return self.put(doc)

    def rollout(self, model_name: str, model_doc_id: str, groups=(), percent=None) -> dict:
        doc = {"_id": fmt.doc_id("rollout", model_name), "kind": "rollout", "model": model_doc_id,
               "groups": list(groups), "created": self.created()}
        if percent is not None:
            doc["percent"] = percent
        return self.put(doc)

    def tamper(self, doc_id: str, **changes) -> None:
        """Change a stored document after it was signed (keeps its signature)."""
        doc = self.get(doc_id)
        doc.update(changes)
        r = self.http.put(f"/{fmt.CONTENT_DB}/{doc_id}", json=doc)
        assert r.status_code in (200, 201), r.text

    def close(self) -> None:
        self.http.close()
