"""Model rollouts on the device: a rollout that selects this device (its groups, or its percent bucket)
brings its model: the blob is downloaded from BLOBS_DB (Range, resume), verified, checked as doctor
checks a chat model (GGUF header, then a real load), and timed on a short on-device benchmark against
the latency budget (first token within `model_bench.LATENCY_BUDGET_S`). Only then is it installed in
the models folder and made the default chat model.

If it fails to load or misses the budget, the device rolls back: the default stays the previous model
(which is never removed by a rollout), the new file is deleted, the model document is marked failed
with the reason, and the reason is reported (sync report; `sync_state` "depot_model_status" for the
health document). The last rollback is also kept for the technician (`last_rollback`, reported by every
round) until they open its details in the app (`acknowledge_rollback`) or a newer model is installed.
A model document without a rollout for this device is only available, not installed.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from pathlib import Path

from .. import db as dbmod
from .. import gguf, llm, model_bench, paths
from .. import models as modelsmod
from .. import settings as settingsmod
from ..depot import format as fmt
from ..errors import AssistantError, Cancelled
from ..notes import state
from ..rag import prompt_cache
from ..sync.couch import CouchClient
from . import download
from .progress import Progress, bytes_hook, emit
from .settings import DepotTarget, rollout_applies

log = logging.getLogger(__name__)

STATUS_KEY = "depot_model_status"
ROLLBACK_KEY = "depot_model_rollback"  # sync_state: the last rollback the technician has not looked at
BENCH_TOKENS = 16


def _set_state(db, doc_id: str, st: str, error: str | None = None) -> None:
    with dbmod.transaction(db):
        db.execute("UPDATE depot_docs SET state = ?, error = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') "
                   "WHERE id = ?", (st, error, doc_id))


def prove(path: Path, db, bench_tokens: int = BENCH_TOKENS, budget_s: float = model_bench.LATENCY_BUDGET_S) -> dict:
    """Load the model as the app does and time a first token on this library's typical prompt, with
    the prompt's fixed opening read first as the app reads it at model load (`model_bench.measure`).

    Raises:
        AssistantError: the file is not a usable GGUF, does not load, or misses the latency budget.
    """
    gguf.read_metadata(path)  # header and size: a truncated file stops here
    chat = llm.load(path)  # ModelCorruptError when its tensors do not load
    try:
        built = model_bench.typical_prompt(db, chat, top_k=3)
        tokens = chat.tokenize(built.text)
        prompt_cache.warm(chat)
        ttft, _, n = model_bench.first_token(chat, tokens, max(1, bench_tokens))
        ttft = round(ttft, 2)
    finally:
        llm.unload_all()  # the app loads its default again when it next answers
    if ttft > budget_s:
        raise AssistantError(f"first token after {ttft} s on a {len(tokens)}-token prompt, over the "
                             f"{budget_s:g} s latency budget")
    return {"first_token_s": ttft, "prompt_tokens": len(tokens), "tokens": n}


def apply(db, settings, tgt: DepotTarget, device: str, cancel: threading.Event | None = None,
          bench_tokens: int | None = None, budget_s: float | None = None, progress: Progress | None = None) -> dict:
    """Install the model of each rollout that selects this device. Returns what happened:
    {"active": model doc id or None, "installed": [...], "rolled_back": id, "reason": ..., "kept": the model
    still used, "withdrawn": id of an active model the depot withdrew, "last_rollback": the last rollback
    not yet seen (`last_rollback`), this round's or an earlier one's}."""
    out: dict = {"installed": [], "active": None}
    _withdraw_active(db, out)
    rows = db.execute("SELECT doc FROM depot_docs WHERE kind = 'rollout' ORDER BY id").fetchall()
    for (raw,) in rows:
        rollout = json.loads(raw)
        if rollout.get("withdrawn") or not rollout_applies(rollout, device, tgt.groups):
            continue
        model_id = str(rollout.get("model"))
        row = db.execute("SELECT state, doc FROM depot_docs WHERE id = ? AND kind = 'model'", (model_id,)).fetchone()
        if row is None:
            continue  # the model document has not arrived (or was refused): next round
        st, doc = row[0], json.loads(row[1])
        if st == "active":
            out["active"] = model_id
            continue
        if st == "failed" or doc.get("withdrawn"):
            continue
        staged = paths.home() / "depot-models" / str(doc["filename"])
        try:
            _set_state(db, model_id, "downloading")
            what = {"kind": "model", "name": str(doc.get("name")), "revision": str(doc.get("revision"))}
            emit(progress, "downloading", **what, total=int(doc["size"]))
            blobs = CouchClient(tgt.config.with_overrides(db=fmt.BLOBS_DB), cancel=cancel)
            try:
                download.fetch(blobs, fmt.BLOBS_DB, str(doc["blob"]), staged, str(doc["sha256"]), int(doc["size"]),
                               cancel=cancel, segments=_segments(blobs, str(doc["blob"]), int(doc["size"])),
                               on_bytes=bytes_hook(progress, **what, total=int(doc["size"])))
            finally:
                blobs.close()
            _set_state(db, model_id, "staged")
            emit(progress, "proving", **what)
            measured = prove(staged, db, bench_tokens or BENCH_TOKENS,
                             model_bench.LATENCY_BUDGET_S if budget_s is None else budget_s)
        except download.DownloadInterrupted as e:
            out.setdefault("waiting", []).append({"id": model_id, "error": str(e)})
            continue
        except Cancelled:
            raise
        except (AssistantError, OSError) as e:
            reason = str(e)
            staged.unlink(missing_ok=True)
            _set_state(db, model_id, "failed", reason)
            previous = _current_default(settings)
            out.update(rolled_back=model_id, reason=reason, kept=previous)
            rollback = {"id": model_id, "name": str(doc.get("name")), "revision": str(doc.get("revision")),
                        "reason": reason, "kept": previous, "at": fmt.now()}
            with dbmod.transaction(db):
                state.write(db, ROLLBACK_KEY, json.dumps(rollback))
            log.warning("model %s rolled back (%s); keeping %s", model_id, reason, previous)
            continue
        dest = modelsmod.role_dir("chat") / staged.name
        os.replace(staged, dest)
        previous = _current_default(settings)
        settingsmod.save(chat_model=dest.name)
        with dbmod.transaction(db):  # what to go back to if the depot withdraws this model
            state.write(db, f"{STATUS_KEY}:previous:{model_id}", previous)
            state.write(db, ROLLBACK_KEY, None)  # a newer model is in use: an earlier rollback is past
        with dbmod.transaction(db):
            db.execute("UPDATE depot_docs SET state = 'previous' WHERE kind = 'model' AND state = 'active' AND id != ?",
                       (model_id,))
        _set_state(db, model_id, "active")
        out["installed"].append({"id": model_id, "file": dest.name, "replaced": previous, **measured})
        out["active"] = model_id
    rollback = last_rollback(db)
    if rollback is not None:
        out["last_rollback"] = rollback
    with dbmod.transaction(db):
        state.write(db, STATUS_KEY, json.dumps(out))
    return out


def last_rollback(db) -> dict | None:
    """The last model rolled back on this device, while the technician has not opened its details and
    no newer model was installed: {"id", "name", "revision", "reason", "kept", "at" (UTC ISO 8601)}."""
    try:
        rollback = json.loads(state.read(db, ROLLBACK_KEY) or "null")
    except ValueError:
        return None
    return rollback if isinstance(rollback, dict) else None


def acknowledge_rollback(db, model_id: str) -> bool:
    """The technician has seen why `model_id` was rolled back: rounds stop reporting it. A later
    rollback (of another model) recorded in the meantime stays. Returns whether one was cleared."""
    with dbmod.transaction(db):
        rollback = last_rollback(db)
        if rollback is None or rollback.get("id") != model_id:
            return False
        state.write(db, ROLLBACK_KEY, None)
    return True


def _segments(blobs: CouchClient, blob_id: str, size: int) -> list[tuple[str, int]]:
    """The attachments the model's file is in: one `file`, or a large model's parts in order."""
    from ..sync.config import quote_id
    from ..sync.couch import RetryLater, ServerError, ServerUnreachable

    try:
        r = blobs.request("GET", f"{blobs.dbpath}/{quote_id(blob_id)}", ok=(200, 404))
    except (ServerUnreachable, RetryLater, ServerError) as e:  # the network, not the model: next round
        raise download.DownloadInterrupted(f"{blob_id}: {e}") from e
    if r.status_code == 404:
        raise download.DownloadRejected(f"{blob_id}: the depot has no such blob")
    if r.status_code >= 400:
        blobs._raise_for(r)
    try:
        blob = r.json()
    except ValueError as e:
        raise download.DownloadRejected(f"{blob_id}: the blob document is not JSON") from e
    return download.segments_of(blob if isinstance(blob, dict) else None, size)


def _withdraw_active(db, out: dict) -> None:
    """An active model whose document the depot withdrew: back to the model it replaced (kept on disk)."""
    for model_id, raw in db.execute("SELECT id, doc FROM depot_docs WHERE kind = 'model' AND state = 'active'").fetchall():
        if not json.loads(raw).get("withdrawn"):
            continue
        previous = state.read(db, f"{STATUS_KEY}:previous:{model_id}")
        current = settingsmod.load().chat_model
        if current == json.loads(raw).get("filename"):
            settingsmod.save(chat_model=previous)  # None: the app's own choice (measured, else bundled)
        _set_state(db, model_id, "withdrawn")
        out.update(withdrawn=model_id, kept=previous)  # the depot's decision, not a failure to report


def _current_default(settings) -> str | None:
    try:
        return modelsmod.default("chat", settingsmod.load()).name
    except AssistantError:
        return None
