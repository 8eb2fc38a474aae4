"""The health document against a real pouchdb-server: pushed with every sync round, upserted over
its _rev, a conflict retried, and exactly the fields README.md lists (so the list cannot drift)."""

from __future__ import annotations

import re
from pathlib import Path

import httpx

from assistant import settings as settingsmod
from assistant.cli import main
from assistant.depot import format as fmt
from assistant.fleet import counters, health, local
from assistant.sync.config import SyncConfig
from tests.sync.conftest import free_port

README = Path(__file__).resolve().parents[2] / "README.md"


def documented_fields() -> set[str]:
    section = README.read_text().split("## What the device sends to the depot", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^- `([\w]+)`", section, re.M))


def depot(couch) -> str:
    """The depot's databases, as `depot init` makes them, and a depot public key for the device."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    for name in (fmt.CONTENT_DB, fmt.BLOBS_DB):  # empty: the session's server is shared, and other
        httpx.delete(f"{couch.url}/{name}")     # tests leave documents signed with their own keys
        assert httpx.put(f"{couch.url}/{name}").status_code == 201
    assert httpx.put(f"{couch.url}/{fmt.HEALTH_DB}").status_code in (201, 412)
    raw = Ed25519PrivateKey.generate().public_key().public_bytes(serialization.Encoding.Raw,
                                                                 serialization.PublicFormat.Raw)
    return fmt.encode_public_key(raw)


def health_doc(couch, device_id) -> dict:
    return httpx.get(f"{couch.url}/{fmt.HEALTH_DB}/device:{device_id}").json()


def test_sync_pushes_exactly_the_documented_fields(couch, session, dbname, capsys):
    settingsmod.save(sync_url=couch.url, sync_db=dbname, depot_key=depot(couch))
    session.settings = settingsmod.load()
    counters.record_answer(session.db, False, 800.0)
    counters.record_answer(session.db, True, 120.0)
    counters.record(session.db, "speech_error")
    counters.add_feedback(session.db, -1, "What torque?", [{"manual": "P-200", "page": 4, "section": "Impeller"}])
    assert main(["sync"]) == 0
    me = local.device_id(session.db)
    doc = health_doc(couch, me)
    sent = set(doc) - {"_rev"}  # the server's bookkeeping
    assert sent == documented_fields() == set(health.FIELDS)
    assert (doc["questions"], doc["abstentions"], doc["speech_errors"]) == (2, 1, 1)
    assert doc["ttft_ms"] == {"p50": 120.0, "p95": 800.0}
    assert doc["feedback"] == []  # share_feedback is off by default
    first_rev = doc["_rev"]

    settingsmod.save(share_feedback=True)
    assert main(["sync"]) == 0  # an upsert over the current _rev, not a conflict
    doc = health_doc(couch, me)
    assert doc["_rev"] != first_rev and doc["_rev"].startswith("2-")
    assert doc["feedback"][0]["question"] == "What torque?" and doc["feedback"][0]["thumb"] == -1


def test_a_changed_document_on_the_server_is_retried_not_lost(couch, session):
    depot(couch)
    config = SyncConfig(url=couch.url, db=fmt.HEALTH_DB)
    first = health.push(session.db, session.settings, config)
    # someone else (an admin's tool, another push) wrote it meanwhile: our known _rev is stale
    r = httpx.put(f"{couch.url}/{fmt.HEALTH_DB}/{first['_id']}", json={**first, "questions": 99})
    assert r.status_code == 201
    counters.record_answer(session.db, False, 100.0)
    second = health.push(session.db, session.settings, config)
    assert second["_rev"].startswith("3-")
    assert health_doc(couch, local.device_id(session.db))["questions"] == 1


def test_health_is_pushed_even_when_the_notes_round_fails(couch, session, capsys):
    settingsmod.save(sync_url=couch.url, depot_key=depot(couch))
    # the notes go to a server that is not there this time; the health document to the depot
    assert main(["sync", "--server", f"http://127.0.0.1:{free_port()}"]) == 1
    assert "cannot reach" in capsys.readouterr().err
    doc = health_doc(couch, local.device_id(session.db))
    assert doc["sync_errors"] == 1


def test_the_background_sync_service_pushes_it_every_round(couch, session, dbname):
    import time

    from assistant.sync.service import SyncService

    settingsmod.save(sync_url=couch.url, sync_db=dbname, depot_key=depot(couch))
    svc = SyncService.from_settings(settingsmod.load(), debounce_s=0.2, watch_s=0.2)
    svc.start()
    try:
        deadline = time.monotonic() + 30
        while svc.rounds < 1 or svc.status.state == "syncing":
            assert time.monotonic() < deadline, "no sync round"
            time.sleep(0.05)
        deadline = time.monotonic() + 30
        while httpx.get(f"{couch.url}/{fmt.HEALTH_DB}/device:{local.device_id(session.db)}").status_code != 200:
            assert time.monotonic() < deadline, f"no health document ({svc.health_error})"
            time.sleep(0.05)
    finally:
        svc.stop()
    assert svc.health_error is None


def test_no_depot_nothing_sent_and_no_database_made(couch, session, dbname):
    """Notes sync alone (no depot key): no health document, and no database created on a server
    where the device's account may not create one."""
    httpx.delete(f"{couch.url}/{fmt.HEALTH_DB}")
    settingsmod.save(sync_url=couch.url, sync_db=dbname)
    session.settings = settingsmod.load()
    assert main(["sync"]) == 0
    assert httpx.get(f"{couch.url}/{fmt.HEALTH_DB}").status_code == 404


def test_a_depot_without_its_health_database_is_one_clear_message(couch, session):
    httpx.delete(f"{couch.url}/{fmt.HEALTH_DB}")
    problem = health.push_quietly(session.db, session.settings.model_copy(
        update={"sync_url": couch.url, "depot_key": "ed25519:x"}), SyncConfig(url=couch.url, db=fmt.HEALTH_DB))
    assert problem and "depot init" in problem
    assert httpx.get(f"{couch.url}/{fmt.HEALTH_DB}").status_code == 404
