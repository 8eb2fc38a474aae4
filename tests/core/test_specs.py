"""Spec tables as rows: PDF, HTML, Markdown and DOCX tables ingested into a real library, rows found
by thing + quantity and by value, kept in step with their manual, and shown by `specs --json`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from assistant.library import extractions, ingest
from assistant.library.quantities import header_unit, parse_cell, query_values
from assistant.rag import spec_answer, specs
from tests.conftest import ROOT

TORQUES = [["Fastener", "Size", "Torque"],
           ["Pump mounting bolts", "M12", "68 Nm"],
           ["Motor mounting bolts", "M10", "45 Nm"],
           ["Impeller nut", "M14", "38 N·m"]]


def _pdf(path: Path) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate

    from tests.core.fixtures_docs import _grid_table

    st = getSampleStyleSheet()
    doc = SimpleDocTemplate(str(path), pagesize=A4, title="Kiln fan service manual")
    doc.build([
        Paragraph("Kiln fan service manual", st["Title"]),
        Paragraph("Read the whole manual before servicing the fan. " * 4, st["BodyText"]),
        PageBreak(),
        Paragraph("Tightening torques", st["Heading1"]),
        Paragraph("Use a calibrated torque wrench on clean, dry threads.", st["BodyText"]),
        _grid_table(TORQUES),
        Paragraph("Fuses", st["Heading1"]),
        _grid_table([["Circuit", "Fuse (A)"], ["Compressor", "16"], ["Fan", "6"], ["Control", "2"]]),
        Paragraph("Blower motor data", st["Heading1"]),
        _grid_table([["Parameter", "Value"], ["Rated current", "5.2 A"], ["Recommended fuse", "10 A gG"]]),
        Paragraph("Troubleshooting", st["Heading1"]),
        _grid_table([["Symptom", "Remedy"], ["Blower motor hot, current above 5.2 A", "Clean the blower motor fins"]]),
    ])
    return path


def _html(path: Path) -> Path:
    path.write_text("""<html><head><title>CH-40 chiller alarm list</title></head><body>
<h1>CH-40 chiller alarm list</h1>
<h2>Models</h2><table><tr><th>Model</th><th>Capacity</th></tr><tr><td>CH-40</td><td>40 kW</td></tr>
<tr><td>CH-40HE</td><td>44 kW</td></tr></table>
<h2>Alarm codes</h2>
<table><caption>Table 4 Alarm codes</caption>
<tr><th>Code</th><th>Alarm</th><th>Reset</th></tr>
<tr><td>E-07</td><td>High discharge pressure, circuit 2</td><td>manual</td></tr>
<tr><td>E-08</td><td>Compressor overload</td><td>manual</td></tr>
<tr><td>E-09</td><td></td></tr>
<tr><td colspan="3">Call service when an alarm returns</td></tr>
</table>
<h2>Clearances</h2>
<table><tr><th>Check</th><th>Gap [mm]</th></tr><tr><td>Fan blade to shroud</td><td>0.5</td></tr>
<tr><td>Belt deflection</td><td>10-12 mm</td></tr></table>
</body></html>""", encoding="utf-8")
    return path


def _md(path: Path) -> Path:
    path.write_text("""# Boiler quick reference

## Electrical data

| Item | Value |
|------|-------|
| Supply voltage | 230 V AC |
| Main fuse | 10 A |
| Pump fuse | 1/2 in |

## Ragged

