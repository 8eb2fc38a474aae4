"""Ingest manuals: walk paths, skip known content, parse, chunk, embed, and store each in one transaction.

`ingest()` is a generator of progress events so the CLI (a bar) and the GUI (a progress widget)
render the same stream; the final event carries the report. Idempotent by content hash: an
unchanged manual is skipped, a changed one replaces its old chunks atomically, and a crash or
kill leaves every manual either fully stored or absent, so the next run resumes where it stopped.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .. import db as dbmod
from ..embedding import Embedder
from ..errors import AssistantError, Cancelled, ManualParseError
from . import extractions, ocr_pages, pages, spec_store
from . import parse as parser
from .chunk import chunk_manual

log = logging.getLogger(__name__)


@dataclass
class IngestReport:
    added: list[dict] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)
    failed: list[dict] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"added": self.added, "skipped": self.skipped, "failed": self.failed}


@dataclass
class IngestEvent:
    """One step of an ingest run. `done`/`total` count files; `report` is set on the last event."""

    kind: str  # "start" | "file" | "ocr" | "added" | "skipped" | "failed" | "finished"
    path: str = ""
    done: int = 0
    total: int = 0
    message: str = ""
    report: IngestReport | None = None


def expand(paths: Iterable[Path | str]) -> list[Path]:
    """Files named directly, plus supported files found under named folders (hidden ones skipped)."""
    out: list[Path] = []
    for p in map(Path, paths):
        p = p.expanduser()
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                rel = f.relative_to(p).parts
                if f.is_file() and not any(part.startswith(".") for part in rel) \
                        and f.suffix.lower() in parser.SUPPORTED:
                    out.append(f.resolve())
        else:
            out.append(p.resolve() if p.exists() else p)
    seen: set[Path] = set()
    return [p for p in out if not (p in seen or seen.add(p))]


def file_hash(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def embed_text(title: str, section: str, text: str) -> str:
    """What the embedder sees: the chunk with its manual and heading path for context."""
    return f"{title}\n{section}\n{text}" if section else f"{title}\n{text}"


def _procedures(doc) -> list:
    """The manual's procedures (issue 14). A fault in extraction costs the procedures, not the
    manual: it is logged and the manual is still stored and searchable."""
    from ..procedures.extract import extract

    try:
        return extract(doc)
    except Exception:
        log.exception("finding the procedures of %s failed", doc.title)
        return []


def _row_vectors(embedder: Embedder, doc) -> dict:
    """The spec rows' own vectors (a table row is few words; its passage's vector is the table's):
    the row's and its label cell's."""
    return spec_store.embed_rows(embedder, doc.blocks)


def _store(db, path: Path, digest: str, size: int, doc, chunks, vectors: np.ndarray, procedures=(),
           row_vectors=None, replaces: str | None = None, extra: dict | None = None, ocr: bool = True) -> int:
    """`replaces`: another manual's path removed in the same transaction (a depot manual's previous
    revision), so search shows one of the two at every moment; `extra`: more manuals columns;
    `ocr`: OCR was on (else a manual with pages without text still lacks it, for the backfill)."""
    if len(vectors) != len(chunks):
        raise ValueError(f"{len(vectors)} vectors for {len(chunks)} passages")
    from ..procedures import store as procstore

    with dbmod.transaction(db):
        # Unchanged procedures keep their ids: an unfinished run's log names its procedure by id.
        reuse = procstore.ids_by_content(db, [r[0] for r in db.execute(
            "SELECT id FROM manuals WHERE path IN (?, ?)", (str(path), replaces or str(path)))])
        if replaces and replaces != str(path):
            gone = db.execute("SELECT content_hash FROM manuals WHERE path = ?", (replaces,)).fetchone()
            db.execute("DELETE FROM manuals WHERE path = ?", (replaces,))
            if gone is not None and gone["content_hash"] != digest:
                ocr_pages.forget(db, gone["content_hash"])
        old = db.execute("SELECT content_hash FROM manuals WHERE path = ?", (str(path),)).fetchone()
        # Deleting the old row cascades to its chunks; the chunk trigger cleans FTS and vectors.
        db.execute("DELETE FROM manuals WHERE path = ?", (str(path),))
        tables = dbmod.utils(db)
        manual_id = tables["manuals"].insert(
            {"path": str(path), "title": doc.title, "format": doc.format, "content_hash": digest,
             "size_bytes": size, "pages": doc.pages, "scanned_pages": json.dumps(doc.scanned_pages),
             **(extra or {})}).last_pk
        # Passage ids are chosen here (we hold the write lock) so each vector gets its passage's id
        # as its rowid without reading ids back one insert at a time.
        first = db.execute("SELECT coalesce(max(id), 0) + 1 FROM chunks").fetchone()[0]
        tables["chunks"].insert_all(
            {"id": first + i, "manual_id": manual_id, "ord": c.ord, "page": c.page, "section": c.section_path,
             "kind": c.kind, "text": c.text, "char_start": c.start, "char_end": c.end, "safety": c.safety,
             "ocr": int(c.page in doc.ocr_pages), "ocr_confidence": doc.ocr_pages.get(c.page)}
            for i, c in enumerate(chunks))
        db.executemany("INSERT INTO chunks_vec(rowid, embedding) VALUES (?, ?)",
                       [(first + i, vec.tobytes()) for i, vec in enumerate(vectors)])
        pages.store(db, manual_id, ((c.page, c.section_path, c.text) for c in chunks))
        if old is not None and old["content_hash"] != digest:
            ocr_pages.forget(db, old["content_hash"])
        procstore.save(db, manual_id, procedures, reuse)
        spec_store.store(db, manual_id, doc.blocks, doc.warnings, row_vectors)
        extractions.record(db, manual_id, [extractions.SPEC_ROWS, extractions.PROCEDURES]
                           + ([extractions.OCR] if ocr or not doc.scanned_pages else []))
    return manual_id


def ingest(
    db, embedder: Embedder, paths: Iterable[Path | str], cancel: threading.Event | None = None,
    ocr: bool | None = None,
) -> Iterator[IngestEvent]:
    """Ingest files and folders; yields progress events, the last one of kind "finished".

    A bad file is reported in the report's `failed` list with a one-line reason and the batch
    goes on. Cancelling stops between files (the file in progress is not stored), or between
    pages of OCR. Pages without text are read by OCR (events of kind "ocr", one per page) unless
    `ocr` is False; None takes the `ocr` setting.
    """
    if ocr is None:
        from ..settings import load

        ocr = load().ocr
    files = expand(paths)
    report = IngestReport()
    total = len(files)
    yield IngestEvent("start", total=total)
    for i, path in enumerate(files):
        if cancel is not None and cancel.is_set():
            raise Cancelled("ingest cancelled")
        yield IngestEvent("file", str(path), i, total, f"reading {path.name}")
        t0 = time.perf_counter()
        try:
            if not path.exists():
                raise ManualParseError(path, "file not found")
            if not path.is_file():
                raise ManualParseError(path, "not a regular file")
            digest = file_hash(path)
            size = path.stat().st_size
            row = db.execute(
                "SELECT path, content_hash FROM manuals WHERE path = ? OR content_hash = ? "
                "ORDER BY path = ? DESC LIMIT 1",
                (str(path), digest, str(path)),
            ).fetchone()
            if row and row["content_hash"] == digest:
                reason = "unchanged" if row["path"] == str(path) else f"same content as {row['path']}"
                report.skipped.append({"path": str(path), "reason": reason})
                yield IngestEvent("skipped", str(path), i + 1, total, reason)
                continue
            replaced = bool(row and row["path"] == str(path))
            doc = parser.parse(path, ocr=ocr)
            if ocr and doc.scanned_pages:
                for done, pages_total in ocr_pages.read_scanned(db, path, digest, doc, cancel):
                    yield IngestEvent("ocr", str(path), i, total, f"OCR page {done} of {pages_total}")
            chunks = chunk_manual(doc)
            if not chunks:
                raise ManualParseError(path, "no text found")
            vectors = embedder.embed([embed_text(doc.title, c.section_path, c.text) for c in chunks])
            row_vectors = _row_vectors(embedder, doc)
            if cancel is not None and cancel.is_set():
                raise Cancelled("ingest cancelled")
            procedures = _procedures(doc)
            _store(db, path, digest, size, doc, chunks, vectors, procedures, row_vectors, ocr=ocr)
        except (ManualParseError, OSError) as e:
            reason = e.reason if isinstance(e, ManualParseError) else f"cannot read file: {e.strerror or e}"
            report.failed.append({"path": str(path), "error": reason})
            yield IngestEvent("failed", str(path), i + 1, total, reason)
            continue
        except AssistantError:
            raise
        entry = {
            "path": str(path), "title": doc.title, "format": doc.format, "pages": doc.pages,
            "chunks": len(chunks), "procedures": len(procedures), "replaced": replaced, "seconds": round(time.perf_counter() - t0, 3),
        }
        if doc.ocr_pages:
            entry["ocr_pages"] = sorted(doc.ocr_pages)
        if doc.scanned_pages:
            entry["scanned_pages"] = doc.scanned_pages
            entry["warning"] = f"{len(doc.scanned_pages)} page(s) have no text layer (scanned): " \
                               f"{_ranges(doc.scanned_pages)}; " \
                               + ("OCR found no text on them" if ocr else "they are not searchable (OCR is off)")
        report.added.append(entry)
        yield IngestEvent("added", str(path), i + 1, total, entry.get("warning", f"{len(chunks)} chunks"))
    ocr_pages.forget_orphans(db)
    yield IngestEvent("finished", done=total, total=total, report=report)


def ingest_replacing(db, embedder: Embedder, path: Path, replaces: str | None = None, extra: dict | None = None,
                     ocr: bool = True, cancel: threading.Event | None = None) -> dict:
    """One manual stored in place of another (`replaces`: its path) in one transaction: the depot's
    next revision of a manual. Raises ManualParseError when the file cannot be read; nothing changes then."""
    digest, size = file_hash(path), path.stat().st_size
    doc = parser.parse(path, ocr=ocr)
    if ocr and doc.scanned_pages:
        for _ in ocr_pages.read_scanned(db, path, digest, doc, cancel):
            pass
    chunks = chunk_manual(doc)
    if not chunks:
        raise ManualParseError(path, "no text found")
    vectors = embedder.embed([embed_text(doc.title, c.section_path, c.text) for c in chunks])
    if cancel is not None and cancel.is_set():
        raise Cancelled("ingest cancelled")
    row_vectors = _row_vectors(embedder, doc)
    manual_id = _store(db, path, digest, size, doc, chunks, vectors, _procedures(doc), row_vectors,
                       replaces=replaces, extra=extra, ocr=ocr)
    return {"id": manual_id, "path": str(path), "title": doc.title, "chunks": len(chunks)}


def _ranges(pages: list[int]) -> str:
    out, start = [], None
    for a, b in zip(pages, pages[1:] + [None], strict=True):
        start = a if start is None else start
        if b != a + 1:
            out.append(f"{start}" if start == a else f"{start}-{a}")
            start = None
    return ", ".join(out)


def run(db, embedder: Embedder, paths: Iterable[Path | str], cancel=None) -> IngestReport:
    """Ingest without progress rendering; returns the report."""
    report = IngestReport()
    for ev in ingest(db, embedder, paths, cancel):
        if ev.report is not None:
            report = ev.report
    return report


def remove(db, path: str) -> bool:
    with dbmod.transaction(db):
        old = db.execute("SELECT content_hash FROM manuals WHERE path = ?", (path,)).fetchone()
        gone = db.execute("DELETE FROM manuals WHERE path = ?", (path,)).rowcount > 0
        if old is not None:
            ocr_pages.forget(db, old["content_hash"])
        return gone


def library(db) -> list[dict]:
    rows = db.execute(
        "SELECT m.id, m.path, m.title, m.format, m.pages, m.size_bytes, m.added_at, m.updated_at,"
        " m.scanned_pages, m.content_hash, m.depot_id, m.revision,"
        " CASE WHEN m.depot_id IS NULL THEN 'local' ELSE 'depot' END AS source, (SELECT count(*) FROM chunks c WHERE c.manual_id = m.id) AS chunks"
        " FROM manuals m ORDER BY m.title COLLATE NOCASE"
    ).fetchall()
    out = []
    for r in rows:
        d = dict(r)
        d["scanned_pages"] = json.loads(d["scanned_pages"])
        out.append(d)
    return out
