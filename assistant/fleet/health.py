"""The health document a device pushes to the depot with every sync: `device:<device_id>` in
HEALTH_DB, upserted over its current `_rev` (a conflict, e.g. two pushes racing, is retried).

FIELDS is exactly what leaves the device; README.md "What the device sends to the depot" lists the
same names and tests/sync/test_health.py holds the two equal, so the list cannot drift. Feedback
(thumbs with their question and cited pages) is sent only when the company turned `share_feedback`
on; otherwise the field is an empty list.
"""

from __future__ import annotations

import json
import logging
import shutil

from .. import __version__, paths, procinfo
from ..depot import format as fmt
from . import counters, local

log = logging.getLogger(__name__)

FIELDS = ("_id", "type", "device", "account", "updated", "app_version", "model", "rolled_back", "library",
          "disk_free_mb", "ram_free_mb", "questions", "abstentions", "errors", "ttft_ms", "speech_errors",
          "sync_errors", "feedback")
PUT_ATTEMPTS = 4


def _model(db, settings) -> dict:
    """The chat model in use: the depot's active model (name, version), else the local default file."""
    row = db.execute("SELECT name, revision FROM depot_docs WHERE kind = 'model' AND state = 'active'"
                     " ORDER BY updated_at DESC LIMIT 1").fetchone()
    if row:
        return {"name": row[0], "version": row[1]}
    try:
        from .. import models

        return {"name": models.default("chat", settings).name, "version": None}
    except Exception:  # noqa: BLE001 - no model is a fact to report, not a failure
        return {"name": None, "version": None}


def _rolled_back(db) -> list[dict]:
    """The depot models this device tried and rolled back, with why (the admin's answer to "why is
    half the fleet still on the old model?"). Kept until the depot withdraws the model."""
    return [{"model": r[0], "reason": r[1], "at": r[2]} for r in db.execute(
        "SELECT id, error, updated_at FROM depot_docs WHERE kind = 'model' AND state = 'failed' ORDER BY id")]


def document(db, settings, account: str | None = None) -> dict:
    """The health document as it is pushed (without `_rev`). `account` is the CouchDB user the device
    pushes as: the depot's validation function lets only that account write this document."""
    c = counters.counts(db)
    revisions = {r[0]: r[1] for r in db.execute(
        "SELECT d.name, d.revision FROM manuals m JOIN depot_docs d ON d.id = m.depot_id ORDER BY d.name")}
    try:
        disk = shutil.disk_usage(paths.home()).free / 2**20
    except OSError:
        disk = None
    ram = procinfo.memory_available_mb()
    me = local.device_id(db)
    return {
        "_id": f"device:{me}",
        "type": "health",
        "device": me,
        "account": account,
        "updated": fmt.now(),
        "app_version": __version__,
        "model": _model(db, settings),
        "rolled_back": _rolled_back(db),
        "library": {"manuals": db.execute("SELECT count(*) FROM manuals").fetchone()[0],
                    "depot_revisions": revisions},
        "disk_free_mb": None if disk is None else round(disk),
        "ram_free_mb": None if ram is None else round(ram),
        "questions": c["question"],
        "abstentions": c["abstained"],
        "errors": c["error"],
        "ttft_ms": counters.ttft_percentiles(db),
        "speech_errors": c["speech_error"],
        "sync_errors": c["sync_error"],
        "feedback": counters.feedback(db) if getattr(settings, "share_feedback", False) else [],
    }


def config_for(settings):
    """The health database on the depot (`depot_url`, else the notes sync server), same credentials."""
    from ..sync.config import from_settings

    return from_settings(settings, url=getattr(settings, "depot_url", None) or None, db=fmt.HEALTH_DB)


def push(db, settings, config=None, cancel=None, retries: int = 6) -> dict:
    """Upsert this device's health document; returns it with its new `_rev`.

    Raises:
        SyncError (unreachable, auth, server error), SyncConfigError (no server configured).
    """
    from ..sync.config import quote_id
    from ..sync.couch import CouchClient, ServerError

    config = config or config_for(settings)
    doc = document(db, settings, account=config.user)
    with CouchClient(config, cancel=cancel, retries=retries) as client:
        # Not created here: `depot init` makes it (a device's account may not create databases on
        # CouchDB 3, and pouchdb-server dies when a non-admin tries).
        if client.request("GET", client.dbpath, ok=(200, 404)).status_code == 404:
            raise ServerError(f"the depot has no {fmt.HEALTH_DB} database: its admin creates it with "
                              "`field-assistant depot init`")
        path = f"{client.dbpath}/{quote_id(doc['_id'])}"
        for _ in range(PUT_ATTEMPTS):
            r = client.request("GET", path, ok=(200, 404))
            if r.status_code == 200:
                doc["_rev"] = r.json()["_rev"]
            else:
                doc.pop("_rev", None)
            r = client.request("PUT", path, ok=(201, 202, 409), content=json.dumps(doc),
                               headers={"Content-Type": "application/json"})
            if r.status_code in (201, 202):
                doc["_rev"] = r.json()["rev"]
                return doc
            if r.status_code != 409:
                client._raise_for(r)
            log.debug("health document conflict: read its _rev again")
        raise ServerError(f"the health document kept conflicting ({PUT_ATTEMPTS} attempts)")


def push_quietly(db, settings, config=None, cancel=None, retries: int = 6) -> str | None:
    """`push`, for the sync round: a failure is logged and returned as text, never raised, so the
    notes sync and the health push never stop each other. A device not pointed at a depot
    (`sync-setup --depot-key`) has nobody to report to and sends nothing."""
    from .round import configured

    if not configured(settings):
        return None
    try:
        push(db, settings, config, cancel, retries)
        return None
    except Exception as e:  # noqa: BLE001 - reported, the round goes on
        log.warning("health document not pushed: %s", e)
        return str(e) or type(e).__name__
