"""Replication against a real pouchdb-server: push, pull, conflicts, parking, checkpoints, clocks,
credentials, Retry-After, the CLI and the background service."""

from __future__ import annotations

import json
import logging
import threading
import time

import httpx
import pytest

from assistant import cli
from assistant.notes import merge
from assistant.notes.revs import parse_rev, rev_id
from assistant.sync.config import SyncConfig, from_settings, split_credentials
from assistant.sync.couch import AuthError, CouchClient, RetryLater
from assistant.sync.replicator import CHECKPOINT_PREFIX
from assistant.sync.service import Backoff, SyncService
from tests.sync.conftest import PouchServer, assert_converged, server_docs, sync_until_quiet
from tests.sync.faultproxy import FaultProxy

pytestmark = pytest.mark.no_models


def _fill(dev, n, prefix="note"):
    return [dev.store.add(f"{prefix} {i}", f"body of {prefix} {i}", tags=[f"t{i % 3}"], work_order=f"WO-{i % 5}")
            for i in range(n)]


def test_push_then_pull_reaches_every_device_once(config, devices):
    a, b = devices("a"), devices("b")
    notes = _fill(a, 120)
    r = a.sync(config, batch_size=50)
    assert (r.pushed, r.pending, r.parked) == (120, 0, 0)
    r = b.sync(config, batch_size=50)
    assert r.pulled == 120 and b.store.count() == 120
    assert b.store.get(notes[7].id).work_order == "WO-2"
    again = a.sync(config), b.sync(config)
    assert all(x.pushed == x.pulled == 0 for x in again)  # nothing moves twice
    snap = assert_converged(config, a, b)
    assert len(snap) == 120


def test_a_retried_upload_never_creates_a_second_revision(config, devices):
    a = devices("a")
    n = a.store.add("Compressor C-2", "oil topped up")
    a.sync(config)
    docs = a.store.tree.docs_for_push([n.id])[n.id]
    with CouchClient(config) as c:
        for _ in range(3):  # the same upload sent again, as after a lost response
            assert c.bulk_docs(docs).status_code in (200, 201)
    info = httpx.get(f"{config.url}/{config.db}/{n.id}", params={"open_revs": "all"},
                     headers={"Accept": "application/json"}).json()
    assert [x["ok"]["_rev"] for x in info] == [n.rev]
    a.store.outbox.requeue_all()  # the whole outbox offered again: the server already has it all
    assert a.sync(config).pushed == 0


def test_concurrent_edits_merge_the_same_way_everywhere(config, devices):
    a, b = devices("a"), devices("b")
    n = a.store.add("Chiller CH-1", "inspected coils\nrefrigerant ok", tags=["hvac"])
    a.sync(config)
    b.sync(config)
    a.store.edit(n.id, body="inspected and cleaned coils\nrefrigerant ok", title="Chiller CH-1 (cleaned)")
    b.store.edit(n.id, body="inspected coils\nrefrigerant ok\nfan belt worn", tags=["hvac", "belt"])
    a.sync(config)
    r = b.sync(config)
    assert r.conflicts_resolved == 1
    a.sync(config)
    snap = assert_converged(config, a, b)
    _, title, body, tags = snap[n.id]
    assert title == "Chiller CH-1 (cleaned)"
    assert body == "inspected and cleaned coils\nrefrigerant ok\nfan belt worn"
    assert tags == ("belt", "hvac") and not a.store.get(n.id).conflict


def test_conflicting_text_is_kept_with_a_marker(config, devices):
    a, b = devices("a"), devices("b")
    n = a.store.add("Boiler B-4", "pressure 1.5 bar")
    a.sync(config)
    b.sync(config)
    a.store.edit(n.id, body="pressure 1.2 bar, topped up")
    b.store.edit(n.id, body="pressure 1.8 bar, bled radiators")
    sync_until_quiet(config, a, b)
    snap = assert_converged(config, a, b)
    body = snap[n.id][2]
    assert "1.2 bar, topped up" in body and "1.8 bar, bled radiators" in body
    assert merge.has_conflict_marker(body)
    note = a.store.get(n.id)
    assert note.conflict and a.store.list(conflicts_only=True)[0].id == n.id
    # The technician tidies up: the flag clears, and the cleaned text reaches the other device.
    a.store.edit(n.id, body="pressure 1.8 bar after bleeding; topped up to 1.5 bar")
    sync_until_quiet(config, a, b)
    assert not b.store.get(n.id).conflict and b.store.conflict_count() == 0


