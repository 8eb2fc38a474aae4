"""1,000 simulated devices against one pouchdb-server: a new manual reaching them, and their health
documents coming back (issue 15), with the depot feed filtered on the server as the app does, and
the old device-side filter as the peer.

    .venv/bin/python bench/fleet_scale.py [--devices 1000] [--interval 20] [--size-mb 2] [--groups 10]
                                          [--client-filter | --server-filter]

Starts a pouchdb-server (tools/node, 127.0.0.1, LevelDB in a temporary folder) and, in this process,
`--devices` lightweight clients (asyncio + one httpx.AsyncClient, at most --connections sockets at
once). Each device is in one of --groups groups and polls `fa_depot/_changes` every --interval
seconds x uniform(0.5, 1.5) (jitter, so polls do not come in waves), from its checkpoint, page by
page, with the parameters of assistant/fleet/pull.py (`limit`, `include_docs`, `style=main_only`).
The filter's form comes from the server's welcome (assistant.fleet.selector.mode_for: "pouchdb" for
pouchdb-server, whose changes route hands `selector` to PouchDB's changes(); 4.2 has no
`filter=_selector`) and the request from selector.request_args with the device's
selector.selector(id, [group]): `GET _changes?selector=<JSON>`. As in the app, the device still runs
settings.selects over what it receives, then verifies the Ed25519 signature of the new manual,
downloads its attachment "file", checks sha256 and size.

By default the whole run is done twice, back to back, each on a fresh server with the same
arguments: first with the server-side selector, then with `--client-filter` (the old way: every
change sent, the device keeps what `selects` takes), and a last table puts bytes per device and
server CPU of the two side by side. `--client-filter` or `--server-filter` runs one of them only.

Phases, each measured for server CPU (utime+stime of the server process from /proc, i.e. cores
used) and bytes per device (response bodies + headers, as a device would pay on its link):
  1. catch-up: every device's first poll (the depot holds --backlog signed documents);
  2. idle: one interval of polls with nothing new (the steady cost of a fleet);
  3. publish: one new manual (signed doc + a --size-mb PDF attachment, every group): time until
     it is verified on 50 / 95 / 100% of devices, from the moment it is written;
  4. health: every device upserts `device:<id>` in fa_health (GET _rev + PUT) at a jittered time
     within one interval: twice, the first creates, the second is the steady-state upsert.
Results also go to bench/out/fleet_scale.json ({filter: results}, with the load average before and
after each run). Server CPU per request (ms) is what the CouchDB 3 cluster arithmetic in
docs/fleet-scale.md scales from.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import json
import os
import random
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from _common import PROJECT_ROOT, banner, table
from sync_throughput import start_server

from assistant.depot import format as fmt
from assistant.fleet import selector as selmod
from assistant.fleet.pull import PAGE
from assistant.fleet.settings import selects

TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process and its waited-for children (fields 14-17 of /proc/<pid>/stat)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return sum(int(x) for x in fields[11:15]) / TICK


def client_cpu() -> float:
    """This process's CPU seconds: the 1,000 devices share the machine's cores with the server."""
    t = os.times()
    return t.user + t.system


def server_pid(proc) -> int:
    """The node process serving (the .bin script may exec node directly or run it as a child)."""
    children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children")
    kids = children.read_text().split() if children.exists() else []
    return int(kids[0]) if kids else proc.pid


@dataclass
class Device:
    n: int
    group: str
    since: str | int = 0
    got_at: float | None = None
    asked_at: float | None = None  # when its first poll after the publication was sent
    bytes: dict = field(default_factory=lambda: {"catchup": 0, "idle": 0, "publish": 0, "health1": 0, "health2": 0})
    polls: dict = field(default_factory=lambda: {"catchup": 0, "idle": 0, "publish": 0})

    @property
    def id(self) -> str:
        return f"dev{self.n:05d}"


def wire_bytes(r: httpx.Response) -> int:
    return len(r.content) + sum(len(k) + len(v) + 4 for k, v in r.headers.raw) + 17


class Fleet:
    def __init__(self, url: str, devices: int, groups: int, interval: float, connections: int, public_key,
                 mode: str):
        self.url = url
        self.mode = mode  # selmod.SERVER_QUERY (the app on pouchdb-server) or selmod.CLIENT (--client-filter)
        self.interval = interval
        self.public_key = public_key
        self.devices = [Device(i, f"g{i % groups}") for i in range(devices)]
        # Each device's selector, as DepotPuller builds it (its id and its one group).
        self.selectors = {d.n: selmod.selector(d.id, [d.group]) for d in self.devices}
        self.client = httpx.AsyncClient(base_url=url, timeout=120,
                                        limits=httpx.Limits(max_connections=connections,
                                                            max_keepalive_connections=connections))
        self.phase = "catchup"
        self.target: str | None = None  # the published manual's id
        self.published_at = 0.0
        self.errors = 0
        self.error_kinds: dict[str, int] = {}
        self.requests: dict[str, int] = {}
        self.skipped: dict[str, int] = {}  # documents received and dropped by the device-side check

    def error(self, kind: str) -> None:
        self.errors += 1
        self.error_kinds[kind] = self.error_kinds.get(kind, 0) + 1

    def _count(self, kind: str) -> None:
        self.requests[kind] = self.requests.get(kind, 0) + 1

    async def poll(self, d: Device) -> None:
        phase = self.phase
        if phase == "publish" and d.asked_at is None:
            d.asked_at = time.monotonic()
        d.polls[phase] += 1
        # One poll reads the feed page by page as DepotPuller.run does (same parameters, same
        # selmod.request_args form); a poll may take several requests.
        while True:
            params = {"since": d.since, "limit": PAGE, "include_docs": "true", "style": "main_only",
                      "feed": "normal"}
            method, kw = selmod.request_args(self.mode, self.selectors[d.n], params)
            r = await self.client.request(method, f"/{fmt.CONTENT_DB}/_changes", **kw)
            self._count(f"changes:{phase}")
            d.bytes[phase] += wire_bytes(r)
            if r.status_code != 200:
                self.error(f"changes: HTTP {r.status_code}")
                return
            body = r.json()
            await self.take(d, body["results"], phase)
            d.since = body["last_seq"]
            if len(body["results"]) < PAGE:
                return

    async def take(self, d: Device, results: list, phase: str) -> None:
        for row in results:
            doc = row.get("doc") or {}
            # The device-side check runs in every mode, as in the app (a server may ignore the selector).
            if not selects(doc, d.id, (d.group,)):
                self.skipped[phase] = self.skipped.get(phase, 0) + 1
                continue
            if doc["_id"] != self.target or d.got_at is not None:
                continue
            fmt.verify(doc, self.public_key)
            a = await self.client.get(f"/{fmt.CONTENT_DB}/{doc['_id']}/file")
            self._count("attachment")
            d.bytes[phase] += wire_bytes(a)
            if a.status_code != 200 or len(a.content) != doc["size"] or \
                    hashlib.sha256(a.content).hexdigest() != doc["sha256"]:
                self.error(f"attachment: HTTP {a.status_code}, {len(a.content)} bytes")
                continue
            d.got_at = time.monotonic()

    async def run_polls(self, d: Device, until: float, first_delay: float) -> None:
        """Polls from `first_delay` on, the first one whatever the time, then until `until`."""
        await asyncio.sleep(first_delay)
        while True:
            try:
                await self.poll(d)
            except httpx.HTTPError as e:
                self.error(f"poll: {type(e).__name__}")
            if (self.phase == "publish" and d.got_at is not None) or time.monotonic() >= until:
                return
            await asyncio.sleep(min(self.interval * random.uniform(0.5, 1.5), max(0.0, until - time.monotonic())))

    async def health(self, d: Device, delay: float, slot: str, done: list) -> None:
        await asyncio.sleep(delay)
        path = f"/{fmt.HEALTH_DB}/device:{d.id}"
        doc = {"_id": f"device:{d.id}", "type": "health", "device": d.id, "app_version": "0.1.0",
               "model": {"name": "qwen2.5-0.5b", "version": "3"}, "library": {"manuals": 40, "depot_revisions": {}},
               "disk_free_mb": 51234, "ram_free_mb": 2048, "questions": random.randint(0, 400), "abstentions": 3,
               "errors": 0, "ttft_ms": {"p50": 900.0, "p95": 2100.0}, "speech_errors": 0, "sync_errors": 1,
               "feedback": [], "updated": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
        for _ in range(4):
            try:
                g = await self.client.get(path)
            except httpx.HTTPError as e:
                self.error(f"health: {type(e).__name__}")
                continue
            self._count(f"health-get:{slot}")
            d.bytes[slot] += wire_bytes(g)
            if g.status_code == 200:
                doc["_rev"] = g.json()["_rev"]
            try:
                p = await self.client.put(path, json=doc)
            except httpx.HTTPError as e:
                self.error(f"health: {type(e).__name__}")
                continue
            self._count(f"health-put:{slot}")
            d.bytes[slot] += wire_bytes(p)
            if p.status_code in (201, 202):
                done.append(time.monotonic())
                return
        self.error("health: gave up after 4 attempts")


def percentile_time(times: list[float], start: float, total: int, p: float) -> float | None:
    need = max(1, -(-total * p // 100))
    times = sorted(times)
    return round(times[int(need) - 1] - start, 2) if len(times) >= need else None


async def main_async(args, url: str, pid: int, client_filter: bool) -> dict:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = Ed25519PrivateKey.generate()
    admin = httpx.AsyncClient(base_url=url, timeout=300)
    for db in (fmt.CONTENT_DB, fmt.HEALTH_DB):
        await admin.put(f"/{db}")
    # The depot's backlog: manuals and jobs published before, for all the groups.
    backlog = []
    for i in range(args.backlog):
        kind = "manual" if i % 2 else "job"
        name = f"m{i}"
        doc = {"_id": fmt.doc_id(kind, name, "1" if kind == "manual" else None), "kind": kind, "name": name,
               "revision": "1", "groups": [f"g{i % args.groups}"], "created": "2026-11-01T00:00:00Z",
               "withdrawn": False, "equipment": ["P-200"], "sha256": "0" * 64, "size": 0}
        backlog.append(fmt.sign(doc, key))
    if backlog:
        await admin.post(f"/{fmt.CONTENT_DB}/_bulk_docs", json={"docs": backlog})

    # The filter's form from the server's welcome, as DepotPuller.filter_mode decides it.
    mode = selmod.CLIENT if client_filter else selmod.mode_for((await admin.get("/")).json())
    if not client_filter and mode != selmod.SERVER_QUERY:
        sys.exit(f"this server's welcome does not take the selector ({mode}): use --client-filter")
    fleet = Fleet(url, args.devices, args.groups, args.interval, args.connections, key.public_key(), mode)
    results: dict = {"args": vars(args), "filter": mode, "load_start": [round(x, 2) for x in os.getloadavg()]}

    async def phase(name: str, seconds: float, spread: float) -> dict:
        fleet.phase = name
        c0, t0, k0 = cpu_seconds(pid), time.monotonic(), client_cpu()
        until = t0 + seconds
        await asyncio.gather(*(fleet.run_polls(d, until, random.uniform(0, spread)) for d in fleet.devices))
        cpu, wall = cpu_seconds(pid) - c0, time.monotonic() - t0
        polls = sum(d.polls[name] for d in fleet.devices)
        return {"wall_s": round(wall, 1), "server_cpu_s": round(cpu, 2), "server_cores": round(cpu / wall, 3),
                "client_cores": round((client_cpu() - k0) / wall, 3),
                "polls": polls, "server_ms_per_poll": round(1000 * cpu / max(1, polls), 3),
                "bytes_per_device": round(sum(d.bytes[name] for d in fleet.devices) / len(fleet.devices))}

    # 1. catch-up: one poll each, spread over one interval
    # The peer for server CPU: requests that do nothing (GET /), measured in the same run.
    c0 = cpu_seconds(pid)
    sem = asyncio.Semaphore(args.connections)

    async def root() -> None:
        async with sem:
            await fleet.client.get("/")

    await asyncio.gather(*(root() for _ in range(args.devices * 2)))
    results["noop_ms"] = round(1000 * (cpu_seconds(pid) - c0) / (args.devices * 2), 3)
    results["catchup"] = await phase("catchup", args.interval * 0.5, args.interval * 0.5)
    # 2. idle polling
    results["idle"] = await phase("idle", args.interval * 2, args.interval)

    # 3. publish a manual for every group
    data = os.urandom(int(args.size_mb * 2**20))
    data = b"%PDF-1.7\n" + data[9:]
    doc = fmt.sign({"_id": fmt.doc_id("manual", "p200-om", "4"), "kind": "manual", "name": "p200-om",
                    "revision": "4", "title": "P-200 operation manual", "filename": "p200-om.pdf",
                    "sha256": hashlib.sha256(data).hexdigest(), "size": len(data), "equipment": ["P-200"],
                    "groups": [], "created": "2026-12-05T21:00:00Z", "withdrawn": False}, key)
    fleet.target = doc["_id"]
    doc["_attachments"] = {"file": {"content_type": "application/pdf", "data": base64.b64encode(data).decode()}}
    fleet.phase = "publish"
    c0, k0 = cpu_seconds(pid), client_cpu()
    r = await admin.put(f"/{fmt.CONTENT_DB}/{doc['_id']}", json=doc)
    assert r.status_code in (201, 202), r.text
    fleet.published_at = t_pub = time.monotonic()
    until = t_pub + args.interval * 1.5 + args.timeout
    await asyncio.gather(*(fleet.run_polls(d, until, random.uniform(0, args.interval)) for d in fleet.devices))
    wall = time.monotonic() - t_pub
    cpu = cpu_seconds(pid) - c0
    got = [d.got_at for d in fleet.devices if d.got_at is not None]
    asked = [d.asked_at for d in fleet.devices if d.asked_at is not None]
    polls = sum(d.polls["publish"] for d in fleet.devices)
    results["publish"] = {
        "reached": len(got), "t50_s": percentile_time(got, t_pub, len(fleet.devices), 50),
        "t95_s": percentile_time(got, t_pub, len(fleet.devices), 95),
        "t100_s": percentile_time(got, t_pub, len(fleet.devices), 100), "wall_s": round(wall, 1),
        # the peer: when 95% of the devices had asked (polling alone, as if the transfer took no time)
        "asked95_s": percentile_time(asked, t_pub, len(fleet.devices), 95),
        "server_cpu_s": round(cpu, 2), "server_cores": round(cpu / wall, 3), "polls": polls,
        "client_cores": round((client_cpu() - k0) / wall, 3),
        "attachments": fleet.requests.get("attachment", 0),
        "bytes_per_device": round(sum(d.bytes["publish"] for d in fleet.devices) / len(fleet.devices)),
    }

    # 4. health documents, twice (create, then upsert over the current _rev)
    for slot in ("health1", "health2"):
        done: list[float] = []
        c0, t0, k0 = cpu_seconds(pid), time.monotonic(), client_cpu()
        await asyncio.gather(*(fleet.health(d, random.uniform(0, args.interval), slot, done) for d in fleet.devices))
        wall, cpu = time.monotonic() - t0, cpu_seconds(pid) - c0
        results[slot] = {"written": len(done), "t95_s": percentile_time(done, t0, len(fleet.devices), 95),
                         "t100_s": percentile_time(done, t0, len(fleet.devices), 100), "wall_s": round(wall, 1),
                         "server_cpu_s": round(cpu, 2), "server_cores": round(cpu / wall, 3),
                         "client_cores": round((client_cpu() - k0) / wall, 3),
                         "server_ms_per_upsert": round(1000 * cpu / max(1, len(done)), 3),
                         "bytes_per_device": round(sum(d.bytes[slot] for d in fleet.devices) / len(fleet.devices))}
    results["errors"] = fleet.errors
    results["error_kinds"] = fleet.error_kinds
    results["requests"] = fleet.requests
    results["skipped_on_device"] = fleet.skipped
    results["load_end"] = [round(x, 2) for x in os.getloadavg()]
    await fleet.client.aclose()
    await admin.aclose()
    return results


def report(res: dict, args) -> None:
    """One run's table."""
    c, i, p = res["catchup"], res["idle"], res["publish"]
    rows = [
        [f"catch-up poll (backlog of {args.backlog} docs)", "-", c["server_cores"], c["client_cores"],
         c["server_ms_per_poll"], c["bytes_per_device"]],
        ["idle polls (nothing new)", "-", i["server_cores"], i["client_cores"], i["server_ms_per_poll"],
         round(i["bytes_per_device"] / max(1, i["polls"] / args.devices))],
        [f"new manual ({args.size_mb:g} MB) to 50% / 95% / 100%", f"{p['t50_s']} / {p['t95_s']} / {p['t100_s']} s",
         p["server_cores"], p["client_cores"], round(1000 * p["server_cpu_s"] / max(1, p["attachments"]), 2),
         p["bytes_per_device"]],
    ]
    for slot, what in (("health1", "health docs, created"), ("health2", "health docs, upserted")):
        h = res[slot]
        rows.append([f"{what} (95% / 100%)", f"{h['t95_s']} / {h['t100_s']} s", h["server_cores"],
                     h["client_cores"], h["server_ms_per_upsert"], h["bytes_per_device"]])
    rows.append(["peer: GET / (does nothing)", "-", "-", "-", res["noop_ms"], "-"])
    where = "server (selector)" if res["filter"] != selmod.CLIENT else "device only (--client-filter)"
    print(f"\nfilter: {res['filter']}, {where}; load average {res['load_start']} -> {res['load_end']}")
    print(table(["phase", "time to reach", "server cores (mean)", "devices' cores (mean)",
                 "server CPU ms per request*", "bytes per device"], rows))
    print("* per poll; for the manual: per device served (its poll + attachment); for health: per upsert "
          "(GET + PUT). Idle bytes: per poll.")
    print(f"manual: 95% had asked after {p['asked95_s']} s (polling alone), verified it after {p['t95_s']} s: "
          f"x{p['t95_s'] / p['asked95_s']:.2f}; idle poll = x{i['server_ms_per_poll'] / res['noop_ms']:.1f} "
          f"a request that does nothing")
    print(f"reached: {p['reached']}/{args.devices}, errors: {res['errors']} {res['error_kinds'] or ''}; "
          f"documents dropped by the device-side check: {res['skipped_on_device'] or 0}")


