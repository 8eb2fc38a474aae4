"""The library database: one SQLite file (WAL), sqlite-vec loaded through sqlean, numbered migrations.

`connect()` gives the sqlean connection the app queries with (rows by name, explicit
transactions); `utils(db)` wraps the same connection in a `sqlite_utils.Database` for what
sqlite-utils writes better than hand-made SQL: multi-statement scripts inside a transaction,
bulk inserts, upserts and introspection (table counts for `library` and `doctor`).

The migrations already applied on devices (m001-m004) keep their SQL as written: it is the
record of what those databases hold, and sqlite-utils cannot express everything in it (ON DELETE
CASCADE, the vec0 table, the trigger that also clears a passage's vector). They are numbered by
`PRAGMA user_version` rather than sqlite-utils' Migrations table, which would not refuse a
database written by a newer app or re-check the version after waiting for another process's lock.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlean
import sqlite_utils
import sqlite_vec

from . import paths
from .errors import DatabaseError

log = logging.getLogger(__name__)

EMBED_DIM = 384  # all-MiniLM-L6-v2


def m001_library(db: sqlean.Connection) -> None:
    # sqlite-utils runs a script statement by statement inside the migration's transaction
    # (sqlite3's own executescript() would COMMIT it first).
    utils(db).executescript(
        """
        CREATE TABLE manuals (
            id INTEGER PRIMARY KEY,
            path TEXT NOT NULL UNIQUE,
            title TEXT NOT NULL,
            format TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            size_bytes INTEGER NOT NULL,
            pages INTEGER,
            scanned_pages TEXT NOT NULL DEFAULT '[]',
            added_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
            updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
        );
        CREATE INDEX manuals_hash ON manuals(content_hash);
        CREATE TABLE chunks (
            id INTEGER PRIMARY KEY,
            manual_id INTEGER NOT NULL REFERENCES manuals(id) ON DELETE CASCADE,
            ord INTEGER NOT NULL,
            page INTEGER,
            section TEXT NOT NULL DEFAULT '',
            kind TEXT NOT NULL DEFAULT 'text',
            text TEXT NOT NULL,
            char_start INTEGER NOT NULL,
            char_end INTEGER NOT NULL,
            safety TEXT
        );
        CREATE INDEX chunks_manual ON chunks(manual_id, ord);
        -- External-content FTS over chunk text and heading path; triggers keep it in step.
        CREATE VIRTUAL TABLE chunks_fts USING fts5(
            text, section, content='chunks', content_rowid='id',
            tokenize="unicode61 remove_diacritics 2"
        );
        CREATE TRIGGER chunks_ai AFTER INSERT ON chunks BEGIN
            INSERT INTO chunks_fts(rowid, text, section) VALUES (new.id, new.text, new.section);
        END;
        CREATE TRIGGER chunks_ad AFTER DELETE ON chunks BEGIN
            INSERT INTO chunks_fts(chunks_fts, rowid, text, section)
                VALUES ('delete', old.id, old.text, old.section);
            DELETE FROM chunks_vec WHERE rowid = old.id;
        END;
        """
    )
    db.execute(
        f"CREATE VIRTUAL TABLE chunks_vec USING vec0(embedding float[{EMBED_DIM}] distance_metric=cosine)"
    )


def m002_notes(db: sqlean.Connection) -> None:
    """Notes, their revision trees, the outbox, parked documents and sync state (issue 5)."""
    utils(db).executescript(
        """
        CREATE TABLE notes (
            id TEXT NOT NULL UNIQUE,
            rev TEXT NOT NULL,
            title TEXT NOT NULL DEFAULT '',
            body TEXT NOT NULL DEFAULT '',
            tags TEXT NOT NULL DEFAULT '[]',
            work_order TEXT,
            asset TEXT,
            serial TEXT,
            created_at TEXT,
            edited_at TEXT,
            author TEXT,
            device TEXT,
            citations TEXT NOT NULL DEFAULT '[]',
            source TEXT,
            deleted INTEGER NOT NULL DEFAULT 0,
            conflict INTEGER NOT NULL DEFAULT 0,
            open_conflict INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX notes_edited ON notes(deleted, edited_at);
        CREATE INDEX notes_work_order ON notes(work_order);
        CREATE INDEX notes_open_conflict ON notes(open_conflict) WHERE open_conflict = 1;
        CREATE VIRTUAL TABLE notes_fts USING fts5(
            title, body, tags, work_order, content='notes',
            tokenize="unicode61 remove_diacritics 2"
        );
        CREATE TRIGGER notes_ai AFTER INSERT ON notes BEGIN
            INSERT INTO notes_fts(rowid, title, body, tags, work_order)
                VALUES (new.rowid, new.title, new.body, new.tags, new.work_order);
        END;
        CREATE TRIGGER notes_ad AFTER DELETE ON notes BEGIN
            INSERT INTO notes_fts(notes_fts, rowid, title, body, tags, work_order)
                VALUES ('delete', old.rowid, old.title, old.body, old.tags, old.work_order);
        END;
        CREATE TRIGGER notes_au AFTER UPDATE ON notes BEGIN
            INSERT INTO notes_fts(notes_fts, rowid, title, body, tags, work_order)
                VALUES ('delete', old.rowid, old.title, old.body, old.tags, old.work_order);
            INSERT INTO notes_fts(rowid, title, body, tags, work_order)
                VALUES (new.rowid, new.title, new.body, new.tags, new.work_order);
        END;
        CREATE TABLE note_revs (
            doc_id TEXT NOT NULL,
            rev TEXT NOT NULL,
            gen INTEGER NOT NULL,
            parent TEXT,
            deleted INTEGER NOT NULL DEFAULT 0,
            leaf INTEGER NOT NULL DEFAULT 1,
            content TEXT,
            PRIMARY KEY (doc_id, rev)
        ) WITHOUT ROWID;
        CREATE INDEX note_revs_leaves ON note_revs(doc_id, leaf);
        CREATE TABLE outbox (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            doc_id TEXT NOT NULL,
            rev TEXT NOT NULL,
            queued_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
        );
        CREATE INDEX outbox_doc ON outbox(doc_id);
        CREATE TABLE sync_parked (
            doc_id TEXT NOT NULL,
            rev TEXT NOT NULL,
            error TEXT NOT NULL,
            reason TEXT NOT NULL DEFAULT '',
            parked_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
            PRIMARY KEY (doc_id, rev)
        );
        CREATE TABLE sync_state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        """,
    )


def m003_parked_direction(db: sqlean.Connection) -> None:
    """Parked revisions are either ours that the server refused (push) or the server's that could
    not be stored here (pull: malformed); retrying treats the two differently."""
    db.execute("ALTER TABLE sync_parked ADD COLUMN direction TEXT NOT NULL DEFAULT 'push'")


def m004_page_texts(db: sqlean.Connection) -> None:
    """The coarse grain of search: the whole text of each PDF page, or of each section in formats
    without pages, beside the passages. A question's words are often spread over a page (the
    heading holds one, the third paragraph another) that no single passage holds together.
    Filled from the stored passages, so a library needs no re-index."""
    utils(db).executescript(
        """
        CREATE TABLE page_texts (
            id INTEGER PRIMARY KEY,
            manual_id INTEGER NOT NULL REFERENCES manuals(id) ON DELETE CASCADE,
            page INTEGER,
            section TEXT NOT NULL DEFAULT '',
            text TEXT NOT NULL
        );
        CREATE INDEX page_texts_manual ON page_texts(manual_id, page, section);
        CREATE VIRTUAL TABLE page_texts_fts USING fts5(
            text, content='page_texts', content_rowid='id',
            tokenize="unicode61 remove_diacritics 2"
        );
        CREATE TRIGGER page_texts_ai AFTER INSERT ON page_texts BEGIN
            INSERT INTO page_texts_fts(rowid, text) VALUES (new.id, new.text);
        END;
        CREATE TRIGGER page_texts_ad AFTER DELETE ON page_texts BEGIN
            INSERT INTO page_texts_fts(page_texts_fts, rowid, text) VALUES ('delete', old.id, old.text);
        END;
        """
    )
    from .library import pages

    rows = db.execute("SELECT manual_id, page, section, text FROM chunks ORDER BY manual_id, ord").fetchall()
    by_manual: dict[int, list] = {}
    for r in rows:
        by_manual.setdefault(r["manual_id"], []).append((r["page"], r["section"], r["text"]))
    for manual_id, chunks in by_manual.items():
        pages.store(db, manual_id, chunks)


def m007_procedures(db: sqlean.Connection) -> None:
    """Procedures found in the manuals at ingest (issue 14): step lists with their warnings, tools,
    parts and torques, each step's page and offsets for highlighting, and full-text search over
    title, section and steps. Manuals stored before this have none until they are re-indexed."""
    utils(db).executescript(
        """
        CREATE TABLE procedures (
            id INTEGER PRIMARY KEY,
            manual_id INTEGER NOT NULL REFERENCES manuals(id) ON DELETE CASCADE,
            ord INTEGER NOT NULL,
            title TEXT NOT NULL,
            section TEXT NOT NULL DEFAULT '',
            page INTEGER,
            warnings TEXT NOT NULL DEFAULT '[]',
            tools TEXT NOT NULL DEFAULT '[]',
            parts TEXT NOT NULL DEFAULT '[]',
            torques TEXT NOT NULL DEFAULT '[]'
        );
        CREATE INDEX procedures_manual ON procedures(manual_id, ord);
        CREATE TABLE procedure_steps (
            procedure_id INTEGER NOT NULL REFERENCES procedures(id) ON DELETE CASCADE,
            n INTEGER NOT NULL,
            text TEXT NOT NULL,
            page INTEGER,
            char_start INTEGER NOT NULL DEFAULT 0,
            char_end INTEGER NOT NULL DEFAULT 0,
            warning TEXT,
            PRIMARY KEY (procedure_id, n)
        ) WITHOUT ROWID;
        -- Rowid = procedure id; filled by the store with the steps' text, cleared by the trigger.
        CREATE VIRTUAL TABLE procedures_fts USING fts5(
            title, section, steps, tokenize="unicode61 remove_diacritics 2"
        );
        CREATE TRIGGER procedures_ad AFTER DELETE ON procedures BEGIN
            DELETE FROM procedures_fts WHERE rowid = old.id;
        END;
        """
    )


def m005_ocr(db: sqlean.Connection) -> None:
    """Pages without a text layer read by OCR (issue 13). A passage says whether OCR read it, and
    how sure it was; `ocr_pages` keeps each page's words with their boxes (fractions of the page),
    keyed by the file's sha256: the resume point of a killed ingest (a page is committed as soon
    as it is read) and the source of highlight boxes in the viewer."""
    utils(db).executescript(
        """
        ALTER TABLE chunks ADD COLUMN ocr INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE chunks ADD COLUMN ocr_confidence REAL;
        CREATE TABLE ocr_pages (
            content_hash TEXT NOT NULL,
            page INTEGER NOT NULL,
            width INTEGER NOT NULL,
            height INTEGER NOT NULL,
            angle INTEGER NOT NULL DEFAULT 0,
            words TEXT NOT NULL,
            seconds REAL,
            read_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
            PRIMARY KEY (content_hash, page)
        ) WITHOUT ROWID;
        """
    )


def m008_depot(db: sqlean.Connection) -> None:
    """What this device holds from the depot (issue 15): each verified depot document (manuals,
    models, rollouts, jobs) with where its file stands, and which depot document and revision a
    manual came from (NULL: added locally)."""
    utils(db).executescript(
        """
        CREATE TABLE depot_docs (
            id TEXT PRIMARY KEY,              -- the depot document's _id (assistant/depot/format.py)
            kind TEXT NOT NULL,               -- manual | model | rollout | job
            name TEXT NOT NULL,
            revision TEXT,                    -- a manual's revision, a model's version
            doc TEXT NOT NULL,                -- the verified document, signature included, as JSON
            -- known | downloading | staged | active | previous | failed | withdrawn
            state TEXT NOT NULL DEFAULT 'known',
            error TEXT,
            received_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
            updated_at TEXT
        ) WITHOUT ROWID;
        CREATE INDEX depot_docs_kind ON depot_docs(kind, name, state);
        ALTER TABLE manuals ADD COLUMN depot_id TEXT;
        ALTER TABLE manuals ADD COLUMN revision TEXT;
        """
    )


def m006_spec_rows(db: sqlean.Connection) -> None:
    """Tables as rows (torques, fuse sizes, fault codes): each table's caption and headers, each
    row's cells and the values parsed from them, so a question is answered from one row. Filled at
    ingest; manuals stored before this migration get rows when re-indexed."""
    utils(db).executescript(
        """
        CREATE TABLE spec_tables (
            id INTEGER PRIMARY KEY,
            manual_id INTEGER NOT NULL REFERENCES manuals(id) ON DELETE CASCADE,
            ord INTEGER NOT NULL,
            page INTEGER,
            section TEXT NOT NULL DEFAULT '',
            caption TEXT NOT NULL DEFAULT '',
            headers TEXT NOT NULL DEFAULT '[]',
            bbox TEXT
        );
        CREATE INDEX spec_tables_manual ON spec_tables(manual_id, ord);
        CREATE TABLE spec_rows (
            id INTEGER PRIMARY KEY,
            table_id INTEGER NOT NULL REFERENCES spec_tables(id) ON DELETE CASCADE,
            manual_id INTEGER NOT NULL REFERENCES manuals(id) ON DELETE CASCADE,
            row_index INTEGER NOT NULL,
            cells TEXT NOT NULL,
            text TEXT NOT NULL,
            page INTEGER,
            bbox TEXT,
            char_start INTEGER,
            char_end INTEGER
        );
        CREATE INDEX spec_rows_table ON spec_rows(table_id, row_index);
        CREATE INDEX spec_rows_manual ON spec_rows(manual_id);
        CREATE TABLE spec_values (
            row_id INTEGER NOT NULL REFERENCES spec_rows(id) ON DELETE CASCADE,
            col INTEGER NOT NULL,
            number REAL,
            unit TEXT NOT NULL DEFAULT '',
            key TEXT NOT NULL,
            raw TEXT NOT NULL
        );
        CREATE INDEX spec_values_unit ON spec_values(unit, number);
        CREATE INDEX spec_values_key ON spec_values(key);
        CREATE INDEX spec_values_row ON spec_values(row_id);
        -- Row text with its table's headers, caption and heading path, for the thing words of a
        -- question ("pump mounting bolts") and its quantity word ("torque").
        CREATE VIRTUAL TABLE spec_rows_fts USING fts5(
            text, headers, caption, section, tokenize="porter unicode61 remove_diacritics 2"
        );
        CREATE TRIGGER spec_rows_ad AFTER DELETE ON spec_rows BEGIN
            DELETE FROM spec_rows_fts WHERE rowid = old.id;
            DELETE FROM spec_rows_vec WHERE rowid = old.id;
        END;
        """
    )
    # Each row's embedding (caption / section: Header: cell; ...), for a question that names the
    # thing in other words ("rubber insert for the pump coupling" for the coupling spider).
    db.execute(
        f"CREATE VIRTUAL TABLE spec_rows_vec USING vec0(embedding float[{EMBED_DIM}] distance_metric=cosine)"
    )


def m010_fleet_counters(db: sqlean.Connection) -> None:
    """What the health document reports (issue 15, assistant/fleet/health.py): one row per answer,
    speech or sync event (kind: question | abstained | error | speech_error | sync_error) with the
    answer's time to first token, and the technician's thumbs up/down on an answer."""
    utils(db).executescript(
        """
        CREATE TABLE fleet_events (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
            kind TEXT NOT NULL,
            ttft_ms REAL
        );
        CREATE INDEX fleet_events_kind ON fleet_events(kind);
        CREATE TABLE answer_feedback (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
            thumb INTEGER NOT NULL CHECK (thumb IN (-1, 1)),
            question TEXT NOT NULL,
            citations TEXT NOT NULL DEFAULT '[]'  -- JSON [{manual, page, section}]
        );
        """
    )


def m011_extractions(db: sqlean.Connection) -> None:
    """Which extractions each manual has had (spec rows, procedures, OCR of pages without text), so
    an upgraded library catches up by itself (`assistant/library/backfill.py`) instead of waiting
    for each manual to be re-indexed by hand. Ingest records them; for the manuals already stored,
    what they hold tells: tables stored as rows, procedures found, or OCR readings (or no page
    without text). A manual with none of a kind is extracted once more (it may just have none).
    `upgrade_problem`: why the backfill could not read a manual's file (gone, changed), said once."""
    utils(db).executescript(
        """
        CREATE TABLE manual_extractions (
            manual_id INTEGER NOT NULL REFERENCES manuals(id) ON DELETE CASCADE,
            extractor TEXT NOT NULL,           -- spec_rows | procedures | ocr
            version INTEGER NOT NULL,          -- assistant.library.extractions.CURRENT
            at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
            PRIMARY KEY (manual_id, extractor)
        ) WITHOUT ROWID;
        ALTER TABLE manuals ADD COLUMN upgrade_problem TEXT;
        INSERT INTO manual_extractions(manual_id, extractor, version)
            SELECT id, 'spec_rows', 1 FROM manuals m WHERE EXISTS (SELECT 1 FROM spec_tables t WHERE t.manual_id = m.id);
        INSERT INTO manual_extractions(manual_id, extractor, version)
            SELECT id, 'procedures', 1 FROM manuals m WHERE EXISTS (SELECT 1 FROM procedures p WHERE p.manual_id = m.id);
        INSERT INTO manual_extractions(manual_id, extractor, version)
            SELECT id, 'ocr', 1 FROM manuals m WHERE m.scanned_pages = '[]'
                OR EXISTS (SELECT 1 FROM ocr_pages o WHERE o.content_hash = m.content_hash)
                OR EXISTS (SELECT 1 FROM chunks c WHERE c.manual_id = m.id AND c.ocr = 1);
        """
    )


