"""The depot admin's commands against a real pouchdb-server, through the real `field-assistant` CLI:
databases and key (owner-only file without a keyring), signed manuals and models whose files are
the bytes the documents name, idempotent publishing, withdrawal, rollouts, jobs, status, and the
failures an admin meets (server down, wrong password, missing or fake files)."""

from __future__ import annotations

import hashlib
import json
import os
import stat
import struct
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from assistant.depot.format import (
    BLOBS_DB,
    CONTENT_DB,
    HEALTH_DB,
    DepotSignatureError,
    blob_id,
    decode_public_key,
    verify,
)
from tests.sync.conftest import PouchServer, free_port

NO_KEYRING = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}


def cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "assistant.cli", *args], capture_output=True, text=True,
                          timeout=300, env={**os.environ, **NO_KEYRING, **(env or {})})


def ok_json(*args: str, env: dict | None = None) -> dict:
    r = cli(*args, "--json", env=env)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def one_line_failure(r: subprocess.CompletedProcess, code: int = 1) -> str:
    assert r.returncode == code, (r.returncode, r.stdout, r.stderr)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("field-assistant: "), r.stderr
    return lines[0]


def gguf_string(s: str) -> bytes:
    b = s.encode()
    return struct.pack("<Q", len(b)) + b


def write_gguf(path: Path, n_floats: int = 1 << 20, name: str = "tiny-test") -> Path:
    """A small GGUF file that is valid as assistant.gguf reads it: header, two keys, one F32 tensor
    and all of its data (4 MB by default: several upload chunks)."""
    head = b"GGUF" + struct.pack("<IQQ", 3, 1, 2)
    head += gguf_string("general.architecture") + struct.pack("<I", 8) + gguf_string("llama")
    head += gguf_string("general.name") + struct.pack("<I", 8) + gguf_string(name)
    head += gguf_string("token_embd.weight") + struct.pack("<I", 1) + struct.pack("<Q", n_floats)
    head += struct.pack("<IQ", 0, 0)  # F32 at offset 0 of the data section
    head += b"\0" * (-len(head) % 32)
    data = os.urandom(4 * n_floats)
    path.write_bytes(head + data)
    return path


@pytest.fixture
def server(tmp_path):
    """A server of its own: the depot's database names are fixed, so tests must not share one."""
    s = PouchServer(tmp_path / "pouch").start()
    yield s
    s.stop()


@pytest.fixture
def depot(server) -> tuple[str, str]:
    """(server URL, public key) after `depot init`."""
    return server.url, ok_json("depot", "init", "--server", server.url)["public_key"]


def get(url: str, db: str, doc_id: str) -> dict:
    r = httpx.get(f"{url}/{db}/{doc_id}", timeout=30)
    assert r.status_code == 200, r.text
    return r.json()


def attachment(url: str, db: str, doc_id: str) -> bytes:
    r = httpx.get(f"{url}/{db}/{doc_id}/file", timeout=60)
    assert r.status_code == 200, r.text
    return r.content


def test_init_creates_the_databases_and_keeps_the_key_owner_only(server, home):
    out = ok_json("depot", "init", "--server", server.url)
    assert out["databases"] == {CONTENT_DB: True, BLOBS_DB: True, HEALTH_DB: True}
    for db in (CONTENT_DB, BLOBS_DB, HEALTH_DB):
        assert httpx.get(f"{server.url}/{db}").status_code == 200
    for db in (CONTENT_DB, BLOBS_DB):  # writes by non-admins refused where the server enforces it
        assert "forbidden" in get(server.url, db, "_design/depot_admin")["validate_doc_update"]
    for db in (CONTENT_DB, BLOBS_DB, HEALTH_DB):  # devices may read (CouchDB 3 makes databases admin-only)
        assert httpx.get(f"{server.url}/{db}/_security").json()["members"]["roles"] == ["fa_device"]
    decode_public_key(out["public_key"])
    key_file = Path(out["private_key_in"])
    assert key_file.parent == home / "depot-admin"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(key_file.parent.stat().st_mode) == 0o700
    assert out["public_key"].split(":", 1)[1] not in key_file.read_text()  # the private half, not the public
    again = ok_json("depot", "init")  # the saved server; databases exist (412), key kept
    assert again["databases"] == {CONTENT_DB: False, BLOBS_DB: False, HEALTH_DB: False}
    assert again["public_key"] == out["public_key"] and not again["key_created"]
    fresh = ok_json("depot", "init", "--new-key")
    assert fresh["public_key"] != out["public_key"] and fresh["key_created"]
    r = cli("depot", "init")
    assert r.returncode == 0 and fresh["public_key"] in r.stdout


