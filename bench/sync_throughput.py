"""Note sync throughput and time to converge, beside PouchDB's own replicator, in the same run.

    .venv/bin/python bench/sync_throughput.py [--notes 10000] [--batch 500] [--edits 500] [--overlap 100]

Starts a pouchdb-server (tools/node, on 127.0.0.1, a random port, LevelDB store in a temporary
folder), then, for our client (assistant.sync) and for PouchDB 9 in Node (bench/sync_pouchdb_peer.js)
moving the same notes (same ids, titles, bodies, tags) through the same server:

- push: a device holding --notes notes replicates them to an empty server database;
- pull: a fresh device replicates them all from the server;
- converge: both devices edit --edits notes offline, --overlap of them the same notes, then
  reconnect: A syncs, B syncs, A syncs (repeated until nothing moves) until A, B and the server
  hold the same winning revisions. Our client also merges the overlapping conflicts (new merge
  revisions); PouchDB leaves them as conflicts, so it does less work there.

Notes per second, seconds, and our/PouchDB ratios (above 1 = we are slower for times).
Results are also written to bench/out/sync_throughput.json.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from _common import PROJECT_ROOT, banner, table

from assistant import db as dbmod
from assistant.notes import NoteStore
from assistant.sync.config import SyncConfig
from assistant.sync.replicator import sync_once

NODE_MODULES = PROJECT_ROOT / "tools" / "node" / "node_modules"
SERVER_BIN = NODE_MODULES / ".bin" / "pouchdb-server"
WORDS = ("pump seal bearing torque valve filter belt motor inverter fault alarm reset pressure flow "
         "sensor cable relay breaker fuse coil compressor oil leak noise vibration alignment").split()


def make_notes(n: int, seed: int = 5) -> list[dict]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        body = "\n".join(" ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 14))) for _ in range(rng.randint(2, 6)))
        out.append({"title": f"WO-{1000 + i % 700} {rng.choice(WORDS)} {rng.choice(WORDS)}", "body": body,
                    "tags": sorted({rng.choice(WORDS) for _ in range(2)}), "work_order": f"WO-{1000 + i % 700}"})
    return out


def start_server(workdir: Path) -> tuple[subprocess.Popen, str]:
    if not SERVER_BIN.exists():
        sys.exit(f"pouchdb-server missing at {SERVER_BIN}: run scripts/setup.sh")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    (workdir / "data").mkdir()
    proc = subprocess.Popen([str(SERVER_BIN), "--host", "127.0.0.1", "--port", str(port), "--dir",
                             str(workdir / "data"), "--config", str(workdir / "config.json"), "--no-stdout-logs"],
                            cwd=workdir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    sys.exit("pouchdb-server did not start")


def ours(url: str, data: list[dict], workdir: Path, batch: int, edits: int, overlap: int) -> tuple[dict, list[str]]:
    cfg = SyncConfig(url, db="ours")
    a = NoteStore(dbmod.connect(workdir / "a.sqlite3"))
    t0 = time.perf_counter()
    ids = [a.add(d["title"], d["body"], tags=d["tags"], work_order=d["work_order"]).id for d in data]
    write_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    push = sync_once(cfg, store=a, batch_size=batch)
    push_s = time.perf_counter() - t0
    b = NoteStore(dbmod.connect(workdir / "b.sqlite3"))
    t0 = time.perf_counter()
    pull = sync_once(cfg, store=b, batch_size=batch)
    pull_s = time.perf_counter() - t0
    assert push.pushed == len(data) and pull.pulled == len(data), (push, pull)

    for i in ids[:edits]:
        a.edit(i, body=a.get(i).body + "\nedited by a")
    for i in ids[edits - overlap: 2 * edits - overlap]:
        b.edit(i, body=b.get(i).body + "\nedited by b")
    t0 = time.perf_counter()
    rounds, merged = 0, 0
    while True:
        rounds += 1
        moved = 0
        for s in (a, b, a):
            r = sync_once(cfg, store=s, batch_size=batch)
            moved += r.pushed + r.pulled
            merged += r.conflicts_resolved
        wa = {n.id: n.rev for n in a.list()}
        wb = {n.id: n.rev for n in b.list()}
        if (wa == wb and not a.open_conflicts() and not a.pending_count() and not b.pending_count()) or rounds >= 5:
            break
    converge_s = time.perf_counter() - t0
    server = httpx.get(f"{url}/ours/_all_docs", timeout=120).json()["rows"]
    assert {r["id"]: r["value"]["rev"] for r in server} == wa, "server differs from the devices"
    for s in (a, b):
        s.db.close()
    return ({"write_s": write_s, "push_s": push_s, "pushed": push.pushed, "pull_s": pull_s, "pulled": pull.pulled,
             "converge_s": converge_s, "converge_rounds": rounds, "merged": merged}, ids)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--notes", type=int, default=10_000)
    ap.add_argument("--batch", type=int, default=500)
    ap.add_argument("--edits", type=int, default=500)
    ap.add_argument("--overlap", type=int, default=100)
    args = ap.parse_args()
    banner(f"note sync: {args.notes} notes, batch {args.batch}, {args.edits} offline edits per device "
           f"({args.overlap} on the same notes)")
    work = Path(tempfile.mkdtemp(prefix="fa-sync-bench-"))
    proc, url = start_server(work)
    try:
        data = make_notes(args.notes)
        mine, ids = ours(url, data, work, args.batch, args.edits, args.overlap)
        # The peer gets the very same notes under the same ids (as new documents: revision ids differ).
        peer_data = work / "notes.json"
        peer_data.write_text(json.dumps([{"id": i, "fields": d} for i, d in zip(ids, data, strict=True)]))
        out = subprocess.run(["node", str(PROJECT_ROOT / "bench" / "sync_pouchdb_peer.js"), "--server", url,
                              "--data", str(peer_data), "--workdir", str(work), "--prefix", "peer",
                              "--batch", str(args.batch), "--edits", str(args.edits), "--overlap", str(args.overlap)],
                             capture_output=True, text=True, timeout=3600)
        if out.returncode != 0:
            sys.exit(f"PouchDB peer failed:\n{out.stderr}")
        peer = json.loads(out.stdout.strip().splitlines()[-1])
    finally:
        proc.terminate()
        proc.wait(10)
        shutil.rmtree(work, ignore_errors=True)

    n = args.notes
    rows = [
        ["push (notes/s)", n / mine["push_s"], n / peer["push_s"], peer["push_s"] / mine["push_s"]],
        ["pull (notes/s)", n / mine["pull_s"], n / peer["pull_s"], peer["pull_s"] / mine["pull_s"]],
        ["push (s)", mine["push_s"], peer["push_s"], mine["push_s"] / peer["push_s"]],
        ["pull (s)", mine["pull_s"], peer["pull_s"], mine["pull_s"] / peer["pull_s"]],
        ["converge after reconnect (s)", mine["converge_s"], peer["converge_s"],
         mine["converge_s"] / peer["converge_s"]],
    ]
    print(table(["measure", "assistant.sync", f"PouchDB {peer['pouchdb_version']}", "ours vs PouchDB"], rows))
    print(f"(notes/s rows: ratio > 1 = we are faster; seconds rows: ratio > 1 = we are slower)\n"
          f"ours: {mine['merged']} conflicts merged in {mine['converge_rounds']} reconnect round(s); "
          f"PouchDB: {peer['conflicts_left']} conflicts left unresolved (no app merge), "
          f"{peer['converge_rounds']} round(s). Local writes before the push: "
          f"{n / mine['write_s']:.0f} notes/s (one transaction each, with the outbox entry).")
    out_dir = PROJECT_ROOT / "bench" / "out"
    out_dir.mkdir(exist_ok=True)
    (out_dir / "sync_throughput.json").write_text(json.dumps({"args": vars(args), "ours": mine, "pouchdb": peer},
                                                             indent=2))


if __name__ == "__main__":
    main()
