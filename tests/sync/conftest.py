"""Sync test fixtures: a real pouchdb-server on 127.0.0.1 (random free port, on-disk store in tmp),
devices (each its own SQLite file), and helpers to check that everyone converged.

pouchdb-server comes from npm into tools/node/ (scripts/setup.sh does it). Without it these tests
fail with a message saying how to install it: sync must not go untested silently.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from assistant import db as dbmod
from assistant.notes import NoteStore
from assistant.sync.config import SyncConfig
from assistant.sync.replicator import SyncReport, sync_once

ROOT = Path(__file__).resolve().parents[2]
POUCHDB_SERVER = ROOT / "tools" / "node" / "node_modules" / ".bin" / "pouchdb-server"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PouchServer:
    """A pouchdb-server process with an on-disk (LevelDB) store that survives kill and restart."""

    def __init__(self, workdir: Path, port: int | None = None):
        if not POUCHDB_SERVER.exists():
            pytest.fail(f"pouchdb-server is not installed at {POUCHDB_SERVER}: run scripts/setup.sh "
                        "(or: npm install --prefix tools/node pouchdb-server@4.2.0 pouchdb@9.0.0)", pytrace=False)
        self.workdir = workdir
        self.data = workdir / "data"
        self.data.mkdir(parents=True, exist_ok=True)
        self.port = port or free_port()
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60.0) -> PouchServer:
        log = open(self.workdir / "server.log", "ab")  # noqa: SIM115 - lives as long as the process
        self.proc = subprocess.Popen(
            [str(POUCHDB_SERVER), "--host", "127.0.0.1", "--port", str(self.port), "--dir", str(self.data),
             "--config", str(self.workdir / "config.json"), "--no-stdout-logs", "--no-color"],
            cwd=self.workdir, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"pouchdb-server exited ({self.proc.returncode}); see {self.workdir}/server.log")
            try:
                if httpx.get(self.url + "/", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"pouchdb-server did not answer on {self.url} within {timeout} s")

    def kill(self) -> None:
        """SIGKILL, as a crash or a power cut would."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture(scope="session")
def couch(tmp_path_factory) -> PouchServer:
    """One pouchdb-server for the session; each test uses its own database on it."""
    server = PouchServer(tmp_path_factory.mktemp("pouchdb-server")).start()
    yield server
    server.stop()


@pytest.fixture
def dbname() -> str:
    return "t" + uuid.uuid4().hex[:16]


@pytest.fixture
def config(couch, dbname) -> SyncConfig:
    return SyncConfig(url=couch.url, db=dbname)


class Device:
    """One technician's device: its own database file, device id and (possibly skewed) clock."""

    def __init__(self, path: Path, wall: Callable[[], float] = time.time):
        self.path = path
        self.conn = dbmod.connect(path)
        self.store = NoteStore(self.conn, wall=wall)

    def sync(self, config: SyncConfig, **kw) -> SyncReport:
        return sync_once(config, store=self.store, **kw)

    def snapshot(self) -> dict[str, tuple]:
        """Live notes: id -> (rev, title, body, tags)."""
        return {n.id: (n.rev, n.title, n.body, tuple(n.tags)) for n in self.store.list()}

    def close(self) -> None:
        self.conn.close()


@pytest.fixture
def devices(tmp_path):
    """A factory of devices; all closed at the end of the test."""
    made: list[Device] = []

    def make(name: str = "", wall: Callable[[], float] = time.time) -> Device:
        d = Device(tmp_path / f"device-{name or len(made)}.sqlite3", wall=wall)
        made.append(d)
        return d

    yield make
    for d in made:
        d.close()


def server_docs(config: SyncConfig) -> dict[str, dict]:
    """Every live note on the server with its `_conflicts` (if any), by id."""
    r = httpx.get(f"{config.url}/{config.db}/_all_docs",
                  params={"include_docs": "true", "conflicts": "true"}, timeout=60)
    if r.status_code == 404:  # not created yet: no device has synced
        return {}
    r.raise_for_status()
    return {row["id"]: row["doc"] for row in r.json()["rows"] if not row["id"].startswith("_design/")}


def server_snapshot(config: SyncConfig) -> dict[str, tuple]:
    docs = server_docs(config)
    return {i: (d["_rev"], d.get("title", ""), d.get("body", ""), tuple(d.get("tags") or ()))
            for i, d in docs.items() if not d.get("_deleted")}


def assert_converged(config: SyncConfig, *devs: Device) -> dict[str, tuple]:
    """Server and devices hold the same live notes at the same revisions; no open conflicts anywhere."""
    docs = server_docs(config)
    conflicted = {i: d["_conflicts"] for i, d in docs.items() if d.get("_conflicts")}
    assert not conflicted, f"server still has conflicts: {conflicted}"
    server = server_snapshot(config)
    for d in devs:
        assert d.store.tree.open_conflicts() == []
        assert d.store.pending_count() == 0, "a device still has changes waiting"
        assert d.snapshot() == server, "a device differs from the server"
    return server


def sync_until_quiet(config: SyncConfig, *devs: Device, rounds: int = 4) -> None:
    """Sync every device in turn until a full pass moves nothing."""
    for _ in range(rounds):
        moved = 0
        for d in devs:
            r = d.sync(config)
            moved += r.pushed + r.pulled + r.conflicts_resolved
        if moved == 0:
            return
    raise AssertionError(f"devices still exchanging revisions after {rounds} rounds")
