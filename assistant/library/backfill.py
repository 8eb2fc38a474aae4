"""The library catches up after an upgrade: extractions a manual was stored without are run on it.

Spec rows (m006), procedures (m007) and OCR of pages without a text layer (m005) are made at
ingest, and so are spec rows' label vectors (m013; `row_labels.py` fills them from the stored
cells, no file read). A manual stored by an older version has none of them; `extractions.missing`
says which manual lacks what (migration m011 set what each stored manual already held). `upgrade()` reads each
such manual's file again (the library keeps its path and content hash, not a copy) and runs only
the missing extractions:

- Its passages stay as they are (same ids, text and vectors): nothing is re-embedded except the
  spec rows and the passages of pages OCR has just read, which are new.
- One manual at a time, each in one transaction with its markers, so a killed run resumes at the
  manual it stopped in (an OCR page is kept as soon as it is read) and a finished one is never
  done twice; rows and procedures are replaced, never added beside old ones.
- A manual whose file is gone, has changed since it was indexed, or no longer parses is left as
  it is and said once (`manuals.upgrade_problem`); a gone file is tried again once it is back, any
  other problem once the app's extractors have changed (`upgrade_problem_versions`, m012). A
  changed file is for ingest (re-index it, or the watch folder does), not for a backfill.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .. import db as dbmod
from ..embedding import Embedder
from ..errors import Cancelled, ManualParseError
from . import extractions, ocr_pages, pages, row_labels, spec_store
from . import parse as parser
from .chunk import chunk_manual
from .ingest import IngestEvent, _procedures, embed_text, file_hash

log = logging.getLogger(__name__)

GONE = "its file is gone: the manual stays searchable as it is; tables as rows and procedures are added when the file is back"
CHANGED = "its file has changed since it was indexed: re-index it to bring it up to date"


@dataclass
class UpgradeReport:
    """What one run did. `problems`: manuals said now (first time); `waiting`: said before, still so."""

    upgraded: list[dict] = field(default_factory=list)
    problems: list[dict] = field(default_factory=list)
    waiting: list[dict] = field(default_factory=list)

    # Read like an ingest report by the library page's progress (kinds added / skipped / failed).
    @property
    def added(self) -> list[dict]:
        return self.upgraded

    @property
    def skipped(self) -> list[dict]:
        return self.waiting

    @property
    def failed(self) -> list[dict]:
        return self.problems

    def to_json(self) -> dict:
        return {"upgraded": self.upgraded, "problems": self.problems, "waiting": self.waiting}


@dataclass
class _Todo:
    manual_id: int
    path: str
    title: str
    content_hash: str
    problem: str | None
    extractors: set[str]
    problem_versions: str | None = None  # JSON of extractions.CURRENT when the problem was said


def _wanted(ocr: bool) -> list[str]:
    return [e for e in extractions.CURRENT if ocr or e != extractions.OCR]


def _todo(db, ocr: bool) -> tuple[list[_Todo], list[_Todo]]:
    """(manuals to upgrade now, manuals waiting with a problem said before)."""
    missing = extractions.missing(db, _wanted(ocr))
    if not missing:
        return [], []
    rows = {r["id"]: r for r in db.execute(
        "SELECT id, path, title, content_hash, upgrade_problem, upgrade_problem_versions FROM manuals")}
    run, wait = [], []
    for manual_id, names in missing.items():
        r = rows.get(manual_id)
        if r is None:
            continue
        t = _Todo(manual_id, r["path"], r["title"], r["content_hash"], r["upgrade_problem"], names,
                  r["upgrade_problem_versions"])
        # A manual said before is tried again when its gone file is back, or when the extractors
        # are not those that failed on it (an app upgrade may parse it now); otherwise a changed
        # file or one that does not parse would give the same answer every run.
        if t.problem is None or (t.problem == GONE and Path(t.path).is_file()) \
                or (t.problem != GONE and t.problem_versions != _versions()):
            run.append(t)
        else:
            wait.append(t)
    return run, wait


def needed(db, ocr: bool | None = None) -> int:
    """How many manuals an upgrade would work on now (0: nothing to do; the app start checks this)."""
    run = _todo(db, _ocr_setting(ocr))[0]
    return len(run) + len(_labels_todo(db, run))


def _labels_todo(db, run: list[_Todo]) -> list[int]:
    """Manuals whose spec rows lack their label vectors (m013) and are not re-extracted anyway."""
    upgrading = {t.manual_id for t in run}
    return [m for m in row_labels.lacking(db) if m not in upgrading]


def _ocr_setting(ocr: bool | None) -> bool:
    if ocr is None:
        from ..settings import load

        return load().ocr
    return ocr


def upgrade(db, embedder: Embedder | None, cancel: threading.Event | None = None,
            ocr: bool | None = None) -> Iterator[IngestEvent]:
    """Run the missing extractions on every manual that lacks one; yields progress events like
    ingest's ("start", "file", "ocr", then "added" for a manual upgraded, "failed" for a problem said
    now, "skipped" for one said before, and "finished" whose `report` is an UpgradeReport).

    Pages without text are read by OCR only when `ocr` (None: the `ocr` setting) is on; otherwise a
    manual lacking only OCR is left for later. Cancelling stops between manuals or OCR pages.
    `embedder` may be None only when `needed()` is 0 (nothing to embed).
    """
    ocr = _ocr_setting(ocr)
    run, wait = _todo(db, ocr)
    labels = _labels_todo(db, run)
    if (run or labels) and embedder is None:
        raise ValueError("upgrade: the embedding model is needed for the manuals to bring up to date")
    report = UpgradeReport(waiting=[{"path": t.path, "title": t.title, "error": t.problem} for t in wait])
    total = len(run) + len(labels)
    yield IngestEvent("start", total=total)
    for i, t in enumerate(run):
        if cancel is not None and cancel.is_set():
            raise Cancelled("library upgrade cancelled")
        yield IngestEvent("file", t.path, i, total, f"upgrading {Path(t.path).name}")
        t0 = time.perf_counter()
        try:
            entry = yield from _upgrade_one(db, embedder, t, i, total, ocr, cancel)
        except (ManualParseError, OSError) as e:
            problem = e.reason if isinstance(e, ManualParseError) else f"cannot read its file: {e.strerror or e}"
            if problem in (GONE, CHANGED):
                log.info("upgrade: %s: %s", t.path, problem)
            else:
                log.warning("upgrade: %s: %s", t.path, problem)
            item = {"path": t.path, "title": t.title, "error": problem}
            if problem == t.problem and t.problem_versions == _versions():  # still so: said already
                report.waiting.append(item)
                yield IngestEvent("skipped", t.path, i + 1, total, problem)
            else:
                _set_problem(db, t.manual_id, problem)
                report.problems.append(item)
                yield IngestEvent("failed", t.path, i + 1, total, problem)
            continue
        if entry is None:  # re-indexed, removed or upgraded by another run meanwhile
            yield IngestEvent("skipped", t.path, i + 1, total, "brought up to date meanwhile")
            continue
        entry["seconds"] = round(time.perf_counter() - t0, 3)
        report.upgraded.append(entry)
        yield IngestEvent("added", t.path, i + 1, total, _summary(entry))
    # Rows stored before their label vectors (m013): filled from the stored cells, no file needed.
    for i, manual_id in enumerate(labels, start=len(run)):
        if cancel is not None and cancel.is_set():
            raise Cancelled("library upgrade cancelled")
        m = db.execute("SELECT path, title FROM manuals WHERE id = ?", (manual_id,)).fetchone()
        if m is None:
            continue
        yield IngestEvent("file", m["path"], i, total, f"upgrading {Path(m['path']).name}")
        t0 = time.perf_counter()
        entry = {"path": m["path"], "title": m["title"], "extractors": ["row_labels"],
                 "row_labels": row_labels.fill(db, embedder, manual_id)}
        entry["seconds"] = round(time.perf_counter() - t0, 3)
        report.upgraded.append(entry)
        yield IngestEvent("added", m["path"], i + 1, total, _summary(entry))
    yield IngestEvent("finished", done=total, total=total, report=report)  # type: ignore[arg-type]


def run(db, embedder: Embedder, cancel: threading.Event | None = None, ocr: bool | None = None) -> UpgradeReport:
    """Upgrade without progress rendering; returns the report."""
    report = UpgradeReport()
    for ev in upgrade(db, embedder, cancel, ocr):
        if ev.report is not None:
            report = ev.report  # type: ignore[assignment]
    return report


def _summary(entry: dict) -> str:
    parts = [f"{entry['spec_rows']} spec rows" if "spec_rows" in entry else "",
             f"{entry['procedures']} procedures" if "procedures" in entry else "",
             f"{len(entry['ocr_pages'])} pages read by OCR" if entry.get("ocr_pages") else "",
             f"{entry['row_labels']} spec row labels embedded" if "row_labels" in entry else ""]
    return ", ".join(p for p in parts if p) or "up to date"


def _versions() -> str:
    return json.dumps(extractions.CURRENT, sort_keys=True)


def _set_problem(db, manual_id: int, problem: str) -> None:
    with dbmod.transaction(db):
        db.execute("UPDATE manuals SET upgrade_problem = ?, upgrade_problem_versions = ? WHERE id = ?",
                   (problem, _versions(), manual_id))


def _upgrade_one(db, embedder: Embedder, t: _Todo, i: int, total: int, ocr: bool,
                 cancel: threading.Event | None):
    """A generator: yields "ocr" events, returns the report entry (None: the manual changed meanwhile)."""
    path = Path(t.path)
    if not path.is_file():
        raise ManualParseError(path, GONE)
    digest = file_hash(path)
    if digest != t.content_hash:
        raise ManualParseError(path, CHANGED)
    # Parsed as with OCR on: pages without text are listed, never a reason to fail the manual.
    doc = parser.parse(path, cancel=cancel, ocr=True)
    todo = set(t.extractors)
    stored_pages = {r[0] for r in db.execute("SELECT DISTINCT page FROM chunks WHERE manual_id = ?", (t.manual_id,))}
    if extractions.OCR in todo and doc.scanned_pages:
        for done, pages_total in ocr_pages.read_scanned(db, path, digest, doc, cancel):
            yield IngestEvent("ocr", t.path, i, total, f"OCR page {done} of {pages_total}")
    elif doc.scanned_pages:
        # Pages OCR read when the manual was indexed: their tables and steps are the manual's too.
        ocr_pages.add_cached(db, digest, doc)
    new_pages = {p for p in doc.ocr_pages if p not in stored_pages} if extractions.OCR in todo else set()
    new_chunks = [c for c in chunk_manual(doc) if c.page in new_pages]
    vectors = embedder.embed([embed_text(doc.title, c.section_path, c.text) for c in new_chunks]) \
        if new_chunks else np.zeros((0, dbmod.EMBED_DIM), dtype=np.float32)
    # Passages new to the manual may hold tables and steps: those are extracted again with them.
    rows = extractions.SPEC_ROWS in todo or bool(new_chunks)
    procs = extractions.PROCEDURES in todo or bool(new_chunks)
    row_vectors = None
    if rows:
        row_vectors = spec_store.embed_rows(embedder, doc.blocks)
    procedures = _procedures(doc) if procs else []
    if cancel is not None and cancel.is_set():
        raise Cancelled("library upgrade cancelled")
    entry: dict = {"path": t.path, "title": t.title, "extractors": sorted(todo)}
    with dbmod.transaction(db):
        now = db.execute("SELECT content_hash FROM manuals WHERE id = ?", (t.manual_id,)).fetchone()
        if now is None or now["content_hash"] != digest:
            return None
        have = extractions.had(db, t.manual_id)
        if all(have.get(e, 0) >= extractions.CURRENT[e] for e in todo):
            return None  # another process (the app beside a CLI run) did it meanwhile
        if new_chunks:
            entry["passages_added"] = _add_passages(db, t.manual_id, doc, new_chunks, vectors)
            entry["ocr_pages"] = sorted(new_pages)
        if extractions.OCR in todo:
            db.execute("UPDATE manuals SET scanned_pages = ? WHERE id = ?",
                       (json.dumps(doc.scanned_pages), t.manual_id))
        if rows:
            # Replaced, not added beside: the manual's old rows (if any) go first, with their
            # search and vector entries (trigger spec_rows_ad) and values (cascade).
            db.execute("DELETE FROM spec_tables WHERE manual_id = ?", (t.manual_id,))
            entry["spec_rows"] = spec_store.store(db, t.manual_id, doc.blocks, doc.warnings, row_vectors)
        if procs:
            from ..procedures import store as procstore

            reuse = procstore.ids_by_content(db, [t.manual_id])  # an unfinished run finds its procedure again
            db.execute("DELETE FROM procedures WHERE manual_id = ?", (t.manual_id,))
            entry["procedures"] = len(procstore.save(db, t.manual_id, procedures, reuse))
        extractions.record(db, t.manual_id, todo)
        db.execute("UPDATE manuals SET upgrade_problem = NULL, upgrade_problem_versions = NULL WHERE id = ?",
                   (t.manual_id,))
    log.info("upgrade: %s: %s", t.path, _summary(entry))
    return entry


def _add_passages(db, manual_id: int, doc, chunks, vectors: np.ndarray) -> int:
    """Store the passages of pages OCR has just read beside the manual's own (inside the caller's
    transaction), and number all of them again in reading order (a neighbour is found by `ord`);
    the stored passages keep their ids, text and vectors."""
    new_pages = {c.page for c in chunks}
    if db.execute(f"SELECT 1 FROM chunks WHERE manual_id = ? AND page IN ({','.join('?' * len(new_pages))})",
                  (manual_id, *new_pages)).fetchone():
        return 0  # stored meanwhile
    first = db.execute("SELECT coalesce(max(id), 0) + 1 FROM chunks").fetchone()[0]
    old = db.execute("SELECT id, page, ord FROM chunks WHERE manual_id = ?", (manual_id,)).fetchall()
    # Pages never mix old and new passages (a page without text had none), so by page, then each
    # side's own order, is the reading order.
    order = sorted([(r["page"] or 0, 0, r["ord"], r["id"]) for r in old]
                   + [(c.page or 0, 1, c.ord, first + k) for k, c in enumerate(chunks)])
    ords = {chunk_id: n for n, (*_, chunk_id) in enumerate(order)}
    db.executemany("UPDATE chunks SET ord = ? WHERE id = ? AND ord != ?",
                   [(ords[r["id"]], r["id"], ords[r["id"]]) for r in old])
    dbmod.utils(db)["chunks"].insert_all(
        {"id": first + k, "manual_id": manual_id, "ord": ords[first + k], "page": c.page, "section": c.section_path,
         "kind": c.kind, "text": c.text, "char_start": c.start, "char_end": c.end, "safety": c.safety,
         "ocr": 1, "ocr_confidence": doc.ocr_pages.get(c.page)}
        for k, c in enumerate(chunks))
    db.executemany("INSERT INTO chunks_vec(rowid, embedding) VALUES (?, ?)",
                   [(first + k, np.asarray(v, dtype=np.float32).tobytes()) for k, v in enumerate(vectors)])
    pages.store(db, manual_id, ((c.page, c.section_path, c.text) for c in chunks))
    return len(chunks)