def test_with_a_keyring_the_private_key_is_not_on_disk(server, home, tmp_path):
    env = {"PYTHON_KEYRING_BACKEND": "keyrings.alt.file.PlaintextKeyring", "XDG_DATA_HOME": str(tmp_path / "xdg")}
    out = ok_json("depot", "init", "--server", server.url, env=env)
    assert out["private_key_in"] == "the OS keyring"
    assert not list((home / "depot-admin").glob("*.key"))
    assert ok_json("depot", "init", env=env)["public_key"] == out["public_key"]


def test_a_manual_is_published_signed_with_its_file_once(depot, tmp_path):
    url, public = depot
    pdf = tmp_path / "P-200 Operation Manual.pdf"
    pdf.write_bytes(b"%PDF-1.4\n" + os.urandom(300_000))
    out = ok_json("depot", "publish-manual", str(pdf), "--revision", "B", "--name", "p200-om", "--title",
                  "P-200 Operation Manual", "--equipment", "P-200", "--group", "north")
    assert out["id"] == "manual:p200-om:B" and out["action"] == "published"
    doc = get(url, CONTENT_DB, "manual:p200-om:B")
    verify(doc, decode_public_key(public))
    assert (doc["kind"], doc["name"], doc["revision"], doc["equipment"], doc["groups"], doc["withdrawn"]) == \
        ("manual", "p200-om", "B", ["P-200"], ["north"], False)
    body = attachment(url, CONTENT_DB, "manual:p200-om:B")
    assert hashlib.sha256(body).hexdigest() == doc["sha256"] == hashlib.sha256(pdf.read_bytes()).hexdigest()
    assert len(body) == doc["size"]
    tampered = {**doc, "groups": []}
    with pytest.raises(DepotSignatureError):
        verify(tampered, decode_public_key(public))

    again = ok_json("depot", "publish-manual", str(pdf), "--revision", "B", "--name", "p200-om")
    assert again["action"] == "unchanged" and again["rev"] == doc["_rev"]
    pdf.write_bytes(pdf.read_bytes() + b"% a changed page\n")
    msg = one_line_failure(cli("depot", "publish-manual", str(pdf), "--revision", "B", "--name", "p200-om"))
    assert "already published with other content" in msg and "new revision" in msg
    assert get(url, CONTENT_DB, "manual:p200-om:B")["_rev"] == doc["_rev"]
    assert ok_json("depot", "publish-manual", str(pdf), "--revision", "C", "--name", "p200-om")["action"] == "published"
    # A run cut short after the document and before its file: status flags it, running again finishes it.
    c = get(url, CONTENT_DB, "manual:p200-om:C")
    assert httpx.delete(f"{url}/{CONTENT_DB}/manual:p200-om:C/file", params={"rev": c["_rev"]}).status_code == 200
    st = {p["id"]: p for p in ok_json("depot", "status")["published"]}
    assert st["manual:p200-om:C"]["file"] is False and st["manual:p200-om:B"]["file"] is True
    assert ok_json("depot", "publish-manual", str(pdf), "--revision", "C", "--name", "p200-om")["action"] == "completed"
    assert attachment(url, CONTENT_DB, "manual:p200-om:C") == pdf.read_bytes()

    w = ok_json("depot", "withdraw", "manual:p200-om:B")
    assert w["action"] == "withdrawn"
    gone = get(url, CONTENT_DB, "manual:p200-om:B")
    assert gone["withdrawn"] is True and gone["_rev"] != doc["_rev"]
    verify(gone, decode_public_key(public))
    assert gone["sha256"] == doc["sha256"]
    assert hashlib.sha256(attachment(url, CONTENT_DB, "manual:p200-om:B")).hexdigest() == doc["sha256"]
    assert ok_json("depot", "withdraw", "manual:p200-om:B")["action"] == "unchanged"


