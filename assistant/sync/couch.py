"""A small client for the CouchDB replication endpoints (CouchDB 3.x, pouchdb-server), over httpx.

Every request the replicator makes is idempotent (revision ids are fixed before upload, uploads use
`new_edits: false`), so a request that failed in transit is simply sent again: a write the server
applied before the connection dropped is applied again as a no-op.
"""

from __future__ import annotations

import email.utils
import logging
import random
import ssl
import threading
import time
from typing import Any

import httpx

from ..errors import AssistantError, Cancelled
from .config import SyncConfig, quote_id

log = logging.getLogger(__name__)

# httpx logs every request at INFO; at 10,000 notes that drowns the app's log.
logging.getLogger("httpx").setLevel(logging.WARNING)
logging.getLogger("httpcore").setLevel(logging.WARNING)

TRANSIENT_STATUS = {408, 429, 500, 502, 503, 504}
# The largest answer read: a page of 500 notes with long bodies is a few MB; more is a broken server.
MAX_RESPONSE_BYTES = 64 * 2**20


class SyncError(AssistantError):
    """Sync could not complete; what was done is kept and the rest waits for the next round."""


class ServerUnreachable(SyncError):
    """The server cannot be reached (offline, DNS, refused, timed out)."""


class TlsError(SyncError):
    """The server's TLS certificate is not trusted (wrong or missing pinned CA, wrong host name)."""


def _cert_problem(e: BaseException) -> ssl.SSLCertVerificationError | None:
    """The certificate verification failure inside an httpx error, if that is what it is."""
    seen = set()
    while e is not None and id(e) not in seen:
        seen.add(id(e))
        if isinstance(e, ssl.SSLCertVerificationError):
            return e
        e = e.__cause__ or e.__context__ or (e.args[0] if e.args and isinstance(e.args[0], BaseException) else None)
    return None


class RetryLater(SyncError):
    """The server asked us to come back later (429/503 with Retry-After)."""

    def __init__(self, message: str, retry_after: float | None):
        super().__init__(message)
        self.retry_after = retry_after


class AuthError(SyncError):
    """The server refused our credentials or our access to the database."""


class ServerError(SyncError):
    """The server answered with something we cannot use."""


class ProtocolError(ServerError):
    """An answer that is not what the CouchDB replication protocol says (wrong types or shape)."""