def compare(runs: dict, args) -> None:
    """The two filters side by side: bytes per device and server CPU."""
    s, c = runs[selmod.SERVER_QUERY], runs[selmod.CLIENT]
    rows = []
    for phase, what in (("catchup", f"catch-up poll ({args.backlog} docs)"), ("idle", "idle polls"),
                        ("publish", f"new manual ({args.size_mb:g} MB)")):
        a, b = s[phase], c[phase]
        # idle: per poll (the phase's poll count differs between runs); publish: per device served
        per = (lambda r: r["bytes_per_device"] / max(1, r["polls"] / args.devices)) if phase == "idle" else \
            (lambda r: r["bytes_per_device"])
        ms = (lambda r: round(1000 * r["server_cpu_s"] / max(1, r["attachments"]), 2)) if phase == "publish" else \
            (lambda r: r["server_ms_per_poll"])
        rows.append([what, round(per(a)), round(per(b)), f"x{per(b) / max(1, per(a)):.2f}", ms(a), ms(b),
                     a["server_cores"], b["server_cores"]])
    print("\nserver-side selector vs --client-filter (same arguments, back to back, a fresh server each):")
    print(table(["phase", "bytes/device, selector", "bytes/device, client", "client / selector",
                 "server ms*, selector", "server ms*, client", "server cores, selector",
                 "server cores, client"], rows))
    print("* server CPU per poll; for the manual per device served. Idle bytes: per poll.")


