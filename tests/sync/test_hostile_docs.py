"""Bad data from the server: a malformed note document, a changes feed that errs or is not JSON.

Each must give a clear report (a parked document with its reason, or a pull error), store the good
documents of the same page, push the device's own notes anyway, and resume when the server is sane.
"""

from __future__ import annotations

import json

import httpx
import pytest

from assistant.sync import validate
from assistant.sync.config import SyncConfig
from tests.sync.conftest import assert_converged, server_docs
from tests.sync.tamperproxy import TamperProxy

BAD_DOCS = {
    "title-object": {"type": "note", "title": {"$gt": ""}, "body": "x"},
    "body-number": {"type": "note", "title": "T", "body": 12},
    "tags-string": {"type": "note", "title": "T", "tags": "not-a-list"},
    "huge-body": {"type": "note", "title": "T", "body": "x" * (validate.MAX_BODY + 1)},
    "clock-list": {"type": "note", "title": "T", "clock": ["a"]},
}


def _put(config: SyncConfig, doc_id: str, doc: dict, rev: str | None = None) -> str:
    params = {"rev": rev} if rev else None
    r = httpx.put(f"{config.url}/{config.db}/{doc_id}", json=doc, params=params, timeout=60)
    assert r.status_code in (200, 201), r.text
    return r.json()["rev"]


def test_a_malformed_document_is_parked_and_the_rest_of_the_page_syncs(config, devices):
    a, b = devices("a"), devices("b")
    good = b.store.add("Pump P-7 seal", "replaced the seal, 38 Nm")
    b.sync(config)
    for doc_id, doc in BAD_DOCS.items():
        _put(config, doc_id, doc)
    mine = [a.store.add(f"Job {i}", "checked") for i in range(3)]
    r = a.sync(config)  # used to raise on the first bad document, and never push
    assert a.store.get(good.id).body == "replaced the seal, 38 Nm"  # the good document of the same page
    assert r.pushed == 3 and r.pending == 0  # the device's own notes reached the server
    assert {m.id for m in mine} <= set(server_docs(config))
    parked = {p["id"]: p for p in r.parked_docs}
    assert set(parked) == set(BAD_DOCS), parked
    assert all(p["direction"] == "pull" and p["error"] == "invalid" for p in parked.values())
    assert "title is not text" in parked["title-object"]["reason"]
    assert "too long" in parked["huge-body"]["reason"]
    assert a.store.count() == 4  # nothing of the bad documents became a note
    again = a.sync(config)  # parked once, not retried every round
    assert (again.pulled, again.pushed, again.parked) == (0, 0, len(BAD_DOCS))
    # The admin repairs one on the server: its new revision is pulled and replaces the parked one.
    rev = httpx.get(f"{config.url}/{config.db}/title-object", timeout=60).json()["_rev"]
    _put(config, "title-object", {"type": "note", "title": "Repaired", "body": "ok"}, rev)
    fixed = a.sync(config)
    assert fixed.pulled == 1 and a.store.get("title-object").title == "Repaired"
    assert {p["id"] for p in fixed.parked_docs} == set(BAD_DOCS) - {"title-object"}


@pytest.mark.parametrize("answer", [
    (200, b'{"results": [{"id": "x", "chan'),  # truncated JSON
    (200, b'{"results": "everything", "last_seq": 7}'),  # wrong types
    (200, b'[1, 2, 3]'),  # not an object
    (400, b'{"error": "bad_request", "reason": "no"}'),  # a refusal that is not about us
])
def test_a_broken_changes_feed_does_not_stop_the_push(couch, dbname, devices, answer):
    a, b = devices("a"), devices("b")
    broken = [True]

    def tamper(method: str, path: str):
        return answer if broken[0] and path.endswith("/_changes") else None

    with TamperProxy(couch.url, tamper) as proxy:
        config = SyncConfig(proxy.url, db=dbname)
        other = b.store.add("From B", "pushed before the feed broke")
        b.sync(SyncConfig(couch.url, db=dbname))
        mine = [a.store.add(f"Job {i}", "done") for i in range(5)]
        r = a.sync(config)
        assert r.pull_error, r
        assert r.pushed == 5 and r.pending == 0
        assert {m.id for m in mine} <= set(server_docs(SyncConfig(couch.url, db=dbname)))
        broken[0] = False  # the server is sane again: the next round pulls what it missed
        r = a.sync(config)
        assert r.pull_error is None and r.pulled == 1
        assert a.store.get(other.id).title == "From B"
    b.sync(SyncConfig(couch.url, db=dbname))
    assert_converged(SyncConfig(couch.url, db=dbname), a, b)


def test_cli_sync_reports_a_pull_error_and_exits_1(couch, dbname, home, tmp_path):
    import subprocess

    from tests.conftest import EXE

    with TamperProxy(couch.url, lambda m, p: (200, b"{not json") if p.endswith("/_changes") else None) as proxy:
        subprocess.run([EXE, "notes", "add", "--title", "Valve V-3", "--body", "closed"], check=True,
                       capture_output=True)
        r = subprocess.run([EXE, "sync", "--server", proxy.url, "--db", dbname, "--json"], capture_output=True,
                           text=True, timeout=120)
    assert r.returncode == 1, r.stdout + r.stderr
    out = json.loads(r.stdout)
    assert out["pushed"] == 1 and out["pending"] == 0 and out["pull_error"]
    assert len(r.stderr.strip().splitlines()) == 1 and "pull" in r.stderr, r.stderr


@pytest.mark.parametrize("doc,why", [
    ({"_id": "n", "_rev": "1-abc", "title": "t"}, None),
    ({"_id": "n", "_rev": "1-abc", "_revisions": {"start": 1, "ids": ["abc"]}, "title": "t"}, None),
    ("a string", "not a JSON object"),
    ({"_rev": "1-abc"}, "_id"),
    ({"_id": "n", "_rev": "one"}, "_rev"),
    ({"_id": "n", "_rev": "2-b", "_revisions": "2-b"}, "_revisions is not an object"),
    ({"_id": "n", "_rev": "2-b", "_revisions": {"start": 2, "ids": ["c", "a"]}}, "does not start at"),
    ({"_id": "n", "_rev": "2-b", "_revisions": {"start": 1, "ids": ["b", "a"]}}, "_revisions.ids"),
    ({"_id": "n", "_rev": "1-a", "_deleted": "yes"}, "_deleted"),
    ({"_id": "n", "_rev": "1-a", "citations": [1, 2]}, "citations"),
    ({"_id": "n", "_rev": "1-a", "work_order": ["WO-1"]}, "work_order is not text"),
])
def test_validate_names_what_is_wrong(doc, why):
    got = validate.problem(doc)
    assert (got is None) if why is None else (got is not None and why in got), got