def m012_problem_versions(db: sqlean.Connection) -> None:
    """The extractor versions (JSON of `extractions.CURRENT`) a manual's `upgrade_problem` was said
    with: a manual that did not parse is tried again once an app upgrade raises one of them."""
    db.execute("ALTER TABLE manuals ADD COLUMN upgrade_problem_versions TEXT")


def m013_row_label_vectors(db: sqlean.Connection) -> None:
    """A second vector per spec row: its label cell alone ("Measure Tool", "Compressor oil"), so a
    question that names the thing in other words is compared with the thing, not with the whole
    row's caption, headers and values. Filled at ingest; the library upgrade
    (`assistant/library/backfill.py`) fills it for rows stored before, from their stored cells.
    IF NOT EXISTS: a library taken back to an earlier level (tests of older migrations) keeps it."""
    db.execute(
        f"CREATE VIRTUAL TABLE IF NOT EXISTS spec_rows_label_vec USING vec0(embedding float[{EMBED_DIM}] distance_metric=cosine)"
    )
    utils(db).executescript(
        """
        DROP TRIGGER IF EXISTS spec_rows_ad;
        CREATE TRIGGER spec_rows_ad AFTER DELETE ON spec_rows BEGIN
            DELETE FROM spec_rows_fts WHERE rowid = old.id;
            DELETE FROM spec_rows_vec WHERE rowid = old.id;
            DELETE FROM spec_rows_label_vec WHERE rowid = old.id;
        END;
        """
    )


