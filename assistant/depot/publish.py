"""What the depot admin publishes: manuals, models, rollouts, jobs, withdrawals; and the status read
back from the devices' health documents.

Every document is signed with the depot key (format.sign) before it is written, and written again,
re-signed, when it changes (a withdrawal, a new rollout). Publishing is idempotent: the same file
under the same revision is a no-op, so a command cut short is simply run again; the same revision
with other bytes is refused, because devices that hold revision R must be able to trust that R
means one file.
"""

from __future__ import annotations

import mimetypes
import re
import uuid
from pathlib import Path
from typing import Any

from ..gguf import quantization, read_metadata
from . import format as fmt
from .format import BLOBS_DB, CONTENT_DB, HEALTH_DB, DepotSignatureError, doc_id
from .keys import DepotError, SigningKey
from .server import Depot, blob_complete, file_digests, part_digests


def _signed(body: dict[str, Any], key: SigningKey) -> dict[str, Any]:
    """Sign `body` as the server will give it back. CouchDB (and pouchdb-server) keep numbers as
    JavaScript does, so 2.0 comes back as 2; a float with an integral value is written as an int, or
    the signature made over "2.0" would not verify over the "2" a device receives."""
    def plain(v):
        if isinstance(v, float) and v.is_integer():
            return int(v)
        if isinstance(v, dict):
            return {k: plain(x) for k, x in v.items()}
        if isinstance(v, list):
            return [plain(x) for x in v]
        return v

    return fmt.sign(plain(body), key.private_key)


def slug(text: str) -> str:
    """A name usable in a document id: lower case, no ':' or '/'."""
    s = re.sub(r"[^a-z0-9._-]+", "-", text.lower()).strip("-.")
    return s or "item"


def _check_part(what: str, value: str) -> str:
    value = (value or "").strip()
    if not value:
        raise DepotError(f"{what} must not be empty")
    if ":" in value or "/" in value:
        raise DepotError(f"{what} {value!r}: ':' and '/' are not allowed (they separate the parts of a depot id)")
    return value


def _existing_file(path: Path) -> Path:
    path = Path(path)
    if not path.is_file():
        raise DepotError(f"{path}: no such file")
    return path


def _same_or_refuse(existing: dict, sha256: str, size: int, what: str) -> None:
    if existing.get("sha256") != sha256 or existing.get("size") != size:
        raise DepotError(f"{existing['_id']} is already published with other content (sha256 "
                         f"{str(existing.get('sha256'))[:12]}…, {existing.get('size')} bytes; this file "
                         f"{sha256[:12]}…, {size} bytes): publish it as a new {what}")


def _result(doc: dict, action: str, **extra) -> dict[str, Any]:
    return {"id": doc["_id"], "action": action, "rev": doc.get("_rev"),
            **{k: doc.get(k) for k in ("kind", "name", "revision", "sha256", "size") if k in doc}, **extra}


def publish_manual(depot: Depot, key: SigningKey, path: Path, revision: str, name: str | None = None,
                   title: str | None = None, equipment: list[str] = (), groups: list[str] = ()) -> dict:
    """Publish one revision of a manual: a signed document with the file as its attachment "file".

    Returns {"id", "action": "published" | "unchanged" | "completed", ...}.
    """
    path = _existing_file(path)
    revision = _check_part("--revision", revision)
    name = _check_part("--name", name) if name else slug(path.stem)
    sha256, md5, size = file_digests(path)
    did = doc_id("manual", name, revision)
    ctype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    existing = depot.get(CONTENT_DB, did)
    if existing is not None:
        _same_or_refuse(existing, sha256, size, "revision")
        if depot._attachment_matches(existing, "file", md5, size):
            return _result(existing, "unchanged")
        # The document landed but its file did not (an earlier run cut short): finish that run.
        depot.put_attachment(CONTENT_DB, did, existing["_rev"], path, md5, size, ctype)
        return _result(depot.get(CONTENT_DB, did) or existing, "completed")
    doc = _signed({
        "_id": did, "kind": "manual", "name": name, "revision": revision, "title": title or path.stem,
        "filename": path.name, "sha256": sha256, "size": size, "equipment": sorted(set(equipment)),
        "groups": sorted(set(groups)), "created": fmt.now(), "withdrawn": False,
    }, key)
    rev = depot.put(CONTENT_DB, doc)
    depot.put_attachment(CONTENT_DB, did, rev, path, md5, size, ctype)
    return _result(depot.get(CONTENT_DB, did) or doc, "published")


