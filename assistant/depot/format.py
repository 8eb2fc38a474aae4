"""What the depot publishes, as both sides read it: document ids, database names, and the Ed25519
signature over a document's canonical JSON.

The admin's `depot` commands sign documents with the depot's private key; a device holds only the
public key (set once with `sync-setup --depot-key`) and refuses any document whose signature does not
verify with it: unsigned, signed by another key, or changed after signing (the server is not trusted
with content, only with carrying it).

Signed payload: the document without `_rev`, `_attachments`, `_revisions`, `_deleted` (the server's
bookkeeping, which replication may change) and without `signature` itself, serialised as JSON with
sorted keys, no spaces, UTF-8. A file's bytes are bound to the document by its `sha256` and `size`
fields, so a swapped attachment fails verification after download even though attachments are not
signed themselves.
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from typing import Any

from ..errors import AssistantError

# Databases on the depot's CouchDB server.
CONTENT_DB = "fa_depot"  # manuals, models, rollouts, jobs: devices pull from it (filtered to their groups)
BLOBS_DB = "fa_blobs"  # large files as attachments of `blob:<sha256>` docs: downloaded with HTTP Range, never replicated
HEALTH_DB = "fa_health"  # one document per device, pushed by the device with every sync

KINDS = ("manual", "model", "rollout", "job")
KEY_PREFIX = "ed25519:"
# How both sides write a time into a document (created, touched, withdrawn_at, a device's health and
# rollback records): UTC, whole seconds, "Z". gc compares them, so there is one format.
TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
UNSIGNED_FIELDS = ("_rev", "_attachments", "_revisions", "_deleted", "_conflicts", "signature")


class DepotSignatureError(AssistantError):
    """A depot document is unsigned, signed by another key, or changed after it was signed."""


def now() -> str:
    """Now as a document's time field (TIME_FORMAT)."""
    return datetime.now(UTC).strftime(TIME_FORMAT)


def parse_time(text) -> datetime | None:
    """A document's time field as an aware datetime; None if it is missing or not in TIME_FORMAT."""
    try:
        return datetime.strptime(text, TIME_FORMAT).replace(tzinfo=UTC)
    except (TypeError, ValueError):
        return None


def doc_id(kind: str, name: str, revision: str | None = None) -> str:
    """`manual:<name>:<revision>`, `model:<name>:<version>`, `rollout:<name>`, `job:<name>`.

    A manual's `name` is stable across its revisions (e.g. "p200-om"), so each revision is its own
    document and an old one stays available for rollback and for notes that cited it.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown depot document kind {kind!r}")
    for part in (name, revision or ""):
        if ":" in part or "/" in part:
            raise ValueError(f"':' and '/' are not allowed in depot names and revisions: {part!r}")
    return f"{kind}:{name}:{revision}" if revision is not None else f"{kind}:{name}"


def blob_id(sha256: str) -> str:
    return f"blob:{sha256}"


def canonical(doc: dict[str, Any]) -> bytes:
    payload = {k: v for k, v in doc.items() if k not in UNSIGNED_FIELDS}
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def encode_public_key(raw: bytes) -> str:
    return KEY_PREFIX + base64.b64encode(raw).decode("ascii")


def decode_public_key(text: str):
    """An `ed25519:BASE64` public key, as `depot init` prints it."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    text = (text or "").strip()
    if not text.startswith(KEY_PREFIX):
        raise DepotSignatureError(f"not a depot public key (expected '{KEY_PREFIX}...'): {text[:40]!r}")
    try:
        return Ed25519PublicKey.from_public_bytes(base64.b64decode(text[len(KEY_PREFIX):], validate=True))
    except ValueError as e:
        raise DepotSignatureError(f"not a valid Ed25519 public key: {e}") from e


def sign(doc: dict[str, Any], private_key) -> dict[str, Any]:
    """A copy of `doc` with its `signature` (base64) made with an Ed25519PrivateKey."""
    signature = private_key.sign(canonical(doc))
    return {**doc, "signature": base64.b64encode(signature).decode("ascii")}


def verify(doc: dict[str, Any], public_key) -> None:
    """Raise DepotSignatureError unless `doc` carries a valid signature by `public_key`."""
    from cryptography.exceptions import InvalidSignature

    sig = doc.get("signature")
    if not isinstance(sig, str) or not sig:
        raise DepotSignatureError(f"{doc.get('_id', '?')}: not signed")
    try:
        public_key.verify(base64.b64decode(sig, validate=True), canonical(doc))
    except (InvalidSignature, ValueError) as e:
        raise DepotSignatureError(f"{doc.get('_id', '?')}: signature does not verify with this device's "
                                  "depot key (signed by another key, or changed after signing)") from e