def m014_stemmed_fts(db: sqlean.Connection) -> None:
    """The passage full-text index stems its words (FTS5's Porter tokenizer over unicode61): a
    question's "replace", "vibrates", "configure" finds the manual's "replacement", "vibration",
    "configuration". Measured on the tuning halves (bench/README.md, "Stemmed passage search"):
    the independent set's Recall@5 / MRR 0.838 / 0.687 -> 0.892 / 0.726, at the whole-page BM25
    peer's; the page index (`page_texts_fts`) stemmed too lost a Smart TV question, so it is left
    as it was. An external-content index: dropped, made again with the same columns and triggers,
    and rebuilt from the stored passages (no re-ingest)."""
    utils(db).executescript(
        """
        DROP TRIGGER IF EXISTS chunks_ai;
        DROP TRIGGER IF EXISTS chunks_ad;
        DROP TABLE IF EXISTS chunks_fts;
        CREATE VIRTUAL TABLE chunks_fts USING fts5(
            text, section, content='chunks', content_rowid='id',
            tokenize="porter unicode61 remove_diacritics 2"
        );
        CREATE TRIGGER chunks_ai AFTER INSERT ON chunks BEGIN
            INSERT INTO chunks_fts(rowid, text, section) VALUES (new.id, new.text, new.section);
        END;
        CREATE TRIGGER chunks_ad AFTER DELETE ON chunks BEGIN
            INSERT INTO chunks_fts(chunks_fts, rowid, text, section)
                VALUES ('delete', old.id, old.text, old.section);
            DELETE FROM chunks_vec WHERE rowid = old.id;
        END;
        INSERT INTO chunks_fts(chunks_fts) VALUES ('rebuild');
        """
    )


