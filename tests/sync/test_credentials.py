"""`field-assistant sync-setup`: the server in settings, the password in the OS keyring (a file
keyring here: CI has no Secret Service), read back by the sync configuration, used for a real sync;
never written to settings.json or the log. The server checks them: pouchdb-server refuses a user
it does not know or a wrong password (HTTP 401), so the test creates the user `tech` first."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.sync.conftest import PouchServer

SECRET = "s3cret-Pump-200"


def cli(*args: str, stdin: str | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "assistant.cli", *args], input=stdin, capture_output=True,
                          text=True, timeout=300, env={**os.environ, **(env or {})})


def file_keyring(tmp_path) -> dict:
    return {"PYTHON_KEYRING_BACKEND": "keyrings.alt.file.PlaintextKeyring",
            "XDG_DATA_HOME": str(tmp_path / "xdg-data")}


@pytest.fixture
def couch(tmp_path):
    """A server of its own: express-pouchdb crashes when a logged-in non-admin user creates a
    database, so the database is made beforehand, and no other test shares this server."""
    server = PouchServer(tmp_path / "pouch").start()
    yield server
    server.stop()


def test_credentials_go_to_the_keyring_and_sync_uses_them(tmp_path, home, couch, dbname):
    r = httpx.put(f"{couch.url}/_users/org.couchdb.user:tech",
                  json={"name": "tech", "password": SECRET, "roles": [], "type": "user"})
    assert r.status_code == 201, r.text
    assert httpx.put(f"{couch.url}/{dbname}").status_code == 201
    env = file_keyring(tmp_path)
    r = cli("sync-setup", "--server", couch.url, "--db", dbname, "--user", "tech", "--password-stdin",
            stdin=SECRET + "\n", env=env)
    assert r.returncode == 0, r.stderr
    assert "OS keyring" in r.stdout and SECRET not in r.stdout
    settings = json.loads((home / "settings.json").read_text())
    assert settings["sync_url"] == couch.url and settings["sync_user"] == "tech"
    assert SECRET not in (home / "settings.json").read_text()
    read_back = subprocess.run(
        [sys.executable, "-c", "from assistant import settings; from assistant.sync.config import from_settings; "
         "c = from_settings(settings.load()); print(c.user, c.password)"],
        capture_output=True, text=True, env={**os.environ, **env}, timeout=60)
    assert read_back.stdout.split() == ["tech", SECRET], read_back.stderr
    assert cli("notes", "add", "--title", "Seal replaced", "--body", "SK-200-45B fitted", env=env).returncode == 0
    r = cli("sync", "--json", env=env)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["pushed"] == 1
    assert httpx.get(f"{couch.url}/{dbname}/_all_docs").json()["total_rows"] == 1
    # Without the keyring there is no password: the server refuses, one clear line, nothing lost.
    assert cli("notes", "add", "--title", "Second", env=env).returncode == 0
    r = cli("sync", env={"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"})
    assert r.returncode == 1 and len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert "refused access" in r.stderr and "1 notes wait" in r.stderr
    logs = "".join(p.read_text(errors="replace") for p in home.rglob("*.log"))
    assert SECRET not in logs + r.stdout + r.stderr


def test_without_a_keyring_the_password_is_kept_owner_only(tmp_path, home):
    r = cli("sync-setup", "--server", "https://couch.depot.example:6984", "--user", "tech",
            "--password-stdin", stdin=SECRET + "\n", env={"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"})
    assert r.returncode == 0, r.stderr
    assert "no OS keyring" in r.stdout and SECRET not in r.stdout
    path = home / "settings.json"
    assert json.loads(path.read_text())["sync_password"] == SECRET
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_bad_server_url_is_refused(home):
    r = cli("sync-setup", "--server", "ftp://depot", "--password-stdin", stdin="x\n")
    assert r.returncode == 2 and "invalid sync server URL" in r.stderr
    assert not Path(home / "settings.json").exists() or "ftp" not in (home / "settings.json").read_text()
