"""Note sync over the CouchDB replication protocol (CouchDB 3.x at scale, pouchdb-server in tests).

The API the CLI and the GUI use:

- `sync_once(config, cancel=..., progress=...)` -> `SyncReport`: one blocking, cancellable round
  (run it on a worker thread).
- `SyncService(config, on_status=...)` (or `SyncService.from_settings(settings)`): sync on a timer,
  after note changes and when the server is reachable again; `run()` on the caller's thread (the
  GUI's `sync` lane) or `start()` on its own, `sync_now()`, `stop()`; reports `SyncStatus` (offline /
  syncing / synced / N waiting / conflict / error).
- `from_settings(settings, url=None, db=None)` -> `SyncConfig`.

This package depends on `assistant.notes` (the store it replicates) and never the other way round.
"""

from .config import SyncConfig, SyncConfigError, from_settings, store_password
from .couch import AuthError, RetryLater, ServerError, ServerUnreachable, SyncError, TlsError
from .replicator import Progress, Replicator, SyncReport, sync_once
from .service import Backoff, SyncService, SyncStatus, status_of

__all__ = [
    "AuthError", "Backoff", "Progress", "Replicator", "RetryLater", "ServerError", "ServerUnreachable",
    "SyncConfig", "SyncConfigError", "SyncError", "SyncReport", "SyncService", "SyncStatus", "TlsError",
    "from_settings", "status_of", "store_password", "sync_once",
]
