"""The device's side of the depot (issue 15) against a real pouchdb-server: signed documents pulled
and verified, files downloaded with Range resume, manual revisions switched in one step, withdrawal,
refusals that change nothing, staged model rollouts and rollback."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from assistant import cli
from assistant import db as dbmod
from assistant import settings as settingsmod
from assistant.fleet import round as depot_round
from assistant.library import ingest
from assistant.rag.search import search

from .depot_publish import Depot, new_key
from .rangeproxy import RangeProxy


def manual_text(rev: str, torque: int, filler: int = 0) -> bytes:
    body = (f"# P-200 pump manual, revision {rev}\n\n## Impeller replacement\n\n"
            f"Tighten the impeller nut of the P-200 pump to {torque} Nm. Revision {rev} of the procedure.\n\n"
            "## Seal inspection\n\nInspect the mechanical seal of the P-200 for leaks every 500 hours.\n")
    body += "".join(f"\n## Appendix {i}\n\nRecord of inspection interval {i} for the P-200 series pump.\n"
                    for i in range(filler))
    return body.encode()


@pytest.fixture
def depot(couch):
    # The depot databases have fixed names (the contract): each test starts them empty, with its own key.
    import httpx

    from assistant.depot import format as fmt

    for db in (fmt.CONTENT_DB, fmt.BLOBS_DB):
        httpx.delete(f"{couch.url}/{db}", timeout=30)
    d = Depot(couch.url)
    yield d
    d.close()


def setup_device(url: str, key: str, groups=()) -> None:
    settingsmod.save(depot_url=url, depot_key=key, device_groups=list(groups))


def sync_depot(conn, **kw):
    from assistant.session import Session

    s = Session()
    try:
        return depot_round.run(conn, settingsmod.load(), lambda: s.embedder, **kw)
    finally:
        s.close()


def depot_manuals(conn, name: str) -> list[dict]:
    return [m for m in ingest.library(conn) if m["depot_id"] and m["depot_id"].split(":")[1] == name]


@pytest.fixture
def conn(home):
    c = dbmod.connect()
    yield c
    c.close()


def uniq(tmp_path) -> str:
    return "m" + tmp_path.name[-12:].replace("_", "").replace("-", "").lower()


def test_publish_then_next_revision_replaces_it_in_one_step(depot, conn, tmp_path, capsys):
    name = uniq(tmp_path)
    setup_device(depot.url, depot.public)
    depot.manual(name, "A", manual_text("A", 40))
    r = sync_depot(conn)
    assert r.error is None and r.pulled.refused == []
    assert [a["revision"] for a in r.manuals.activated] == ["A"]
    assert cli.main(["library", "--json"]) == 0
    lib = [m for m in json.loads(capsys.readouterr().out)["manuals"] if m["depot_id"] == f"manual:{name}:A"]
    assert len(lib) == 1 and lib[0]["revision"] == "A" and lib[0]["source"] == "depot"
    assert Path(lib[0]["path"]).parent.parent.name == name
    texts = " ".join(p.text for p in search(conn, None, "impeller nut torque", k=10, mode="bm25").passages)
    assert "40 Nm" in texts

    depot.manual(name, "B", manual_text("B", 55))
    r = sync_depot(conn)
    assert [(a["revision"], a["replaced"]) for a in r.manuals.activated] == [("B", f"manual:{name}:A")]
    held = depot_manuals(conn, name)
    assert [(m["revision"], m["source"]) for m in held] == [("B", "depot")]
    texts = " ".join(p.text for p in search(conn, None, "impeller nut torque", k=10, mode="bm25").passages)
    assert "55 Nm" in texts and "40 Nm" not in texts
    states = dict(conn.execute("SELECT id, state FROM depot_docs WHERE name = ?", (name,)).fetchall())
    assert states == {f"manual:{name}:A": "previous", f"manual:{name}:B": "active"}
    # A second round with nothing new changes nothing.
    r = sync_depot(conn)
    assert r.pulled.received == 0 and r.manuals.activated == []
    from assistant.fleet import status

    assert status.summary(conn)["manuals"] == {name: "B"}  # what the health document reports


def test_withdrawn_manual_leaves_search(depot, conn, tmp_path):
    name = uniq(tmp_path)
    setup_device(depot.url, depot.public)
    depot.manual(name, "A", manual_text("A", 41))
    sync_depot(conn)
    path = depot_manuals(conn, name)[0]["path"]
    depot.withdraw(f"manual:{name}:A")
    r = sync_depot(conn)
    assert r.manuals.withdrawn == [f"manual:{name}:A"]
    assert depot_manuals(conn, name) == []
    assert "41 Nm" not in " ".join(p.text for p in search(conn, None, "impeller nut", k=10, mode="bm25").passages)
    assert conn.execute("SELECT state FROM depot_docs WHERE id = ?", (f"manual:{name}:A",)).fetchone()[0] == "withdrawn"
    assert Path(path).exists()  # kept until a cleanup


@pytest.mark.parametrize("cut", [0.3, 0.7])
def test_download_cut_then_resumed(couch, depot, conn, tmp_path, cut):
    name = uniq(tmp_path)
    data = manual_text("A", 42, filler=400)
    with RangeProxy(couch.url) as proxy:
        setup_device(proxy.url, depot.public)
        depot.manual(name, "A", data)
        proxy.cut_at = cut
        r = sync_depot(conn)
        assert r.error is None, r.error
        assert [a["revision"] for a in r.manuals.activated] == ["A"]
        first, resumed = proxy.ranges[0], proxy.ranges[1]
        assert first == "" and resumed == f"bytes={int(len(data) * cut)}-"
        # Fetched after the resume: only the rest, not the whole file again.
        assert proxy.served == [int(len(data) * cut), len(data) - int(len(data) * cut)]
        assert proxy.served[1] < len(data)
    held = depot_manuals(conn, name)
    assert len(held) == 1 and Path(held[0]["path"]).read_bytes() == data
    assert not list((Path(held[0]["path"]).parents[3] / "depot-staging").glob("*.part"))


def test_refusals_change_nothing(depot, conn, tmp_path):
    name = uniq(tmp_path)
    setup_device(depot.url, depot.public)
    depot.manual(name, "A", manual_text("A", 43))
    sync_depot(conn)
    before = ingest.library(conn)

    other_key, _ = new_key()
    depot.put({**{k: v for k, v in depot.get(f"manual:{name}:A").items() if k not in ("_rev", "_attachments", "signature")},
               "_id": f"manual:{name}:B", "revision": "B", "created": depot.created()}, manual_text("B", 99),
              sign_with=other_key)
    depot.manual(name + "x", "A", manual_text("A", 98))
    depot.tamper(f"manual:{name}x:A", title="changed after signing")
    depot.put({"_id": f"manual:{name}y:A", "kind": "manual", "name": name + "y", "revision": "A", "title": "t",
               "filename": "m.md", "sha256": "0" * 64, "size": 10, "groups": [], "created": depot.created(),
               "withdrawn": False}, b"0123456789", signed=False)
    good = manual_text("A", 97)
    depot.manual(name + "z", "A", good, sha256="f" * 64)  # signed, but the file is not the one named
    trunc = manual_text("A", 96)
    depot.manual(name + "t", "A", trunc[:-20], size=len(trunc), sha256=hashlib.sha256(trunc).hexdigest())

    r = sync_depot(conn)
    refused = {x["id"]: x["error"] for x in r.pulled.refused}
    assert "signature does not verify" in refused[f"manual:{name}:B"]
    assert "signature does not verify" in refused[f"manual:{name}x:A"]
    assert "not signed" in refused[f"manual:{name}y:A"]
    failed = {x["id"]: x["error"] for x in r.manuals.failed}
    assert "SHA-256" in failed[f"manual:{name}z:A"]
    assert "shorter than the signed document" in failed[f"manual:{name}t:A"]
    held = conn.execute("SELECT id FROM depot_docs WHERE name LIKE ?", (name + "%",)).fetchall()
    assert {h[0] for h in held} == {f"manual:{name}:A", f"manual:{name}z:A", f"manual:{name}t:A"}
    assert ingest.library(conn) == before
    assert not any(p.suffix == ".part" for p in (Path(conn.execute("PRAGMA database_list").fetchone()[2]).parent
                                                  / "depot-staging").glob("*"))
    assert "99 Nm" not in " ".join(p.text for p in search(conn, None, "impeller nut", k=20, mode="bm25").passages)


def test_offline_for_a_month_catches_up_with_only_the_newest(depot, conn, tmp_path):
    name = uniq(tmp_path)
    setup_device(depot.url, depot.public)
    depot.manual(name, "r00", manual_text("r00", 10))
    sync_depot(conn)
    for i in range(1, 21):
        depot.manual(name, f"r{i:02d}", manual_text(f"r{i:02d}", 10 + i))
    r = sync_depot(conn, page=7)  # several pages of the feed
    assert r.pulled.received == 20
    assert [(a["revision"], a["replaced"]) for a in r.manuals.activated] == [("r20", f"manual:{name}:r00")]
    states = dict(conn.execute("SELECT revision, state FROM depot_docs WHERE name = ?", (name,)).fetchall())
    assert states["r20"] == "active" and states["r00"] == "previous"
    assert {states[f"r{i:02d}"] for i in range(1, 20)} == {"known"}  # never downloaded nor ingested
    assert [m["revision"] for m in depot_manuals(conn, name)] == ["r20"]


def test_sync_setup_refuses_a_bad_key_and_stores_a_good_one(capsys):
    assert cli.main(["sync-setup", "--server", "http://127.0.0.1:1", "--depot-key", "ed25519:nope",
                     "--password-stdin"]) == 2
    assert "not a valid ed25519 public key" in capsys.readouterr().err.lower()
    assert settingsmod.load().depot_key is None
    _, public = new_key()
    import io
    import sys

    old = sys.stdin
    sys.stdin = io.StringIO("\n")
    try:
        assert cli.main(["sync-setup", "--server", "http://127.0.0.1:1", "--depot-key", public,
                         "--groups", "north", "east", "--password-stdin"]) == 0
    finally:
        sys.stdin = old
    s = settingsmod.load()
    assert s.depot_key == public and s.device_groups == ["north", "east"]


def bundled_chat(models_dir: Path) -> Path:
    return models_dir / "chat" / "SmolLM2-135M-Instruct.Q4_1.gguf"


def test_model_that_fails_to_load_is_rolled_back(depot, conn, models_dir):
    from assistant import models as modelsmod

    setup_device(depot.url, depot.public, groups=["north"])
    before = modelsmod.default("chat").name
    broken = bundled_chat(models_dir).read_bytes()[:6_000_000]  # a valid GGUF header, its tensors cut off
    doc = depot.model("fleetchat", "2", broken)
    depot.rollout("fleetchat", doc["_id"], groups=["north"])
    r = sync_depot(conn, bench_tokens=2)
    assert r.models["rolled_back"] == "model:fleetchat:2"
    assert "truncated" in r.models["reason"]
    from assistant.fleet import status

    assert status.summary(conn)["model"]["rolled_back"] == "model:fleetchat:2"
    assert any("model model:fleetchat:2" in p for p in r.problems)
    assert modelsmod.default("chat").name == before  # the previous model is still the one used
    assert not (modelsmod.role_dir("chat") / "fleetchat-2.gguf").exists()
    row = conn.execute("SELECT state, error FROM depot_docs WHERE id = 'model:fleetchat:2'").fetchone()
    assert row[0] == "failed" and "truncated" in row[1]
    from assistant.notes import state

    assert json.loads(state.read(conn, "depot_model_status"))["rolled_back"] == "model:fleetchat:2"
    from assistant import settings as settingsmod
    from assistant.fleet import health

    # ...and the depot hears why, in the device's health document.
    sent = health.document(conn, settingsmod.load())["rolled_back"]
    assert [f["model"] for f in sent] == ["model:fleetchat:2"] and "truncated" in sent[0]["reason"]


def test_staged_rollout_reaches_only_its_group(depot, home, tmp_path, models_dir, monkeypatch):
    from types import SimpleNamespace

    from assistant import models as modelsmod
    from assistant.rag.answer import model_version

    data = bundled_chat(models_dir).read_bytes()
    doc = depot.model("fleetchat", "3", data)
    depot.rollout("fleetchat", doc["_id"], groups=["north"])
    results = {}
    for group in ("north", "south"):
        h = tmp_path / f"home-{group}"
        h.mkdir()
        monkeypatch.setenv("FIELD_ASSISTANT_HOME", str(h))
        setup_device(depot.url, depot.public, groups=[group])
        c = dbmod.connect()
        try:
            r = sync_depot(c, bench_tokens=2, budget_s=3600)  # speed is bench/'s business, not a test's
            results[group] = (r, modelsmod.default("chat").name,
                              c.execute("SELECT state FROM depot_docs WHERE id = ?", (doc["_id"],)).fetchone()[0],
                              model_version(c, SimpleNamespace(name=modelsmod.default("chat").name,
                                                               path=modelsmod.default("chat").path)))
        finally:
            c.close()
    north, south = results["north"], results["south"]
    assert north[0].error is None and [i["id"] for i in north[0].models["installed"]] == [doc["_id"]]
    assert north[1] == "fleetchat-3.gguf" and north[2] == "active"
    assert north[3] == doc["_id"] and south[3].startswith("local:")  # what answers record as the model version
    assert (tmp_path / "home-north" / "models" / "chat" / "fleetchat-3.gguf").exists()
    assert south[0].models["installed"] == [] and south[1] != "fleetchat-3.gguf" and south[2] == "known"
    assert not (tmp_path / "home-south" / "models" / "chat" / "fleetchat-3.gguf").exists()

    # The depot withdraws the model: the north device goes back to the model it had.
    depot.withdraw(doc["_id"])
    monkeypatch.setenv("FIELD_ASSISTANT_HOME", str(tmp_path / "home-north"))
    c = dbmod.connect()
    try:
        r = sync_depot(c, bench_tokens=2)
        assert r.models["withdrawn"] == doc["_id"] and r.problems == []
        assert modelsmod.default("chat").name == south[1]  # the same default as the device never given it
        assert c.execute("SELECT state FROM depot_docs WHERE id = ?", (doc["_id"],)).fetchone()[0] == "withdrawn"
    finally:
        c.close()


def test_model_over_the_latency_budget_is_rolled_back(depot, conn, models_dir):
    from assistant import models as modelsmod

    setup_device(depot.url, depot.public)
    before = modelsmod.default("chat").name
    doc = depot.model("fleetchat", "4", bundled_chat(models_dir).read_bytes())
    depot.rollout("fleetchat", doc["_id"], percent=100)  # every device's bucket is under 100
    r = sync_depot(conn, bench_tokens=2, budget_s=0.0)  # a budget no model meets
    assert r.models["rolled_back"] == doc["_id"] and "latency budget" in r.models["reason"]
    assert modelsmod.default("chat").name == before
    assert not (modelsmod.role_dir("chat") / "fleetchat-4.gguf").exists()


def test_a_rollback_is_kept_until_seen_or_a_newer_model_is_installed(depot, conn, models_dir):
    """The app shows the last rollback beside "up to date" until the technician opens its details
    (acknowledge_rollback) or a newer model is installed: every round reports it until then."""
    from assistant.fleet import models as fleet_models

    setup_device(depot.url, depot.public)
    data = bundled_chat(models_dir).read_bytes()
    doc = depot.model("fleetchat", "5", data[:6_000_000])  # a valid header, its tensors cut off
    depot.rollout("fleetchat", doc["_id"], percent=100)
    r = sync_depot(conn, bench_tokens=2)
    assert r.models["rolled_back"] == doc["_id"] and r.models["last_rollback"]["id"] == doc["_id"]
    r = sync_depot(conn, bench_tokens=2)  # nothing new: no rollback this round, the last one still there
    last = r.models["last_rollback"]
    assert "rolled_back" not in r.models and r.problems == []  # not this round's problem
    assert last["id"] == doc["_id"] and (last["name"], last["revision"]) == ("fleetchat", "5")
    assert "truncated" in last["reason"] and last["at"].endswith("Z") and last["kept"]
    assert not fleet_models.acknowledge_rollback(conn, "model:fleetchat:4")  # not the one shown: kept
    assert fleet_models.acknowledge_rollback(conn, doc["_id"])
    assert "last_rollback" not in sync_depot(conn, bench_tokens=2).models

    # Another rollback, not looked at, then a newer model that passes: installed, the rollback is past.
    doc = depot.model("fleetchat", "6", data[:5_000_000])
    depot.rollout("fleetchat", doc["_id"], percent=100)
    assert sync_depot(conn, bench_tokens=2).models["last_rollback"]["id"] == doc["_id"]
    good = depot.model("fleetchat", "7", data)
    depot.rollout("fleetchat", good["_id"], percent=100)
    r = sync_depot(conn, bench_tokens=2, budget_s=3600)  # speed is bench/'s business, not a test's
    assert [i["id"] for i in r.models["installed"]] == [good["_id"]] and "last_rollback" not in r.models
    assert fleet_models.last_rollback(conn) is None


def test_app_sync_service_runs_notes_and_depot_independently(couch, depot, tmp_path):
    """The app's automatic sync: a notes server that is down does not stop the depot's round."""
    import time

    from assistant.sync import SyncService

    name = uniq(tmp_path)
    settingsmod.save(sync_url="http://127.0.0.1:9", depot_url=depot.url, depot_key=depot.public)  # notes: offline
    depot.manual(name, "A", manual_text("A", 44))
    svc = SyncService.from_settings(settingsmod.load, interval_s=3600)
    statuses = []
    svc.add_listener(statuses.append)
    svc.start()
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not (svc.status.depot and svc.status.depot["manuals"]["activated"]):
            time.sleep(0.1)
    finally:
        svc.stop()
    assert svc.status.depot["manuals"]["activated"][0]["revision"] == "A"
    assert any(s.state == "offline" for s in statuses)  # the notes server was reported unreachable
    c = dbmod.connect()
    try:
        assert [m["revision"] for m in depot_manuals(c, name)] == ["A"]
    finally:
        c.close()


def test_answer_and_note_record_the_cited_revision(depot, conn, tmp_path, capsys):
    from assistant.notes import NoteStore

    name = uniq(tmp_path)
    setup_device(depot.url, depot.public)
    depot.manual(name, "B", manual_text("B", 47))
    sync_depot(conn)
    assert cli.main(["ask", "--json", "--max-tokens", "24", "What torque for the P-200 impeller nut?"]) == 0
    answer = json.loads(capsys.readouterr().out)
    from assistant import models as modelsmod

    chat = modelsmod.default("chat")
    assert answer["model"] == chat.name and answer["model_version"] == f"local:{chat.name}:{chat.size_bytes}"
    cited = [c for c in answer["citations"] if c["depot_id"] == f"manual:{name}:B"]
    assert cited and all(c["revision"] == "B" for c in cited)
    note = NoteStore(conn).add_from_answer("What torque?", answer)
    assert {c["revision"] for c in note.citations if c.get("depot_id")} == {"B"}

    depot.manual(name, "C", manual_text("C", 52))
    sync_depot(conn)
    assert cli.main(["notes", "show", note.id]) == 0
    out = capsys.readouterr().out
    assert "cited revision B, now revision C" in out
    assert cli.main(["notes", "show", note.id, "--json"]) == 0
    revs = [r for r in json.loads(capsys.readouterr().out)["citation_revisions"] if r]
    assert revs and all((r["cited"], r["current"]) == ("B", "C") for r in revs)
    assert all(Path(r["cited_path"]).exists() and Path(r["current_path"]).exists() for r in revs)  # both kept


def test_cancelled_download_is_never_used_and_resumes_later(couch, depot, conn, tmp_path):
    import threading

    from assistant.depot import format as fmt
    from assistant.errors import Cancelled
    from assistant.fleet import download
    from assistant.sync.config import SyncConfig
    from assistant.sync.couch import CouchClient

    name = uniq(tmp_path)
    data = manual_text("A", 45, filler=8000)
    doc = depot.manual(name, "A", data)
    dest = tmp_path / "out" / "manual.md"
    with RangeProxy(couch.url) as proxy, CouchClient(SyncConfig(url=proxy.url, db=fmt.CONTENT_DB)) as client:
        cancel = threading.Event()
        with pytest.raises(Cancelled):
            download.fetch(client, fmt.CONTENT_DB, doc["_id"], dest, doc["sha256"], doc["size"], cancel=cancel,
                           on_bytes=lambda n, have: cancel.set() if have >= len(data) // 3 else None)
        part = download.staging_dir() / f"{doc['sha256']}.part"
        kept = part.stat().st_size
        assert 0 < kept < len(data) and not dest.exists()  # nothing half-downloaded in place
        download.fetch(client, fmt.CONTENT_DB, doc["_id"], dest, doc["sha256"], doc["size"])
        assert proxy.ranges == ["", f"bytes={kept}-"]
        assert proxy.served[-1] == len(data) - kept  # only the rest was fetched after the resume
    assert dest.read_bytes() == data and not part.exists()


@pytest.mark.parametrize("change", [{"name": ".."}, {"revision": ".hidden"}, {"filename": "../../evil.md"},
                                    {"name": "a/b"}, {"size": "12"}, {"_id": "manual:other:A"}])
def test_a_signed_document_that_would_write_outside_its_folder_is_refused(change):
    from assistant.depot import format as fmt
    from assistant.fleet.pull import check_shape

    doc = {"_id": "manual:p200:A", "kind": "manual", "name": "p200", "revision": "A", "filename": "m.md",
           "sha256": "0" * 64, "size": 12, "groups": []}
    check_shape(doc)
    doc.update(change)
    if "_id" not in change and "name" not in change or change.get("name") == "..":
        doc["_id"] = f"manual:{doc['name']}:{doc['revision']}"
    with pytest.raises(fmt.DepotSignatureError):
        check_shape(doc)