def publish_model(depot: Depot, key: SigningKey, path: Path, version: str, name: str | None = None,
                  role: str = "chat", min_ram_gb: float | None = None, groups: list[str] = (),
                  part_size: int | None = None) -> dict:
    """Publish a GGUF model: the file once in BLOBS_DB as `blob:<sha256>`, then the signed model doc."""
    path = _existing_file(path)
    version = _check_part("--version", version)
    meta = read_metadata(path)  # ModelCorruptError: not GGUF, or cut short
    name = _check_part("--name", name) if name else slug(path.stem)
    sha256, md5, size = file_digests(path)
    did = doc_id("model", name, version)
    existing = depot.get(CONTENT_DB, did)
    if existing is not None:
        _same_or_refuse(existing, sha256, size, "version")
    bid = fmt.blob_id(sha256)
    up = upload_blob(depot, path, sha256, md5, size, part_size or PART_SIZE)
    uploaded = up["parts_uploaded"] > 0
    extra = {"blob": bid, "blob_uploaded": uploaded, "blob_parts": up["parts"], "parts_uploaded": up["parts_uploaded"]}
    if existing is not None:
        return _result(existing, "unchanged", **extra)
    doc = _signed({
        "_id": did, "kind": "model", "name": name, "revision": version, "filename": path.name,
        "sha256": sha256, "size": size, "role": role, "min_ram_gb": min_ram_gb, "groups": sorted(set(groups)),
        "created": fmt.now(), "withdrawn": False, "blob": bid,
        "architecture": meta.get("general.architecture"), "quantization": quantization(meta),
    }, key)
    depot.put(CONTENT_DB, doc)
    return _result(depot.get(CONTENT_DB, did) or doc, "published", **extra)


# Models larger than this go up as parts of this size, one attachment each (docs/depot.md: why 64 MB).
PART_SIZE = 64 * 2**20
OCTETS = "application/octet-stream"


def upload_blob(depot: Depot, path: Path, sha256: str, md5: str, size: int, part_size: int = PART_SIZE) -> dict:
    """Put the file in BLOBS_DB as `blob:<sha256>`, sending only what the server does not hold yet.

    Up to `part_size`: one attachment `file`. Larger: the blob document lists its parts
    (`parts`: [{"name": "part-00000", "length", "md5"}], `part_size`) and each part is its own
    attachment, uploaded and checked (server's MD5 and length) one after the other; a run cut short
    leaves the parts that arrived, and the next run sends from the first missing one. A blob is
    complete only when every listed part is there with its digest (server.blob_complete); the model
    document, which devices follow, is written after that. Returns {"parts", "parts_uploaded"}.
    """
    bid = fmt.blob_id(sha256)
    blob = depot.get(BLOBS_DB, bid)
    if blob is not None and depot._attachment_matches(blob, "file", md5, size):
        return {"parts": 1, "parts_uploaded": 0}  # held whole (also a blob published before parts existed)
    base = {"_id": bid, "sha256": sha256, "size": size, "filename": path.name, "created": fmt.now()}
    if size <= part_size:
        if blob is not None and blob.get("parts"):
            # Begun as parts (a smaller --part-mb) and not finished: its list of parts would still
            # say what devices read (download.segments_of), so it starts again as one file.
            depot.delete(BLOBS_DB, bid, blob["_rev"])
            blob = None
        rev = _touch(depot, bid) if blob is not None else depot.put(BLOBS_DB, base)
        depot.put_attachment(BLOBS_DB, bid, rev, path, md5, size, OCTETS)
        return {"parts": 1, "parts_uploaded": 1}
    layout = part_digests(path, part_size)
    want = [{"name": f"part-{i:05d}", "length": n, "md5": m} for i, (_, n, m) in enumerate(layout)]
    if blob is not None and blob.get("parts") != want:
        # Begun with another part size (or as one file) and not finished: start it again.
        depot.delete(BLOBS_DB, bid, blob["_rev"])
        blob = None
    if blob is None:
        depot.put(BLOBS_DB, {**base, "part_size": part_size, "parts": want})
        blob = depot.get(BLOBS_DB, bid) or {}
    sent = 0
    for (offset, n, m), p in zip(layout, want, strict=True):
        if depot._attachment_matches(blob, p["name"], m, n):
            continue
        rev = _touch(depot, bid)
        depot.put_attachment(BLOBS_DB, bid, rev, path, m, n, OCTETS, name=p["name"], offset=offset)
        sent += 1
    final = depot.get(BLOBS_DB, bid)
    if final is None or not blob_complete(final):
        raise DepotError(f"{bid}: the server does not hold every part after the upload; run the command again")
    return {"parts": len(want), "parts_uploaded": sent}