| a | b | c |
|---|---|---|
| only one |
| | |
| x | y | z | extra |
""", encoding="utf-8")
    return path


def _docx(path: Path) -> Path:
    import docx

    d = docx.Document()
    d.add_heading("Compressor service data", 1)
    t = d.add_table(rows=4, cols=3)
    for r, row in enumerate([["Part", "Clearance", "Tool"], ["Valve plate", "0.05 mm", "feeler gauge"],
                             ["Crankshaft end float", "±0.1 mm", "dial gauge"], ["", "", ""]]):
        for c, text in enumerate(row):
            run = t.cell(r, c).paragraphs[0].add_run(text)
            run.bold = r == 0
    # A merged cell: python-docx writes gridSpan/vMerge into the XML the parser reads.
    m = d.add_table(rows=3, cols=2)
    m.cell(0, 0).merge(m.cell(0, 1)).text = "Merged title row"
    m.cell(1, 0).text, m.cell(1, 1).text = "Oil charge", "1.2 L"
    m.cell(2, 0).merge(m.cell(2, 1))
    d.save(str(path))
    return path


def _library(session, tmp_path) -> dict[str, Path]:
    docs = tmp_path / "docs"
    docs.mkdir()
    files = {"pdf": _pdf(docs / "fan.pdf"), "html": _html(docs / "alarms.html"), "md": _md(docs / "boiler.md"),
             "docx": _docx(docs / "compressor.docx")}
    report = ingest.run(session.db, session.embedder, [docs])
    assert not report.failed, report.failed
    assert len(report.added) == 4
    return files


def _row(db, label: str):
    return db.execute("SELECT r.*, t.caption, t.headers FROM spec_rows r JOIN spec_tables t ON t.id = r.table_id"
                      " WHERE r.cells LIKE ?", (f'["{label}"%',)).fetchone()


def test_quantities_read_cells_and_header_units():
    def keys(cell, unit=""):
        return {v.key for v in parse_cell(cell, unit)}

    assert keys("68 Nm") == keys("68 N·m") == {"q:68 N·m"}
    assert keys("M12") == {"code:m12"}
    assert keys("0.5 mm") == {"q:0.5 mm"}
    assert "q:230 V" in keys("230 V AC")
    assert keys("10-12 Nm") == {"q:10 N·m", "q:12 N·m"}
    assert keys("±0.05 mm") == {"q:0.05 mm"}
    assert keys("1/2 in") == {"q:0.5 in"}
    assert keys("E-07") == keys("E07") == {"code:e07"}
    assert keys("16", header_unit("Fuse (A)")) == {"q:16 A"}
    assert keys("6", header_unit("Fuse (A)")) == {"q:6 A"}  # one digit: still the cell's value
    assert header_unit("Gap [mm]") == "mm" and header_unit("Torque") == ""


def test_a_slash_between_two_values_is_not_a_fraction():
    def keys(text):
        return {v.key for v in parse_cell(text)}

    # Sizes and times written as fractions still are ones; an inch mark is the inch.
    assert keys("1 1/2 in") == keys('1-1/2"') == {"q:1.5 in"}
    assert keys('5/16"') == keys("5/16 in") == {"q:0.3125 in"}
    assert keys("1/2in NPT") == {"q:0.5 in"}
    assert keys("1/60 s") == {"q:0.0166667 s"}
    # Two values around a slash share the unit written once, as a range's ends do.
    assert keys("230/400 V") == {"q:230 V", "q:400 V"}
    assert keys("50/60 Hz") == {"q:50 Hz", "q:60 Hz"}
    assert keys("16/32 A") == {"q:16 A", "q:32 A"}  # two ratings, not half an ampere
    # Model numbers and "24/7" are not the fractions 0.7547 and 3.43.
    assert keys("Intel 2200/2915 card") == {"q:2200", "q:2915"}
    assert keys("24/7 monitoring") == {"q:24"}
    # A part number is a code, not a pair or a range ("P-200/45V" no voltages, "SK-200-45B" no bytes).
    assert keys("Seal kit FKM (for P-200/45V), contents as SK-200-45B") == {"code:p20045v", "code:sk20045b"}
    # A range's ends keep their signs.
    assert keys("Store at -15 to +40 °C") == {"q:-15 °C", "q:40 °C"}
    assert keys("-10-20 °C") == {"q:-10 °C", "q:20 °C"}
    assert {v.key for v in query_values("Which mode keeps a 2200/2915 card on 2.4 GHz?")} == {
        "q:2200", "q:2915", "q:2.4 GHz"}
    assert extractions.CURRENT[extractions.SPEC_ROWS] >= 6  # stored libraries read their rows again



def test_a_sound_level_in_dba_is_a_level_in_db_and_other_decibels_keep_their_unit():
    """"Noise | Below 50 dBA at 1 m" (the demo UPS) held a bare 50, no sound level: "how loud" asks dB."""
    def keys(cell):
        return {v.key for v in parse_cell(cell)}

    assert keys("Below 50 dBA at 1 m") == keys("Below 50 dB(A) at 1 m") == {"q:50 dB", "q:1 m"}
    assert keys("50dBA") == {"q:50 dB"}
    assert keys("3 dBi antenna") == {"q:3 dBi"}  # an antenna's gain, no sound level
    assert keys("-40 dBc spurs") == {"q:-40 dBc"}
    assert keys("60 dBuV") == keys("60 dBµV") == {"q:60 dBµV"}
    assert extractions.CURRENT[extractions.SPEC_ROWS] >= 7  # stored libraries read their rows again

def test_tables_of_every_format_become_rows(session, tmp_path):
    _library(session, tmp_path)
    db = session.db
    pump = _row(db, "Pump mounting bolts")
    assert json.loads(pump["headers"]) == ["Fastener", "Size", "Torque"]
    assert json.loads(pump["cells"]) == ["Pump mounting bolts", "M12", "68 Nm"]
    assert pump["page"] == 2 and pump["caption"] == "Tightening torques"
    box = json.loads(pump["bbox"])
    assert len(box) == 4 and box[0] < box[2] and box[1] < box[3]
    motor = _row(db, "Motor mounting bolts")
    assert json.loads(motor["bbox"])[3] <= box[1] + 0.5  # the next row sits below on the page
    units = {(r["unit"], r["number"]) for r in db.execute("SELECT unit, number FROM spec_values WHERE row_id = ?",
                                                           (pump["id"],))}
    assert ("N·m", 68.0) in units
    fuse = _row(db, "Compressor")
    assert db.execute("SELECT number FROM spec_values WHERE row_id = ? AND unit = 'A'", (fuse["id"],)).fetchone()[0] == 16
    html = _row(db, "E-07")
    assert html["caption"] == "Table 4 Alarm codes" and html["page"] is None
    assert json.loads(html["headers"]) == ["Code", "Alarm", "Reset"]
    gap = _row(db, "Fan blade to shroud")
    assert db.execute("SELECT unit FROM spec_values WHERE row_id = ? AND number = 0.5", (gap["id"],)).fetchone()[0] == "mm"
    md = _row(db, "Supply voltage")
    assert json.loads(md["headers"]) == ["Item", "Value"] and md["caption"] == "Electrical data"
    docx_row = _row(db, "Valve plate")
    assert json.loads(docx_row["headers"]) == ["Part", "Clearance", "Tool"]  # the bold first row
    # The passages keep the table's text for search.
    assert db.execute("SELECT count(*) FROM chunks WHERE kind = 'table' AND text LIKE '%Pump mounting bolts | M12%'"
                      ).fetchone()[0] == 1


def test_thing_and_quantity_find_the_row(session, tmp_path):
    _library(session, tmp_path)
    rows = specs.search(session.db, "torque for the pump mounting bolts")
    assert rows and rows[0].cells == ["Pump mounting bolts", "M12", "68 Nm"]
    assert rows[0].text() == "Fastener: Pump mounting bolts; Size: M12; Torque: 68 Nm"
    assert rows[0].page == 2 and rows[0].manual_title == "Kiln fan service manual"
    assert specs.search(session.db, "motor mounting bolt torque")[0].cells[0] == "Motor mounting bolts"
    assert specs.search(session.db, "fuse size for the compressor")[0].cells == ["Compressor", "16"]
    # The row labelled with the quantity asked for beats one whose prose mentions amps and the motor.
    assert specs.search(session.db, "What is the fuse size for the blower motor?")[0].cells == \
        ["Recommended fuse", "10 A gG"]
    assert specs.search(session.db, "valve plate clearance")[0].cells[0] == "Valve plate"
    assert specs.search(session.db, "main fuse rating of the boiler")[0].cells == ["Main fuse", "10 A"]


def test_a_value_finds_the_rows_holding_it(session, tmp_path):
    _library(session, tmp_path)
    rows = specs.search(session.db, "what is set to 68 Nm?")
    assert rows[0].cells[0] == "Pump mounting bolts" and rows[0].match == "value"
    assert all("68" in " ".join(r.cells) for r in rows)
    assert specs.search(session.db, "what is set to 68 N·m")[0].row_id == rows[0].row_id
    code = specs.search(session.db, "E-07")
    assert code[0].cells[:2] == ["E-07", "High discharge pressure, circuit 2"]
    assert specs.search(session.db, "E07")[0].row_id == code[0].row_id
    assert specs.search(session.db, "what needs 12 mm")[0].cells[0] == "Belt deflection"  # a range's end


def test_unrelated_questions_get_no_rows(session, tmp_path):
    _library(session, tmp_path)
    for q in ["how do I clean the kitchen window", "what is the weather in Paris", "99 Nm"]:
        assert specs.search(session.db, q) == [], q


def test_a_paraphrase_finds_its_row_through_the_vectors(session, tmp_path):
    from assistant.rag.search import search

    _library(session, tmp_path)
    db = session.db
    assert db.execute("SELECT count(*) FROM spec_rows_vec").fetchone()[0] == \
        db.execute("SELECT count(*) FROM spec_rows").fetchone()[0]
    # No word of the "Supply voltage | 230 V AC" row is in the question: the words find nothing.
    question = "what electricity does the boiler run on"
    assert specs.search(db, question) == []
    rows = specs.search(db, question, embedder=session.embedder)
    found = next(r for r in rows[:2] if r.cells == ["Supply voltage", "230 V AC"])
    assert found.match == "meaning" and found.similarity >= specs.SIM_FLOOR
    assert found.to_json()["similarity"] == round(found.similarity, 4)
    # ask hands over the embedding its passage search computed; a row found by meaning alone is
    # listed, not stated as the direct answer.
    res = search(db, session.embedder, question)
    match = spec_answer.lookup(db, question, qvec=res.qvec)
    assert [r.row_id for r in match.rows] == [r.row_id for r in rows][:5] and match.row is None
    # The vectors do not give unrelated questions a row.
    for q in ["how do I clean the kitchen window", "what is the weather in Paris", "99 Nm"]:
        assert specs.search(db, q, embedder=session.embedder) == [], q


def test_direct_answer_and_prompt_use_the_row(session, tmp_path):
    _library(session, tmp_path)
    match = spec_answer.lookup(session.db, "torque for the pump mounting bolts")
    assert match.row is not None and match.passage is not None
    passages = spec_answer.with_row_passage(match, [])
    d = spec_answer.direct(match, passages)
    assert d.kind == "spec_row" and d.n == 1 and d.page == 2
    assert d.text == "Pump mounting bolts — Size: M12; Torque: 68 Nm"
    assert "Pump mounting bolts" in passages[0].text and passages[0].page == 2
    block = spec_answer.prompt_block(match, passages)
    assert block == "Table row (from passage [1]): Tightening torques: Fastener: Pump mounting bolts; Size: M12; Torque: 68 Nm"
    assert spec_answer.lookup(session.db, "how do I clean the kitchen window").row is None
    # The product's own code names the manual, not a row: no direct answer from the models table.
    assert spec_answer.lookup(session.db, "how do I reset an alarm on the CH-40?").row is None
    assert spec_answer.lookup(session.db, "capacity of the CH-40HE").row.cells == ["CH-40HE", "44 kW"]


def test_reingest_and_delete_keep_rows_in_step(session, tmp_path):
    files = _library(session, tmp_path)
    db = session.db
    md = files["md"]
    md.write_text(md.read_text().replace("| Main fuse | 10 A |", "| Main fuse | 13 A |"), encoding="utf-8")
    report = ingest.run(db, session.embedder, [md])
    assert report.added and report.added[0]["replaced"]
    assert json.loads(_row(db, "Main fuse")["cells"]) == ["Main fuse", "13 A"]
    assert db.execute("SELECT count(*) FROM spec_rows WHERE cells LIKE '%Main fuse%'").fetchone()[0] == 1
    assert "Main fuse" not in [r.cells[0] for r in specs.search(db, "what is rated 10 A")]
    assert specs.search(db, "what is rated 13 A")[0].cells == ["Main fuse", "13 A"]
    assert ingest.remove(db, str(files["pdf"]))
    assert _row(db, "Pump mounting bolts") is None
    for table in ("spec_rows", "spec_tables"):
        assert db.execute(f"SELECT count(*) FROM {table} WHERE manual_id NOT IN (SELECT id FROM manuals)").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM spec_values WHERE row_id NOT IN (SELECT id FROM spec_rows)").fetchone()[0] == 0
    n_rows = db.execute("SELECT count(*) FROM spec_rows").fetchone()[0]
    assert db.execute("SELECT count(*) FROM spec_rows_fts").fetchone()[0] == n_rows
    assert db.execute("SELECT count(*) FROM spec_rows_vec").fetchone()[0] == n_rows
    assert specs.search(db, "torque for the pump mounting bolts") == []


def test_malformed_tables_do_not_break_ingest(session, tmp_path):
    _library(session, tmp_path)
    db = session.db
    # The ragged Markdown table and the DOCX merged cells are stored as far as they go.
    assert json.loads(_row(db, "only one")["cells"]) == ["only one", "", ""]
    assert _row(db, "x") is not None
    oil = _row(db, "Oil charge")
    assert json.loads(oil["cells"])[:2] == ["Oil charge", "1.2 L"]
    # An HTML row with missing cells is padded; a spanning cell stands alone.
    assert json.loads(_row(db, "E-09")["cells"]) == ["E-09", "", ""]
    assert _row(db, "Call service when an alarm returns") is not None


def test_cli_specs_json(session, tmp_path):
    files = _library(session, tmp_path)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    r = subprocess.run([sys.executable, "-m", "assistant.cli", "specs", "torque for the pump mounting bolts",
                        "--json", "-k", "2"], capture_output=True, text=True, env=env, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["query"] == "torque for the pump mounting bolts" and 1 <= len(out["rows"]) <= 2
    top = out["rows"][0]
    assert top["cells"] == ["Pump mounting bolts", "M12", "68 Nm"] and top["headers"] == ["Fastener", "Size", "Torque"]
    assert top["page"] == 2 and top["path"] == str(files["pdf"]) and top["manual"] == "Kiln fan service manual"
    assert {"number": 68.0, "unit": "N·m"}.items() <= next(v for v in top["values"] if v["unit"] == "N·m").items()
    assert {"row_id", "section", "caption", "score"} <= set(top)
    r = subprocess.run([sys.executable, "-m", "assistant.cli", "specs", "kitchen window", "--json"],
                       capture_output=True, text=True, env=env, cwd=ROOT)
    assert r.returncode == 0 and json.loads(r.stdout)["rows"] == []



def test_cli_specs_reads_a_spaced_code_as_ask_does(session):
    # "E 12" (as speech-to-text writes it) listed the pump's spare parts over the demo library.
    from assistant import demo
    from assistant.library import ingest

    assert not ingest.run(session.db, session.embedder, [demo.demo_dir()]).failed
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    r = subprocess.run([sys.executable, "-m", "assistant.cli", "specs", "E 12", "--json"],
                       capture_output=True, text=True, env=env, cwd=ROOT)
    assert r.returncode == 0 and json.loads(r.stdout)["rows"][0]["cells"][0] == "E12", r.stdout[:300]
    # said as speech-to-text writes it, and listed as the answer card reads a row (no ".;")
    r = subprocess.run([sys.executable, "-m", "assistant.cli", "specs", "e zero four"],
                       capture_output=True, text=True, env=env, cwd=ROOT)
    first = r.stdout.split("\n2.")[0]
    assert r.returncode == 0 and "Code: E04" in first and ".;" not in first, r.stdout[:400]


def test_a_table_that_cannot_be_stored_is_left_out_with_a_warning(session):
    from assistant import db as dbmod
    from assistant.library import spec_store
    from assistant.library.document import Block, TableData

    good = [["Part", "Torque"], ["Cover screw", "4 Nm"]]
    blocks = [Block("Part | Torque\nCover screw | 4 Nm", 1, ("Data",), "table", table=TableData(good)),
              # A parser handing over a number where a cell's text belongs: a bug upstream, not a crash here.
              Block("Part | Torque\nLid | 5", 1, ("Data",), "table", table=TableData([["Part", "Torque"], ["Lid", 5]])),
              Block("Part | Gap\nRotor | 0.3 mm", 2, ("Data",), "table",
                    table=TableData([["Part", "Gap"], ["Rotor", "0.3 mm"]]))]
    warnings: list[str] = []
    db = session.db
    with dbmod.transaction(db):
        manual_id = db.execute("INSERT INTO manuals(path, title, format, content_hash, size_bytes) "
                               "VALUES ('/x.pdf', 'X', 'pdf', 'h', 1)").lastrowid
        assert spec_store.store(db, manual_id, blocks, warnings) == 2
    assert len(warnings) == 1 and "page 1" in warnings[0]
    cells = [json.loads(r[0]) for r in db.execute("SELECT cells FROM spec_rows ORDER BY id")]
    assert cells == [["Cover screw", "4 Nm"], ["Rotor", "0.3 mm"]]
    assert db.execute("SELECT count(*) FROM spec_tables").fetchone()[0] == 2
    assert db.execute("SELECT count(*) FROM spec_rows_fts").fetchone()[0] == 2
    assert specs.search(db, "rotor gap")[0].cells == ["Rotor", "0.3 mm"]


def test_a_row_of_a_text_manual_marks_its_table_in_the_viewer(session, tmp_path):
    from assistant import viewer

    files = _library(session, tmp_path)
    row = specs.search(session.db, "main fuse rating of the boiler")[0]
    assert row.char_start is not None and row.char_end > row.char_start
    view = viewer.document(files["md"], row.char_start, row.char_end)
    cited = [b for b in view.blocks if b.cited]
    assert len(cited) == 1 and cited[0].kind == "table" and "Main fuse | 10 A" in cited[0].text


def test_ask_answers_from_the_row_with_the_real_model(session, tmp_path):
    from assistant.rag import prompt as promptmod
    from assistant.rag.answer import ask

    _library(session, tmp_path)
    session.settings.max_answer_tokens = 16
    events = list(ask(session.db, session.embedder, session.chat, "torque for the pump mounting bolts",
                      session.settings))
    retrieved, done = events[0], events[-1]
    d = retrieved.direct
    assert d.kind == "spec_row" and d.text == "Pump mounting bolts — Size: M12; Torque: 68 Nm" and d.page == 2
    assert retrieved.passages[d.n - 1].chunk_id == d.chunk_id  # cited to the passage that holds the row
    assert retrieved.spec_rows[0]["cells"] == ["Pump mounting bolts", "M12", "68 Nm"]
    a = done.answer
    assert a.direct == d and a.spec_rows == retrieved.spec_rows
    out = a.to_json()
    assert out["direct"]["kind"] == "spec_row" and out["direct"]["row"]["headers"] == ["Fastener", "Size", "Torque"]
    # The model reads the row with its headers before the passages.
    match = spec_answer.lookup(session.db, "torque for the pump mounting bolts")
    chat = session.chat()
    built = promptmod.build("torque?", retrieved.passages, chat.render, chat.count, 2000,
                            lead=spec_answer.prompt_block(match, retrieved.passages))
    lead = built.text.index("Fastener: Pump mounting bolts; Size: M12; Torque: 68 Nm")
    assert lead < built.text.index("Passage [1]:")


def test_a_library_without_the_row_vector_table_still_stores_and_finds_rows(session, tmp_path):
    # An early build of m006 (never released) made no spec_rows_vec: words and values still work.
    db = session.db
    db.execute("DROP TRIGGER spec_rows_ad")
    db.execute("DROP TABLE spec_rows_vec")
    db.execute("CREATE TRIGGER spec_rows_ad AFTER DELETE ON spec_rows BEGIN"
               " DELETE FROM spec_rows_fts WHERE rowid = old.id; END")
    report = ingest.run(db, session.embedder, [_md(tmp_path / "boiler.md")])
    assert not report.failed and "warning" not in report.added[0]
    assert _row(db, "Main fuse") is not None
    rows = specs.search(db, "main fuse rating of the boiler", embedder=session.embedder)
    assert rows[0].cells == ["Main fuse", "10 A"] and rows[0].similarity is None


def _datasheet(path: Path) -> Path:
    path.write_text("""# Compressor CX-9 data sheet

