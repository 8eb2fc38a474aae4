"""Re-index manuals: parse, chunk and embed them again even when their content is unchanged."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from pathlib import Path

from .. import db as dbmod
from ..embedding import Embedder
from .ingest import IngestEvent, expand, ingest


def reindex(
    db, embedder: Embedder, paths: Iterable[Path | str], cancel: threading.Event | None = None
) -> Iterator[IngestEvent]:
    """Like `ingest()`, but stored manuals at these paths are rebuilt instead of skipped.

    The old passages stay until the new ones are stored (in one transaction), so a file that
    has gone missing or no longer parses keeps its old entry and is reported as failed.
    """
    paths = expand(paths)  # folders: every manual under them
    with dbmod.transaction(db):
        for p in paths:
            # Forgetting the content hash makes ingest treat the file as changed.
            db.execute("UPDATE manuals SET content_hash = '' WHERE path = ?", (str(p),))
    yield from ingest(db, embedder, paths, cancel)