def test_independent_resolutions_produce_the_same_revision(couch, devices):
    """Two devices that resolve the same conflict offline write the same merge revision, so no new
    conflict appears when they meet."""
    a, b = devices("a"), devices("b")
    cfg1, cfg2 = SyncConfig(couch.url, db="ind1" + str(time.time_ns())), SyncConfig(couch.url, db="ind2" + str(time.time_ns()))
    n = a.store.add("Generator G-1", "oil ok\nfilters ok")
    a.sync(cfg1)
    b.sync(cfg1)
    # Two conflicting children of the same parent, put on both servers by a third party.
    parent = a.store.get(n.id)
    base = json.loads(a.store.tree.content(n.id, parent.rev))
    kids = []
    for body, clock in (("oil low, topped up\nfilters ok", "9999999999999.00000.x"),
                        ("oil ok\nfilters ok\nbelt replaced", "9999999999999.00001.y")):
        c = dict(base, body=body, clock=dict(base["clock"], body=clock))
        rev = rev_id(parent.rev, c)
        kids.append(dict(c, _id=n.id, _rev=rev, _revisions={"start": parse_rev(rev)[0],
                                                           "ids": [rev.split("-")[1], parent.rev.split("-")[1]]}))
    for cfg in (cfg1, cfg2):
        with CouchClient(cfg) as c:
            c.ensure_db()
            c.bulk_docs(kids)
    ra, rb = a.sync(cfg1), b.sync(cfg2)  # each resolves on its own, against a different database
    assert ra.conflicts_resolved == rb.conflicts_resolved == 1
    assert a.store.get(n.id).rev == b.store.get(n.id).rev
    r = b.sync(cfg1)
    assert r.conflicts_resolved == 0
    assert_converged(cfg1, a, b)


def test_a_rejected_note_is_parked_and_the_rest_sync(config, devices):
    with CouchClient(config) as c:
        c.ensure_db()
        r = c.request("PUT", f"/{config.db}/_design/guard", json={"validate_doc_update": (
            "function(n){ if (n.title && n.title.indexOf('FORBIDDEN') >= 0) throw({forbidden: 'title not allowed'}); }")})
        assert r.status_code == 201
    a, b = devices("a"), devices("b")
    _fill(a, 10)
    bad = a.store.add("FORBIDDEN words here", "rejected by the server's validation")
    _fill(a, 10, prefix="later")
    r = a.sync(config, batch_size=7)
    assert (r.pushed, r.parked, r.pending) == (20, 1, 0)
    assert r.parked_docs[0]["id"] == bad.id and r.parked_docs[0]["error"] == "forbidden"
    assert [p.id for p in a.store.parked()] == [bad.id]
    assert b.sync(config).pulled == 20
    # Fixed locally: the edit is offered again, goes through, and the parked entry clears.
    a.store.edit(bad.id, title="Allowed words here")
    r = a.sync(config)
    assert (r.pushed, r.parked) == (1, 0)
    b.sync(config)
    assert_converged(config, a, b)


def test_lost_or_damaged_checkpoints_mean_a_full_resync_without_duplicates(config, devices):
    a, b = devices("a"), devices("b")
    _fill(a, 60)
    a.sync(config)
    b.sync(config)
    _fill(b, 15, prefix="from b")
    b.sync(config)
    before = server_docs(config)
    with CouchClient(config) as c:  # the server's checkpoints are gone (e.g. restored from a backup)
        for d in (a, b):
            c.delete_local(CHECKPOINT_PREFIX + config.replication_id(d.store.device_id))
    r = a.sync(config)
    assert r.full_resync and r.pushed == 0 and r.pulled == 15
    key = "checkpoint:" + config.replication_id(b.store.device_id)
    b.store.set_state(key, "{not json")  # a damaged local checkpoint
    r = b.sync(config)
    assert r.full_resync and r.pushed == 0 and r.pulled == 0
    with CouchClient(config) as c:  # a damaged server checkpoint
        c.put_local(CHECKPOINT_PREFIX + config.replication_id(a.store.device_id), {"session": 5})
    assert a.sync(config).full_resync
    after = server_docs(config)
    assert {i: d["_rev"] for i, d in after.items()} == {i: d["_rev"] for i, d in before.items()}
    assert_converged(config, a, b)
    assert not a.sync(config).full_resync  # the new checkpoint is used from now on


