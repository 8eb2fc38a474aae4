"""Watch folders on a real library: copy in, change, delete, half-written files, missing folders."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from assistant.library import ingest, watch
from tests.conftest import EXE
from tests.core import corpus
from tests.core.test_ingest import _consistent

SETTLE = 0.3  # seconds; short so the half-written test waits little


def _old(path: Path) -> Path:
    """Backdate a file's mtime, as a manual copied in with its original time (settled at a first look)."""
    t = time.time() - 3600
    os.utime(path, (t, t))
    return path


def _put(path: Path, text: str) -> Path:
    path.write_text(text)
    return _old(path)


def _rows(db) -> dict[str, int]:
    """Library path -> its passage count."""
    return {r["path"]: r["n"] for r in db.execute(
        "SELECT m.path, (SELECT count(*) FROM chunks c WHERE c.manual_id = m.id) AS n FROM manuals m")}


def _settle(watcher: watch.Watcher, db, folders) -> None:
    """Look, wait out the settle time, so the next look sees the files unchanged."""
    watcher.plan(db, folders)
    time.sleep(SETTLE + 0.05)


def test_copy_in_change_and_delete(session, tmp_path):
    db, emb = session.db, session.embedder
    folder = tmp_path / "watched"
    folder.mkdir()
    w = watch.Watcher(SETTLE)
    assert not watch.scan(db, emb, [folder], watcher=w).changed  # empty folder, empty library

    pump = _put(folder / "pump.md", corpus.PUMP_MD)
    # After the first look, even an old-dated file is seen twice, a settle time apart: a copy that
    # keeps the original's time may still be under way.
    r = watch.scan(db, emb, [folder], watcher=w)
    assert r.pending and not r.added
    _settle(w, db, [folder])
    r = watch.scan(db, emb, [folder], watcher=w)
    assert [a["path"] for a in r.added] == [str(pump.resolve())] and not r.pending
    n = _rows(db)[str(pump.resolve())]
    assert n > 0
    _consistent(db)

    # A scan with nothing changed stores nothing and does not even re-read the file.
    plan = w.plan(db, [folder])
    assert not plan.work

    # Changed in place: replaced, the same number of passages for the same amount of text, no duplicates.
    pump.write_text(corpus.PUMP_MD.replace("38 Nm", "41 Nm"))
    r = watch.scan(db, emb, [folder], watcher=w)
    assert not r.replaced and r.pending  # just written: it must settle first
    _settle(w, db, [folder])
    r = watch.scan(db, emb, [folder], watcher=w)
    assert [a["path"] for a in r.replaced] == [str(pump.resolve())] and not r.added
    assert _rows(db) == {str(pump.resolve()): n}
    assert db.execute("SELECT count(*) FROM chunks WHERE text LIKE '%41 Nm%'").fetchone()[0] > 0
    assert db.execute("SELECT count(*) FROM chunks WHERE text LIKE '%38 Nm%'").fetchone()[0] == 0
    _consistent(db)

    pump.unlink()
    r = watch.scan(db, emb, [folder], watcher=w)
    assert r.removed == [{"path": str(pump.resolve())}]
    assert _rows(db) == {}
    _consistent(db)


def test_half_written_file_waits_until_it_settles(session, tmp_path):
    db, emb = session.db, session.embedder
    folder = tmp_path / "watched"
    folder.mkdir()
    w = watch.Watcher(SETTLE)
    f = folder / "pump.md"
    half = len(corpus.PUMP_MD) // 2
    with f.open("w") as out:
        out.write(corpus.PUMP_MD[:half])
        out.flush()
        r = watch.scan(db, emb, [folder], watcher=w)
        assert [p["path"] for p in r.pending] == [str(f.resolve())] and not r.added
        assert _rows(db) == {}
        out.write(corpus.PUMP_MD[half:])
    r = watch.scan(db, emb, [folder], watcher=w)  # it changed since the last look: still pending
    assert r.pending and _rows(db) == {}
    time.sleep(SETTLE + 0.05)
    r = watch.scan(db, emb, [folder], watcher=w)
    assert [a["path"] for a in r.added] == [str(f.resolve())] and not r.pending
    stored = db.execute("SELECT group_concat(text, ' ') FROM chunks").fetchone()[0]
    assert "Replace seal kit 55-0192-B" in stored  # the whole file, not the half first seen
    again = watch.scan(db, emb, [folder], watcher=w)
    assert not again.changed and not again.pending
    assert len(_rows(db)) == 1
    _consistent(db)