## Technical data

| Parameter | Value |
|---|---|
| Weight (compressor, frame) | 98 kg |
| Gap between belt pulleys | 4 mm |
| Recharge time | 3 h |
| Supply voltage | 400 V |
| Discharge pressure, maximum | 28 bar |

## Display hotkeys

| Action | Default Hotkey | Description |
|---|---|---|
| View Bottom | Shift+Z | Show the drawing from underneath |
| Zoom In | F1 | Zoom in on the drawing |
| Open Help |  | Show the help window |
| Toggle Grid | G | Show or hide the grid |

## Log levels

What the controller's log_level setting records:

| Level | Logged |
|---|---|
| 0 | Log nothing |
| 1 | Log a summary line per start |
| 2 | Log every sensor reading |
""", encoding="utf-8")
    return path


def _datasheet_library(session, tmp_path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    _datasheet(docs / "cx9.md")
    report = ingest.run(session.db, session.embedder, [docs])
    assert not report.failed and len(report.added) == 1


def test_a_question_by_quantity_kind_finds_a_row_it_shares_no_quantity_word_with(session, tmp_path):
    _datasheet_library(session, tmp_path)
    db = session.db
    # Words and values only (no vectors): "how heavy" asks a weight, the row says "Weight ... 98 kg".
    rows = specs.search(db, "How heavy is the compressor on its frame?")
    assert rows[0].cells == ["Weight (compressor, frame)", "98 kg"] and rows[0].match == "quantity"
    rows = specs.search(db, "How far apart should the belt pulleys be?")
    assert rows[0].cells == ["Gap between belt pulleys", "4 mm"] and rows[0].match == "quantity"
    # "how long" asks a time; the quantity word beside it ("charge") is then the thing, and a
    # prefixed word in the row ("Recharge") holds it.
    rows = specs.search(db, "How long does a compressor charge take?")
    assert rows[0].cells == ["Recharge time", "3 h"]
    # A vague phrase ("how high") beside a quantity word: the quantity word is still asked.
    assert specs.search(db, "How high can the discharge pressure go?")[0].cells == \
        ["Discharge pressure, maximum", "28 bar"]


def test_a_key_question_finds_key_cells(session, tmp_path):
    _datasheet_library(session, tmp_path)
    db = session.db
    # A key the question names is looked up as a whole cell, however short.
    rows = specs.search(db, "What does the G key do?")
    assert rows[0].cells[0] == "Toggle Grid" and rows[0].match == "value"
    assert specs.search(db, "what does pressing Shift+Z do")[0].cells[0] == "View Bottom"
    assert specs.search(db, "What does Shift + z do in the drawing?")[0].cells[0] == "View Bottom"
    # "which key" asks for a key combination: the action with no default key is not the answer.
    rows = specs.search(db, "Which key shows the drawing from underneath?")
    assert rows[0].cells[:2] == ["View Bottom", "Shift+Z"] and rows[0].match == "quantity"
    rows = specs.search(db, "Which hotkey opens the help window?")
    assert all(r.match in specs.LOOSE for r in rows if r.cells[0] == "Open Help")
    assert specs.direct_row(rows) is None or specs.direct_row(rows).cells[0] != "Open Help"


def test_a_lone_digit_ranks_rows_but_answers_nothing_alone(session, tmp_path):
    _datasheet_library(session, tmp_path)
    db = session.db
    # "set to 1": the row whose cell is exactly 1, in the table the words found.
    rows = specs.search(db, "What does the controller log with log_level set to 1?")
    assert rows[0].cells == ["1", "Log a summary line per start"]
    assert specs.search(db, "What does the controller log with log_level set to 2?")[0].cells[0] == "2"
    # A digit alone is a hint: the rows holding it do not answer an unrelated question.
    for q in ["Which element has atomic number 1?", "What is 2 plus 2?"]:
        assert specs.search(db, q) == [], q
        assert specs.search(db, q, embedder=session.embedder) == [], q


def _rotated_rules_pdf(path: Path) -> Path:
    """A ruled table drawn as Apache FOP draws one (GPSBabel's manual): every rule is the path
    "0 0 m w 0 l" in its own space, and the vertical rules are turned by the matrix ("cm")."""
    from reportlab.pdfgen import canvas

    rows = [["Field", "Bytes", "Type"], ["Unique ID Number", "16", "four integers"],
            ["Alarm Radius", "4", "float"], ["Waypoint Name", "n", "string"]]
    x0, top, widths, height = 72, 700, [160, 60, 120], 20
    c = canvas.Canvas(str(path))
    c.setFont("Helvetica-Bold", 14)
    c.drawString(x0, top + 30, "Lowrance USR waypoint record")
    c.setFont("Helvetica", 10)
    width = sum(widths)
    for i in range(len(rows) + 1):  # horizontal rules, each drawn from its own origin
        c.saveState()
        c.translate(x0, top - i * height)
        c.line(0, 0, width, 0)
        c.restoreState()
    for x in [0, *[sum(widths[:k + 1]) for k in range(len(widths))]]:  # vertical: the same, turned
        c.saveState()
        c.translate(x0 + x, top - len(rows) * height)
        c.rotate(90)
        c.line(0, 0, len(rows) * height, 0)
        c.restoreState()
    for r, row in enumerate(rows):
        for k, text in enumerate(row):
            c.drawString(x0 + sum(widths[:k]) + 4, top - (r + 1) * height + 6, text)
    c.showPage()
    c.save()
    return path


def test_a_table_whose_rules_are_turned_by_their_matrix_becomes_rows(session, tmp_path):
    import pypdfium2 as pdfium

    from assistant.library import pdf_tables

    pdf = _rotated_rules_pdf(tmp_path / "usr.pdf")
    doc = pdfium.PdfDocument(str(pdf))
    page = doc[0]
    try:
        assert pdf_tables.vector_stats(page.raw)[0], "the page's vertical rules were not seen"
    finally:
        page.close()
        doc.close()
    report = ingest.run(session.db, session.embedder, [pdf])
    assert not report.failed, report.failed
    row = _row(session.db, "Alarm Radius")
    assert row is not None and json.loads(row["cells"]) == ["Alarm Radius", "4", "float"]
    assert json.loads(row["headers"]) == ["Field", "Bytes", "Type"]


def test_the_row_s_passage_holds_its_cells_not_only_its_label(session, tmp_path):
    """A row's label can be a cell of another table of the same page ("0.0625" is a resolution in
    the table above and labels a row of the conversion-time table): the passage cited for the row,
    and given to the model, is the chunk holding the row's other cells too."""
    docs = tmp_path / "docs"
    docs.mkdir()
    filler = " ".join(["The sensor keeps converting while the bus is idle, and a read returns the last result."] * 14)
    (docs / "sensor.md").write_text(f"""# TS-16 temperature sensor

## Resolution

R0 and R1 of the configuration register choose the resolution.

| R0 | R1 | Resolution |
|---|---|---|
| 0 | 0 | 0.5 degrees Celsius |
| 1 | 1 | 0.0625 degrees Celsius |

{filler}

{filler}

Conversion times per resolution:

| Resolution (C/LSB) | Conversion time (ms) | Input range (ms) |
|---|---|---|
| 0.5 | 94 | 47..infinity |
| 0.0625 | 750 | 376..infinity |
""")
    assert not ingest.run(session.db, session.embedder, [docs]).failed
    rows = [r for r in specs.search(session.db, "conversion time at 0.0625 resolution", k=10)
            if r.cells[:2] == ["0.0625", "750"]]
    assert rows, "the conversion-time row is found"
    # Two chunks of the section hold the label; only one holds the row.
    holding = session.db.execute("SELECT count(*) FROM chunks WHERE instr(text, '0.0625') > 0").fetchone()[0]
    assert holding >= 2
    p = spec_answer._row_passage(session.db, rows[0])
    assert p is not None and "750" in p.text and "376..infinity" in p.text


