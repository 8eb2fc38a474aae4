"""What this device holds from the depot, in a few fields: for the health document pushed with every
sync (fleet-jobs builds it), `doctor`, and the admin's `depot status`."""

from __future__ import annotations

import json

from ..notes import state
from .models import STATUS_KEY


def summary(db) -> dict:
    """{"manuals": {name: active revision}, "model": the last rollout outcome, "failed": [{id, error}],
    "waiting": count of files not yet in place}."""
    manuals = {r[0]: r[1] for r in db.execute(
        "SELECT name, revision FROM depot_docs WHERE kind = 'manual' AND state = 'active' ORDER BY name")}
    failed = [{"id": r[0], "error": r[1]} for r in db.execute(
        "SELECT id, error FROM depot_docs WHERE state = 'failed' ORDER BY id")]
    waiting = db.execute("SELECT count(*) FROM depot_docs WHERE state IN ('downloading', 'staged')").fetchone()[0]
    try:
        model = json.loads(state.read(db, STATUS_KEY) or "{}")
    except ValueError:
        model = {}
    return {"manuals": manuals, "model": model, "failed": failed, "waiting": waiting}
