"""The library catches up after an upgrade: manuals stored by an older version get their spec rows,
procedures and OCR from their files, once, without touching their passages (assistant/library/backfill.py)."""

from __future__ import annotations

import json
import subprocess
import threading

import pytest

from assistant import db as dbmod
from assistant.errors import Cancelled
from assistant.library import backfill, extractions, ingest
from assistant.procedures import store as procstore
from tests.conftest import EXE
from tests.core import scans
from tests.core.old_library import library_at

MANUAL = """# Pump P-40 service manual

## Tightening torques

| Part | Torque | Size |
|------|--------|------|
| Pump mounting bolts | 68 Nm | M12 |
| Coupling guard screws | 9 Nm | M6 |
| Drain plug | 25 Nm | M16 |

## To replace the mechanical seal

1. Isolate the pump and drain the casing.
2. Remove the coupling guard screws.
3. Pull the impeller off the shaft.
4. Fit the new seal and refit the impeller.

## Fault codes

| Code | Meaning |
|------|---------|
| E1 | Motor overload |
| E2 | Dry running |
"""

NOTES = """# Valve V-7 notes

The valve needs no routine service. Check it for leaks once a year.
"""


def _make_old(db) -> None:
    """What a version before spec rows and procedures left: the passages only, and no marker
    (m011's reading of a manual with no rows and no procedures)."""
    with dbmod.transaction(db):
        for table in ("spec_tables", "procedures", "manual_extractions"):
            db.execute(f"DELETE FROM {table}")


def _passages(db) -> list[tuple]:
    return [tuple(r) for r in db.execute(
        "SELECT c.id, c.manual_id, c.ord, c.page, c.text, v.embedding FROM chunks c"
        " JOIN chunks_vec v ON v.rowid = c.id ORDER BY c.id")]


def _counts(db) -> dict[str, int]:
    return {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("spec_tables", "spec_rows", "spec_rows_fts", "spec_rows_vec", "spec_values",
                      "procedures", "procedure_steps", "procedures_fts", "chunks", "chunks_fts", "page_texts")}


def _library(session, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "pump.md").write_text(MANUAL, encoding="utf-8")
    (docs / "valve.md").write_text(NOTES, encoding="utf-8")
    report = ingest.run(session.db, session.embedder, [docs])
    assert not report.failed and len(report.added) == 2
    return docs


def test_ingest_records_its_extractions_and_a_new_library_needs_no_upgrade(session, tmp_path):
    _library(session, tmp_path)
    for (manual_id,) in session.db.execute("SELECT id FROM manuals"):
        assert extractions.had(session.db, manual_id) == extractions.CURRENT
    assert backfill.needed(session.db, ocr=True) == 0
    report = backfill.run(session.db, session.embedder, ocr=True)
    assert report.to_json() == {"upgraded": [], "problems": [], "waiting": []}


def test_old_manuals_get_rows_and_procedures_once_and_keep_their_passages(session, tmp_path):
    db = session.db
    _library(session, tmp_path)
    full = _counts(db)
    rows_before = [r["text"] for r in db.execute("SELECT text FROM spec_rows ORDER BY id")]
    _make_old(db)
    passages = _passages(db)
    old = _counts(db)
    assert old["spec_rows"] == old["procedures"] == 0 and old["chunks"] == full["chunks"]
    assert backfill.needed(db, ocr=True) == 2

    events = list(backfill.upgrade(db, session.embedder, ocr=True))
    assert [e.kind for e in events] == ["start", "file", "added", "file", "added", "finished"]
    report = events[-1].report
    by_path = {u["path"]: u for u in report.upgraded}
    pump = by_path[str((tmp_path / "docs" / "pump.md").resolve())]
    assert pump["spec_rows"] == 5 and pump["procedures"] == 1
    assert by_path[str((tmp_path / "docs" / "valve.md").resolve())]["spec_rows"] == 0

    # The same rows and procedure as a fresh ingest gives, each once; the passages untouched.
    assert _counts(db) == full
    assert [r["text"] for r in db.execute("SELECT text FROM spec_rows ORDER BY id")] == rows_before
    (proc,) = procstore.search(db, "mechanical seal")
    assert [s.n for s in proc.steps] == [1, 2, 3, 4]
    assert _passages(db) == passages
    row = db.execute("SELECT v.number, v.unit FROM spec_values v JOIN spec_rows r ON r.id = v.row_id"
                     " WHERE r.text LIKE 'Part: Pump mounting bolts%' AND v.unit = 'N·m'").fetchone()
    assert row is not None and row["number"] == 68

    # A second run has nothing to do and changes nothing.
    assert backfill.needed(db, ocr=True) == 0
    again = list(backfill.upgrade(db, session.embedder, ocr=True))
    assert [e.kind for e in again] == ["start", "finished"] and not again[-1].report.upgraded
    assert _counts(db) == full and _passages(db) == passages