def test_missing_or_empty_folder_keeps_its_manuals(session, tmp_path):
    db, emb = session.db, session.embedder
    folder = tmp_path / "stick"
    folder.mkdir()
    for p in corpus.write(folder).iterdir():
        _old(p)
    w = watch.Watcher(SETTLE)
    r = watch.scan(db, emb, [folder], watcher=w)
    assert len(r.added) == 5, r.failed
    before = _rows(db)

    # Unplugged: the folder is gone. Reported, nothing removed.
    folder.rename(tmp_path / "elsewhere")
    r = watch.scan(db, emb, [folder], watcher=w)
    assert not r.removed and [u["folder"] for u in r.unavailable] == [str(folder)]
    assert "kept" in r.unavailable[0]["error"]
    assert _rows(db) == before

    # Its mount point left behind, empty, as the app starts (a watcher that never saw it with
    # files): the same.
    folder.mkdir()
    r = watch.scan(db, emb, [folder], watcher=watch.Watcher(SETTLE))
    assert not r.removed and r.unavailable and "empty" in r.unavailable[0]["error"]
    assert _rows(db) == before

    # Plugged back in: nothing to do.
    folder.rmdir()
    (tmp_path / "elsewhere").rename(folder)
    r = watch.scan(db, emb, [folder], watcher=w)
    assert not r.changed and not r.unavailable and _rows(db) == before


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any folder")
def test_unreadable_subfolder_keeps_its_manuals(session, tmp_path):
    db, emb = session.db, session.embedder
    folder = tmp_path / "share"
    sub = folder / "locked"
    sub.mkdir(parents=True)
    _put(folder / "a.txt", corpus.NOTES_TXT)
    _put(sub / "pump.md", corpus.PUMP_MD)
    w = watch.Watcher(SETTLE)
    assert len(watch.scan(db, emb, [folder], watcher=w).added) == 2
    sub.chmod(0)
    try:
        r = watch.scan(db, emb, [folder], watcher=w)
        assert not r.removed and len(_rows(db)) == 2
    finally:
        sub.chmod(0o755)


def test_manuals_outside_the_folders_are_never_removed(session, tmp_path):
    db, emb = session.db, session.embedder
    by_hand = tmp_path / "by-hand"
    by_hand.mkdir()
    (by_hand / "alarms.html").write_text(corpus.ALARMS_HTML)
    ingest.run(db, emb, [by_hand])
    folder = tmp_path / "watched"
    folder.mkdir()
    _put(folder / "pump.md", corpus.PUMP_MD)
    # A sibling whose name starts with the watched folder's is not under it.
    (tmp_path / "watched-old").mkdir()
    (tmp_path / "watched-old" / "notes.txt").write_text(corpus.NOTES_TXT)
    ingest.run(db, emb, [tmp_path / "watched-old"])
    w = watch.Watcher(SETTLE)
    r = watch.scan(db, emb, [folder], watcher=w)
    assert len(r.added) == 1
    (folder / "pump.md").unlink()
    r = watch.scan(db, emb, [folder], watcher=w)
    assert [x["path"] for x in r.removed] == [str((folder / "pump.md").resolve())]
    assert set(_rows(db)) == {str((by_hand / "alarms.html").resolve()),
                              str((tmp_path / "watched-old" / "notes.txt").resolve())}


def test_same_file_in_two_folders_is_stored_once_and_nothing_flaps(session, tmp_path):
    db, emb = session.db, session.embedder
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    for d in (a, b):
        _put(d / "pump.md", corpus.PUMP_MD)
    w = watch.Watcher(SETTLE)
    r = watch.scan(db, emb, [a, b], watcher=w)
    assert len(r.added) == 1 and len(r.skipped) == 1 and "same content" in r.skipped[0]["reason"]
    rows = _rows(db)
    for _ in range(3):  # later scans: nothing to plan, nothing stored or removed
        assert not w.plan(db, [a, b]).work
    assert _rows(db) == rows
    # The stored copy goes: the other one takes its place in the same scan's follow-up.
    stored = Path(next(iter(rows)))
    other = (b if stored.parent == a.resolve() else a) / "pump.md"
    stored.unlink()
    r = watch.scan(db, emb, [a, b], watcher=w)
    assert r.removed and [x["path"] for x in r.added] == [str(other.resolve())]
    assert list(_rows(db)) == [str(other.resolve())]
    _consistent(db)


def test_bad_file_is_reported_once_and_retried_when_changed(session, tmp_path):
    db, emb = session.db, session.embedder
    folder = tmp_path / "watched"
    folder.mkdir()
    bad = folder / "broken.pdf"
    bad.write_bytes(b"%PDF-1.4 this is not a pdf")
    _old(bad)
    w = watch.Watcher(SETTLE)
    r = watch.scan(db, emb, [folder], watcher=w)
    assert [f["path"] for f in r.failed] == [str(bad.resolve())]
    assert not watch.scan(db, emb, [folder], watcher=w).failed  # not retried every poll
    corpus.make_pdf(bad)  # fixed: a real PDF now
    _old(bad)
    assert w.plan(db, [folder]).pending  # changed: looked at again once it has settled
    time.sleep(SETTLE + 0.05)
    r = watch.scan(db, emb, [folder], watcher=w)
    assert [a["path"] for a in r.added] == [str(bad.resolve())] and not r.failed
    _consistent(db)