def retry_after_seconds(value: str | None) -> float | None:
    """Retry-After as seconds: either delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


class CouchClient:
    """One database on one server.

    Args:
        config: URL, database, credentials, TLS.
        cancel: when set, the next retry wait raises `Cancelled`.
        retries: attempts per request for transient failures (dropped connections, 5xx, 429).
        max_wait_s: a Retry-After longer than this is not waited out here but raised as `RetryLater`,
            so the scheduler can come back later instead of holding a thread.
    """

    def __init__(self, config: SyncConfig, cancel: threading.Event | None = None, retries: int = 6,
                 max_wait_s: float = 30.0, transport: httpx.BaseTransport | None = None):
        self.config = config
        self.cancel = cancel or threading.Event()
        self.retries = retries
        self.max_wait_s = max_wait_s
        self._rng = random.Random()
        headers = {"Accept": "application/json"}
        auth: Any = None
        if config.user:
            auth = httpx.BasicAuth(config.user, config.password or "")
        elif config.password:
            headers["Authorization"] = f"Bearer {config.password}"  # a token (e.g. CouchDB JWT)
        verify: Any = True
        if config.ca_file:
            verify = ssl.create_default_context(cafile=config.ca_file)  # trusts that CA only
        elif not config.verify_tls:
            log.warning("TLS certificate verification is OFF for %s", config.safe_url)
            verify = False
        self.http = httpx.Client(
            base_url=config.url, auth=auth, headers=headers, verify=verify, transport=transport,
            timeout=httpx.Timeout(config.timeout_s, connect=min(5.0, config.timeout_s)),
            limits=httpx.Limits(max_keepalive_connections=2, max_connections=4),
        )
        self.dbpath = "/" + quote_id(config.db)
        self._local_revs: dict[str, str] = {}  # _local/ doc -> its rev, saving a GET per checkpoint

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> CouchClient:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ------------------------------------------------------------ requests

    def request(self, method: str, path: str, *, ok: tuple[int, ...] = (200, 201, 202), retries: int | None = None,
                timeout: float | None = None, **kw) -> httpx.Response:
        """Send one request, retrying transient failures with exponential backoff and full jitter.
        Non-transient answers come back as they are for the caller to interpret.

        Raises:
            ServerUnreachable, RetryLater, AuthError, ServerError, Cancelled.
        """
        attempts = self.retries if retries is None else retries
        last: Exception | None = None
        for attempt in range(attempts):
            if self.cancel.is_set():
                raise Cancelled("sync cancelled")
            wait = None
            try:
                if timeout is not None:
                    kw["timeout"] = timeout
                r = self._send(method, path, **kw)
            except (httpx.TransportError, httpx.DecodingError) as e:
                if (bad := _cert_problem(e)) is not None:
                    # Not transient: retrying cannot help, and "cannot reach" would send the admin
                    # looking at the network instead of the certificate.
                    fix = ("check that sync_ca_file is the depot's CA" if self.config.ca_file else
                           "set sync_ca_file to the depot's CA certificate (Settings > Notes sync)")
                    raise TlsError(f"the sync server {self.config.safe_url} is not trusted (certificate check: "
                                   f"{bad.verify_message or bad.reason}); {fix}") from e
                # Includes connections dropped after the server applied a write: safe to resend.
                last = e
                log.debug("%s %s failed (%s), attempt %d", method, path, type(e).__name__, attempt + 1)
            else:
                if r.status_code in ok or r.status_code not in TRANSIENT_STATUS:
                    return r  # success, or an answer the caller interprets (404, 409, 401, 413...)
                wait = retry_after_seconds(r.headers.get("Retry-After"))
                if wait is not None and wait > self.max_wait_s:
                    raise RetryLater(f"the sync server asked to retry in {wait:.0f} s", wait)
                last = ServerError(f"{method} {path}: HTTP {r.status_code}")
                if r.status_code in (429, 503) and attempt == attempts - 1:
                    raise RetryLater(f"the sync server is busy (HTTP {r.status_code})", wait)
            if attempt < attempts - 1:
                backoff = self._rng.uniform(0, min(8.0, 0.1 * 2 ** attempt))
                self._sleep(max(backoff, wait or 0.0))
        if isinstance(last, httpx.TransportError):
            raise ServerUnreachable(f"cannot reach the sync server {self.config.safe_url}: "
                                    f"{type(last).__name__}") from last
        raise last if isinstance(last, SyncError) else ServerError(str(last))

    def _send(self, method: str, path: str, **kw) -> httpx.Response:
        """One request, its answer read with limits: a hostile or broken server can send an endless
        stream or a body of gigabytes, which would hold the thread or the memory forever."""
        r = self.http.send(self.http.build_request(method, path, **kw), stream=True)
        try:
            body = bytearray()
            deadline = time.monotonic() + 10 * self.config.timeout_s
            for chunk in r.iter_bytes():
                body += chunk
                if len(body) > MAX_RESPONSE_BYTES:
                    raise ServerError(f"{method} {path}: the server's answer is larger than "
                                      f"{MAX_RESPONSE_BYTES // 2**20} MB")
                if time.monotonic() > deadline or self.cancel.is_set():
                    raise ServerError(f"{method} {path}: the server's answer did not end")
        finally:
            r.close()
        headers = [(k, v) for k, v in r.headers.multi_items()
                   if k.lower() not in ("content-encoding", "content-length", "transfer-encoding")]
        return httpx.Response(r.status_code, headers=headers, content=bytes(body), request=r.request)

    def _sleep(self, seconds: float) -> None:
        if self.cancel.wait(seconds):
            raise Cancelled("sync cancelled")

    def _raise_for(self, r: httpx.Response) -> None:
        try:
            body = r.json()
            reason = f"{body.get('error', '')}: {body.get('reason', '')}".strip(": ")
        except ValueError:
            reason = r.text[:200]
        if r.status_code in (401, 403):
            raise AuthError(f"the sync server refused access to {self.config.db} (HTTP {r.status_code}"
                            f"{': ' + reason if reason else ''}); check the sync user and password")
        raise ServerError(f"{r.request.method} {r.request.url.path}: HTTP {r.status_code} {reason}")

    def _json(self, method: str, path: str, **kw) -> Any:
        r = self.request(method, path, **kw)
        if r.status_code >= 400:
            self._raise_for(r)
        try:
            return r.json()
        except ValueError as e:
            raise ServerError(f"{method} {path}: the server's answer is not JSON") from e

    # ------------------------------------------------------------ endpoints

    def ping(self, timeout: float = 3.0) -> dict:
        """The cheap reachability check: `GET /` with a short timeout and one retry.

        Raises:
            ServerUnreachable: no answer.
        """
        # A busy server (429/503) is reachable: the requests that follow wait as it asks.
        r = self.request("GET", "/", retries=2, timeout=timeout, ok=(200, 429, 503))
        if r.status_code in (429, 503):
            wait = retry_after_seconds(r.headers.get("Retry-After"))
            if wait is not None and wait > self.max_wait_s:
                raise RetryLater(f"the sync server asked to retry in {wait:.0f} s", wait)
            return {}
        if r.status_code >= 400:
            self._raise_for(r)
        try:
            info = r.json()
        except ValueError:
            info = None
        if not isinstance(info, dict):
            # Something answers, but not a CouchDB server (a captive portal, a web server on that port).
            raise ProtocolError(f"{self.config.safe_url} answers, but not as a CouchDB server does")
        return info

    def ensure_db(self) -> None:
        """Create the database if it does not exist (needs rights to do so)."""
        r = self.request("GET", self.dbpath)
        if r.status_code == 200:
            return
        if r.status_code != 404:
            self._raise_for(r)
        r = self.request("PUT", self.dbpath, ok=(201, 202, 412))
        if r.status_code >= 400 and r.status_code != 412:  # 412: another device created it first
            self._raise_for(r)

    def revs_diff(self, revs: dict[str, list[str]]) -> dict[str, list[str]]:
        """Which of these revisions the server lacks: `{id: [missing revs]}`."""
        if not revs:
            return {}
        res = self._json("POST", f"{self.dbpath}/_revs_diff", json=revs)
        if not isinstance(res, dict) or not all(
                isinstance(v, dict) and isinstance(v.get("missing", []), list)
                and all(isinstance(r, str) for r in v.get("missing", [])) for v in res.values()):
            raise ProtocolError("_revs_diff: the answer is not {id: {missing: [revs]}}")
        asked = {(k, r) for k, rs in revs.items() for r in rs}
        # Only what was asked about: a server naming other notes or revisions cannot make us send them.
        return {k: [r for r in v.get("missing", []) if (k, r) in asked] for k, v in res.items()
                if any((k, r) in asked for r in v.get("missing", []))}

    def bulk_docs(self, docs: list[dict]) -> httpx.Response:
        """Upload revisions as they are (`new_edits: false`): the server adds them to its trees."""
        return self.request("POST", f"{self.dbpath}/_bulk_docs", json={"docs": docs, "new_edits": False},
                            ok=(200, 201, 202))

    def changes(self, since: str | int, limit: int) -> dict:
        """One page of the changes feed, every leaf revision of each changed document."""
        page = self._json("GET", f"{self.dbpath}/_changes",
                          params={"style": "all_docs", "since": since, "limit": limit, "feed": "normal"})
        ok = (isinstance(page, dict) and isinstance(page.get("results", []), list)
              and isinstance(page.get("last_seq", since), (str, int)) and not isinstance(page.get("last_seq"), bool)
              and all(isinstance(c, dict) and isinstance(c.get("id"), str) and isinstance(c.get("changes", []), list)
                      and all(isinstance(x, dict) and isinstance(x.get("rev"), str) for x in c.get("changes", []))
                      for c in page.get("results", [])))
        if not ok:
            raise ProtocolError("_changes: the answer is not a page of {id, changes: [{rev}]} with a last_seq")
        return page

    def bulk_get(self, wanted: list[tuple[str, str]]) -> list[dict]:
        """The given revisions with their `_revisions` histories. Revisions gone from the server are skipped."""
        if not wanted:
            return []
        res = self._json("POST", f"{self.dbpath}/_bulk_get", params={"revs": "true"},
                         json={"docs": [{"id": i, "rev": r} for i, r in wanted]})
        if not isinstance(res, dict) or not isinstance(res.get("results", []), list) or not all(
                isinstance(item, dict) and isinstance(item.get("docs", []), list)
                and all(isinstance(d, dict) for d in item.get("docs", [])) for item in res.get("results", [])):
            raise ProtocolError("_bulk_get: the answer is not {results: [{docs: [...]}]}")
        docs = []
        for item in res.get("results", []):
            for d in item.get("docs", []):
                if "ok" in d:
                    docs.append(d["ok"])  # checked one by one (sync.validate) before it is stored
                else:
                    log.warning("server could not return %s: %s", str(item.get("id"))[:80], str(d.get("error"))[:80])
        return docs

    def get_rev(self, doc_id: str, rev: str) -> dict | None:
        """One (possibly non-leaf) revision, or None when the server compacted it away."""
        r = self.request("GET", f"{self.dbpath}/{quote_id(doc_id)}", params={"rev": rev})
        if r.status_code == 404:
            return None
        if r.status_code >= 400:
            self._raise_for(r)
        return r.json()

    def get_local(self, local_id: str) -> dict | None:
        r = self.request("GET", f"{self.dbpath}/{quote_id('_local/' + local_id)}")
        if r.status_code == 404:
            return None
        if r.status_code >= 400:
            self._raise_for(r)
        try:
            doc = r.json()
        except ValueError:
            return None
        return doc if isinstance(doc, dict) else None

    def put_local(self, local_id: str, body: dict) -> None:
        """Write a `_local/` document (not replicated; holds our checkpoint), whatever its current rev."""
        path = f"{self.dbpath}/{quote_id('_local/' + local_id)}"
        for attempt in range(3):
            rev = self._local_revs.get(local_id)
            if rev is None or attempt:
                current = self.get_local(local_id)
                rev = current.get("_rev") if current and isinstance(current.get("_rev"), str) else None
            doc = dict(body, _rev=rev) if rev else dict(body)
            r = self.request("PUT", path, json=doc, ok=(200, 201, 202, 409))
            if r.status_code == 409:
                continue  # another writer in between (or our earlier PUT landed unseen): read again
            if r.status_code >= 400:
                self._raise_for(r)
            try:
                answer = r.json()
            except ValueError:
                answer = None
            rev = answer.get("rev") if isinstance(answer, dict) else None
            if isinstance(rev, str):
                self._local_revs[local_id] = rev
            else:  # not told: read it before the next write
                self._local_revs.pop(local_id, None)
            return
        raise ServerError(f"could not save the sync checkpoint {local_id}")

    def delete_local(self, local_id: str) -> None:
        current = self.get_local(local_id)
        if current and isinstance(current.get("_rev"), str):
            self.request("DELETE", f"{self.dbpath}/{quote_id('_local/' + local_id)}",
                         params={"rev": current["_rev"]}, ok=(200, 404))
