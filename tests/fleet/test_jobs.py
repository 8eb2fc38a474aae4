"""Jobs on the device: assignment, the current job, scoped answers, note fields (real SQLite, real
embedding model, real chat model for the answer through the CLI)."""

from __future__ import annotations

import json

import pytest

from assistant.cli import main
from assistant.depot import format as fmt
from assistant.fleet import jobs, local
from assistant.library import ingest
from assistant.notes import NoteStore
from assistant.rag.search import search
from tests.fleet.depot_docs import Depot

P200 = """# P-200 pump service manual

## Impeller

Torque the impeller nut of the P-200 to 41 Nm. Use seal kit 77-200-S.
"""
P300 = """# P-300 pump service manual

## Impeller

Torque the impeller nut of the P-300 to 65 Nm. Use seal kit 77-300-S.
"""
OWN = """# Workshop notes on the P-200

## Impeller

The P-200 impeller nut: our crew uses a thread locker before torquing.
"""
OTHER = """# Compressor notes

## Impeller

Torque the compressor impeller nut to 12 Nm.
"""


@pytest.fixture
def depot():
    return Depot()


@pytest.fixture
def fleet(session, tmp_path, depot):
    """A library: two depot manuals (P-200, P-300) and two local ones (one naming the P-200)."""
    docs = tmp_path / "docs"
    docs.mkdir()
    for name, text in (("p200-om.md", P200), ("p300-om.md", P300), ("p200-workshop.md", OWN),
                       ("compressor.md", OTHER)):
        (docs / name).write_text(text)
    assert not ingest.run(session.db, session.embedder, [docs]).failed
    for name, equipment in (("p200-om", ["P-200", "P-200X"]), ("p300-om", ["P-300"])):
        doc = depot.manual(name, "3", equipment)
        local.store_verified(session.db, doc, depot.public)
        session.db.execute("UPDATE manuals SET depot_id = ?, revision = '3' WHERE path LIKE ?",
                           (doc["_id"], f"%{name}.md"))
    me = local.device_id(session.db)
    for doc in (depot.job("j1", "P-200", "12345", device=me, work_order="WO-881"),
                depot.job("j2", "P-300", "999", groups=["north"]),
                depot.job("j3", "P-200", "777", device="another-device"),
                depot.job("j4", "Q-9", "5", device=me),
                depot.job("j5", "P-300", "31", device=me)):
        local.store_verified(session.db, doc, depot.public)
    # j5 withdrawn: a new revision of the same document, signed again
    local.store_verified(session.db, depot.job("j5", "P-300", "31", device=me, withdrawn=True), depot.public)
    return session


def ids(found):
    return sorted(j.id for j in found)


def test_store_verified_refuses_a_changed_document(session, depot):
    doc = depot.job("j1", "P-200", "12345")
    with pytest.raises(fmt.DepotSignatureError):
        local.store_verified(session.db, {**doc, "serial": "99999"}, depot.public)
    with pytest.raises(fmt.DepotSignatureError):
        local.store_verified(session.db, doc, Depot().public)  # another depot's key
    assert session.db.execute("SELECT count(*) FROM depot_docs").fetchone()[0] == 0
    local.store_verified(session.db, doc, depot.public)
    assert [d["serial"] for d in local.docs(session.db, "job")] == ["12345"]


def test_jobs_assigned_to_this_device_or_its_groups(fleet):
    db = fleet.db
    assert ids(jobs.list_jobs(db, [])) == ["j1", "j4"]  # j3: another device; j5 withdrawn; j2: group north
    assert ids(jobs.list_jobs(db, ["north"])) == ["j1", "j2", "j4"]
    assert local.docs(db, "job")[-1]["_state"] == "withdrawn"
    with pytest.raises(jobs.JobError, match="j5"):
        jobs.use(db, "j5")
    with pytest.raises(jobs.JobError):
        jobs.use(db, "j3")


