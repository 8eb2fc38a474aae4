"""Where and as whom to sync: server URL, database, per-device credentials, TLS.

Credentials come from, in order: the call's arguments, settings / FIELD_ASSISTANT_SYNC_USER and
FIELD_ASSISTANT_SYNC_PASSWORD, then the OS keyring when the optional `keyring` package is installed.
They never appear in logs: the URL is stored without user info and the config's repr hides the secret.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field, replace
from urllib.parse import quote, unquote, urlsplit, urlunsplit

from ..errors import AssistantError

log = logging.getLogger(__name__)

KEYRING_SERVICE = "field-assistant-sync"


class SyncConfigError(AssistantError):
    """Sync is not configured (no server URL) or the configuration is unusable."""


@dataclass(frozen=True)
class SyncConfig:
    """A sync target. `password` is a CouchDB password, or a bearer token when `user` is empty."""

    url: str
    db: str = "field-notes"
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    verify_tls: bool = True
    ca_file: str | None = None  # a pinned CA bundle: only servers it signed are trusted
    timeout_s: float = 30.0

    @property
    def safe_url(self) -> str:
        """The URL as it may appear in logs and messages: any user and password in it removed."""
        try:
            return split_credentials(self.url)[0]
        except SyncConfigError:
            return redact_url(self.url)

    def replication_id(self, device_id: str) -> str:
        """Names this device's checkpoints for this server and database."""
        return hashlib.sha256(f"{device_id}|{self.url}|{self.db}".encode()).hexdigest()[:20]

    def with_overrides(self, url: str | None = None, db: str | None = None) -> SyncConfig:
        cfg = self
        if url:
            clean, user, password = split_credentials(url)
            cfg = replace(cfg, url=clean, user=user or cfg.user, password=password or cfg.password)
        if db:
            cfg = replace(cfg, db=db)
        return cfg


def split_credentials(url: str) -> tuple[str, str | None, str | None]:
    """`http://u:p@host/` -> (`http://host`, u, p): credentials leave the URL before it is logged.

    Raises:
        SyncConfigError: not an http(s) URL.
    """
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SyncConfigError(f"invalid sync server URL (expected http:// or https://host[:port]): "
                              f"{redact_url(url)}")
    user = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password else None
    host = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path.rstrip("/"), "", "")), user, password


def redact_url(url: str) -> str:
    """The URL with any password replaced by ***."""
    try:
        parts = urlsplit(url)
        if parts.password:
            netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
            return urlunsplit(parts._replace(netloc=netloc))
    except ValueError:
        return "<invalid url>"
    return url


def from_settings(settings, url: str | None = None, db: str | None = None) -> SyncConfig:
    """The sync configuration from settings (and env), with optional command-line overrides.

    Raises:
        SyncConfigError: no server URL anywhere.
    """
    raw = url or settings.sync_url
    if not raw:
        raise SyncConfigError("no sync server configured: pass --server URL or set FIELD_ASSISTANT_SYNC_URL "
                              "(or sync_url in settings.json)")
    clean, url_user, url_password = split_credentials(raw)
    user = url_user or settings.sync_user
    password = url_password or settings.sync_password
    if password is None:
        password = keyring_password(clean, user)
    return SyncConfig(
        url=clean, db=db or settings.sync_db, user=user, password=password,
        verify_tls=getattr(settings, "sync_verify_tls", True), ca_file=getattr(settings, "sync_ca_file", None),
    )


def _keyring():
    try:
        import keyring  # optional: the OS keyring (Secret Service, Keychain, Windows Credential Locker)
    except Exception:  # not installed, or no usable backend on this system
        return None
    return keyring


def keyring_password(url: str, user: str | None) -> str | None:
    """The stored password or token for this server and user, if a keyring is available."""
    kr = _keyring()
    if kr is None:
        return None
    try:
        return kr.get_password(KEYRING_SERVICE, f"{user or ''}@{url}")
    except Exception as e:  # a locked or absent keyring daemon must not break sync set-up
        log.warning("OS keyring unavailable: %s", type(e).__name__)
        return None


def store_password(url: str, user: str | None, secret: str) -> bool:
    """Keep a password or token in the OS keyring. Returns False when no keyring is available."""
    kr = _keyring()
    if kr is None:
        return False
    try:
        kr.set_password(KEYRING_SERVICE, f"{user or ''}@{split_credentials(url)[0]}", secret)
        return True
    except Exception as e:
        log.warning("could not store the sync credentials in the OS keyring: %s", type(e).__name__)
        return False


def quote_id(doc_id: str) -> str:
    """A document id as a URL path segment (`_local/` and `_design/` keep their slash)."""
    for prefix in ("_local/", "_design/"):
        if doc_id.startswith(prefix):
            return prefix + quote(doc_id[len(prefix):], safe="")
    return quote(doc_id, safe="")