def test_killed_midway_it_resumes_with_the_manuals_left(session, tmp_path):
    db = session.db
    _library(session, tmp_path)
    full = _counts(db)
    _make_old(db)
    gen = backfill.upgrade(db, session.embedder, ocr=True)
    for ev in gen:
        if ev.kind == "added":
            break  # the first manual is stored; the run dies before the second
    gen.close()
    assert backfill.needed(db, ocr=True) == 1
    report = backfill.run(db, session.embedder, ocr=True)
    assert len(report.upgraded) == 1 and _counts(db) == full


def test_a_missing_file_is_said_once_and_the_manual_is_kept(session, tmp_path):
    db = session.db
    docs = _library(session, tmp_path)
    _make_old(db)
    passages = _passages(db)
    (docs / "pump.md").rename(tmp_path / "pump-away.md")

    first = backfill.run(db, session.embedder, ocr=True)
    assert [u["title"] for u in first.upgraded] == ["Valve V-7 notes"]
    (problem,) = first.problems
    assert problem["path"].endswith("pump.md") and problem["error"] == backfill.GONE
    assert _passages(db) == passages  # the manual stays searchable as it was

    # Said once: the next run has nothing to do (the file is still gone) and lists it as waiting.
    assert backfill.needed(db, ocr=True) == 0
    second = backfill.run(db, session.embedder, ocr=True)
    assert second.problems == [] and second.upgraded == []
    assert [w["error"] for w in second.waiting] == [backfill.GONE]

    # The file is back: the manual catches up.
    (tmp_path / "pump-away.md").rename(docs / "pump.md")
    assert backfill.needed(db, ocr=True) == 1
    third = backfill.run(db, session.embedder, ocr=True)
    assert [u["procedures"] for u in third.upgraded] == [1] and not third.waiting
    assert db.execute("SELECT count(*) FROM manuals WHERE upgrade_problem IS NOT NULL").fetchone()[0] == 0


def test_a_changed_file_is_said_once_and_left_for_reindex(session, tmp_path):
    db = session.db
    docs = _library(session, tmp_path)
    _make_old(db)
    passages = _passages(db)
    (docs / "pump.md").write_text(MANUAL.replace("68 Nm", "70 Nm"), encoding="utf-8")
    first = backfill.run(db, session.embedder, ocr=True)
    assert [p["error"] for p in first.problems] == [backfill.CHANGED]
    assert _passages(db) == passages
    assert db.execute("SELECT count(*) FROM spec_rows r JOIN manuals m ON m.id = r.manual_id"
                      " WHERE m.path LIKE '%pump.md'").fetchone()[0] == 0
    assert backfill.run(db, session.embedder, ocr=True).problems == []
    # Indexing it again (what ingest does with a changed file) brings everything, and clears the problem.
    ingest.run(db, session.embedder, [docs])
    assert backfill.needed(db, ocr=True) == 0
    assert db.execute("SELECT count(*) FROM spec_rows WHERE text LIKE '%70 Nm%'").fetchone()[0] == 1


