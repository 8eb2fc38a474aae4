"""The library database: one SQLite file (WAL), sqlite-vec loaded through sqlean, numbered migrations."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlean
import sqlite_vec

from . import paths
from .errors import DatabaseError

log = logging.getLogger(__name__)

EMBED_DIM = 384  # all-MiniLM-L6-v2


def m001_library(db: sqlean.Connection) -> None:
    # Statements run one by one: executescript() would COMMIT the migration's transaction.
    _run_script(
        db,
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


def _run_script(db: sqlean.Connection, script: str) -> None:
    """Execute each complete statement of `script` inside the caller's transaction."""
    buf = ""
    for line in script.splitlines(keepends=True):
        if line.strip().startswith("--"):
            continue
        buf += line
        if sqlean.complete_statement(buf):
            db.execute(buf)
            buf = ""


MIGRATIONS: list[Callable[[sqlean.Connection], None]] = [m001_library]


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
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")
        db.execute("PRAGMA foreign_keys = ON")
        _migrate(db)
    except sqlean.DatabaseError as e:
        raise DatabaseError(f"cannot open the library database {path}: {e}") from e
    return db




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