def run_once(args, client_filter: bool) -> dict:
    work = Path(tempfile.mkdtemp(prefix="fa-fleet-"))
    proc, url = start_server(work)
    try:
        return asyncio.run(main_async(args, url, server_pid(proc), client_filter))
    finally:
        proc.terminate()
        proc.wait(10)
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--devices", type=int, default=1000)
    ap.add_argument("--groups", type=int, default=10)
    ap.add_argument("--interval", type=float, default=20.0, help="mean seconds between a device's polls")
    ap.add_argument("--size-mb", type=float, default=2.0, help="the published manual's size")
    ap.add_argument("--backlog", type=int, default=200, help="documents the depot holds before the run")
    ap.add_argument("--connections", type=int, default=256, help="sockets open at once (all devices share them)")
    ap.add_argument("--timeout", type=float, default=120.0, help="extra seconds to wait for the last devices")
    which = ap.add_mutually_exclusive_group()
    which.add_argument("--client-filter", action="store_true",
                       help="only the old way: every change sent, filtered on the device")
    which.add_argument("--server-filter", action="store_true", help="only the app's way: the server's selector")
    args = ap.parse_args()
    modes = [True] if args.client_filter else [False] if args.server_filter else [False, True]
    banner(f"fleet_scale: {args.devices} devices, poll every {args.interval:g} s (x0.5-1.5), "
           f"{args.size_mb:g} MB manual, {args.groups} groups")
    runs = {}
    for client_filter in modes:
        res = run_once(args, client_filter)
        runs[res["filter"]] = res
        report(res, args)
    if selmod.SERVER_QUERY in runs and selmod.CLIENT in runs:
        compare(runs, args)
    out = PROJECT_ROOT / "bench" / "out"
    out.mkdir(exist_ok=True)
    (out / "fleet_scale.json").write_text(json.dumps(runs, indent=2))


if __name__ == "__main__":
    sys.exit(main())