def test_migration_m011_marks_what_stored_manuals_already_hold(session, tmp_path, monkeypatch):
    """A library at the level before m011: the manual that has rows and a procedure is left alone,
    the one that has none is extracted again. (With the extractors at the version m011 records, 1: a
    later version makes every manual catch up, as the tests that raise one show.)"""
    monkeypatch.setattr(extractions, "CURRENT", dict.fromkeys(extractions.CURRENT, 1))
    db = session.db
    _library(session, tmp_path)
    pump = db.execute("SELECT id FROM manuals WHERE path LIKE '%pump.md'").fetchone()[0]
    procedure_ids = [r[0] for r in db.execute("SELECT id FROM procedures")]
    with dbmod.transaction(db):  # undo m011, as a library written before it is
        db.execute("DROP TABLE manual_extractions")
        db.execute("ALTER TABLE manuals DROP COLUMN upgrade_problem_versions")
        db.execute("ALTER TABLE manuals DROP COLUMN upgrade_problem")
        db.execute(f"PRAGMA user_version = {dbmod.MIGRATIONS.index(dbmod.m011_extractions)}")
    db = dbmod.connect()  # a new connection migrates, as the upgraded app's first start does
    assert db.execute("PRAGMA user_version").fetchone()[0] == len(dbmod.MIGRATIONS)
    assert extractions.had(db, pump) == extractions.CURRENT
    missing = extractions.missing(db)
    assert list(missing.values()) == [{extractions.SPEC_ROWS, extractions.PROCEDURES}]
    report = backfill.run(db, session.embedder, ocr=True)
    assert [u["title"] for u in report.upgraded] == ["Valve V-7 notes"]
    assert [r[0] for r in db.execute("SELECT id FROM procedures")] == procedure_ids
    db.close()


FAN = """# Fan F-2 manual

## To replace the fan belt

1. Isolate the fan.
2. Slacken the motor bolts and lift the belt off.
3. Fit the new belt and tension it.
"""


def _seal_run_at_step_2(session, tmp_path):
    db = session.db
    (tmp_path / "more").mkdir()
    (tmp_path / "more" / "fan.md").write_text(FAN, encoding="utf-8")
    assert len(ingest.run(db, session.embedder, [tmp_path / "more"]).added) == 1
    from assistant.notes import NoteStore
    from assistant.procedures import run as runmod

    (seal,) = procstore.search(db, "mechanical seal")
    # The fan's procedure was stored after the seal's: without its id kept, the seal's comes back as a new one.
    assert seal.id < procstore.search(db, "fan belt")[0].id
    store = NoteStore(db)
    r = runmod.start(store, seal)
    r.acknowledge()
    r.next()
    assert r.step == 2
    return seal.id, r.note_id, store, runmod


def test_a_run_resumes_after_its_manual_is_indexed_again(session, tmp_path):
    """Re-indexing a changed manual stores its procedures again: an unchanged one keeps its id, so
    the unfinished run's log (which names it by id) still resumes at its step."""
    db = session.db
    docs = _library(session, tmp_path)
    pid, note_id, store, runmod = _seal_run_at_step_2(session, tmp_path)
    (docs / "pump.md").write_text(MANUAL.replace("68 Nm", "70 Nm"), encoding="utf-8")
    assert [a["replaced"] for a in ingest.run(db, session.embedder, [docs]).added] == [True]
    again = procstore.get(db, pid)
    assert again.title == "To replace the mechanical seal"
    r = runmod.start(store, again)
    assert r.note_id == note_id and r.state.resumed and r.step == 2


