"""The depot admin's side of the keys and the server: the Ed25519 signing key (OS keyring, else an
owner-only file), the saved depot server, and `depot init`.

The private key never leaves the admin's machine: devices get only the public key. It is kept per
depot server (one admin may run a test depot and a production one), under the server's URL without
credentials. Where no OS keyring is usable (a headless admin box), it goes to
`<data folder>/depot-admin/<hash of the URL>.key`, created 0600 in a 0700 folder, never rewritten.

The admin's CouchDB credentials are handled as the notes sync handles a device's: taken out of the URL
before anything is logged or printed, kept in the OS keyring (assistant.sync.config.store_password),
else in `depot-admin/admin.json` (0600).
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from .. import paths
from ..errors import AssistantError
from ..sync.config import SyncConfig, keyring_password, split_credentials, store_password
from .format import encode_public_key

log = logging.getLogger(__name__)

KEYRING_SERVICE = "field-assistant-depot-key"


class DepotError(AssistantError):
    """A depot command could not be served (no key, no server, refused content, server trouble)."""


def admin_dir() -> Path:
    d = paths.home() / "depot-admin"
    d.mkdir(mode=0o700, exist_ok=True)
    return d


def _admin_file() -> Path:
    return admin_dir() / "admin.json"


def _load_admin() -> dict:
    try:
        data = json.loads(_admin_file().read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as e:
        raise DepotError(f"{_admin_file()} is unreadable ({e}); delete it and run `depot init` again") from e
    return data if isinstance(data, dict) else {}


def _write_private(path: Path, text: str) -> None:
    """Write a file readable by this user only, replacing it atomically."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.unlink(missing_ok=True)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


# ---------------------------------------------------------------- server and credentials

def server_config(server: str | None, db: str = "_", timeout_s: float = 30.0) -> SyncConfig:
    """The depot server to talk to: --server URL (credentials in it are split off), else the one saved
    by `depot init`.

    Raises:
        DepotError: no server given and none saved.
        SyncConfigError: not an http(s) URL.
    """
    saved = _load_admin()
    raw = server or saved.get("server")
    if not raw:
        raise DepotError("no depot server: pass --server URL (or run `field-assistant depot init --server URL` "
                         "once to save it)")
    clean, user, password = split_credentials(raw)
    if clean == saved.get("server"):
        user = user or saved.get("user")
        if password is None:
            password = keyring_password(clean, user) or saved.get("password")
    elif password is None:
        password = keyring_password(clean, user)
    return SyncConfig(url=clean, db=db, user=user, password=password, timeout_s=timeout_s)


def save_server(config: SyncConfig) -> str:
    """Remember the server (and its credentials) for the next depot commands; says where the secret went."""
    data = {"server": config.url, "user": config.user}
    where = "nowhere (no password given)"
    if config.password:
        if store_password(config.url, config.user, config.password):
            where = "the OS keyring"
        else:
            data["password"] = config.password
            where = f"{_admin_file()} (no OS keyring here; readable by this user only)"
    _write_private(_admin_file(), json.dumps(data, indent=2))
    return where


# ---------------------------------------------------------------- the signing key

def _key_name(server_url: str) -> str:
    return split_credentials(server_url)[0]


def _key_file(server_url: str) -> Path:
    return admin_dir() / (hashlib.sha256(_key_name(server_url).encode()).hexdigest()[:16] + ".key")


def _keyring():
    try:
        import keyring
    except Exception:
        return None
    return keyring


def _raw_from_keyring(name: str) -> str | None:
    kr = _keyring()
    if kr is None:
        return None
    try:
        return kr.get_password(KEYRING_SERVICE, name)
    except Exception as e:  # a locked or absent keyring daemon: fall back to the file
        log.warning("OS keyring unavailable: %s", type(e).__name__)
        return None


def _to_key(text: str, where: str):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    try:
        return Ed25519PrivateKey.from_private_bytes(base64.b64decode(text.strip(), validate=True))
    except ValueError as e:
        raise DepotError(f"the depot signing key in {where} is damaged ({e}); restore it from a backup") from e


@dataclass
class SigningKey:
    private_key: object
    where: str  # "the OS keyring" or the file's path

    @property
    def public_key(self) -> str:
        from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

        raw = self.private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        return encode_public_key(raw)


def load_key(server_url: str) -> SigningKey | None:
    """This admin's signing key for that depot, or None when `depot init` has not made one."""
    name = _key_name(server_url)
    text = _raw_from_keyring(name)
    if text:
        return SigningKey(_to_key(text, "the OS keyring"), "the OS keyring")
    path = _key_file(server_url)
    if path.exists():
        return SigningKey(_to_key(path.read_text(encoding="ascii"), str(path)), str(path))
    return None


def require_key(server_url: str) -> SigningKey:
    key = load_key(server_url)
    if key is None:
        raise DepotError(f"no depot signing key for {_key_name(server_url)} here: run "
                         "`field-assistant depot init --server URL` first (on the admin's machine that holds the key)")
    return key


def new_key(server_url: str) -> SigningKey:
    """Make a key pair and keep the private half: OS keyring, else an owner-only file."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

    key = Ed25519PrivateKey.generate()
    text = base64.b64encode(key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())).decode("ascii")
    name = _key_name(server_url)
    kr = _keyring()
    if kr is not None:
        try:
            kr.set_password(KEYRING_SERVICE, name, text)
            _key_file(server_url).unlink(missing_ok=True)  # no second, older copy left on disk
            return SigningKey(key, "the OS keyring")
        except Exception as e:
            log.warning("could not store the depot key in the OS keyring: %s", type(e).__name__)
    path = _key_file(server_url)
    _write_private(path, text + "\n")
    return SigningKey(key, str(path))
