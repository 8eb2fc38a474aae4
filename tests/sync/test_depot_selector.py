"""The depot's `_changes` filtered on the server (fleet/selector.py) against a real pouchdb-server:
the Mango selector keeps exactly the documents the device's own filter (`selects`) keeps, the device
uses it where the server takes it, and falls back to its own filter (remembered) where it does not."""

from __future__ import annotations

import json

import httpx
import pytest

from assistant import db as dbmod
from assistant.depot import format as fmt
from assistant.fleet import pull
from assistant.fleet import selector as selmod
from assistant.fleet.settings import DepotTarget, selects
from assistant.sync.config import SyncConfig
from assistant.sync.couch import CouchClient

from .depot_publish import Depot
from .tamperproxy import Answer, TamperProxy

ME = "a1b2c3d4e5f6"
# Well-formed documents and the odd shapes a filter must agree on (groups missing, null, [], a
# string, mixed; jobs for this device, another, a group; unknown kinds; no kind at all).
DOCS = [
    {"_id": "manual:all:A", "kind": "manual", "groups": []},
    {"_id": "manual:nogroups:A", "kind": "manual"},
    {"_id": "manual:null:A", "kind": "manual", "groups": None},
    {"_id": "manual:north:A", "kind": "manual", "groups": ["north"]},
    {"_id": "manual:south:A", "kind": "manual", "groups": ["south"]},
    {"_id": "manual:both:A", "kind": "manual", "groups": ["east", "south"]},
    {"_id": "manual:string:A", "kind": "manual", "groups": "north"},
    {"_id": "manual:mixed:A", "kind": "manual", "groups": [1, "north"]},
    {"_id": "model:m:1", "kind": "model", "groups": ["south"]},
    {"_id": "model:m:2", "kind": "model"},
    {"_id": "model:m:3", "kind": "model", "groups": "south"},
    {"_id": "rollout:m", "kind": "rollout", "model": "model:m:1", "groups": ["south"], "percent": 10},
    {"_id": "job:mine", "kind": "job", "device": ME},
    {"_id": "job:other", "kind": "job", "device": "ffffffffffff"},
    {"_id": "job:north", "kind": "job", "groups": ["north"]},
    {"_id": "job:south", "kind": "job", "groups": ["south"], "device": "ffffffffffff"},
    {"_id": "job:mine-badgroups", "kind": "job", "device": ME, "groups": "north"},
    {"_id": "note:x", "kind": "note", "groups": []},
    {"_id": "nokind"},
]
GROUP_SETS = [(), ("north",), ("south",), ("north", "east"), ("west",)]


@pytest.fixture
def filled(couch, dbname) -> str:
    assert httpx.put(f"{couch.url}/{dbname}").status_code == 201
    r = httpx.post(f"{couch.url}/{dbname}/_bulk_docs", json={"docs": DOCS})
    assert r.status_code == 201 and all("ok" in row for row in r.json()), r.text
    return dbname


@pytest.mark.parametrize("groups", GROUP_SETS)
def test_the_selector_keeps_exactly_what_the_device_filter_keeps(couch, filled, groups):
    everything = [row["doc"] for row in httpx.get(f"{couch.url}/{filled}/_all_docs",
                                                  params={"include_docs": "true"}).json()["rows"]]
    assert len(everything) == len(DOCS)
    kept_here = {d["_id"] for d in everything if selects(d, ME, groups)}
    sel = selmod.selector(ME, groups)
    r = httpx.get(f"{couch.url}/{filled}/_changes", params={"selector": json.dumps(sel), "include_docs": "true"})
    assert r.status_code == 200, r.text
    kept_there = {c["id"] for c in r.json()["results"]}
    assert kept_there == kept_here
    # Not a filter that keeps all or nothing: each group set drops some documents and keeps some.
    assert 0 < len(kept_here) < len(DOCS)
    # The server-filtered feed also agrees, document by document, with `selects` on what it sent.
    assert all(selects(c["doc"], ME, groups) for c in r.json()["results"])


def test_the_welcome_decides_the_form():
    assert selmod.mode_for({"couchdb": "Welcome", "version": "3.3.3", "vendor": {"name": "The Apache Software Foundation"}}) == selmod.SERVER_POST
    assert selmod.mode_for({"couchdb": "Welcome", "version": "2.3.1"}) == selmod.SERVER_POST
    assert selmod.mode_for({"couchdb": "Welcome", "version": "1.7.2"}) == selmod.CLIENT  # no Mango in 1.x
    assert selmod.mode_for({"express-pouchdb": "Welcome!", "version": "4.2.0"}) == selmod.SERVER_QUERY
    assert selmod.mode_for({"hello": "world"}) == selmod.CLIENT
    method, kw = selmod.request_args(selmod.SERVER_POST, {"kind": "x"}, {"since": "0"})
    assert method == "POST" and kw["params"]["filter"] == "_selector" and kw["json"] == {"selector": {"kind": "x"}}
    method, kw = selmod.request_args(selmod.SERVER_QUERY, {"kind": "x"}, {"since": "0"})
    assert method == "GET" and "filter" not in kw["params"] and json.loads(kw["params"]["selector"]) == {"kind": "x"}


