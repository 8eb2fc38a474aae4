"""The passage search's ranking in the spec-row search: two units' torque tables alike row for row
("Mounting bolts" in both), told apart only by the prose above each table ("Unit A is the
circulation pump"), which the rows do not hold and the table's passage does. The rows' own ranking
put the other unit's row first; ask's retrieval hands the spec-row search the passage ranking it
already has, and the row inside the passage ranked first leads. Real ingest, the bundled embedder."""

from __future__ import annotations

from assistant.rag import answer, specs
from assistant.rag.search import search
from tests.core.spec_fixtures import ingest_text as _ingest

MANUAL = """# PS-3 pump station service manual

## Unit A

Unit A is the circulation pump on the skid's left rail. Drain the loop before lifting it out with
the two eyebolts.

| Fastener | Size | Torque |
|---|---|---|
| Mounting bolts | M12 | 68 Nm |
| Flange bolts | M16 | 120 Nm |

## Unit B

Unit B is the booster fan above the control cabinet. Switch it off at the isolator first.

| Fastener | Size | Torque |
|---|---|---|
| Mounting bolts | M8 | 22 Nm |
| Guard screws | M5 | 4 Nm |
"""

PUMP = "What torque for the circulation pump mounting bolts?"
FAN = "booster fan mounting bolt torque"


def _first(rows) -> list[str]:
    return rows[0].cells if rows else []


def test_ask_lifts_the_row_inside_the_passage_the_passage_search_ranks_first(session, tmp_path):
    db, emb = session.db, session.embedder
    _ingest(session, tmp_path, "ps3.md", MANUAL)
    for question, want in ((PUMP, ["Mounting bolts", "M12", "68 Nm"]), (FAN, ["Mounting bolts", "M8", "22 Nm"])):
        got = answer.retrieve(db, emb, question, session.settings)
        assert want[2] in got.res.passages[0].text  # the passage search finds the unit's table
        assert _first(got.spec.rows) == want, question


def test_without_the_passages_the_rows_alone_rank_as_before(session, tmp_path):
    db, emb = session.db, session.embedder
    _ingest(session, tmp_path, "ps3.md", MANUAL)
    res = search(db, emb, PUMP, k=3)
    alone = specs.search(db, PUMP, qvec=res.qvec)
    fused = specs.search(db, PUMP, qvec=res.qvec, passages=res.ranked)
    # The same rows (only their order changes: no row is added, none dropped), the pump's first.
    assert sorted(r.row_id for r in alone) == sorted(r.row_id for r in fused)
    assert _first(fused) == ["Mounting bolts", "M12", "68 Nm"]
    # A question no row answers gets none, passages or not.
    unrelated = "Who wrote the novel Pride and Prejudice?"
    res = search(db, emb, unrelated, k=3)
    assert specs.search(db, unrelated, qvec=res.qvec, passages=res.ranked) == []