def test_a_pageless_row_s_passage_is_in_its_own_section(session, tmp_path):
    """A Markdown or HTML manual has no pages (every chunk's page is NULL): the same row in the
    tables of two sections (the same bolts on two pump models) is cited to the chunk of its own
    section, not to the first chunk of the manual holding as many of its cells."""
    from tests.core.spec_fixtures import ingest_text

    table = "| Fastener | Size | Torque |\n|---|---|---|\n| Mounting bolts | M12 | 68 Nm |\n| Drain plug | {} |\n"
    ingest_text(session, tmp_path, "pumps.md", "# Pump service\n\n"
                "## Pump P-100\n\nThe P-100 mounting bolts hold the pump on its base.\n\n"
                + table.format("M8 | 20 Nm") + "\n## Pump P-200\n\nThe P-200 mounting bolts hold the larger pump "
                "on its frame.\n\n" + table.format("M10 | 25 Nm"))
    rows = [r for r in specs.search(session.db, "P-200 mounting bolts torque", k=10) if r.cells[0] == "Mounting bolts"]
    assert {r.section for r in rows} == {"Pump service > Pump P-100", "Pump service > Pump P-200"}
    for row in rows:
        assert row.page is None
        p = spec_answer._row_passage(session.db, row)
        assert p is not None and p.section == row.section and "68 Nm" in p.text
