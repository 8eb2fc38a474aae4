"""One depot file onto the device: fetched with `Range: bytes=N-` into `depot-staging/<sha256>.part`,
resumed after a dropped connection (within the call, and at the next round: the part file stays),
verified (size, then SHA-256: the signed document names both), then renamed into place atomically.

Nothing half-downloaded is ever used: the final path only ever holds a verified file. A file whose
size or hash is wrong is deleted and `DownloadRejected` says why. A server that ignores Range (answers
200, as pouchdb-server 4.2 does) makes the download start over from the first byte; CouchDB 3
answers 206 for attachments and the download continues where it stopped.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from collections.abc import Callable
from pathlib import Path

import httpx

from .. import paths
from ..errors import AssistantError, Cancelled
from ..library.ingest import file_hash  # the sha256 a manual's content hash is too
from ..sync.couch import CouchClient

log = logging.getLogger(__name__)

CHUNK = 1 << 16
ATTEMPTS = 6


class DownloadRejected(AssistantError):
    """The file is not the one the signed document describes (wrong size or SHA-256); it is deleted."""


class DownloadInterrupted(AssistantError):
    """The connection dropped too often; the part already fetched is kept for the next round."""


def staging_dir() -> Path:
    d = paths.home() / "depot-staging"
    d.mkdir(parents=True, exist_ok=True)
    return d


def _fsync_dir(d: Path) -> None:
    try:
        fd = os.open(d, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def fetch(client: CouchClient, db: str, doc_id: str, dest: Path, sha256: str, size: int,
          cancel: threading.Event | None = None, attempts: int = ATTEMPTS,
          on_bytes: Callable[[int, int], None] | None = None) -> Path:
    """Download attachment "file" of `db/doc_id` to `dest`, verified. Returns `dest`.

    Raises:
        DownloadRejected: wrong size or hash (the staged file is deleted).
        DownloadInterrupted: still incomplete after `attempts` connections (the part is kept).
        Cancelled: `cancel` was set (the part is kept; the next call resumes it).
    """
    cancel = cancel or client.cancel
    if dest.exists() and dest.stat().st_size == size and file_hash(dest) == sha256:
        return dest  # already in place (a previous round finished it)
    part = staging_dir() / f"{sha256}.part"
    from ..sync.config import quote_id

    url = f"/{quote_id(db)}/{quote_id(doc_id)}/file"
    last: Exception | None = None
    for _ in range(max(1, attempts)):
        have = part.stat().st_size if part.exists() else 0
        if have > size:  # not ours, or the document changed: start over
            part.unlink()
            have = 0
        if have == size:
            break
        if cancel.is_set():
            raise Cancelled("download cancelled")
        headers = {"Range": f"bytes={have}-", "Accept": "*/*"} if have else {"Accept": "*/*"}
        try:
            with client.http.stream("GET", url, headers=headers) as r:
                if r.status_code == 404:
                    raise DownloadRejected(f"{doc_id}: the server has no file for this document")
                if r.status_code in (401, 403):
                    raise DownloadRejected(f"{doc_id}: the server refused access to the file (HTTP {r.status_code})")
                if r.status_code not in (200, 206):
                    last = AssistantError(f"{doc_id}: HTTP {r.status_code}")
                    continue
                mode = "ab"
                if r.status_code == 206:
                    m = re.match(r"bytes (\d+)-", r.headers.get("Content-Range", ""))
                    if not m or int(m.group(1)) != have:
                        mode, have = "wb", 0  # not the range asked for: do not splice it in
                        if m:
                            last = AssistantError(f"{doc_id}: the server sent another range")
                            continue
                else:
                    mode, have = "wb", 0  # the server ignored Range: the whole file again
                with part.open(mode) as f:
                    for chunk in r.iter_bytes():  # as received: a chunk size would hold back bytes a drop then loses
                        f.write(chunk)
                        have += len(chunk)
                        if on_bytes:
                            on_bytes(len(chunk), have)
                        if have > size:
                            break  # longer than signed: verification below rejects it
                        if cancel.is_set():
                            f.flush()
                            raise Cancelled("download cancelled")
                    f.flush()
                    os.fsync(f.fileno())
        except httpx.TransportError as e:
            last = e
            log.info("download of %s dropped at %d of %d bytes; resuming", doc_id, have, size)
            continue
        if have != size:  # the answer ended cleanly: this is all the server holds
            part.unlink(missing_ok=True)
            raise DownloadRejected(f"{doc_id}: the server's file is {'shorter' if have < size else 'longer'} "
                                   f"than the signed document says ({size} bytes); nothing was used")
        break
    have = part.stat().st_size if part.exists() else 0
    if have < size:
        if last is not None and not isinstance(last, httpx.TransportError):
            raise DownloadInterrupted(str(last))
        raise DownloadInterrupted(f"{doc_id}: download incomplete ({have} of {size} bytes); it resumes next round")
    if have != size:
        part.unlink(missing_ok=True)
        raise DownloadRejected(f"{doc_id}: the file is {have} bytes, the signed document says {size}; deleted")
    digest = file_hash(part)
    if digest != sha256:
        part.unlink(missing_ok=True)
        raise DownloadRejected(f"{doc_id}: the file's SHA-256 is {digest[:12]}..., the signed document says "
                               f"{sha256[:12]}...; deleted")
    dest.parent.mkdir(parents=True, exist_ok=True)
    os.replace(part, dest)
    _fsync_dir(dest.parent)
    return dest
