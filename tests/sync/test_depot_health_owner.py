"""`device:<id>` in fa_health is tied to the account that writes it (depot init's validate_doc_update),
against a real pouchdb-server with a server admin (so it enforces users and validation as CouchDB 3
does): a device account writes its own health document through the device's real push, and is
refused (403) on another device's."""

from __future__ import annotations

import httpx
import pytest

from assistant import db as dbmod
from assistant import settings as settingsmod
from assistant.depot.format import HEALTH_DB
from assistant.depot.server import Depot
from assistant.fleet import health, local
from assistant.sync.config import SyncConfig

from .conftest import PouchServer

BOSS = ("boss", "B0ss-pass-7")


@pytest.fixture
def server(tmp_path):
    s = PouchServer(tmp_path / "pouch").start()
    assert httpx.put(f"{s.url}/_config/admins/{BOSS[0]}", json=BOSS[1]).status_code == 200
    with Depot(SyncConfig(url=s.url, db="_", user=BOSS[0], password=BOSS[1])) as depot:
        depot.create_databases()
    for name in ("dev1", "dev2"):
        r = httpx.put(f"{s.url}/_users/org.couchdb.user:{name}", auth=BOSS,
                      json={"name": name, "password": name + "-pw", "roles": ["fa_device"], "type": "user"})
        assert r.status_code == 201, r.text
    yield s
    s.stop()


def push_as(url: str, user: str, dbfile) -> dict:
    conn = dbmod.connect(dbfile)
    try:
        return health.push(conn, settingsmod.load(), SyncConfig(url=url, db=HEALTH_DB, user=user, password=user + "-pw"),
                           retries=2)
    finally:
        conn.close()


def test_a_device_account_writes_only_its_own_health_document(server, home, tmp_path):
    url = server.url
    one = push_as(url, "dev1", tmp_path / "one.sqlite3")  # the device's real push, as dev1
    two = push_as(url, "dev2", tmp_path / "two.sqlite3")
    assert one["account"] == "dev1" and two["account"] == "dev2" and one["_id"] != two["_id"]
    stored = httpx.get(f"{url}/{HEALTH_DB}/{one['_id']}", auth=BOSS).json()
    assert stored["account"] == "dev1" and stored["_rev"] == one["_rev"]

    dev2 = ("dev2", "dev2-pw")
    current = httpx.get(f"{url}/{HEALTH_DB}/{one['_id']}", auth=dev2).json()
    # dev2 overwriting dev1's document: under its own name, or pretending to be dev1.
    for account in ("dev2", "dev1"):
        r = httpx.put(f"{url}/{HEALTH_DB}/{one['_id']}", auth=dev2, json={**current, "account": account, "questions": 999})
        assert r.status_code == 403 and r.json()["error"] == "forbidden", r.text
    r = httpx.delete(f"{url}/{HEALTH_DB}/{one['_id']}", auth=dev2, params={"rev": current["_rev"]})
    assert r.status_code == 403, r.text
    # A new document claimed under another account's name, or not a health document at all.
    r = httpx.put(f"{url}/{HEALTH_DB}/device:feedfeedfeed", auth=dev2, json={"account": "dev1"})
    assert r.status_code == 403, r.text
    r = httpx.put(f"{url}/{HEALTH_DB}/something-else", auth=dev2, json={"account": "dev2"})
    assert r.status_code == 403, r.text
    assert httpx.get(f"{url}/{HEALTH_DB}/{one['_id']}", auth=BOSS).json()["_rev"] == one["_rev"]  # untouched

    # Its own is accepted, again and again (the next sync rounds), and the admin may write any.
    again = push_as(url, "dev2", tmp_path / "two.sqlite3")
    assert again["_id"] == two["_id"] and again["_rev"] != two["_rev"]
    r = httpx.put(f"{url}/{HEALTH_DB}/{one['_id']}", auth=BOSS, json={**current, "note": "checked"})
    assert r.status_code == 201, r.text
    assert httpx.put(f"{url}/{HEALTH_DB}/device:abc", json={"account": None}).status_code == 401  # anonymous


def test_init_installs_the_rule_once(server):
    design = httpx.get(f"{server.url}/{HEALTH_DB}/_design/depot_admin", auth=BOSS).json()
    assert "device:" in design["validate_doc_update"]
    with Depot(SyncConfig(url=server.url, db="_", user=BOSS[0], password=BOSS[1])) as depot:
        depot.create_databases()  # `depot init` again
    assert httpx.get(f"{server.url}/{HEALTH_DB}/_design/depot_admin", auth=BOSS).json()["_rev"] == design["_rev"]


def test_the_device_id_is_the_local_one(home, tmp_path):
    conn = dbmod.connect(tmp_path / "x.sqlite3")
    try:
        doc = health.document(conn, settingsmod.load(), account="dev9")
        assert doc["_id"] == f"device:{local.device_id(conn)}" and doc["account"] == "dev9"
    finally:
        conn.close()
