"""One depot file onto the device: fetched with `Range: bytes=N-` into `depot-staging/<sha256>.part`,
resumed after a dropped connection (within the call, and at the next round: the part file stays),
verified (size, then SHA-256: the signed document names both), then renamed into place atomically.

Nothing half-downloaded is ever used: the final path only ever holds a verified file. A file whose
size or hash is wrong is deleted and `DownloadRejected` says why (a part shorter or longer than the
blob's list says costs only that part: the ones before it stay staged). A server that ignores Range (answers
200, as pouchdb-server 4.2 does) makes the download start over from the first byte; CouchDB 3
answers 206 for attachments and the download continues where it stopped.

A large model is stored as fixed-size parts, one attachment each (`part-00000`, ... listed in the
blob document, see depot/server.py): they are read one after the other into the same `.part` file,
each from where the file stops (Range within the part; a server that ignores Range costs at most
that part again), and the whole file is then checked as above.
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
    """The file is not the one the signed document describes (wrong size or SHA-256; it is deleted),
    or a large model's part is not as the blob lists it (the parts before it are kept)."""


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


def segments_of(blob: dict | None, size: int) -> list[tuple[str, int]]:
    """The attachments a file is read from, in order: [("file", size)], or a large model's parts as
    the blob document lists them (`parts`: [{"name", "length"}], see depot/server.py). The list is not
    signed; the whole file's size and SHA-256 are, and are checked after the last part."""
    parts = (blob or {}).get("parts")
    if not isinstance(parts, list) or not parts:
        return [("file", size)]
    out = []
    for p in parts:
        if not (isinstance(p, dict) and isinstance(p.get("name"), str) and isinstance(p.get("length"), int)
                and p["length"] > 0 and re.fullmatch(r"part-\d{5}", p["name"])):
            raise DownloadRejected("the blob's list of parts is not well formed")
        out.append((p["name"], p["length"]))
    if sum(n for _, n in out) != size:
        raise DownloadRejected(f"the blob's parts add up to {sum(n for _, n in out)} bytes, the signed document "
                               f"says {size}")
    return out


def _locate(segments: list[tuple[str, int]], have: int) -> tuple[str, int, int]:
    """(attachment, where it starts in the file, its length) of the byte at `have`."""
    start = 0
    for name, length in segments:
        if have < start + length:
            return name, start, length
        start += length
    return segments[-1][0], start - segments[-1][1], segments[-1][1]


def fetch(client: CouchClient, db: str, doc_id: str, dest: Path, sha256: str, size: int,
          cancel: threading.Event | None = None, attempts: int = ATTEMPTS,
          on_bytes: Callable[[int, int], None] | None = None,
          segments: list[tuple[str, int]] | None = None) -> Path:
    """Download attachment "file" of `db/doc_id` (or its `segments`, one attachment after the other)
    to `dest`, verified. Returns `dest`.

    Raises:
        DownloadRejected: wrong size or hash (the staged file is deleted).
        DownloadInterrupted: still incomplete after `attempts` failed connections (the part is kept).
        Cancelled: `cancel` was set (the part is kept; the next call resumes it).
    """
    cancel = cancel or client.cancel
    if dest.exists() and dest.stat().st_size == size and file_hash(dest) == sha256:
        return dest  # already in place (a previous round finished it)
    part = staging_dir() / f"{sha256}.part"
    from ..sync.config import quote_id

    segments = segments or [("file", size)]
    last: Exception | None = None
    failures = 0
    while failures < max(1, attempts):
        have = part.stat().st_size if part.exists() else 0
        if have > size:  # not ours, or the document changed: start over
            part.unlink()
            have = 0
        if have == size:
            break
        if cancel.is_set():
            raise Cancelled("download cancelled")
        name, seg_start, seg_len = _locate(segments, have)
        offset = have - seg_start
        url = f"/{quote_id(db)}/{quote_id(doc_id)}/{name}"
        headers = {"Range": f"bytes={offset}-", "Accept": "*/*"} if offset else {"Accept": "*/*"}
        try:
            with client.http.stream("GET", url, headers=headers) as r:
                if r.status_code == 404:
                    raise DownloadRejected(f"{doc_id}: the server has no file for this document")
                if r.status_code in (401, 403):
                    raise DownloadRejected(f"{doc_id}: the server refused access to the file (HTTP {r.status_code})")
                if r.status_code not in (200, 206):
                    last = AssistantError(f"{doc_id}: HTTP {r.status_code}")
                    failures += 1
                    continue
                if r.status_code == 206:
                    m = re.match(r"bytes (\d+)-", r.headers.get("Content-Range", ""))
                    if not m or int(m.group(1)) != offset:
                        have = seg_start  # not the range asked for: do not splice it in
                        if m:
                            last = AssistantError(f"{doc_id}: the server sent another range")
                            failures += 1
                            continue
                else:
                    have = seg_start  # the server ignored Range: this attachment again from its start
                with part.open("r+b" if part.exists() else "wb") as f:
                    f.seek(have)
                    f.truncate()
                    end = seg_start + seg_len
                    for chunk in r.iter_bytes():  # as received: a chunk size would hold back bytes a drop then loses
                        f.write(chunk)
                        have += len(chunk)
                        if on_bytes:
                            on_bytes(len(chunk), have)
                        if have > end:
                            break  # longer than signed: verification below rejects it
                        if cancel.is_set():
                            f.flush()
                            raise Cancelled("download cancelled")
                    f.flush()
                    os.fsync(f.fileno())
        except httpx.TransportError as e:
            last = e
            failures += 1
            log.info("download of %s dropped at %d of %d bytes; resuming", doc_id, have, size)
            continue
        if have != seg_start + seg_len and len(segments) > 1:
            # The server's part does not match the blob's list of parts (unsigned; the signed SHA-256
            # of the whole decides at the end): the server's fault, not the signed document's. The
            # parts before it, whole by length, are kept for when the server holds this one whole.
            if part.exists():
                with part.open("r+b") as f:
                    f.truncate(seg_start)
            raise DownloadRejected(
                f"{doc_id}: the server's {name} is {'shorter' if have < seg_start + seg_len else 'longer'} than the "
                f"blob's list of parts says ({seg_len} bytes); the {segments.index((name, seg_len))} part(s) "
                "before it are kept, nothing was used")
        if have != seg_start + seg_len:  # the answer ended cleanly: this is all the server holds
            part.unlink(missing_ok=True)
            raise DownloadRejected(f"{doc_id}: the server's file is {'shorter' if have < seg_start + seg_len else 'longer'} "
                                   f"than the signed document says ({size} bytes); nothing was used")
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