MIGRATIONS: list[Callable[[sqlean.Connection], None]] = [
    m001_library, m002_notes, m003_parked_direction, m004_page_texts, m005_ocr, m006_spec_rows,
    m007_procedures, m008_depot,
    m010_fleet_counters,  # there is no m009 (a branch that would have held one was merged without it)
    m011_extractions, m012_problem_versions, m013_row_label_vectors, m014_stemmed_fts,
]


def _migrate(db: sqlean.Connection) -> None:
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version > len(MIGRATIONS):
        raise DatabaseError(
            f"the library database is version {version}, newer than this app ({len(MIGRATIONS)}); "
            "update the app"
        )
    for n, migration in enumerate(MIGRATIONS[version:], start=version + 1):
        with transaction(db):
            # Another process (the GUI beside a CLI run) may have migrated while we waited for the lock.
            if db.execute("PRAGMA user_version").fetchone()[0] >= n:
                continue
            log.info("applying migration %d (%s)", n, migration.__name__)
            migration(db)
            db.execute(f"PRAGMA user_version = {n}")


def _set_wal(db: sqlean.Connection, wait_s: float = 30.0) -> None:
    """Switch to WAL. SQLite answers "database is locked" at once, without waiting for the busy
    timeout, when another connection holds a write lock meanwhile (two worker threads opening a
    new database together: one migrating, one here), so wait for it ourselves."""
    deadline = time.monotonic() + wait_s
    while True:
        try:
            db.execute("PRAGMA journal_mode = WAL")
            return
        except sqlean.OperationalError as e:
            if "locked" not in str(e) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def connect(path: Path | None = None) -> sqlean.Connection:
    """Open (creating and migrating if needed) the library database.

    Raises:
        DatabaseError: the file is not a database or the vector extension cannot load.
    """
    path = path or paths.db_path()
    try:
        # Autocommit mode: every multi-statement write goes through transaction() explicitly.
        db = sqlean.connect(str(path), isolation_level=None, check_same_thread=False, timeout=30)
        db.row_factory = sqlean.Row
        db.enable_load_extension(True)
        sqlite_vec.load(db)
        db.enable_load_extension(False)
        _set_wal(db)
        db.execute("PRAGMA synchronous = NORMAL")
        db.execute("PRAGMA foreign_keys = ON")
        _migrate(db)
    except sqlean.DatabaseError as e:
        raise DatabaseError(f"cannot open the library database {path}: {e}") from e
    return db


