"""The sync client against a hostile or broken server (Hypothesis): one endpoint of a real
pouchdb-server answers with truncated JSON, wrong types, protocol-shaped nonsense, odd status codes
or a redirect to another host, while the rest works. Every round ends with a result or a clear
SyncError (never another exception), nothing is lost locally, and a round against the sane server
afterwards completes.
"""

from __future__ import annotations

import json
import os
import tempfile
import uuid
from pathlib import Path

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.sync.config import SyncConfig
from assistant.sync.couch import CouchClient, ServerError, SyncError
from assistant.sync.replicator import Replicator
from tests.sync.conftest import Device, server_docs
from tests.sync.tamperproxy import Answer, TamperProxy

ENDPOINTS = ["/_changes", "/_bulk_get", "/_revs_diff", "/_bulk_docs", "/_local/", "<db>", "/"]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=10)
# Protocol-shaped answers with a wrong part inside: what a buggy server or proxy gets almost right.
shaped = st.one_of(
    st.builds(lambda v, w: {"results": v, "last_seq": w}, json_values, json_values),
    st.builds(lambda v: {"results": [{"id": v, "changes": [{"rev": "1-a"}]}], "last_seq": 1}, json_values),
    st.builds(lambda v: {"results": [{"id": "n", "changes": v}], "last_seq": 1}, json_values),
    st.builds(lambda v: {"results": [{"id": "n", "docs": [{"ok": v}]}]}, json_values),
    st.builds(lambda v: {"results": [{"id": "n", "docs": v}]}, json_values),
    st.builds(lambda k, v: {k: {"missing": v}}, st.text(max_size=8), json_values),
    st.builds(lambda v: {"_id": "_local/x", "_rev": v, "session": v, "n": v}, json_values),
)
answers = st.one_of(
    st.builds(lambda v, cut: Answer(200, json.dumps(v).encode()[:cut]), json_values | shaped, st.integers(0, 40)),
    (json_values | shaped).map(lambda v: Answer(200, json.dumps(v).encode())),
    st.sampled_from([301, 302, 307, 400, 401, 403, 404, 405, 409, 412, 413, 415, 418, 501])
      .map(lambda c: Answer(c, b'{"error": "hostile", "reason": "test"}')),
    st.just(Answer(302, b"", {"Location": "http://203.0.113.7/elsewhere"})),  # never followed
)


def _lies_about_having_it(endpoint: str, answer: Answer) -> bool:
    """A well-formed "the server has it" that is false: nothing a client can detect."""
    if answer.status >= 300:
        return False
    try:
        value = json.loads(answer.body)
    except ValueError:
        return False
    return (endpoint == "/_revs_diff" and isinstance(value, dict)) or endpoint == "/_bulk_docs"


# FA_FUZZ_EXAMPLES=300 for a longer run than the suite's (bench/README.md records one).
@settings(max_examples=int(os.environ.get("FA_FUZZ_EXAMPLES", "30")), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(endpoint=st.sampled_from(ENDPOINTS), answer=answers)
def test_a_hostile_endpoint_gives_a_clear_error_and_loses_nothing(couch, endpoint, answer):
    db = "h" + uuid.uuid4().hex[:16]
    sane = SyncConfig(couch.url, db=db)
    with tempfile.TemporaryDirectory() as tmp:
        other = Device(Path(tmp) / "other.sqlite3")
        theirs = other.store.add("From the depot", "pulled by the device")
        other.sync(sane)
        dev = Device(Path(tmp) / "dev.sqlite3")
        mine = {n.id: (n.title, n.body) for n in (dev.store.add(f"Job {i}", f"valve {i} closed") for i in range(3))}

        def tamper(method: str, path: str):
            hit = (path == f"/{db}" if endpoint == "<db>" else
                   path == "/" if endpoint == "/" else endpoint in path)
            return answer if hit else None

        with TamperProxy(couch.url, tamper) as proxy:
            with CouchClient(SyncConfig(proxy.url, db=db, timeout_s=5), retries=2) as client:
                try:
                    Replicator(dev.store, client, batch_size=2).run()
                except SyncError:
                    pass  # a clear error: what it should be; anything else fails the test
        held = {n.id: (n.title, n.body) for n in dev.store.list()}
        assert {i: held[i] for i in mine} == mine  # nothing lost or changed locally
        r = dev.sync(sane)  # the server is sane again
        assert r.pull_error is None and r.pending == 0
        assert dev.store.get(theirs.id).title == "From the depot"
        if not _lies_about_having_it(endpoint, answer):
            assert set(mine) <= set(server_docs(sane))
        dev.close()
        other.close()


def test_an_endless_answer_is_cut_off(couch):
    db = "e" + uuid.uuid4().hex[:16]
    with tempfile.TemporaryDirectory() as tmp:
        dev = Device(Path(tmp) / "dev.sqlite3")
        dev.store.add("Job", "done")
        endless = Answer(200, b'{"results": [' + b'{"id": "x", "changes": []},' * 100, endless=True)
        with TamperProxy(couch.url, lambda m, p: endless if p.endswith("/_changes") else None) as proxy:
            with CouchClient(SyncConfig(proxy.url, db=db, timeout_s=1), retries=1) as client:
                r = Replicator(dev.store, client).run()
        assert r.pull_error and ("did not end" in r.pull_error or "larger than" in r.pull_error), r.pull_error
        assert r.pushed == 1  # and the push still went through
        dev.close()


def test_a_huge_answer_is_refused_not_read_into_memory(couch, monkeypatch):
    from assistant.sync import couch as couchmod

    monkeypatch.setattr(couchmod, "MAX_RESPONSE_BYTES", 2**20)  # 1 MB here, 64 MB in the app
    db = "g" + uuid.uuid4().hex[:16]
    huge = Answer(200, b'{"results": [], "pad": "' + b"x" * (2 * 2**20) + b'"}')
    with TamperProxy(couch.url, lambda m, p: huge if p.endswith("/_changes") else None) as proxy:
        with CouchClient(SyncConfig(proxy.url, db=db), retries=1) as client:
            client.ensure_db()
            try:
                client.changes(0, 10)
            except ServerError as e:
                assert "larger than 1 MB" in str(e)
            else:
                raise AssertionError("a 2 MB answer was accepted")


def test_a_redirect_to_another_host_is_not_followed(couch):
    calls = []
    db = "r" + uuid.uuid4().hex[:16]
    with TamperProxy("http://127.0.0.1:9", lambda m, p: calls.append(p)) as other_host:
        away = Answer(307, b"", {"Location": f"{other_host.url}/steal"})
        with TamperProxy(couch.url, lambda m, p: away if p.endswith("/_bulk_docs") else None) as proxy:
            with tempfile.TemporaryDirectory() as tmp:
                dev = Device(Path(tmp) / "dev.sqlite3")
                dev.store.add("Secret job", "the notes must not go elsewhere")
                try:
                    dev.sync(SyncConfig(proxy.url, db=db))
                except SyncError:
                    pass
                assert dev.store.pending_count() == 1  # not acknowledged: waits for the real server
                dev.close()
    assert calls == []  # nothing was sent to the other host
    assert httpx.get(f"{couch.url}/{db}/_all_docs").json()["total_rows"] == 0