def test_folders_are_kept_in_settings(home, tmp_path):
    from assistant import settings

    d = tmp_path / "manuals"
    d.mkdir()
    assert watch.add_folder(d) == [str(d.resolve())]
    assert watch.add_folder(d) == [str(d.resolve())]  # once
    assert settings.load().watch_folders == [str(d.resolve())]
    with pytest.raises(watch.WatchError):
        watch.add_folder(tmp_path / "nope")
    d.rmdir()  # a folder that is gone can still be dropped
    assert watch.remove_folder(d) == []
    with pytest.raises(watch.WatchError):
        watch.remove_folder(d)
    assert json.loads((home / "settings.json").read_text())["watch_folders"] == []


def test_cli_watch_add_list_scan_remove(home, tmp_path):
    folder = tmp_path / "manuals"
    folder.mkdir()
    _put(folder / "pump.md", corpus.PUMP_MD)
    # A long settle time: a file written during the test is still "changing" to the command.
    env = {**os.environ, "FIELD_ASSISTANT_WATCH_SETTLE_S": "600"}

    def run(*args):
        return subprocess.run([EXE, "watch", *args], capture_output=True, text=True, env=env)

    r = run("scan", "--json")
    assert r.returncode == 1 and "no watched folders" in r.stderr
    assert run("add", str(folder)).returncode == 0
    r = run("add", str(tmp_path / "missing"))
    assert r.returncode == 1 and r.stderr.count("\n") == 1 and "not a folder" in r.stderr
    r = run("list", "--json")
    assert json.loads(r.stdout) == {"folders": [{"folder": str(folder.resolve()), "exists": True}]}
    r = run("scan", "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert [a["path"] for a in out["added"]] == [str((folder / "pump.md").resolve())]
    assert out["removed"] == out["failed"] == out["pending"] == []
    (folder / "fresh.md").write_text(corpus.NOTES_TXT)  # written just now: not settled
    (folder / "pump.md").unlink()
    out = json.loads(run("scan", "--json").stdout)
    assert [x["path"] for x in out["removed"]] == [str((folder / "pump.md").resolve())]
    assert [x["path"] for x in out["pending"]] == [str((folder / "fresh.md").resolve())]
    lib = json.loads(subprocess.run([EXE, "library", "--json"], capture_output=True, text=True).stdout)
    assert lib["manuals"] == []
    assert run("remove", str(folder)).returncode == 0
    assert json.loads(run("list", "--json").stdout) == {"folders": []}
    r = run("remove", str(folder))
    assert r.returncode == 1 and "not a watched folder" in r.stderr


def test_a_file_changed_between_plan_and_apply_waits(session, tmp_path):
    db, emb = session.db, session.embedder
    folder = tmp_path / "watched"
    folder.mkdir()
    f = _put(folder / "pump.md", corpus.PUMP_MD)
    w = watch.Watcher(SETTLE)
    plan = w.plan(db, [folder])
    assert plan.ingest == [f.resolve()]
    f.write_text(corpus.PUMP_MD + "\nMore lines being copied.\n")  # written to again
    r = watch.scan_plan(db, emb, w, plan)
    assert not r.added and [p["path"] for p in r.pending] == [str(f.resolve())] and _rows(db) == {}
    _settle(w, db, [folder])
    r = watch.scan(db, emb, [folder], watcher=w)
    assert [a["path"] for a in r.added] == [str(f.resolve())]


def test_cli_watch_run_follows_the_folder_until_stopped(home, tmp_path):
    folder = tmp_path / "manuals"
    folder.mkdir()
    assert subprocess.run([EXE, "watch", "add", str(folder)], capture_output=True).returncode == 0
    env = {**os.environ, "FIELD_ASSISTANT_WATCH_SETTLE_S": "0.2", "PYTHONUNBUFFERED": "1"}
    # As from a terminal: SIGINT at its default. A runner that starts the suite in the background
    # (a CI agent, `cmd &` in a script) passes SIGINT on ignored, and Python then rightly ignores it.
    proc = subprocess.Popen([EXE, "watch", "run", "--interval", "0.2"], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True, env=env,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        _put(folder / "pump.md", corpus.PUMP_MD)
        line = proc.stdout.readline()  # blocks until the run prints its first change
        assert line.startswith("added") and str((folder / "pump.md").resolve()) in line
        (folder / "pump.md").unlink()
        line = proc.stdout.readline()
        assert line.startswith("removed") and "pump.md" in line
    finally:
        proc.send_signal(signal.SIGINT)
        assert proc.wait(60) == 130
