"""The `sync_state` table: small named values kept with the notes (this device's id and name, the
hybrid logical clock, the replication checkpoints). Callers own the transaction."""

from __future__ import annotations

import secrets

from .. import db as dbmod


def read(db, key: str) -> str | None:
    row = db.execute("SELECT value FROM sync_state WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


def write(db, key: str, value: str | None) -> None:
    """Set `key` (None deletes it)."""
    if value is None:
        db.execute("DELETE FROM sync_state WHERE key = ?", (key,))
    else:
        dbmod.utils(db)["sync_state"].upsert({"key": key, "value": value}, pk="key")


def read_or_init(db, key: str, value: str) -> str:
    """`key`'s value, set to `value` first if it has none. INSERT OR IGNORE then read back: two
    processes opening a new database agree on one device id."""
    db.execute("INSERT OR IGNORE INTO sync_state(key, value) VALUES (?, ?)", (key, value))
    return read(db, key) or value


def device_id(db) -> str:
    """This device's one id: the notes' (`device` of every note revision), the depot's (job addressing,
    rollout buckets) and the health document's (`device:<id>`). Made on first use by whichever asks first."""
    return read(db, "device_id") or read_or_init(db, "device_id", secrets.token_hex(6))
