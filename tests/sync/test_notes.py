"""The local note store, its outbox and the `notes` command (no server needed)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from assistant import cli
from assistant import db as dbmod
from assistant.errors import AssistantError
from assistant.notes import NoteNotFoundError, NoteStore

pytestmark = pytest.mark.no_models


@pytest.fixture
def store(home):
    conn = dbmod.connect()
    yield NoteStore(conn)
    conn.close()


def test_add_list_search_filter_edit_delete(store):
    a = store.add("Pump P-101 seal leak", "Replaced the mechanical seal.\nTorque 45 Nm.", tags=["pump", "seal"],
                  work_order="WO-17", asset="P-101", serial="SN-9")
    b = store.add("UPS battery swap", "Batteries replaced, runtime test 12 min.", tags=["ups"], work_order="WO-18")
    assert [n.id for n in store.list()] == [b.id, a.id]  # newest first
    assert [n.id for n in store.search("torq")] == [a.id]  # prefix match
    assert [n.id for n in store.search("ups runtime")] == [b.id]  # every word must match
    assert store.search('seal" OR *') == []  # FTS operators are neutralised, not an error
    assert [n.id for n in store.list(tag="pump")] == [a.id]
    assert [n.id for n in store.list(work_order="WO-18")] == [b.id]
    assert store.work_orders() == [("WO-17", 1), ("WO-18", 1)]
    assert dict(store.tags()) == {"pump": 1, "seal": 1, "ups": 1}

    edited = store.edit(a.id, body="Replaced the mechanical seal.\nTorque 50 Nm.", tags=["pump"])
    assert edited.rev.startswith("2-") and edited.tags == ["pump"]
    assert store.search("50") and not store.search("45")
    assert store.edit(a.id, title="Pump P-101 seal leak").rev == edited.rev  # no change, no revision
    assert store.get(a.id[:18]).id == a.id  # the start of an id is enough (time and counter)
    store.delete(a.id)
    assert [n.id for n in store.list()] == [b.id]
    with pytest.raises(NoteNotFoundError):
        store.get(a.id)
    assert store.get(a.id, include_deleted=True).deleted
    with pytest.raises(AssistantError):
        store.add("   ")
    with pytest.raises(AssistantError):
        store.edit(b.id, colour="red")


def test_every_change_and_its_outbox_entry_are_one_transaction(store, monkeypatch):
    n = store.add("First", "text")
    assert store.pending_count() == 1
    revs_before = store.db.execute("SELECT count(*) FROM note_revs").fetchone()[0]
    outbox_before = store.db.execute("SELECT count(*) FROM outbox").fetchone()[0]

    def boom(doc_id):
        raise RuntimeError("power cut")

    monkeypatch.setattr(store.tree, "materialize", boom)  # fails after the revision and outbox rows were written
    with pytest.raises(RuntimeError):
        store.edit(n.id, body="changed")
    with pytest.raises(RuntimeError):
        store.add("Second")
    monkeypatch.undo()
    assert store.db.execute("SELECT count(*) FROM note_revs").fetchone()[0] == revs_before
    assert store.db.execute("SELECT count(*) FROM outbox").fetchone()[0] == outbox_before
    assert store.get(n.id).body == "text" and store.count() == 1


def test_save_an_answer_to_notes(store):
    answer = {"answer": "Tighten to 45 Nm [1].", "model": "smollm2", "abstained": False,
              "citations": [{"n": 1, "manual": "Pump manual", "path": "/m/pump.pdf", "page": 12,
                             "section": "Mounting", "text": "Mounting bolts: 45 Nm."}]}
    n = store.add_from_answer("What torque for the pump bolts?", answer, work_order="WO-1")
    assert n.source["question"] == "What torque for the pump bolts?" and n.source["answer"] == answer["answer"]
    assert n.citations[0]["page"] == 12 and n.citations[0]["manual"] == "Pump manual"
    assert "Tighten to 45 Nm" in n.body and "Pump manual, page 12" in n.body


def test_notes_cli_json_contract(home, capsys):
    assert cli.main(["notes", "add", "--title", "Valve V-3", "--body", "Stem packing replaced", "--tag", "valve",
                     "--tag", "packing", "--work-order", "WO-77", "--json"]) == 0
    added = json.loads(capsys.readouterr().out)
    assert set(added) == {"id", "rev"}
    assert cli.main(["notes", "show", added["id"], "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    for key in ("id", "rev", "title", "body", "tags", "work_order", "edited_at", "conflict"):
        assert key in shown
    assert shown["tags"] == ["packing", "valve"] and shown["work_order"] == "WO-77" and shown["conflict"] is False
    assert cli.main(["notes", "edit", added["id"], "--body", "Stem packing replaced, no leak", "--json"]) == 0
    edited = json.loads(capsys.readouterr().out)
    assert edited["rev"].startswith("2-") and edited["body"].endswith("no leak")
    assert cli.main(["notes", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)["notes"]
    assert [n["id"] for n in listed] == [added["id"]]
    assert cli.main(["notes", "list", "--search", "leak", "--work-order", "WO-77", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)["notes"]) == 1
    assert cli.main(["notes", "delete", added["id"], "--json"]) == 0
    capsys.readouterr()
    assert cli.main(["notes", "list", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["notes"] == []
    assert cli.main(["notes", "show", "no-such-note"]) == 1
    assert "no note with id" in capsys.readouterr().err


def test_sync_cli_without_a_server_configured_fails_cleanly(home, capsys):
    assert cli.main(["notes", "add", "--title", "x"]) == 0
    assert cli.main(["sync", "--json"]) == 1
    assert "no sync server configured" in capsys.readouterr().err


def test_core_stays_free_of_qt():
    code = ("import sys, assistant.notes, assistant.sync, assistant.sync.service, assistant.sync.replicator; "
            "sys.exit('PySide6' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def test_put_brings_back_a_note_deleted_meanwhile_and_edit_does_not(store):
    n = store.add("Valve V-3", "Packing leak.", work_order="WO-3")
    store.delete(n.id)
    with pytest.raises(NoteNotFoundError):
        store.edit(n.id, body="x")
    back = store.put(n.id, title="Valve V-3", body="Packing leak. Gland nut tightened.", tags=["valve"],
                     work_order="WO-3", asset="", serial="")
    assert not back.deleted and back.body == "Packing leak. Gland nut tightened." and back.tags == ["valve"]
    assert store.get(n.id).work_order == "WO-3"
    # On top of the deletion, so every device that deleted it sees it back.
    [leaf] = store.tree.leaves(n.id)
    assert not leaf.deleted and store.tree.ancestors(n.id, leaf.rev)[1] != n.rev