def _touch(depot: Depot, bid: str) -> str:
    """Mark the blob written now (`touched`) before a part of it goes up: `depot gc` keeps a blob
    written in the last hour, and an upload resumed long after it was begun is under way too.
    Returns the new revision; the attachments already there stay (their stubs go back with it)."""
    doc = depot.get(BLOBS_DB, bid)
    if doc is None:
        raise DepotError(f"{bid} disappeared from the depot server during the upload")
    return depot.put(BLOBS_DB, {**doc, "touched": fmt.now()})


def _ours(doc: dict, key: SigningKey) -> None:
    try:
        fmt.verify(doc, fmt.decode_public_key(key.public_key))
    except DepotSignatureError as e:
        raise DepotError(f"{doc['_id']} on the server is not signed by this admin's depot key; "
                         "it was not changed") from e


def withdraw(depot: Depot, key: SigningKey, target: str) -> dict:
    """A new revision of the same document with `withdrawn: true`, signed again; the attachment stays
    (its stub goes back with the document) so a device can still verify what it held."""
    doc = depot.get(CONTENT_DB, target)
    if doc is None:
        raise DepotError(f"{target}: no such document in the depot (ids look like manual:NAME:REVISION, "
                         "model:NAME:VERSION, job:ID; see `depot status`)")
    _ours(doc, key)
    if doc.get("withdrawn") is True:
        return _result(doc, "unchanged")
    changed = _signed({**doc, "withdrawn": True, "withdrawn_at": fmt.now()}, key)
    depot.put(CONTENT_DB, changed)
    return _result(depot.get(CONTENT_DB, target) or changed, "withdrawn")


def rollout(depot: Depot, key: SigningKey, model: str, groups: list[str] = (), percent: int | None = None) -> dict:
    """Point devices (by group and/or percentage) at a published model: `rollout:<model name>`.

    Fields left out are not written: a rollout without `groups` goes by percentage only (an empty
    `groups` would read as "every device" on manuals).
    """
    model_id = model if model.startswith("model:") else f"model:{model}"
    target = depot.get(CONTENT_DB, model_id)
    if target is None or target.get("kind") != "model":
        raise DepotError(f"{model_id}: no such model in the depot (give model:NAME:VERSION, as "
                         "`depot publish-model` printed it)")
    _ours(target, key)
    if target.get("withdrawn"):
        raise DepotError(f"{model_id} is withdrawn: publish a new version to roll out")
    if not groups and percent is None:
        raise DepotError("rollout: give --groups G... and/or --percent P")
    if percent is not None and not 0 <= percent <= 100:
        raise DepotError(f"--percent must be 0 to 100, not {percent}")
    rid = doc_id("rollout", target["name"])
    body: dict[str, Any] = {"_id": rid, "kind": "rollout", "model": model_id}
    if groups:
        body["groups"] = sorted(set(groups))
    if percent is not None:
        body["percent"] = percent
    existing = depot.get(CONTENT_DB, rid)
    if existing is not None:
        same = all(existing.get(k) == body.get(k) for k in ("model", "groups", "percent"))
        if same and not existing.get("withdrawn"):
            return _result(existing, "unchanged", model=model_id)
        body["_rev"] = existing["_rev"]
    doc = _signed({**body, "created": fmt.now(), "withdrawn": False}, key)
    depot.put(CONTENT_DB, doc)
    return _result(depot.get(CONTENT_DB, rid) or doc, "updated" if existing else "published", model=model_id,
                   groups=body.get("groups"), percent=body.get("percent"))


