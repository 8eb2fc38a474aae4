"""The app brings a library stored by an older version up to date by itself, at start, with its
progress on the Library page (ui/services.py upgrade_library, assistant/library/backfill.py)."""

from __future__ import annotations

from tests.ui.conftest import wait_ready


def _make_old(gone: str) -> tuple[int, int, list[int]]:
    """The test's library as a version before spec rows and procedures left it (no rows, no
    procedures, no markers), with one manual's file gone. Returns (passages, manuals, and the spec
    rows and procedures a fresh ingest gave the manuals whose files are there)."""
    from assistant import db as dbmod

    db = dbmod.connect()
    try:
        fresh = [db.execute(f"SELECT count(*) FROM {t} x JOIN manuals m ON m.id = x.manual_id WHERE m.path NOT LIKE ?",
                            (f"%{gone}",)).fetchone()[0] for t in ("spec_rows", "procedures")]
        assert all(fresh)
        with dbmod.transaction(db):
            for table in ("spec_tables", "procedures", "manual_extractions"):
                db.execute(f"DELETE FROM {table}")
            db.execute("UPDATE manuals SET path = path || '.moved-away' WHERE path LIKE ?", (f"%{gone}",))
        return (db.execute("SELECT count(*) FROM chunks").fetchone()[0],
                db.execute("SELECT count(*) FROM manuals").fetchone()[0], fresh)
    finally:
        db.close()


def test_old_library_is_upgraded_at_start_with_progress_on_the_library_page(qtbot, make_window, library, home):
    passages, manuals, fresh = _make_old("notes.txt")
    w = make_window()
    jobs, labels, cards = [], [], []

    def started(job):
        jobs.append(job)
        # Connected after the Library page's own slot: what it shows at each batch.
        job.progress.connect(lambda _batch: (labels.append(w.library.progress_label.text()),
                                             cards.append(w.library.progress_card.isVisibleTo(w.library))))

    w.services.ingest_started.connect(started)
    messages = []
    w.library.message.connect(messages.append)
    w.go("library")
    wait_ready(qtbot, w)
    qtbot.waitUntil(lambda: any(j.name == "upgrade" for j in jobs), timeout=30_000)
    (job,) = [j for j in jobs if j.name == "upgrade"]
    assert job.lane == "db-writer"
    if not job.done:
        with qtbot.waitSignal(job.finished, timeout=120_000):
            pass
    assert job.state == "succeeded"
    assert any(t.startswith("Bringing up to date") and f"of {manuals}:" in t for t in labels), labels
    assert cards and all(cards)
    assert f"{manuals - 1} manual(s) brought up to date: tables as rows and procedures added" in messages

    # The manual whose file is gone: said once, in the errors card, and kept as it was.
    assert w.library.errors_card.isVisibleTo(w.library)
    assert w.library.errors_title.text() == "1 manual(s) could not be brought up to date"
    assert "notes.txt" in w.library.errors.item(0).text() and "file is gone" in w.library.errors.item(0).text()
    qtbot.waitUntil(lambda: not w.library.progress_card.isVisibleTo(w.library), timeout=10_000)

    from assistant import db as dbmod

    db = dbmod.connect()
    try:
        counts = [db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                  for t in ("chunks", "manuals", "spec_rows", "procedures")]
        assert counts[:2] == [passages, manuals]
        assert counts[2:] == fresh  # each manual's rows and procedures, once
        assert db.execute("SELECT count(*) FROM manuals WHERE upgrade_problem IS NOT NULL").fetchone()[0] == 1
    finally:
        db.close()

    # Looked at again (the next start): nothing to do, so no job and no second message.
    with qtbot.waitSignal(w.services.upgrade_if_needed().succeeded, timeout=30_000) as looked:
        pass
    assert looked.args == [0]
    assert [j.name for j in jobs].count("upgrade") == 1
    assert w.library.errors.count() == 1
