"""Model blobs on the depot, against a real pouchdb-server through the real CLI: a large model goes up
as parts, an upload cut midway leaves a blob that is not complete and a re-run sends only the missing
parts; the device reads the parts in order (Range resume inside a part); `depot gc` deletes the blobs
nothing needs and keeps the ones published, rolled out, or the previous version of a role."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
from datetime import UTC, datetime

import httpx
import pytest

from assistant.depot.format import BLOBS_DB, CONTENT_DB, blob_id
from assistant.depot.server import blob_complete
from assistant.fleet import download
from assistant.sync.config import SyncConfig
from assistant.sync.couch import CouchClient

from .conftest import PouchServer
from .cutproxy import CutProxy
from .rangeproxy import RangeProxy
from .test_depot_admin import NO_KEYRING, cli, ok_json, write_gguf

PART_MB = "0.25"  # 256 KB parts: a 1.2 MB model is 5 of them
PART = 256 * 1024


@pytest.fixture
def server(tmp_path):
    s = PouchServer(tmp_path / "pouch").start()
    yield s
    s.stop()


def blob(url: str, sha: str) -> dict | None:
    r = httpx.get(f"{url}/{BLOBS_DB}/{blob_id(sha)}")
    return r.json() if r.status_code == 200 else None


def test_a_cut_upload_is_not_complete_and_a_rerun_sends_only_the_missing_parts(server, home, tmp_path):
    model = write_gguf(tmp_path / "big.gguf", n_floats=300_000)
    data = model.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    n_parts = -(-len(data) // PART)
    assert n_parts == 5
    with CutProxy(server.url, lambda m, p: m == "PUT" and p.endswith("/part-00002")) as proxy:
        ok_json("depot", "init", "--server", proxy.url)
        proc = subprocess.Popen([sys.executable, "-m", "assistant.cli", "depot", "publish-model", str(model),
                                 "--version", "1", "--name", "big", "--part-mb", PART_MB, "--json"],
                                env={**os.environ, **NO_KEYRING}, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
        try:
            assert proxy.cut_done.wait(240), "the upload never reached part-00002"
        finally:
            proc.kill()
            proc.communicate(timeout=60)
        assert proxy.cut_path.endswith("/part-00002")

        cut = blob(server.url, sha)
        assert cut is not None and len(cut["parts"]) == n_parts
        assert not blob_complete(cut)  # does not look complete
        atts = cut.get("_attachments") or {}
        assert {"part-00000", "part-00001"} <= set(atts)
        assert atts.get("part-00002", {}).get("length") != PART  # the cut part is not there whole
        assert httpx.get(f"{server.url}/{CONTENT_DB}/model:big:1").status_code == 404  # nothing points at it
        st = ok_json("depot", "status")
        assert [b["file"] for b in st["blobs"] if b["id"] == blob_id(sha)] == [False]
        assert httpx.get(server.url + "/").status_code == 200  # the server lived through the cut

        out = ok_json("depot", "publish-model", str(model), "--version", "1", "--name", "big", "--part-mb", PART_MB)
        assert out["action"] == "published" and out["blob_parts"] == n_parts
        assert out["parts_uploaded"] == n_parts - 2  # from the first missing part on
        again = ok_json("depot", "publish-model", str(model), "--version", "1", "--name", "big", "--part-mb", PART_MB)
        assert again["action"] == "unchanged" and again["parts_uploaded"] == 0 and not again["blob_uploaded"]

    whole = blob(server.url, sha)
    assert blob_complete(whole)
    stored = b"".join(httpx.get(f"{server.url}/{BLOBS_DB}/{blob_id(sha)}/{p['name']}").content for p in whole["parts"])
    assert stored == data

    # The device reads the parts in order; a download cut inside the first part resumes there.
    segments = download.segments_of(whole, len(data))
    assert [n for _, n in segments] == [p["length"] for p in whole["parts"]]
    dest = tmp_path / "device" / "big.gguf"
    with RangeProxy(server.url) as rp, CouchClient(SyncConfig(url=rp.url, db=BLOBS_DB)) as client:
        rp.cut_at = 0.5
        download.fetch(client, BLOBS_DB, blob_id(sha), dest, sha, len(data), segments=segments)
        assert rp.ranges[:2] == ["", f"bytes={int(PART * 0.5)}-"]
        assert len(rp.ranges) == n_parts + 1  # each part once, the cut one resumed once
    assert dest.read_bytes() == data


def test_a_blob_begun_as_parts_and_published_again_as_one_file_lists_no_parts(server, home, tmp_path):
    # A cut upload with a small --part-mb, then the same model published with the default part size
    # (larger than the model): the blob must not keep the old list, which devices would read parts by.
    model = write_gguf(tmp_path / "small.gguf", n_floats=100_000)
    data = model.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    ok_json("depot", "init", "--server", server.url)
    parts = [{"name": "part-00000", "length": PART, "md5": "x"},
             {"name": "part-00001", "length": len(data) - PART, "md5": "y"}]
    assert httpx.put(f"{server.url}/{BLOBS_DB}/{blob_id(sha)}",
                     json={"sha256": sha, "size": len(data), "filename": "small.gguf", "part_size": PART,
                           "parts": parts}).status_code == 201
    out = ok_json("depot", "publish-model", str(model), "--version", "1", "--name", "small")
    assert out["action"] == "published" and out["blob_parts"] == 1
    whole = blob(server.url, sha)
    assert "parts" not in whole and blob_complete(whole)
    assert download.segments_of(whole, len(data)) == [("file", len(data))]
    assert httpx.get(f"{server.url}/{BLOBS_DB}/{blob_id(sha)}/file").content == data


def test_parts_that_do_not_add_up_are_refused():
    with pytest.raises(download.DownloadRejected):
        download.segments_of({"parts": [{"name": "part-00000", "length": 10}]}, 11)
    with pytest.raises(download.DownloadRejected):
        download.segments_of({"parts": [{"name": "../x", "length": 11}]}, 11)
    assert download.segments_of({"_attachments": {"file": {}}}, 11) == [("file", 11)]


def _put_orphan(url: str, tag: bytes, created: str | None) -> str:
    data = b"orphan " + tag
    sha = hashlib.sha256(data).hexdigest()
    doc = {"sha256": sha, "size": len(data), "filename": "orphan.gguf", **({"created": created} if created else {})}
    rev = httpx.put(f"{url}/{BLOBS_DB}/{blob_id(sha)}", json=doc).json()["rev"]
    assert httpx.put(f"{url}/{BLOBS_DB}/{blob_id(sha)}/file", params={"rev": rev}, content=data,
                     headers={"Content-Type": "application/octet-stream"}).status_code == 201
    return blob_id(sha)


def test_gc_deletes_only_the_blobs_nothing_needs(server, home, tmp_path):
    url = server.url
    ok_json("depot", "init", "--server", url)
    shas = {}
    # big first: `created` has one-second steps, and a tie is broken by id (tiny:3 after tiny:2).
    m = write_gguf(tmp_path / "big.gguf", n_floats=2000, name="big")
    shas["big:1"] = ok_json("depot", "publish-model", str(m), "--version", "1", "--name", "big")["sha256"]
    for v in ("1", "2", "3"):
        m = write_gguf(tmp_path / f"tiny{v}.gguf", n_floats=2000, name=f"tiny{v}")
        shas[f"tiny:{v}"] = ok_json("depot", "publish-model", str(m), "--version", v, "--name", "tiny")["sha256"]
    ok_json("depot", "rollout", "model:big:1", "--percent", "10")
    for target in ("model:tiny:1", "model:tiny:2", "model:big:1"):
        ok_json("depot", "withdraw", target)
    old_orphan = _put_orphan(url, b"old", None)  # a publish cut short long ago
    new_orphan = _put_orphan(url, b"new", datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))  # one under way

    def ids(rows):
        return sorted(r["id"] for r in rows)

    dry = ok_json("depot", "gc", "--dry-run", "--min-age-hours", "0")
    assert dry["dry_run"] and ids(dry["deleted"]) == sorted([blob_id(shas["tiny:1"]), old_orphan, new_orphan])
    assert httpx.get(f"{url}/{BLOBS_DB}/{old_orphan}").status_code == 200  # a dry run deletes nothing

    # By default a blob written in the last hour stays (its publish may be under way): here, all but
    # the old orphan, which has no date.
    out = ok_json("depot", "gc")
    assert ids(out["deleted"]) == [old_orphan]
    assert all("ago" in " ".join(k["why"]) for k in out["kept"] if k["id"] in (new_orphan, blob_id(shas["tiny:1"])))

    out = ok_json("depot", "gc", "--min-age-hours", "0")
    assert ids(out["deleted"]) == sorted([blob_id(shas["tiny:1"]), new_orphan])
    why = {k["id"]: " ".join(k["why"]) for k in out["kept"]}
    assert "is published" in why[blob_id(shas["tiny:3"])]
    assert "previous chat model" in why[blob_id(shas["tiny:2"])]  # withdrawn, but devices roll back to it
    assert "rollout:big" in why[blob_id(shas["big:1"])]  # withdrawn, still rolled out
    assert out["freed_bytes"] == sum(d["size"] for d in out["deleted"]) > 0 and out["compaction"] == "started"
    for gone in out["deleted"] + [{"id": old_orphan}]:
        assert httpx.get(f"{url}/{BLOBS_DB}/{gone['id']}").status_code == 404
    for kept in why:
        assert httpx.get(f"{url}/{BLOBS_DB}/{kept}/file").status_code == 200

    ok_json("depot", "withdraw", "rollout:big")
    out = ok_json("depot", "gc", "--min-age-hours", "0")
    assert ids(out["deleted"]) == [blob_id(shas["big:1"])]
    assert ids(out["kept"]) == sorted([blob_id(shas["tiny:2"]), blob_id(shas["tiny:3"])])
    r = cli("depot", "gc", "--min-age-hours", "0")
    assert r.returncode == 0 and "0 blobs deleted" in r.stdout


def test_gc_keeps_an_upload_resumed_long_after_it_began(server, home, tmp_path):
    """A publish cut two hours ago after its first part, resumed now: gc, run before the model
    document is written, counts the hour from the blob's last write, not from its creation."""
    from assistant.depot.publish import upload_blob
    from assistant.depot.server import Depot, file_digests, part_digests

    url = server.url
    ok_json("depot", "init", "--server", url)
    model = write_gguf(tmp_path / "big.gguf", n_floats=300_000)
    data = model.read_bytes()
    sha, md5, size = file_digests(model)
    bid = blob_id(sha)
    parts = [{"name": f"part-{i:05d}", "length": n, "md5": m} for i, (_, n, m) in enumerate(part_digests(model, PART))]
    begun = datetime.fromtimestamp(datetime.now(UTC).timestamp() - 7200, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    rev = httpx.put(f"{url}/{BLOBS_DB}/{bid}", json={"sha256": sha, "size": size, "filename": model.name,
                                                     "created": begun, "part_size": PART, "parts": parts}).json()["rev"]
    assert httpx.put(f"{url}/{BLOBS_DB}/{bid}/part-00000", params={"rev": rev}, content=data[:PART],
                     headers={"Content-Type": "application/octet-stream"}).status_code == 201

    with Depot(SyncConfig(url=url)) as depot:
        up = upload_blob(depot, model, sha, md5, size, PART)  # the resumed run, up to its last part
    assert up["parts_uploaded"] == len(parts) - 1
    out = ok_json("depot", "gc")  # before publish-model writes the model document
    assert bid not in [d["id"] for d in out["deleted"]]
    (kept,) = [k for k in out["kept"] if k["id"] == bid]
    assert "ago" in " ".join(kept["why"])
    whole = blob(url, sha)
    assert blob_complete(whole) and whole["created"] == begun
    assert b"".join(httpx.get(f"{url}/{BLOBS_DB}/{bid}/{p['name']}").content for p in whole["parts"]) == data


def test_a_part_shorter_than_the_blob_lists_is_named_and_the_parts_before_it_are_kept(server, home, tmp_path):
    """The server holds part-00002 cut short (its list of parts, which is not signed, says more):
    the device says which part is wrong, keeps the two parts before it, and once the server holds
    the part whole, goes on from it; the signed SHA-256 of the whole still decides."""
    from assistant.depot.server import part_digests

    model = write_gguf(tmp_path / "big.gguf", n_floats=300_000)
    data = model.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    bid, url = blob_id(sha), server.url
    layout = part_digests(model, PART)
    parts = [{"name": f"part-{i:05d}", "length": n, "md5": m} for i, (_, n, m) in enumerate(layout)]
    httpx.put(f"{url}/{BLOBS_DB}")

    def put_part(name: str, body: bytes) -> None:
        rev = httpx.get(f"{url}/{BLOBS_DB}/{bid}").json()["_rev"]
        assert httpx.put(f"{url}/{BLOBS_DB}/{bid}/{name}", params={"rev": rev}, content=body,
                         headers={"Content-Type": "application/octet-stream"}).status_code == 201

    assert httpx.put(f"{url}/{BLOBS_DB}/{bid}", json={"sha256": sha, "size": len(data), "part_size": PART,
                                                      "parts": parts}).status_code == 201
    for (offset, n, _), p in zip(layout, parts, strict=True):
        put_part(p["name"], data[offset:offset + n] if p["name"] != "part-00002" else data[offset:offset + n - 100])

    segments = download.segments_of(blob(url, sha), len(data))
    dest = tmp_path / "device" / "big.gguf"
    staged = download.staging_dir() / f"{sha}.part"
    with RangeProxy(url) as rp, CouchClient(SyncConfig(url=rp.url, db=BLOBS_DB)) as client:
        with pytest.raises(download.DownloadRejected) as e:
            download.fetch(client, BLOBS_DB, bid, dest, sha, len(data), segments=segments)
        assert "part-00002 is shorter than the blob's list of parts says" in str(e.value)
        assert "signed document" not in str(e.value)
        assert not dest.exists() and staged.read_bytes() == data[:2 * PART]  # the good parts stay

        put_part("part-00002", data[2 * PART:3 * PART])  # the server mended
        rp.ranges.clear()
        download.fetch(client, BLOBS_DB, bid, dest, sha, len(data), segments=segments)
        assert len(rp.ranges) == len(parts) - 2  # from part-00002 on, nothing fetched twice
    assert dest.read_bytes() == data
