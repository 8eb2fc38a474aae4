"""One device id for notes, depot and health; and the order of a background sync round (notes, depot,
then the health document, so health reports what the same round installed). Against a real
pouchdb-server, with the real SyncService rounds on the test's thread."""

from __future__ import annotations

import httpx
import pytest

from assistant import db as dbmod
from assistant import settings as settingsmod
from assistant.cli import main
from assistant.depot import format as fmt
from assistant.fleet import local
from assistant.notes import NoteStore
from assistant.sync.config import SyncConfig
from assistant.sync.service import SyncService

from .depot_publish import Depot


@pytest.fixture
def depot(couch):
    """The depot's databases empty (their names are fixed and the session's server is shared), with a
    health database as `depot init` makes it, and a signing key of this test's own."""
    for name in (fmt.CONTENT_DB, fmt.BLOBS_DB, fmt.HEALTH_DB):
        httpx.delete(f"{couch.url}/{name}", timeout=30)
    assert httpx.put(f"{couch.url}/{fmt.HEALTH_DB}").status_code == 201
    d = Depot(couch.url)
    yield d
    d.close()


@pytest.fixture
def conn(home):
    c = dbmod.connect()
    yield c
    c.close()


def health_doc(couch, device: str) -> dict | None:
    r = httpx.get(f"{couch.url}/{fmt.HEALTH_DB}/device:{device}", timeout=30)
    return r.json() if r.status_code == 200 else None


def one_round(conn) -> SyncService:
    """One round of the background service, as its thread runs it, on this thread."""
    svc = SyncService.from_settings(settingsmod.load())
    svc._round(NoteStore(conn))
    return svc


def test_the_notes_the_depot_and_the_health_document_use_one_device_id(couch, depot, dbname, conn):
    me = local.device_id(conn)  # the fleet asks first, on a new database: the notes find the same id
    assert NoteStore(conn).device_id == me
    NoteStore(conn).add("Pump P-200", "seal checked")
    settingsmod.save(sync_url=couch.url, sync_db=dbname, depot_key=depot.public)
    for job, device in (("mine", me), ("theirs", "0123456789ab")):
        depot.put({"_id": fmt.doc_id("job", job), "kind": "job", "asset": "P-200", "serial": job, "site": "Plant 3",
                   "work_order": "WO-1", "device": device, "groups": [], "created": "2026-12-05T08:00:00Z",
                   "withdrawn": False})
    assert main(["sync"]) == 0
    notes = httpx.get(f"{couch.url}/{dbname}/_all_docs", params={"include_docs": "true"}).json()["rows"]
    assert [r["doc"]["device"] for r in notes] == [me]
    # The depot selected the job addressed to this id (and not the other device's).
    jobs = [r[0] for r in conn.execute("SELECT id FROM depot_docs WHERE kind = 'job'")]
    assert jobs == ["job:mine"]
    doc = health_doc(couch, me)
    assert doc is not None and doc["device"] == me


def test_health_is_pushed_after_the_depot_round_and_reports_what_it_installed(couch, depot, dbname, conn):
    settingsmod.save(sync_url=couch.url, sync_db=dbname, depot_key=depot.public)
    depot.manual("order-p200", "A", b"# P-200 pump\n\n## Impeller\n\nTighten the impeller nut to 44 Nm.\n")
    svc = one_round(conn)
    assert svc.status.depot["manuals"]["activated"][0]["revision"] == "A"
    assert svc.health_error is None
    doc = health_doc(couch, local.device_id(conn))
    assert doc["_rev"].startswith("1-")  # the only push so far: this round's
    assert doc["library"]["depot_revisions"] == {"order-p200": "A"}


def test_the_depot_round_runs_when_health_cannot_be_sent(couch, depot, dbname, conn):
    httpx.delete(f"{couch.url}/{fmt.HEALTH_DB}", timeout=30)
    settingsmod.save(sync_url=couch.url, sync_db=dbname, depot_key=depot.public)
    depot.manual("order-p300", "A", b"# P-300 pump\n\n## Seal\n\nInspect the seal every 500 hours.\n")
    svc = one_round(conn)
    assert "depot init" in svc.health_error
    assert svc.status.depot["manuals"]["activated"][0]["name"] == "order-p300"


def test_health_is_sent_when_the_depot_round_fails(couch, depot, dbname, conn):
    settingsmod.save(sync_url=couch.url, sync_db=dbname, depot_key="ed25519:not-a-key")
    svc = one_round(conn)
    assert svc.status.depot["error"].startswith("depot key:")
    assert svc.health_error is None
    assert health_doc(couch, local.device_id(conn))["library"]["depot_revisions"] == {}


def test_sync_now_during_a_round_is_not_lost(couch, dbname, conn):
    """The GUI shows the depot's state before the round's health push ends: a click on it then
    ("check again") must bring the next round forward, not be overwritten by the round's interval."""
    import threading

    asked = threading.Event()

    def depot(_conn, _cancel, _progress):
        if not asked.is_set():
            asked.set()
            svc.sync_now()  # as the GUI thread would, while this round is still running
        return None

    svc = SyncService(SyncConfig(url=couch.url, db=dbname), interval_s=3600, depot=depot)
    second = threading.Event()
    svc.add_listener(lambda st: svc.rounds >= 2 and st.state == "synced" and second.set())
    svc.start()
    try:
        assert second.wait(60), f"no second round within a minute (interval 1 h); status {svc.status}"
    finally:
        svc.stop()


def test_a_depot_round_stopped_midway_leaves_the_last_report_not_an_error(couch, depot, dbname, conn):
    """The service stopped during a depot round (settings saved, app closing) is no depot problem: the
    status keeps the last round's report, not "depot error: cancelled"."""
    from assistant.sync import service as servicemod

    settingsmod.save(sync_url=couch.url, sync_db=dbname, depot_key=depot.public)
    depot.manual("stop-p400", "A", b"# P-400 pump\n\n## Seal\n\nInspect the seal every 500 hours.\n")
    svc = one_round(conn)
    first = svc.status.depot
    assert first["error"] is None and first["manuals"]["activated"][0]["name"] == "stop-p400"

    seen = []

    def stop_at_once(p):
        seen.append(p.phase)
        svc.stop(0)  # as SyncBridge.start does when the settings change

    svc._depot = lambda c, cancel, _progress: servicemod._depot_round(c, settingsmod.load(), cancel, stop_at_once)
    svc._round(NoteStore(conn))
    assert seen == ["checking"]
    assert svc.status.depot == first
    assert svc.status.depot_progress is None


def test_cli_sync_without_a_notes_server_still_runs_the_depot_round(couch, depot, conn, capsys):
    """A device set up for the depot alone (depot_url, no sync_url): `field-assistant sync` says the notes
    have no server, and the depot round runs all the same (as the app's background sync does)."""
    import json

    settingsmod.save(depot_url=couch.url, depot_key=depot.public)
    depot.manual("solo-p500", "A", b"# P-500 pump\n\n## Seal\n\nInspect the seal every 250 hours.\n")
    capsys.readouterr()
    assert main(["sync", "--json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert "no sync server configured" in out["error"]
    assert out["depot"]["manuals"]["activated"][0]["name"] == "solo-p500"