def test_a_model_goes_to_the_blob_store_once_and_a_fake_gguf_is_refused(depot, tmp_path):
    url, public = depot
    model = write_gguf(tmp_path / "tiny-q8.gguf")
    out = ok_json("depot", "publish-model", str(model), "--version", "1.0", "--name", "tiny", "--min-ram-gb", "2")
    sha = hashlib.sha256(model.read_bytes()).hexdigest()
    assert out["id"] == "model:tiny:1.0" and out["blob_uploaded"] and out["blob"] == blob_id(sha)
    doc = get(url, CONTENT_DB, "model:tiny:1.0")
    verify(doc, decode_public_key(public))
    assert (doc["sha256"], doc["size"], doc["blob"], doc["role"], doc["min_ram_gb"]) == \
        (sha, model.stat().st_size, blob_id(sha), "chat", 2)
    assert "_attachments" not in doc  # the file lives in the blob store, not in the replicated database
    assert attachment(url, BLOBS_DB, blob_id(sha)) == model.read_bytes()
    blob_rev = get(url, BLOBS_DB, blob_id(sha))["_rev"]
    # The same bytes as another version: a new signed document, the blob not stored twice.
    out2 = ok_json("depot", "publish-model", str(model), "--version", "1.0-repack", "--name", "tiny")
    assert out2["action"] == "published" and not out2["blob_uploaded"]
    assert get(url, BLOBS_DB, blob_id(sha))["_rev"] == blob_rev
    assert ok_json("depot", "publish-model", str(model), "--version", "1.0", "--name", "tiny")["action"] == "unchanged"

    fake = tmp_path / "fake.gguf"
    fake.write_bytes(b"GGUF" + os.urandom(4096))
    one_line_failure(cli("depot", "publish-model", str(fake), "--version", "1", "--name", "fake"))
    cut = tmp_path / "cut.gguf"
    cut.write_bytes(model.read_bytes()[: model.stat().st_size // 2])
    assert "truncated" in one_line_failure(cli("depot", "publish-model", str(cut), "--version", "1", "--name", "cut"))
    assert httpx.get(f"{url}/{CONTENT_DB}/model:fake:1").status_code == 404
    assert httpx.get(f"{url}/{CONTENT_DB}/model:cut:1").status_code == 404
    assert len([r for r in httpx.get(f"{url}/{BLOBS_DB}/_all_docs").json()["rows"]
                if not r["id"].startswith("_design/")]) == 1


def test_rollouts_jobs_and_status(depot, tmp_path):
    url, public = depot
    key = decode_public_key(public)
    model = write_gguf(tmp_path / "tiny.gguf", n_floats=1024)
    ok_json("depot", "publish-model", str(model), "--version", "2", "--name", "tiny")
    r = ok_json("depot", "rollout", "model:tiny:2", "--groups", "north", "pilot")
    assert (r["id"], r["action"]) == ("rollout:tiny", "published")
    doc = get(url, CONTENT_DB, "rollout:tiny")
    verify(doc, key)
    assert (doc["model"], doc["groups"], "percent" in doc) == ("model:tiny:2", ["north", "pilot"], False)
    assert ok_json("depot", "rollout", "model:tiny:2", "--groups", "pilot", "north")["action"] == "unchanged"
    r = ok_json("depot", "rollout", "model:tiny:2", "--percent", "25")
    assert r["action"] == "updated"
    doc2 = get(url, CONTENT_DB, "rollout:tiny")
    verify(doc2, key)
    assert (doc2["percent"], "groups" in doc2) == (25, False) and doc2["_rev"] != doc["_rev"]
    one_line_failure(cli("depot", "rollout", "model:tiny:2", "--percent", "140"), code=2)
    one_line_failure(cli("depot", "rollout", "model:tiny:2"), code=2)
    assert "no such model" in one_line_failure(cli("depot", "rollout", "model:huge:9", "--percent", "5"))

    job = ok_json("depot", "jobs", "add", "--asset", "P-200", "--serial", "12345", "--site", "Plant 4",
                  "--work-order", "WO-981", "--device", "dev-abc")
    jdoc = get(url, CONTENT_DB, job["id"])
    verify(jdoc, key)
    assert (jdoc["kind"], jdoc["asset"], jdoc["serial"], jdoc["site"], jdoc["work_order"], jdoc["device"]) == \
        ("job", "P-200", "12345", "Plant 4", "WO-981", "dev-abc")
    gjob = ok_json("depot", "jobs", "add", "--asset", "P-200", "--serial", "777", "--group", "north", "--id", "wo-982")
    assert gjob["id"] == "job:wo-982" and get(url, CONTENT_DB, "job:wo-982")["groups"] == ["north"]
    assert cli("depot", "jobs", "add", "--asset", "P-200", "--serial", "1").returncode == 2  # no device/group

    health = {"app_version": "0.9.0", "model": "model:tiny:2", "library": {"manual:p200-om:C": "active"},
              "last_seen": "2026-12-05T20:00:00Z", "questions": 14, "errors": 1}
    assert httpx.put(f"{url}/{HEALTH_DB}/device:dev-abc", json=health).status_code == 201
    st = ok_json("depot", "status")
    assert [d["device"] for d in st["devices"]] == ["dev-abc"]
    assert {k: st["devices"][0][k] for k in health} == health
    ids = {p["id"]: p for p in st["published"]}
    assert set(ids) == {"model:tiny:2", "rollout:tiny", job["id"], "job:wo-982"}
    assert all(p["verified"] for p in ids.values())
    # A document written to the depot by someone without the key shows as not verified.
    forged = {**jdoc, "serial": "99999"}
    del forged["_rev"]
    forged["_id"] = "job:forged"
    assert httpx.put(f"{url}/{CONTENT_DB}/job:forged", json=forged).status_code == 201
    st = ok_json("depot", "status")
    assert {p["id"]: p["verified"] for p in st["published"]}["job:forged"] is False
    text = cli("depot", "status")
    assert text.returncode == 0 and "dev-abc" in text.stdout and "job:forged  [NOT VERIFIED]" in text.stdout
    assert "not signed by this admin's depot key" in one_line_failure(cli("depot", "withdraw", "job:forged"))


def test_failures_are_one_clear_line(server, tmp_path):
    pdf = tmp_path / "m.pdf"
    pdf.write_bytes(b"%PDF-1.4\n" + os.urandom(1000))
    assert "no depot server" in one_line_failure(cli("depot", "status"))
    down = f"http://127.0.0.1:{free_port()}"
    assert "cannot reach the depot server" in one_line_failure(cli("depot", "init", "--server", down))
    assert "no depot signing key" in one_line_failure(
        cli("depot", "publish-manual", str(pdf), "--revision", "A", "--server", server.url))
    ok_json("depot", "init", "--server", server.url)
    assert "no such file" in one_line_failure(cli("depot", "publish-manual", str(tmp_path / "nope.pdf"),
                                                  "--revision", "A"))
    one_line_failure(cli("depot", "publish-manual", str(pdf), "--revision", "A:1"))
    one_line_failure(cli("depot", "init", "--server", "ftp://depot.example"), code=2)
    # Wrong credentials: pouchdb-server answers 401 for a user it does not know.
    secret = "Wr0ng-pass"
    bad = server.url.replace("http://", f"http://nobody:{secret}@")
    r = cli("depot", "publish-manual", str(pdf), "--revision", "A", "--server", bad)
    msg = one_line_failure(r)
    assert "refused the admin's credentials" in msg and secret not in r.stdout + r.stderr
    assert httpx.get(f"{server.url}/{CONTENT_DB}/_all_docs").json()["total_rows"] == 1  # the design doc only


def test_publishing_through_a_connection_that_drops_completes(server, tmp_path):
    """Uploads cut before the server heard them, or after it applied them and before we heard back,
    end with the same documents and files as an undisturbed run: nothing doubled, nothing partial."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from assistant.depot.keys import SigningKey
    from assistant.depot.publish import publish_manual, publish_model
    from assistant.depot.server import Depot
    from assistant.sync.config import SyncConfig
    from tests.sync.faultproxy import FaultProxy

    key = SigningKey(Ed25519PrivateKey.generate(), "test")
    # The proxy cuts at a 64 KB read with this chance: files of ~5 reads, so that a whole-file retry
    # gets through within the client's attempts.
    model = write_gguf(tmp_path / "tiny.gguf", n_floats=64_000)
    pdf = tmp_path / "manual.pdf"
    pdf.write_bytes(b"%PDF-1.4\n" + os.urandom(250_000))
    with FaultProxy(server.port, drop_rate=0.05, seed=11) as proxy:
        with Depot(SyncConfig(url=proxy.url, db="_")) as depot:
            depot.create_databases()
            for v in range(3):
                publish_model(depot, key, model, f"1.{v}", name="tiny")
                publish_manual(depot, key, pdf, f"R{v}", name="manual")
        dropped = proxy.stats["dropped_request"] + proxy.stats["dropped_response"]
    assert dropped > 0, proxy.stats  # the faults did happen
    public = decode_public_key(key.public_key)
    sha = hashlib.sha256(model.read_bytes()).hexdigest()
    assert attachment(server.url, BLOBS_DB, blob_id(sha)) == model.read_bytes()
    for v in range(3):
        verify(get(server.url, CONTENT_DB, f"model:tiny:1.{v}"), public)
        verify(get(server.url, CONTENT_DB, f"manual:manual:R{v}"), public)
        assert attachment(server.url, CONTENT_DB, f"manual:manual:R{v}") == pdf.read_bytes()
    blobs = [r["id"] for r in httpx.get(f"{server.url}/{BLOBS_DB}/_all_docs").json()["rows"]]
    assert sorted(blobs) == sorted(["_design/depot_admin", blob_id(sha)])


def test_with_an_admin_account_devices_read_but_cannot_publish(server, home, tmp_path):
    """Out of admin party (a server admin exists), as on a real CouchDB 3: the admin's credentials
    come from the URL, are kept in the keyring and never printed; a device account (role fa_device)
    reads the depot and writes its health, but its writes to the depot are refused."""
    secret = "B0ss-pass-7"
    assert httpx.put(f"{server.url}/_config/admins/boss", json=secret).status_code == 200
    env = {"PYTHON_KEYRING_BACKEND": "keyrings.alt.file.PlaintextKeyring", "XDG_DATA_HOME": str(tmp_path / "xdg")}
    r = cli("depot", "init", "--server", server.url.replace("http://", f"http://boss:{secret}@"), "--json", env=env)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["credentials_in"] == "the OS keyring" and secret not in r.stdout + r.stderr
    assert secret not in (home / "depot-admin" / "admin.json").read_text()
    pdf = tmp_path / "m.pdf"
    pdf.write_bytes(b"%PDF-1.4\n" + os.urandom(5000))
    r = cli("depot", "publish-manual", str(pdf), "--revision", "A", env=env)  # the saved server and password
    assert r.returncode == 0, r.stderr
    boss = ("boss", secret)
    assert httpx.put(f"{server.url}/_users/org.couchdb.user:dev1", auth=boss, json={
        "name": "dev1", "password": "d", "roles": ["fa_device"], "type": "user"}).status_code == 201
    dev = ("dev1", "d")
    verify(httpx.get(f"{server.url}/{CONTENT_DB}/manual:m:A", auth=dev).json(), decode_public_key(out["public_key"]))
    forged = httpx.put(f"{server.url}/{CONTENT_DB}/manual:m:Z", auth=dev, json={"kind": "manual"})
    assert forged.status_code == 403 and forged.json()["error"] == "forbidden"
    assert httpx.put(f"{server.url}/{BLOBS_DB}/blob:x", auth=dev, json={}).status_code == 403
    health = {"account": "dev1", "app_version": "1"}  # a device names its account (test_depot_health_owner.py)
    assert httpx.put(f"{server.url}/{HEALTH_DB}/device:dev1", auth=dev, json=health).status_code == 201
    assert httpx.get(f"{server.url}/{CONTENT_DB}/_all_docs").status_code == 401  # anonymous: not a member
    st = json.loads(cli("depot", "status", "--json", env=env).stdout)
    assert [d["device"] for d in st["devices"]] == ["dev1"]