def utils(db: sqlean.Connection) -> sqlite_utils.Database:
    """The connection as a `sqlite_utils.Database` (no plugins: nothing outside the app runs SQL here)."""
    return sqlite_utils.Database(db, execute_plugins=False)


def has_table(db: sqlean.Connection, name: str) -> bool:
    """Whether the database holds table `name`: a library opened before a migration that adds one
    ran (tests rewind the version) is searched and written without it."""
    return db.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (name,)).fetchone() is not None


def table_counts(db: sqlean.Connection) -> dict[str, int]:
    """Rows per table the app keeps, for admins (`library`, `doctor`). The full-text and vector
    indexes (virtual tables and their shadow tables) mirror a table listed here and are left out."""
    d = utils(db)
    virtual = [r[0] for r in d.execute("SELECT name FROM sqlite_master WHERE sql LIKE 'CREATE VIRTUAL TABLE%'")]
    return {t: d[t].count for t in d.table_names()
            if not t.startswith("sqlite_") and not any(t.startswith(v) for v in virtual)}


@contextmanager
def transaction(db: sqlean.Connection) -> Iterator[sqlean.Connection]:
    """BEGIN IMMEDIATE ... COMMIT; rolls back on any exception so a write is all or nothing."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.execute("ROLLBACK")
        raise
    else:
        db.execute("COMMIT")