def test_current_job_scopes_search_to_its_asset_manuals(fleet):
    db = fleet.db
    q = "impeller nut torque"
    unscoped = {p.path.rsplit("/", 1)[-1] for p in search(db, fleet.embedder, q, k=10).passages}
    assert {"p300-om.md", "compressor.md", "p200-om.md"} <= unscoped
    jobs.use(db, "j1")
    scope = jobs.scope(db)
    assert scope.scoped and scope.note == "for P-200 s/n 12345"
    got = {p.path.rsplit("/", 1)[-1] for p in search(db, fleet.embedder, q, k=10, only=scope.only).passages}
    # the depot manual for the P-200 and the local manual naming it; not the P-300's, not the compressor's
    assert got == {"p200-om.md", "p200-workshop.md"}


def test_a_job_without_manuals_is_not_scoped_and_says_so(fleet):
    jobs.use(fleet.db, "j4")
    scope = jobs.scope(fleet.db)
    assert not scope.scoped and scope.only is None
    assert "not scoped" in scope.note and "Q-9" in scope.note


def test_withdrawn_current_job_stops_being_current(fleet, depot):
    db = fleet.db
    jobs.use(db, "j1")
    local.store_verified(db, depot.job("j1", "P-200", "12345", device=local.device_id(db), withdrawn=True),
                         depot.public)
    assert jobs.current(db) is None and jobs.scope(db) is None


def test_a_note_saved_while_a_job_is_current_gets_its_fields(fleet):
    store = NoteStore(fleet.db)
    before = store.add("before the job")
    jobs.use(fleet.db, "j1")
    during = store.add("replaced the seal")
    given = store.add("other work order", work_order="WO-2")
    jobs.use(fleet.db, None)
    after = store.add("after")
    assert (before.work_order, before.asset, before.serial) == (None, None, None)
    assert (during.work_order, during.asset, during.serial) == ("WO-881", "P-200", "12345")
    assert given.work_order == "WO-2" and given.asset is None  # what the technician typed wins
    assert after.asset is None
    jobs.use(fleet.db, "j2", ["north"])  # a job for this device's group: notes (which know no groups) get it too
    assert store.add("group job").serial == "999"


def test_cli_jobs_list_use_current(fleet, capsys):
    assert main(["jobs", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert sorted(j["id"] for j in out["jobs"]) == ["j1", "j4"]
    assert out["current"] is None
    assert main(["jobs", "use", "j1"]) == 0
    assert "P-200 s/n 12345" in capsys.readouterr().out
    assert main(["jobs", "current", "--json"]) == 0
    cur = json.loads(capsys.readouterr().out)["current"]
    assert cur["id"] == "j1" and cur["scoped"] and cur["manuals"] == ["P-200 pump service manual",
                                                                     "Workshop notes on the P-200"]
    assert main(["jobs", "use", "nope"]) == 1
    assert "no job 'nope'" in capsys.readouterr().err
    assert main(["jobs", "use", "--none"]) == 0
    assert main(["jobs", "current"]) == 0
    assert "No current job" in capsys.readouterr().out


def test_ask_json_names_the_job_and_cites_only_its_manuals(fleet, capsys):
    jobs.use(fleet.db, "j1")
    assert main(["ask", "--json", "What torque for the impeller nut?"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["job"]["label"] == "P-200 s/n 12345" and out["job"]["scoped"]
    assert {c["path"].rsplit("/", 1)[-1] for c in out["citations"]} <= {"p200-om.md", "p200-workshop.md"}
    assert main(["ask", "What torque for the impeller nut?", "--max-tokens", "16"]) == 0
    assert capsys.readouterr().out.startswith("For P-200 s/n 12345:")
    assert main(["ask", "--json", "--all-manuals", "What torque for the impeller nut?", "--max-tokens", "16"]) == 0
    assert json.loads(capsys.readouterr().out)["job"] is None
