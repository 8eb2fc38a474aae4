"""Local counters the health document reports (migration m010): answers, abstentions, errors with
their time to first token, speech and sync errors, and the technician's thumbs on answers.

Recording never breaks what it counts: a locked or read-only database loses the count, not the
answer (logged at debug)."""

from __future__ import annotations

import json
import logging

log = logging.getLogger(__name__)

KINDS = ("question", "abstained", "error", "speech_error", "sync_error")


def record(db, kind: str, ttft_ms: float | None = None) -> None:
    if kind not in KINDS:
        raise ValueError(f"unknown counter {kind!r}")
    try:
        db.execute("INSERT INTO fleet_events(kind, ttft_ms) VALUES (?, ?)", (kind, ttft_ms))
    except Exception as e:  # noqa: BLE001 - a count is never worth a failed answer
        log.debug("not counted (%s): %s", kind, e)


def record_answer(db, abstained: bool, ttft_ms: float | None) -> None:
    """One question answered; an abstention ("not found in the manuals") counts as one as well."""
    record(db, "question", ttft_ms)
    if abstained:
        record(db, "abstained")


def counts(db) -> dict[str, int]:
    got = dict(db.execute("SELECT kind, count(*) FROM fleet_events GROUP BY kind").fetchall())
    return {k: int(got.get(k, 0)) for k in KINDS}


def ttft_percentiles(db) -> dict[str, float | None]:
    """p50 and p95 of the time to first token of the answers (nearest rank), in ms."""
    vals = [r[0] for r in db.execute(
        "SELECT ttft_ms FROM fleet_events WHERE kind = 'question' AND ttft_ms IS NOT NULL ORDER BY ttft_ms")]
    if not vals:
        return {"p50": None, "p95": None}

    def rank(p: float) -> float:
        return round(vals[max(0, min(len(vals) - 1, -(-len(vals) * p // 100) - 1))], 1)

    return {"p50": rank(50), "p95": rank(95)}


def add_feedback(db, thumb: int, question: str, citations: list[dict]) -> None:
    """A thumb up (+1) or down (-1) on an answer, with its question and the passages it cited."""
    if thumb not in (-1, 1):
        raise ValueError("thumb is +1 or -1")
    cites = [{k: c.get(k) for k in ("manual", "page", "section")} for c in citations]
    db.execute("INSERT INTO answer_feedback(thumb, question, citations) VALUES (?, ?, ?)",
               (thumb, question, json.dumps(cites)))


def feedback(db) -> list[dict]:
    return [{"at": r[0], "thumb": r[1], "question": r[2], "citations": json.loads(r[3])}
            for r in db.execute("SELECT at, thumb, question, citations FROM answer_feedback ORDER BY id")]
