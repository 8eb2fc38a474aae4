"""A library database as an older app left it: the first migrations only, on a raw connection
(`db.connect` would migrate it to the current version)."""

from __future__ import annotations

from pathlib import Path

import sqlean
import sqlite_vec

from assistant import db as dbmod


def library_at(path: Path, version: int) -> sqlean.Connection:
    """A new database at `path` migrated to `version` (the first `version` migrations), open."""
    old = sqlean.connect(str(path), isolation_level=None)
    old.row_factory = sqlean.Row
    old.enable_load_extension(True)
    sqlite_vec.load(old)
    for n, migration in enumerate(dbmod.MIGRATIONS[:version], start=1):
        migration(old)
        old.execute(f"PRAGMA user_version = {n}")
    return old