def add_job(depot: Depot, key: SigningKey, asset: str, serial: str, site: str | None = None,
            work_order: str | None = None, device: str | None = None, groups: list[str] = (),
            job_id: str | None = None) -> dict:
    if not device and not groups:
        raise DepotError("jobs add: give --device D or --group G (who does the job)")
    if not asset.strip() or not serial.strip():
        raise DepotError("jobs add: --asset and --serial must not be empty")
    jid = doc_id("job", _check_part("--id", job_id) if job_id else uuid.uuid4().hex[:12])
    if depot.get(CONTENT_DB, jid) is not None:
        raise DepotError(f"{jid} exists already")
    body: dict[str, Any] = {"_id": jid, "kind": "job", "asset": asset.strip(), "serial": serial.strip(),
                            "site": site, "work_order": work_order, "created": fmt.now(), "withdrawn": False}
    if device:
        body["device"] = device
    if groups:
        body["groups"] = sorted(set(groups))
    doc = _signed(body, key)
    depot.put(CONTENT_DB, doc)
    return _result(depot.get(CONTENT_DB, jid) or doc, "published", asset=body["asset"], serial=body["serial"],
                   device=device, groups=body.get("groups"))


# Fields of a device's health document shown in the status table (all of it is in --json).
HEALTH_SUMMARY = ("app_version", "model", "model_version", "library", "library_version", "manuals",
                  "last_seen", "updated", "sent_at", "free_disk_mb", "free_ram_mb", "questions", "errors")


def status(depot: Depot, key: SigningKey | None) -> dict[str, Any]:
    """What is published (each document checked against this admin's key when it is here) and what
    the devices last reported."""
    public = fmt.decode_public_key(key.public_key) if key else None
    published = []
    for d in depot.all_docs(CONTENT_DB):
        item = {k: d.get(k) for k in ("kind", "name", "revision", "title", "sha256", "size", "groups",
                                      "equipment", "model", "percent", "asset", "serial", "device",
                                      "created", "withdrawn") if k in d}
        item["id"] = d["_id"]
        item["file"] = "file" in (d.get("_attachments") or {}) if d.get("kind") == "manual" else None
        if public is not None:
            try:
                fmt.verify(d, public)
                item["verified"] = True
            except DepotSignatureError:
                item["verified"] = False
        published.append(item)
    blobs = [{"id": b["_id"], "size": b.get("size"), "file": blob_complete(b),
              "parts": len(b["parts"]) if isinstance(b.get("parts"), list) else None}
             for b in depot.all_docs(BLOBS_DB)]
    devices = []
    for h in depot.all_docs(HEALTH_DB):
        dev = h["_id"].removeprefix("device:")
        devices.append({"device": dev, **{k: v for k, v in h.items() if k not in ("_id", "_rev", "_revisions")}})
    devices.sort(key=lambda d: str(d.get("last_seen") or d.get("updated") or d.get("sent_at") or ""), reverse=True)
    return {"server": depot.config.safe_url, "public_key": key.public_key if key else None,
            "published": published, "blobs": blobs, "devices": devices}