def test_a_run_resumes_after_the_backfill_extracts_procedures_again(session, tmp_path, monkeypatch):
    """An app upgrade raises the procedure extractor's version: the backfill replaces the manual's
    procedures, and the unfinished run still finds its own and resumes at its step."""
    db = session.db
    _library(session, tmp_path)
    pid, note_id, store, runmod = _seal_run_at_step_2(session, tmp_path)
    monkeypatch.setitem(extractions.CURRENT, extractions.PROCEDURES, extractions.CURRENT[extractions.PROCEDURES] + 1)
    report = backfill.run(db, session.embedder, ocr=True)
    assert [u["procedures"] for u in report.upgraded if u["title"].startswith("Pump")] == [1]
    r = runmod.start(store, procstore.get(db, pid))
    assert r.note_id == note_id and r.state.resumed and r.step == 2


def test_a_run_resumes_after_ocr_adds_passages_to_its_manual(session, tmp_path):
    """A PDF stored with OCR off, its procedure on the text page being run; the backfill reads the
    scanned page, which brings new passages and so extracts the procedures again: the run goes on."""
    from pypdf import PdfReader, PdfWriter

    db = session.db
    text_pdf = scans.build_text_pdf(tmp_path / "text.pdf", [
        ("To replace the mechanical seal", ["1. Isolate the pump and drain the casing.",
                                            "2. Remove the coupling guard screws.",
                                            "3. Pull the impeller off the shaft.",
                                            "4. Fit the new seal and refit the impeller."]),
        scans.PAGES[1]])
    scan_only = scans.save_image_pdf(tmp_path / "scan.pdf", scans.render_pages(text_pdf)[1:])
    w = PdfWriter()
    w.add_page(PdfReader(text_pdf).pages[0])
    w.add_page(PdfReader(scan_only).pages[0])
    mixed = tmp_path / "docs" / "mixed.pdf"
    mixed.parent.mkdir()
    with mixed.open("wb") as f:
        w.write(f)
    assert list(ingest.ingest(db, session.embedder, [mixed], ocr=False))[-1].report.added
    pid, note_id, store, runmod = _seal_run_at_step_2(session, tmp_path)
    (up,) = [u for u in backfill.run(db, session.embedder, ocr=True).upgraded if u.get("ocr_pages")]
    assert up["ocr_pages"] == [2] and up["passages_added"] >= 1 and up["procedures"] >= 1
    r = runmod.start(store, procstore.get(db, pid))
    assert r.note_id == note_id and r.state.resumed and r.step == 2


def test_a_manual_that_did_not_parse_is_tried_again_after_an_extractor_upgrade(session, tmp_path, monkeypatch):
    """A parse failure is said once and left while the extractors stay as they are; once an app
    upgrade raises one, the manual is tried again (and here, parses)."""
    db = session.db
    _library(session, tmp_path)
    _make_old(db)
    pump = db.execute("SELECT id FROM manuals WHERE path LIKE '%pump.md'").fetchone()[0]
    backfill._set_problem(db, pump, "cannot parse: the table is broken")  # as an older extractor's run left it
    first = backfill.run(db, session.embedder, ocr=True)
    assert [u["title"] for u in first.upgraded] == ["Valve V-7 notes"]
    assert [w["error"] for w in first.waiting] == ["cannot parse: the table is broken"]
    assert backfill.needed(db, ocr=True) == 0
    monkeypatch.setitem(extractions.CURRENT, extractions.SPEC_ROWS, extractions.CURRENT[extractions.SPEC_ROWS] + 1)
    assert backfill.needed(db, ocr=True) == 2  # the pump is tried again, beside the valve's new spec rows
    second = backfill.run(db, session.embedder, ocr=True)
    assert sorted(u["title"] for u in second.upgraded) == ["Pump P-40 service manual", "Valve V-7 notes"]
    assert not second.waiting and not second.problems
    assert db.execute("SELECT upgrade_problem, upgrade_problem_versions FROM manuals WHERE id = ?",
                      (pump,)).fetchone()[:] == (None, None)


