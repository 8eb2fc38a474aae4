"""`depot gc`: delete the model blobs in BLOBS_DB that nothing needs any more.

A blob `blob:<sha256>` is kept when
- a model document that is not withdrawn names it (`blob`), whoever signed it (keeping too much is
  the safe mistake);
- a rollout that is not withdrawn points at a model document that names it, even a withdrawn one
  (devices of that rollout may still be downloading it);
- it is the current or the previous version of a role: per `role`, model documents newest first
  (`created`), the first one not withdrawn is the current, the one after it the previous (devices
  roll back to it, and a device that never had it may need it after a rollback);
- it was written less than `min_age_s` ago: a `publish-model` running right now uploads the blob
  before it writes the model document that names it. Written = its last write (`touched`, set
  before each part goes up), not its creation: a cut upload resumed hours later is under way too.
Everything else is deleted (a new revision marked `_deleted`; the attachment goes with it). The
disk space comes back when the database is compacted: gc asks for it (`POST /fa_blobs/_compact`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from . import format as fmt
from .format import BLOBS_DB, CONTENT_DB
from .server import Depot

MIN_AGE_S = 3600.0


def _age_s(doc: dict, now: datetime) -> float | None:
    """Seconds since the blob's last write (None: no date, written before blobs carried one: old)."""
    ages = []
    for name in ("touched", "created"):
        t = fmt.parse_time(doc.get(name))
        if t is not None:
            ages.append((now - t).total_seconds())
    return min(ages, default=None)


def needed(content: list[dict]) -> dict[str, list[str]]:
    """{blob id: why it is kept} from the content database's documents."""
    models = {d["_id"]: d for d in content if d.get("kind") == "model" and isinstance(d.get("blob"), str)}
    why: dict[str, list[str]] = {}

    def keep(model: dict, reason: str) -> None:
        why.setdefault(model["blob"], []).append(reason)

    for m in models.values():
        if not m.get("withdrawn"):
            keep(m, f"{m['_id']} is published")
    for r in content:
        if r.get("kind") == "rollout" and not r.get("withdrawn") and r.get("model") in models:
            keep(models[r["model"]], f"{r['_id']} rolls out {r['model']}")
    by_role: dict[str, list[dict]] = {}
    for m in models.values():
        by_role.setdefault(str(m.get("role") or "chat"), []).append(m)
    for role, ms in by_role.items():
        ms.sort(key=lambda m: (str(m.get("created") or ""), m["_id"]), reverse=True)
        current = next((i for i, m in enumerate(ms) if not m.get("withdrawn")), None)
        if current is not None and current + 1 < len(ms):
            keep(ms[current + 1], f"{ms[current + 1]['_id']} is the previous {role} model (before {ms[current]['_id']})")
    return why


def collect(depot: Depot, dry_run: bool = False, min_age_s: float = MIN_AGE_S) -> dict[str, Any]:
    """Delete (or, dry run, list) the blobs nothing needs. Returns {"deleted", "kept", "freed_bytes",
    "dry_run", "compaction"}."""
    now = datetime.now(UTC)
    why = needed(list(depot.all_docs(CONTENT_DB)))
    deleted, kept = [], []
    for blob in depot.all_docs(BLOBS_DB):
        size = blob.get("size") if isinstance(blob.get("size"), int) else None
        reasons = list(why.get(blob["_id"], []))
        age = _age_s(blob, now)
        if age is not None and age < min_age_s:
            reasons.append(f"written {int(age)} s ago (a publish may be under way)")
        if reasons:
            kept.append({"id": blob["_id"], "size": size, "why": reasons})
            continue
        if not dry_run:
            depot.delete(BLOBS_DB, blob["_id"], blob["_rev"])
        deleted.append({"id": blob["_id"], "size": size, "filename": blob.get("filename")})
    compaction = None
    if deleted and not dry_run:
        compaction = depot.compact(BLOBS_DB)
    return {"dry_run": dry_run, "deleted": deleted, "kept": kept,
            "freed_bytes": sum(d["size"] or 0 for d in deleted), "compaction": compaction}