def test_a_device_clock_a_day_slow_still_wins_with_a_later_edit(config, devices):
    a = devices("a")
    slow = devices("slow", wall=lambda: time.time() - 86400)
    n = a.store.add("Lift L-2", "doors ok")
    a.sync(config)
    slow.sync(config)
    a.store.edit(n.id, title="Lift L-2 (checked by A)")
    a.sync(config)
    slow.sync(config)
    # Now, concurrently: the slow device renames (after seeing A's rename), A edits only the body.
    slow.store.edit(n.id, title="Lift L-2 (rechecked by slow device)")
    a.store.edit(n.id, body="doors ok\nbrake pads at 60%")
    sync_until_quiet(config, a, slow)
    snap = assert_converged(config, a, slow)
    _, title, body, _ = snap[n.id]
    # By wall clock the slow device's edit is a day "older"; by the hybrid logical clock it is later.
    assert title == "Lift L-2 (rechecked by slow device)"
    assert body == "doors ok\nbrake pads at 60%"


def test_sync_cli_json_and_offline_exit_code(config, home, capsys, monkeypatch):
    assert cli.main(["notes", "add", "--title", "Pump", "--json"]) == 0
    capsys.readouterr()
    dead = f"http://127.0.0.1:{_closed_port()}"
    assert cli.main(["sync", "--server", dead, "--db", config.db, "--json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["pending"] == 1 and out["pushed"] == 0
    monkeypatch.setenv("FIELD_ASSISTANT_SYNC_URL", config.url)
    monkeypatch.setenv("FIELD_ASSISTANT_SYNC_DB", config.db)
    assert cli.main(["sync", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {k: out[k] for k in ("pushed", "pulled", "conflicts_resolved", "parked", "pending")} == {
        "pushed": 1, "pulled": 0, "conflicts_resolved": 0, "parked": 0, "pending": 0}
    assert len(server_docs(config)) == 1


def _closed_port() -> int:
    from tests.sync.conftest import free_port

    return free_port()


def test_credentials_are_used_and_never_logged(tmp_path, home, capsys, monkeypatch, caplog):
    for name in (None, "httpx", "httpcore"):  # everything, even the HTTP libraries' debug output
        caplog.set_level(logging.DEBUG, logger=name)
    server = PouchServer(tmp_path / "secure").start()
    try:
        secret = "s3cret-Pa55-7781"
        base = server.url
        assert httpx.put(f"{base}/_config/admins/tech", json=secret).status_code == 200
        auth = ("tech", secret)
        assert httpx.put(f"{base}/notes", auth=auth).status_code in (201, 412)
        r = httpx.put(f"{base}/notes/_security", auth=auth,
                      json={"admins": {"names": ["tech"]}, "members": {"names": ["tech"]}})
        assert r.status_code == 200
        assert httpx.get(f"{base}/notes/_all_docs").status_code == 401  # anonymous is refused

        assert cli.main(["notes", "add", "--title", "Secret-free note"]) == 0
        monkeypatch.setenv("FIELD_ASSISTANT_SYNC_USER", "tech")
        monkeypatch.setenv("FIELD_ASSISTANT_SYNC_PASSWORD", "wrong-password")
        assert cli.main(["sync", "--server", base, "--db", "notes"]) == 1
        assert "refused" in capsys.readouterr().err
        monkeypatch.setenv("FIELD_ASSISTANT_SYNC_PASSWORD", secret)
        assert cli.main(["sync", "--server", base, "--db", "notes", "--json"]) == 0
        assert json.loads(capsys.readouterr().out)["pushed"] == 1
        # Credentials in the URL work too, and are taken out of it before anything is logged.
        monkeypatch.delenv("FIELD_ASSISTANT_SYNC_PASSWORD")
        url_with_creds = base.replace("http://", f"http://tech:{secret}@")
        assert cli.main(["sync", "--server", url_with_creds, "--db", "notes"]) == 0
        logs = caplog.text
        assert "sync with" in logs and secret not in logs and "wrong-password" not in logs
        cfg = split_credentials(url_with_creds)
        assert cfg[0] == base and secret not in repr(SyncConfig(cfg[0], user="tech", password=secret))
    finally:
        server.stop()


def test_retry_after_is_honoured(config, devices, couch):
    a = devices("a")
    _fill(a, 5)
    with FaultProxy(couch.port) as proxy:
        proxy.answer_429, proxy.retry_after = 2, "1"
        t0 = time.monotonic()
        r = a.sync(SyncConfig(proxy.url, db=config.db))
        assert r.pushed == 5 and proxy.stats["429"] == 2
        assert time.monotonic() - t0 >= 1.0  # waited as asked, not at once
        a.store.add("one more")
        proxy.answer_429, proxy.retry_after = 1, "120"
        with pytest.raises(RetryLater) as e:  # too long to wait in the round: the scheduler comes back later
            a.sync(SyncConfig(proxy.url, db=config.db))
        assert e.value.retry_after == 120
        assert Backoff(base=1, cap=10).next(e.value.retry_after) >= 120
    assert a.store.pending_count() == 1


def test_backoff_grows_with_jitter_and_is_capped():
    import random

    b = Backoff(base=1, cap=30, floor=0.5, rng=random.Random(1))
    delays = [b.next() for _ in range(10)]
    assert all(0.5 <= d <= 30 for d in delays) and max(delays[5:]) > max(delays[:2])
    assert len(set(delays)) == 10  # jittered: devices do not retry in step
    b.reset()
    assert b.next() <= 1


def test_the_service_syncs_on_change_and_when_the_server_comes_back(config, devices, couch, home):
    other = devices("other")
    statuses = []
    with FaultProxy(couch.port) as proxy:
        cfg = SyncConfig(proxy.url, db=config.db)
        svc = SyncService(cfg, db_path=None, interval_s=3600, debounce_s=0.2, watch_s=0.2,
                          backoff=Backoff(base=0.3, cap=0.6, floor=0.1), on_status=statuses.append)
        from assistant import db as dbmod
        from assistant.notes import NoteStore

        conn = dbmod.connect()
        store = NoteStore(conn)
        try:
            svc.start()
            _wait(lambda: svc.status.state == "synced", "first round")
            store.add("Made while online")  # a change triggers a round within the debounce
            _wait(lambda: svc.status.state == "synced" and svc.status.pending == 0 and len(server_docs(config)) == 1,
                  "sync after a change")
            proxy.offline = True
            store.add("Made while offline")
            _wait(lambda: svc.status.state == "offline" and svc.status.pending == 1, "offline")
            assert "1 waiting" in svc.status.label
            proxy.offline = False  # connectivity returns: the reachability check notices by itself
            _wait(lambda: svc.status.state == "synced" and len(server_docs(config)) == 2, "back online")
            other.sync(config)
            assert other.store.count() == 2
        finally:
            svc.stop()
            conn.close()
    states = [s.state for s in statuses]
    assert "syncing" in states and "offline" in states and states[-1] == "stopped"


def test_the_service_survives_a_database_it_cannot_open_and_a_failing_status(config, home, monkeypatch):
    """The thread used to die for good when opening the database or reading the status failed."""
    from types import SimpleNamespace

    from assistant import db as dbmod
    from assistant.errors import DatabaseError
    from assistant.notes import NoteStore
    from assistant.sync import service as svcmod

    real_status = svcmod.status_of
    fails = {"connect": 2, "status": 1}

    def connect(path=None):
        if fails["connect"]:
            fails["connect"] -= 1
            raise DatabaseError("disk I/O error")
        return dbmod.connect(path)

    def status_of(store, state=None, **kw):
        if kw.get("last_report") is not None and fails["status"]:
            fails["status"] -= 1
            raise dbmod.sqlean.OperationalError("database is locked")
        return real_status(store, state, **kw)

    monkeypatch.setattr(svcmod, "dbmod", SimpleNamespace(connect=connect))
    monkeypatch.setattr(svcmod, "status_of", status_of)
    conn = dbmod.connect()
    NoteStore(conn).add("Made before the service")
    statuses = []
    svc = SyncService(config, interval_s=3600, debounce_s=0.2, watch_s=0.2,
                      backoff=Backoff(base=0.2, cap=0.4, floor=0.05), on_status=statuses.append)
    try:
        svc.start()
        _wait(lambda: svc.status.state == "synced" and len(server_docs(config)) == 1, "a round after the failures")
    finally:
        svc.stop()
        conn.close()
    errors = [s.message for s in statuses if s.state == "error"]
    assert errors.count("disk I/O error") == 2 and "database is locked" in errors, errors
    assert fails == {"connect": 0, "status": 0}


def _wait(cond, what: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for: {what}")


def test_cancel_stops_a_round_and_keeps_what_was_done(config, devices):
    a = devices("a")
    _fill(a, 200)
    cancel = threading.Event()
    seen = []

    def progress(p):
        seen.append(p)
        if p.phase == "push" and p.done >= 40:
            cancel.set()

    from assistant.errors import Cancelled

    with pytest.raises(Cancelled):
        a.sync(config, batch_size=20, cancel=cancel, progress=progress)
    assert 0 < a.store.pending_count() < 200
    r = a.sync(config)
    assert r.pushed + 40 >= 200 and a.store.pending_count() == 0
    assert len(server_docs(config)) == 200


def test_config_from_settings_and_auth_error_type(config):
    class S:
        sync_url = "https://u:p%40ss@example.invalid:6984/"
        sync_db = "field-notes"
        sync_user = None
        sync_password = None
        sync_verify_tls = True
        sync_ca_file = None

    cfg = from_settings(S())
    assert (cfg.url, cfg.user, cfg.password) == ("https://example.invalid:6984", "u", "p@ss")
    assert "p@ss" not in repr(cfg)
    assert issubclass(AuthError, Exception)


def test_an_edit_beats_a_concurrent_delete_and_brings_back_all_the_text(config, devices):
    a, b = devices("a"), devices("b")
    n = a.store.add("Conveyor K-9", "belt tension ok")
    a.sync(config)
    b.sync(config)
    a.store.edit(n.id, body="belt tension ok\nroller 3 replaced")  # A adds a line, syncs...
    a.sync(config)
    a.store.delete(n.id)  # ...then deletes the note, while B (offline) is still editing the old version
    b.store.edit(n.id, body="belt tension ok\nmotor bearing noisy")
    sync_until_quiet(config, a, b)
    snap = assert_converged(config, a, b)
    body = snap[n.id][2]
    assert "motor bearing noisy" in body and "roller 3 replaced" in body  # nobody's text is lost
    # A delete made after seeing every edit is final, everywhere.
    a.store.delete(n.id)
    sync_until_quiet(config, a, b)
    assert n.id not in assert_converged(config, a, b)
    assert b.store.get(n.id, include_deleted=True).deleted


def test_the_service_takes_the_settings_it_is_given_not_the_ones_on_disk(home):
    """The GUI passes the settings it holds (changed in its Settings dialog): the service reads the
    server from them at every round, and nothing from settings.json."""
    from assistant import settings as settingsmod

    settingsmod.save(sync_url="http://on-disk.invalid:5984")
    held = [settingsmod.Settings(sync_url="http://u:pw@gui.invalid:5984", sync_db="gui-notes", sync_interval_s=42)]
    svc = SyncService.from_settings(lambda: held[0])
    assert svc.interval_s == 42
    cfg = svc._config_now()
    assert (cfg.url, cfg.db, cfg.user, cfg.password) == ("http://gui.invalid:5984", "gui-notes", "u", "pw")
    held[0] = held[0].model_copy(update={"sync_url": "http://later.invalid:5984"})  # saved in the dialog
    assert svc._config_now().url == "http://later.invalid:5984"
    assert SyncService.from_settings(held[0])._config_now().url == "http://later.invalid:5984"