def _mixed_pdf(tmp_path, scanned: int):
    """Page 1 with its text layer, then `scanned` pages that are pictures of the next pages."""
    from pypdf import PdfReader, PdfWriter

    text_pdf = scans.build_text_pdf(tmp_path / "text.pdf")
    scan_only = scans.save_image_pdf(tmp_path / "scan.pdf", scans.render_pages(text_pdf)[1:1 + scanned])
    w = PdfWriter()
    w.add_page(PdfReader(text_pdf).pages[0])
    for page in PdfReader(scan_only).pages:
        w.add_page(page)
    mixed = tmp_path / "mixed.pdf"
    with mixed.open("wb") as f:
        w.write(f)
    return mixed


def test_a_library_at_the_level_before_ocr_rows_and_procedures_catches_up(home, tmp_path):
    """A database made by the first four migrations only (what a version before OCR, spec rows and
    procedures wrote), holding a manual stored as that version's ingest stored it: its passages,
    their vectors and pages. Opening it migrates to this version; the upgrade adds the rest."""

    from assistant import models
    from assistant.embedding import OnnxEmbedder
    from assistant.library import pages
    from assistant.library.chunk import chunk_manual
    from assistant.library.parse import parse

    manual = tmp_path / "pump.md"
    manual.write_text(MANUAL, encoding="utf-8")
    doc = parse(manual)
    chunks = chunk_manual(doc)
    embedder = OnnxEmbedder(models.default("embedding").path)
    vectors = embedder.embed([ingest.embed_text(doc.title, c.section_path, c.text) for c in chunks])
    path = home / "library.sqlite3"
    old = library_at(path, 4)
    old.execute("INSERT INTO manuals(id, path, title, format, content_hash, size_bytes) VALUES (1, ?, ?, 'md', ?, ?)",
                (str(manual.resolve()), doc.title, ingest.file_hash(manual), manual.stat().st_size))
    for i, (c, v) in enumerate(zip(chunks, vectors, strict=True)):
        old.execute("INSERT INTO chunks(id, manual_id, ord, page, section, kind, text, char_start, char_end, safety)"
                    " VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (i + 1, c.ord, c.page, c.section_path, c.kind, c.text, c.start, c.end, c.safety))
        old.execute("INSERT INTO chunks_vec(rowid, embedding) VALUES (?, ?)", (i + 1, v.tobytes()))
    pages.store(old, 1, ((c.page, c.section_path, c.text) for c in chunks))
    old.close()

    db = dbmod.connect(path)
    try:
        assert db.execute("PRAGMA user_version").fetchone()[0] == len(dbmod.MIGRATIONS)
        assert extractions.missing(db) == {1: {extractions.SPEC_ROWS, extractions.PROCEDURES}}
        passages = _passages(db)
        (up,) = backfill.run(db, embedder, ocr=True).upgraded
        assert (up["spec_rows"], up["procedures"]) == (5, 1)
        assert _passages(db) == passages
        assert db.execute("SELECT count(*) FROM spec_rows_vec").fetchone()[0] == 5
        assert backfill.needed(db, ocr=True) == 0
    finally:
        db.close()


def test_pages_without_text_are_read_by_ocr_and_added_beside_the_stored_passages(session, tmp_path):
    """A manual stored with OCR off (as before m005): its text page's passages stay, the scanned
    page's passages are added, read once (a second run reads nothing)."""
    db = session.db
    mixed = _mixed_pdf(tmp_path, scanned=1)
    events = list(ingest.ingest(db, session.embedder, [mixed], ocr=False))
    (added,) = events[-1].report.added
    assert added["scanned_pages"] == [2]
    (manual_id,) = [r[0] for r in db.execute("SELECT id FROM manuals")]
    assert extractions.OCR not in extractions.had(db, manual_id)
    passages = _passages(db)
    assert {p[3] for p in passages} == {1}

    assert backfill.needed(db, ocr=False) == 0  # OCR off: nothing to do for it
    events = list(backfill.upgrade(db, session.embedder, ocr=True))
    assert "ocr" in [e.kind for e in events]
    (up,) = events[-1].report.upgraded
    assert up["ocr_pages"] == [2] and up["passages_added"] >= 1
    after = _passages(db)
    assert len(after) > len(passages)
    old_ids = {p[0]: p for p in passages}
    for p in after:
        if p[0] in old_ids:  # same id, text and vector (ord may move for reading order)
            assert (p[1], p[3], p[4], p[5]) == (old_ids[p[0]][1], old_ids[p[0]][3], old_ids[p[0]][4], old_ids[p[0]][5])
    new = [p for p in after if p[0] not in old_ids]
    assert new and {p[3] for p in new} == {2}
    assert [p[2] for p in sorted(after, key=lambda p: p[2])] == list(range(len(after)))
    assert db.execute("SELECT scanned_pages FROM manuals").fetchone()[0] == "[]"
    assert db.execute("SELECT count(*) FROM chunks WHERE ocr = 1").fetchone()[0] == len(new)
    assert db.execute("SELECT count(*) FROM page_texts WHERE page = 2").fetchone()[0] == 1
    assert backfill.needed(db, ocr=True) == 0
    assert _passages(db) == after


def test_cancelled_in_the_middle_of_ocr_it_resumes_without_reading_a_page_twice(session, tmp_path):
    db = session.db
    mixed = _mixed_pdf(tmp_path, scanned=2)
    list(ingest.ingest(db, session.embedder, [mixed], ocr=False))
    passages = _passages(db)
    cancel = threading.Event()
    with pytest.raises(Cancelled):
        for ev in backfill.upgrade(db, session.embedder, cancel, ocr=True):
            if ev.kind == "ocr":
                cancel.set()  # the app closes after the first page is read
    # Nothing of the manual changed; the page read is kept for the next run.
    assert _passages(db) == passages and backfill.needed(db, ocr=True) == 1
    (first,) = [tuple(r) for r in db.execute("SELECT page, words FROM ocr_pages")]
    with dbmod.transaction(db):  # a mark a second reading would replace
        db.execute("UPDATE ocr_pages SET seconds = -1")
    events = list(backfill.upgrade(db, session.embedder, ocr=True))
    assert [e.message for e in events if e.kind == "ocr"] == ["OCR page 1 of 2", "OCR page 2 of 2"]
    (up,) = events[-1].report.upgraded
    assert up["ocr_pages"] == [2, 3]
    read = [tuple(r) for r in db.execute("SELECT page, words, seconds FROM ocr_pages ORDER BY page")]
    assert read[0] == (*first, -1) and len(read) == 2 and read[1][2] > 0  # page 2 was not read again
    assert {p[3] for p in _passages(db)} == {1, 2, 3}


def test_cli_library_upgrade_json(home, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "pump.md").write_text(MANUAL, encoding="utf-8")
    (docs / "valve.md").write_text(NOTES, encoding="utf-8")
    subprocess.run([EXE, "ingest", str(docs)], check=True, capture_output=True)
    db = dbmod.connect()
    _make_old(db)
    db.close()
    (docs / "valve.md").unlink()
    r = subprocess.run([EXE, "library", "upgrade", "--json"], capture_output=True, text=True)
    assert r.returncode == 1  # one manual could not be upgraded: said on this run
    out = json.loads(r.stdout)
    assert [(u["title"], u["spec_rows"], u["procedures"]) for u in out["upgraded"]] == [
        ("Pump P-40 service manual", 5, 1)]
    assert [p["error"] for p in out["problems"]] == [backfill.GONE]
    r = subprocess.run([EXE, "library", "upgrade"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "still wait" in r.stdout and "is gone" in r.stdout and "upgraded" not in r.stdout.replace("0 upgraded", "")
