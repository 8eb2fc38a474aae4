"""Watch folders in the desktop app: set in Settings > Library, followed while the app runs."""

from __future__ import annotations

import json
import os
import time

from tests.core import corpus
from tests.ui.conftest import wait_ready


def _titles(w) -> set[str]:
    return {m["title"] for m in w.services.manuals}


def test_settings_add_a_folder_and_the_app_follows_it(qtbot, make_window, library, tmp_path, monkeypatch):
    from assistant import settings

    # Short rounds so the test waits little; the poller and the scans are the app's own. The settle
    # time is far longer than the test takes to write the second half after the first look.
    monkeypatch.setenv("FIELD_ASSISTANT_WATCH_INTERVAL_S", "0.3")
    monkeypatch.setenv("FIELD_ASSISTANT_WATCH_SETTLE_S", "3")
    folder = tmp_path / "depot share"
    folder.mkdir()
    w = make_window()
    wait_ready(qtbot, w)
    before = set(_titles(w))

    dlg = w.open_settings()
    assert dlg.watch_folders() == []
    dlg.add_watch_folder(str(folder))
    dlg.add_watch_folder(str(folder))  # once
    assert dlg.watch_folders() == [str(folder.resolve())]
    dlg.save()
    assert not dlg.isVisible()
    assert json.loads(settings.paths.settings_path().read_text())["watch_folders"] == [str(folder.resolve())]

    # A manual copied into the folder (written in two steps, like a slow copy) shows up in the library.
    # (Not the library's own pump.md: the same content would be stored once, under its first path.)
    manual = corpus.PUMP_MD.replace("ZX-9", "QX-7")
    progress, rounds = [], []
    w.services.ingest_started.connect(progress.append)
    w.watch.round_done.connect(rounds.append)
    target = folder / "booster.md"
    target.write_text(manual[:100])
    with qtbot.waitSignal(w.watch.round_done, timeout=30_000,
                          check_params_cb=lambda plan: bool(getattr(plan, "pending", None))):
        pass  # a round saw it half-written
    target.write_text(manual)
    qtbot.waitUntil(lambda: "QX-7 booster pump service manual" in _titles(w) and
                    any(m["path"] == str(target.resolve()) for m in w.services.manuals), timeout=60_000)
    assert progress and all(j.name == "watch" for j in progress)  # shown like an ingest
    row = next(m for m in w.services.manuals if m["path"] == str(target.resolve()))
    assert row["chunks"] > 0
    qtbot.waitUntil(lambda: not w.services.workers.busy("db-writer"), timeout=30_000)
    # Stored once, complete: the half first seen was never indexed.
    from assistant.session import Session

    s = Session()
    try:
        rows = s.db.execute("SELECT count(*) FROM manuals WHERE path = ?", (str(target.resolve()),)).fetchone()[0]
        text = s.db.execute("SELECT group_concat(c.text, ' ') FROM chunks c JOIN manuals m ON m.id = c.manual_id "
                            "WHERE m.path = ?", (str(target.resolve()),)).fetchone()[0]
    finally:
        s.close()
    assert rows == 1 and "55-0192-B" in text and "38 Nm" in text
    stored = [a for r in rounds for a in getattr(r, "added", []) + getattr(r, "replaced", [])]
    assert [a["path"] for a in stored] == [str(target.resolve())]  # indexed once

    # Deleted from the folder: removed from the library; the manuals added by hand stay.
    target.unlink()
    qtbot.waitUntil(lambda: not any(m["path"] == str(target.resolve()) for m in w.services.manuals),
                    timeout=60_000)
    assert _titles(w) == before


def test_a_folder_missing_at_start_is_reported_and_its_manuals_kept(qtbot, make_window, library, tmp_path,
                                                                    monkeypatch):
    from assistant.library import ingest, watch
    from assistant.session import Session

    monkeypatch.setenv("FIELD_ASSISTANT_WATCH_INTERVAL_S", "0.3")
    stick = tmp_path / "stick"
    stick.mkdir()
    (stick / "notes.txt").write_text("Stick tip: the QX-7 valve takes a 22 mm spanner.\n")
    t = time.time() - 3600
    os.utime(stick / "notes.txt", (t, t))
    s = Session()
    try:
        ingest.run(s.db, s.embedder, [stick])
    finally:
        s.close()
    watch.add_folder(stick)
    (stick / "notes.txt").rename(tmp_path / "notes.txt")
    stick.rmdir()  # unplugged

    w = make_window()
    messages = []
    w.watch.message.connect(messages.append)
    wait_ready(qtbot, w)
    qtbot.waitUntil(lambda: bool(messages), timeout=30_000)
    assert "not found" in messages[0] and str(stick) in messages[0]
    n = len(w.services.manuals)
    rounds = []
    w.watch.round_done.connect(rounds.append)
    qtbot.waitUntil(lambda: len(rounds) >= 3, timeout=30_000)  # several rounds later: still there
    assert any(m["path"] == str((stick / "notes.txt").resolve()) for m in w.services.manuals)
    assert len(w.services.manuals) == n and len(messages) == 1  # reported once