def _signed_depot(couch) -> Depot:
    for db in (fmt.CONTENT_DB, fmt.BLOBS_DB):
        httpx.delete(f"{couch.url}/{db}", timeout=30)
    return Depot(couch.url)


def _pull(conn, url: str, depot: Depot, groups, page: int = 2) -> pull.PullReport:
    tgt = DepotTarget(SyncConfig(url=url, db=fmt.CONTENT_DB, timeout_s=10), fmt.decode_public_key(depot.public),
                      tuple(groups))
    with CouchClient(tgt.config, retries=2) as client:
        return pull.DepotPuller(conn, client, tgt, ME, page=page).run()


def _publish_mixed(depot: Depot) -> None:
    for i in range(3):
        depot.manual(f"north{i}", "A", b"north manual %d" % i, groups=["north"])
        depot.manual(f"south{i}", "A", b"south manual %d" % i, groups=["south"])
    depot.manual("everyone", "A", b"for all")


def test_the_device_pulls_only_its_documents_filtered_by_pouchdb_server(couch, home):
    depot = _signed_depot(couch)
    try:
        _publish_mixed(depot)
        conn = dbmod.connect()
        r = _pull(conn, couch.url, depot, ["north"])
        held = {row[0] for row in conn.execute("SELECT id FROM depot_docs")}
        conn.close()
    finally:
        depot.close()
    assert r.filter == selmod.SERVER_QUERY and r.refused == []
    assert held == {"manual:north0:A", "manual:north1:A", "manual:north2:A", "manual:everyone:A"}
    assert r.received == 4 and r.skipped == 0  # the south manuals never came: the server filtered
    assert httpx.get(couch.url + "/").status_code == 200  # and the server is alive


def test_a_server_that_refuses_the_filter_is_filtered_on_the_device_and_remembered(couch, home):
    """A server that says it is CouchDB 3 but answers the filter with 400: the page is asked again
    without it, the device filters, and the next round does not send the filter to that server."""
    welcome = json.dumps({"couchdb": "Welcome", "version": "3.3.3"}).encode()
    refusal = json.dumps({"error": "bad_request", "reason": "unknown filter"}).encode()

    def tamper(method: str, path: str):
        if method == "GET" and path == "/":
            return Answer(200, welcome)
        if method == "POST" and path.endswith("/_changes"):
            return Answer(400, refusal)
        return None

    depot = _signed_depot(couch)
    try:
        _publish_mixed(depot)
        conn = dbmod.connect()
        with TamperProxy(couch.url, tamper) as proxy:
            first = _pull(conn, proxy.url, depot, ["south"])
            posts_first = [s for s in proxy.seen if s[0] == "POST"]
            depot.manual("south9", "A", b"later", groups=["south"])
            second = _pull(conn, proxy.url, depot, ["south"])
            posts_second = [s for s in proxy.seen if s[0] == "POST"]
        held = {row[0] for row in conn.execute("SELECT id FROM depot_docs")}
        conn.close()
    finally:
        depot.close()
    assert len(posts_first) == 1 and first.filter == selmod.CLIENT
    assert first.received == 4 and first.skipped == 3  # filtered here, after the refusal
    assert posts_second == posts_first and second.filter == selmod.CLIENT  # not asked again
    assert second.received == 1
    assert held == {"manual:south0:A", "manual:south1:A", "manual:south2:A", "manual:south9:A", "manual:everyone:A"}


def test_new_groups_read_the_feed_again(couch, home):
    """The checkpoint belongs to the device's groups: moved from north to south, the device gets the
    south manuals published before the move (a filtered feed had gone past them)."""
    depot = _signed_depot(couch)
    try:
        _publish_mixed(depot)
        conn = dbmod.connect()
        _pull(conn, couch.url, depot, ["north"])
        r = _pull(conn, couch.url, depot, ["south"])
        held = {row[0] for row in conn.execute("SELECT id FROM depot_docs")}
        conn.close()
    finally:
        depot.close()
    assert r.received == 3
    assert {f"manual:south{i}:A" for i in range(3)} <= held
