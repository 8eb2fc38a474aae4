"""Note sync over the CouchDB replication protocol (CouchDB 3.x at scale, pouchdb-server in tests).

The API the CLI and the GUI use:

- `sync_once(config, cancel=..., progress=...)` -> `SyncReport`: one blocking, cancellable round
  (run it on a worker thread).
- `SyncService(config, on_status=...)`: sync on a timer, after note changes and when the server is
  reachable again; `start()`, `sync_now()`, `stop()`; reports `SyncStatus` (offline / syncing /
  synced / N waiting / conflict / error).
- `from_settings(settings, url=None, db=None)` -> `SyncConfig`.
"""

from importlib import import_module

# Exported lazily: `assistant.notes` imports `assistant.sync.merge`, and the replicator imports
# `assistant.notes`; loading everything here would make that a cycle.
_EXPORTS = {
    "SyncConfig": "config", "SyncConfigError": "config", "from_settings": "config", "store_password": "config",
    "AuthError": "couch", "RetryLater": "couch", "ServerError": "couch", "ServerUnreachable": "couch",
    "TlsError": "couch",
    "SyncError": "couch",
    "Progress": "replicator", "Replicator": "replicator", "SyncReport": "replicator", "sync_once": "replicator",
    "Backoff": "service", "SyncService": "service", "SyncStatus": "service", "status_of": "service",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
