"""Spec-row search beyond the row's words (issue 13): each row's label cell embedded alone (m013),
a "Units" column that says what kind of value a row holds, and a question's value inside a row's
range. Real ingest of small real tables, the bundled embedding model, a real library upgrade."""

from __future__ import annotations

from assistant import db as dbmod
from assistant.library import backfill
from assistant.rag import specs
from tests.core.spec_fixtures import ingest_text as _ingest
from tests.core.spec_fixtures import labels as _labels

SERVICE_DATA = """# FrostLine RC-20 rooftop unit service data

## Reference operating values

Check these values with the unit running at full load for 15 minutes.

| Value | Target |
|---|---|
| Suction pressure | 8.5 bar at 10 °C outdoor |
| Discharge pressure | 27 bar at 35 °C outdoor |
| Superheat | 5-7 K |
| Subcooling | 4-6 K |
| Compressor oil | POE, 1.8 l per compressor |
| Refrigerant charge | 6.2 kg per circuit |
| Condenser fan speed | 870 rpm |

## Filters

| Filter | Size | Change every |
|---|---|---|
| Return air filter | 592 x 592 x 48 mm | 3 months |
| Fresh air filter | 592 x 287 x 48 mm | 6 months |
"""

SIMULATOR = """# SimKit circuit simulator reference

## Diode model parameters

| Name | Parameter | Units | Default |
|---|---|---|---|
| IS | Saturation current | A | 1.0e-14 |
| RS | Ohmic series resistance | Ohm | 0 |
| TT | Transit time | s | 0 |
| CJO | Zero-bias junction capacitance | F | 0 |
| BV | Reverse breakdown voltage | V | 40 |
| IBV | Reverse breakdown knee | A | 1.0e-3 |

## Inverter data

| Item | Value |
|---|---|
| Rated output | 3000 VA |
| Overload capacity | 105-125 % for 60 s, 125-150 % for 10 s |
| Transfer time | 4 ms typical |
| Battery runtime at full load | 6 min |
"""

# Named with none of the row's words ("Compressor oil"): neither its words nor the whole row's
# vector ("Reference operating values: Value: Compressor oil; Target: POE, ...") find it.
LUBRICANT = "Which lubricant goes in the compressors?"


def test_a_paraphrase_finds_its_row_through_the_label_vector_alone(session, tmp_path):
    db = session.db
    _ingest(session, tmp_path, "rc20.md", SERVICE_DATA)
    n_rows = db.execute("SELECT count(*) FROM spec_rows").fetchone()[0]
    assert db.execute("SELECT count(*) FROM spec_rows_label_vec").fetchone()[0] == n_rows == 9
    rows = specs.search(db, LUBRICANT, embedder=session.embedder)
    assert _labels(rows)[:1] == ["Compressor oil"] and rows[0].match == "meaning"

    # Without the label vectors (a library from before m013) the words and the row's own vector
    # do not find it: the label vector is what does.
    with dbmod.transaction(db):
        db.execute("DELETE FROM spec_rows_label_vec")
    assert "Compressor oil" not in _labels(specs.search(db, LUBRICANT, embedder=session.embedder))


def test_an_old_library_answers_without_label_vectors_and_the_upgrade_fills_them(session, tmp_path):
    db = session.db
    _ingest(session, tmp_path, "rc20.md", SERVICE_DATA)
    n_rows = db.execute("SELECT count(*) FROM spec_rows").fetchone()[0]
    # Take the library back to the level before m013 (no label table), as an older app left it.
    with dbmod.transaction(db):
        db.execute("DROP TABLE spec_rows_label_vec")
        db.execute("DROP TRIGGER spec_rows_ad")
        db.execute("CREATE TRIGGER spec_rows_ad AFTER DELETE ON spec_rows BEGIN"
                   " DELETE FROM spec_rows_fts WHERE rowid = old.id; DELETE FROM spec_rows_vec WHERE rowid = old.id;"
                   " END")
        db.execute(f"PRAGMA user_version = {dbmod.MIGRATIONS.index(dbmod.m013_row_label_vectors)}")
    # Still answers before the migration, by words, values and the rows' own vectors.
    assert _labels(specs.search(db, "how hot should the superheat be", embedder=session.embedder))[:1] == ["Superheat"]

    db = dbmod.connect()  # a new connection migrates, as the upgraded app's first start does
    try:
        assert db.execute("PRAGMA user_version").fetchone()[0] == len(dbmod.MIGRATIONS)
        assert db.execute("SELECT count(*) FROM spec_rows_label_vec").fetchone()[0] == 0
        # Migrated, not yet upgraded: the search still answers (no label vectors to compare).
        assert _labels(specs.search(db, "how hot should the superheat be", embedder=session.embedder))[:1] \
            == ["Superheat"]
        assert backfill.needed(db, ocr=False) == 1

        events = list(backfill.upgrade(db, session.embedder, ocr=False))
        assert [e.kind for e in events] == ["start", "file", "added", "finished"]
        (entry,) = events[-1].report.upgraded
        assert entry["row_labels"] == n_rows and entry["extractors"] == ["row_labels"]
        assert db.execute("SELECT count(*) FROM spec_rows_label_vec").fetchone()[0] == n_rows
        assert _labels(specs.search(db, LUBRICANT, embedder=session.embedder))[:1] == ["Compressor oil"]
        # Done once: nothing left, and deleting a row takes its label vector with it (the trigger).
        assert backfill.needed(db, ocr=False) == 0
        with dbmod.transaction(db):
            db.execute("DELETE FROM spec_tables")
        assert db.execute("SELECT count(*) FROM spec_rows_label_vec").fetchone()[0] == 0
    finally:
        db.close()


def test_a_row_whose_units_column_names_another_kind_is_pushed_down(session, tmp_path):
    # Both rows are about reverse breakdown; only the knee's "Units" column says it holds a current.
    _ingest(session, tmp_path, "simkit.md", SIMULATOR)
    rows = specs.search(session.db, "What current does the diode model assume at reverse breakdown?",
                        embedder=session.embedder)
    labels = _labels(rows)
    assert labels[0] == "IBV" and "BV" in labels and labels.index("BV") > labels.index("IBV")


def test_a_value_inside_a_rows_range_finds_the_row(session, tmp_path):
    _ingest(session, tmp_path, "simkit.md", SIMULATOR)
    rows = specs.search(session.db, "How long can the inverter carry 130 % of its rating?", embedder=session.embedder)
    assert _labels(rows)[:1] == ["Overload capacity"] and rows[0].match == "value"
    # Outside every range the row holds no value of the question's: it is not found by value.
    rows = specs.search(session.db, "How long can the inverter carry 180 % of its rating?", embedder=session.embedder)
    assert all(r.match != "value" for r in rows if r.cells[0] == "Overload capacity")
