"""Procedures in the library database (migration m007): written with their manual at ingest, read
back as `Procedure` records for the CLI, answers ("Start procedure") and procedure mode."""

from __future__ import annotations

import json
from collections.abc import Iterable

from ..errors import AssistantError
from ..rag.search import fts_query, query_terms
from .model import Procedure, Step


class ProcedureNotFound(AssistantError):
    """No stored procedure has that id."""


Reuse = dict[tuple, list[int]]


def _same(title: str, steps: Iterable[str]) -> tuple:
    return (title, tuple(steps))


def ids_by_content(db, manual_ids: Iterable[int]) -> Reuse:
    """The ids of these manuals' stored procedures by title and step texts, read before they are
    replaced (re-index, backfill) so `save` gives an unchanged procedure its id again: a run's log
    names its procedure by id (procedures/run.py), and an unfinished run must find it after."""
    out: Reuse = {}
    for m in manual_ids:
        for r in db.execute("SELECT id, title FROM procedures WHERE manual_id = ? ORDER BY ord", (m,)).fetchall():
            steps = [s[0] for s in db.execute("SELECT text FROM procedure_steps WHERE procedure_id = ? ORDER BY n",
                                              (r["id"],))]
            out.setdefault(_same(r["title"], steps), []).append(r["id"])
    return out


def save(db, manual_id: int, procedures: Iterable[Procedure], reuse: Reuse | None = None) -> list[int]:
    """Store a manual's procedures (inside the caller's transaction, with the manual's passages, so
    the manual is stored whole or not at all); returns their ids. The old ones went with the old
    manual row (ON DELETE CASCADE) or were deleted by the caller; `reuse` (`ids_by_content`, read
    before that) gives each unchanged procedure its old id."""
    procedures = list(procedures)
    reuse = {k: list(v) for k, v in (reuse or {}).items()}
    kept = [(reuse.get(_same(p.title, (s.text for s in p.steps))) or [None]).pop(0) for p in procedures]
    ids: list[int] = [0] * len(procedures)
    # Kept ids first: a new id is max(id) + 1 and could otherwise take one an unchanged procedure is owed.
    for ord_ in sorted(range(len(procedures)), key=lambda i: kept[i] is None):
        p = procedures[ord_]
        cur = db.execute(
            "INSERT INTO procedures(id, manual_id, ord, title, section, page, warnings, tools, parts, torques)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (kept[ord_], manual_id, ord_, p.title, p.section, p.page, json.dumps(p.warnings), json.dumps(p.tools),
             json.dumps(p.parts), json.dumps(p.torques)))
        pid = cur.lastrowid
        db.executemany(
            "INSERT INTO procedure_steps(procedure_id, n, text, page, char_start, char_end, warning)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(pid, s.n, s.text, s.page, s.char_start, s.char_end, s.warning) for s in p.steps])
        db.execute("INSERT INTO procedures_fts(rowid, title, section, steps) VALUES (?, ?, ?, ?)",
                   (pid, p.title, p.section, "\n".join(s.text for s in p.steps)))
        ids[ord_] = pid
    return ids


_SELECT = ("SELECT p.*, m.title AS manual_title, m.path AS manual_path, m.format AS manual_format"
           " FROM procedures p JOIN manuals m ON m.id = p.manual_id")


def _load(db, ids: list[int]) -> list[Procedure]:
    """Procedures by id, in the order given (unknown ids left out)."""
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    rows = {r["id"]: r for r in db.execute(f"{_SELECT} WHERE p.id IN ({marks})", ids)}
    steps: dict[int, list[Step]] = {}
    for s in db.execute(f"SELECT * FROM procedure_steps WHERE procedure_id IN ({marks}) ORDER BY procedure_id, n",
                        ids):
        steps.setdefault(s["procedure_id"], []).append(
            Step(s["n"], s["text"], s["page"], s["char_start"], s["char_end"], s["warning"]))
    out = []
    for pid in ids:
        r = rows.get(pid)
        if r is None:
            continue
        out.append(Procedure(
            title=r["title"], steps=steps.get(pid, []), section=r["section"], page=r["page"],
            warnings=json.loads(r["warnings"]), tools=json.loads(r["tools"]), parts=json.loads(r["parts"]),
            torques=json.loads(r["torques"]), id=pid, manual_id=r["manual_id"], manual_title=r["manual_title"],
            manual_path=r["manual_path"], format=r["manual_format"]))
    return out


def get(db, procedure_id: int) -> Procedure:
    """One stored procedure. Raises ProcedureNotFound."""
    found = _load(db, [int(procedure_id)])
    if not found:
        raise ProcedureNotFound(f"no procedure with id {procedure_id}")
    return found[0]


def all_procedures(db, limit: int | None = None) -> list[Procedure]:
    """Every stored procedure, by manual title then reading order."""
    sql = ("SELECT p.id FROM procedures p JOIN manuals m ON m.id = p.manual_id"
           " ORDER BY m.title COLLATE NOCASE, m.id, p.ord")
    ids = [r[0] for r in db.execute(sql + (" LIMIT ?" if limit else ""), (limit,) if limit else ())]
    return _load(db, ids)


def search(db, query: str, k: int = 10) -> list[Procedure]:
    """Procedures matching `query` (BM25 over title, section and steps; the title weighs most)."""
    expr = fts_query(query_terms(query))
    if not expr:
        return []
    rows = db.execute(
        "SELECT rowid FROM procedures_fts WHERE procedures_fts MATCH ? ORDER BY bm25(procedures_fts, 4.0, 2.0, 1.0)"
        " LIMIT ?", (expr, k)).fetchall()
    return _load(db, [r[0] for r in rows])


def for_chunks(db, chunk_ids: Iterable[int]) -> list[Procedure]:
    """The procedures whose steps lie in these passages (same manual, same page or none, offsets
    overlapping), in the order of the passages that hold them."""
    ids: list[int] = []
    for cid in chunk_ids:
        c = db.execute("SELECT manual_id, page, char_start, char_end FROM chunks WHERE id = ?", (cid,)).fetchone()
        if c is None:
            continue
        for r in db.execute(
                "SELECT DISTINCT s.procedure_id FROM procedure_steps s JOIN procedures p ON p.id = s.procedure_id"
                " WHERE p.manual_id = ? AND s.page IS ? AND s.char_start < ? AND s.char_end > ?"
                " ORDER BY s.procedure_id",
                (c["manual_id"], c["page"], c["char_end"], c["char_start"])):
            if r[0] not in ids:
                ids.append(r[0])
    return _load(db, ids)


def to_json(p: Procedure) -> dict:
    """The CLI's shape: `{id, title, manual, path, page, section, steps: [{n, text, page, warning}],
    warnings, tools, parts, torques}` (steps also carry their offsets for highlighting)."""
    return {
        "id": p.id, "title": p.title, "manual": p.manual_title, "path": p.manual_path, "page": p.page,
        "section": p.section,
        "steps": [{"n": s.n, "text": s.text, "page": s.page, "warning": s.warning,
                   "char_start": s.char_start, "char_end": s.char_end} for s in p.steps],
        "warnings": p.warnings, "tools": p.tools, "parts": p.parts, "torques": p.torques,
    }


def offer(p: Procedure) -> dict:
    """What an answer offers to start: `{id, title, manual, page}`."""
    return {"id": p.id, "title": p.title, "manual": p.manual_title, "page": p.page}
