"""Ingest into a real SQLite library: formats, pages, idempotence, replacement, bad input, crash resume."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

from assistant import db as dbmod
from assistant.library import ingest
from tests.conftest import EXE
from tests.core import corpus


def _consistent(db) -> None:
    """Every chunk has its FTS row and vector, and nothing is orphaned."""
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    n_chunks = db.execute("SELECT count(*) FROM chunks").fetchone()[0]
    assert db.execute("SELECT count(*) FROM chunks_vec").fetchone()[0] == n_chunks
    assert db.execute("SELECT count(*) FROM chunks_fts").fetchone()[0] == n_chunks
    assert db.execute("SELECT count(*) FROM chunks WHERE manual_id NOT IN (SELECT id FROM manuals)"
                      ).fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM manuals m WHERE NOT EXISTS "
                      "(SELECT 1 FROM chunks c WHERE c.manual_id = m.id)").fetchone()[0] == 0


def test_each_format_with_pages_and_sections(session, tmp_path):
    docs = corpus.write(tmp_path / "docs")
    report = ingest.run(session.db, session.embedder, [docs])
    assert not report.failed
    assert {Path(a["path"]).name for a in report.added} == {"pump.md", "alarms.html", "notes.txt", "heatpump.pdf",
                                                                 "compressor.docx"}
    db = session.db
    pdf = next(a for a in report.added if a["path"].endswith(".pdf"))
    assert pdf["pages"] == 3
    for token, page in [("PAGEONEALPHA", 1), ("PAGETWOBRAVO", 2), ("PAGETHREECHARLIE", 3)]:
        row = db.execute("SELECT c.page, c.text, c.char_start, c.char_end FROM chunks c JOIN manuals m "
                         "ON m.id = c.manual_id WHERE m.format = 'pdf' AND c.text LIKE ?", (f"%{token}%",)).fetchone()
        assert row is not None and row["page"] == page, token
        assert row["char_end"] > row["char_start"]
    # The PDF table stays whole on its page.
    table = db.execute("SELECT page, text FROM chunks WHERE kind = 'table' AND text LIKE '%Fan bolt torque%'").fetchone()
    assert table and table["page"] == 1 and "24 Nm" in table["text"]
    # Headings become section paths; formats without pages have page NULL.
    md = db.execute("SELECT section, page FROM chunks WHERE text LIKE '%six M8 housing bolts%'").fetchone()
    assert md["section"] == "ZX-9 booster pump service manual > Seal replacement" and md["page"] is None
    html = db.execute("SELECT section, text FROM chunks WHERE text LIKE '%inlet strainer%'").fetchone()
    assert "E47 low suction pressure" in html["section"] and "junk" not in html["text"]
    docx = db.execute("SELECT section, page FROM chunks WHERE text LIKE '%terminal block X1%'").fetchone()
    assert docx["section"].endswith("Installation > Wiring") and docx["page"] is None
    md_table = db.execute("SELECT kind, text FROM chunks WHERE text LIKE '%impeller nut torque%'").fetchone()
    assert md_table["kind"] == "table" and "38 Nm" in md_table["text"]
    _consistent(db)


def test_reingest_is_idempotent(session, tmp_path):
    docs = corpus.write(tmp_path / "docs")
    first = ingest.run(session.db, session.embedder, [docs])
    n = session.db.execute("SELECT count(*) FROM chunks").fetchone()[0]
    second = ingest.run(session.db, session.embedder, [docs])
    assert not second.added and len(second.skipped) == len(first.added)
    assert all(s["reason"] == "unchanged" for s in second.skipped)
    assert session.db.execute("SELECT count(*) FROM chunks").fetchone()[0] == n
    # The same content under another name is not indexed twice.
    (tmp_path / "copy.md").write_text((docs / "pump.md").read_text())
    third = ingest.run(session.db, session.embedder, [tmp_path / "copy.md"])
    assert third.skipped and "same content" in third.skipped[0]["reason"]


def test_changed_file_replaces_its_chunks(session, tmp_path):
    f = tmp_path / "pump.md"
    f.write_text(corpus.PUMP_MD)
    ingest.run(session.db, session.embedder, [f])
    f.write_text(corpus.PUMP_MD.replace("38 Nm", "41 Nm"))
    report = ingest.run(session.db, session.embedder, [f])
    assert report.added and report.added[0]["replaced"] is True
    db = session.db
    assert db.execute("SELECT count(*) FROM manuals").fetchone()[0] == 1
    assert db.execute("SELECT count(*) FROM chunks WHERE text LIKE '%38 Nm%'").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM chunks_fts WHERE chunks_fts MATCH '\"41 Nm\"'").fetchone()[0] >= 1
    _consistent(db)


def test_bad_inputs_are_reported_and_the_batch_goes_on(session, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "good.md").write_text(corpus.PUMP_MD)
    (docs / "broken.pdf").write_bytes(b"%PDF-1.4\nthis is not really a pdf")
    (docs / "fake.pdf").write_text("<html><body>not a pdf</body></html>")
    (docs / "empty.pdf").write_bytes(b"")
    (docs / "binary.txt").write_bytes(bytes(range(256)) * 40)
    (docs / "notzip.docx").write_text("plain text pretending to be a docx")
    real = corpus.make_pdf(tmp_path / "real.pdf").read_bytes()
    (docs / "truncated.pdf").write_bytes(real[: len(real) // 2])
    report = ingest.run(session.db, session.embedder, [docs, tmp_path / "missing.md"])
    failed = {Path(f["path"]).name: f["error"] for f in report.failed}
    assert set(failed) == {"broken.pdf", "fake.pdf", "empty.pdf", "binary.txt", "notzip.docx",
                           "truncated.pdf", "missing.md"}
    for reason in failed.values():
        assert reason and "\n" not in reason and "Traceback" not in reason
    assert [Path(a["path"]).name for a in report.added] == ["good.md"]
    _consistent(session.db)


def test_cli_partial_failure_exits_1_with_json(home, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "good.md").write_text(corpus.PUMP_MD)
    (docs / "broken.pdf").write_bytes(b"%PDF-1.4\ngarbage")
    r = subprocess.run([EXE, "ingest", str(docs), "--json"], capture_output=True, text=True)
    assert r.returncode == 1, r.stderr
    out = json.loads(r.stdout)
    assert [Path(a["path"]).name for a in out["added"]] == ["good.md"]
    assert out["failed"][0]["error"] and "Traceback" not in r.stderr
    r = subprocess.run([EXE, "ingest", str(docs / "good.md"), "--json"], capture_output=True, text=True)
    assert r.returncode == 0 and json.loads(r.stdout)["skipped"]


def test_kill_during_ingest_then_resume(home, tmp_path):
    """SIGKILL mid-batch leaves a consistent database; the next run stores only what was missing."""
    docs = tmp_path / "docs"
    docs.mkdir()
    for i in range(40):
        body = "\n\n".join(f"Paragraph {j} of manual {i}: inspect valve V-{i:03d}-{j} and record the "
                           f"pressure reading in bar before restarting unit {i}." for j in range(60))
        (docs / f"manual{i:02d}.md").write_text(f"# Manual {i}\n\n## Procedure\n\n{body}\n")
    proc = subprocess.Popen([EXE, "ingest", str(docs)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    db_file = home / "library.sqlite3"
    deadline = time.monotonic() + 120
    stored = 0
    while time.monotonic() < deadline and proc.poll() is None:
        if db_file.exists():
            try:
                c = dbmod.connect(db_file)
                stored = c.execute("SELECT count(*) FROM manuals").fetchone()[0]
                c.close()
            except Exception:
                stored = 0
            if stored >= 3:
                break
        time.sleep(0.05)
    assert proc.poll() is None, "ingest finished before it could be killed; make the batch bigger"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    db = dbmod.connect(db_file)
    _consistent(db)
    before = db.execute("SELECT count(*) FROM manuals").fetchone()[0]
    assert 3 <= before < 40
    r = subprocess.run([EXE, "ingest", str(docs), "--json"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert len(out["skipped"]) == before and len(out["added"]) == 40 - before
    # A fresh connection: FTS5's integrity-check on a connection that has not read since another
    # process wrote reports a stale structure (its queries are right; only the check is stale).
    db.close()
    db = dbmod.connect(db_file)
    _consistent(db)
    assert db.execute("SELECT count(*) FROM manuals").fetchone()[0] == 40
