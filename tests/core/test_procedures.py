"""Procedures: found in every format at ingest, stored with their manual, searched, offered by answers."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from assistant.library import ingest
from assistant.library.parse import parse
from assistant.procedures import store
from assistant.procedures.extract import extract, is_imperative
from assistant.rag.answer import ask
from tests.conftest import EXE


def make_seal_pdf(path: Path) -> Path:
    """Two pages: a WARNING box over a numbered procedure whose step 4 runs over the page break,
    a CAUTION between steps 2 and 3, then a bulleted list of spare parts (not a procedure)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4)
    w, h = A4

    def page(lines, footer):
        y = h - 80
        for font, size, text, gap in lines:
            c.setFont(font, size)
            c.drawString(60, y, text)
            y -= gap
        c.setFont("Helvetica", 9)
        c.drawString(w / 2, 30, footer)
        c.showPage()

    body = "Helvetica"
    page([("Helvetica-Bold", 18, "8 Maintenance", 30),
          (body, 10, "Service the pump every 2000 hours of operation or once a year.", 26),
          ("Helvetica-Bold", 14, "8.3 Replacing the mechanical seal", 26),
          ("Helvetica-Bold", 10, "WARNING: Hot fluid under pressure. Let the pump cool and", 13),
          ("Helvetica-Bold", 10, "release the pressure before opening the housing.", 26),
          (body, 10, "1. Close the suction and discharge valves.", 18),
          (body, 10, "2. Drain the pump casing through the drain plug.", 18),
          (body, 10, "CAUTION: The seal faces are brittle. Do not drop them.", 18),
          (body, 10, "3. Remove the motor with the impeller from the casing.", 18),
          (body, 10, "4. Loosen the four bolts of the seal housing with a 13 mm wrench and pull the", 13),
          (body, 10, "housing off the shaft together with the rotating part of the", 13)], "Page 1")
    page([(body, 10, "old seal, taking care not to scratch the shaft sleeve.", 18),
          (body, 10, "5. Fit the new seal kit, part no. MS-4410, and tighten the bolts to 25 N·m.", 18),
          (body, 10, "6. Refit the motor and open the valves.", 26),
          ("Helvetica-Bold", 14, "8.4 Spare parts", 26),
          (body, 10, "The following spare parts are stocked:", 18),
          (body, 10, "• Mechanical seal kit MS-4410", 18),
          (body, 10, "• Impeller for all sizes", 18),
          (body, 10, "• Stainless steel casing gasket", 18)], "Page 2")
    c.save()
    return path


HTML = """<html><head><title>AHU-7 service guide</title></head><body>
<h1>AHU-7 air handling unit</h1>
<h2>Filter maintenance</h2>
<p>DANGER: Lock out and tag out the unit's disconnect switch before opening any access panel.</p>
<h3>Replacing the bag filters</h3>
<p>Replace the filters when the pressure drop exceeds 250 Pa.</p>
<ol>
  <li>Open the filter access door.</li>
  <li>Release the filter clamps and slide the old filters out.</li>
  <li>Slide the new filters in with the pockets vertical.</li>
  <li>Close the clamps and the door.</li>
</ol>
<h3>Cleaning the drain pan</h3>
<p>CAUTION: The pan edges are sharp.</p>
<p>Wipe the pan clean once a season.</p>
<h2>Features</h2>
<ul><li>Stainless steel drain pan</li><li>EC fans with speed control</li><li>Quiet operation</li></ul>
</body></html>
"""

MD = """# FC-20 fan coil

## Features

- Stainless steel housing
- Quiet operation at 35 dB
- Three speed settings

## Motor service

WARNING: Disconnect the power before servicing.

To replace the fan motor:

1. Remove the four screws of the cover with a Phillips #2 screwdriver.
2. Lift the cover off.

   CAUTION: The motor may be hot.
3. Unplug the motor cable and fit the new motor, part no. FM-2210.
4. Tighten the screws to 2.5 N·m.
"""


def make_docx(path: Path) -> Path:
    import docx

    d = docx.Document()
    d.add_heading("Compressor CX-3", 1)
    d.add_heading("Changing the oil", 2)
    d.add_paragraph("CAUTION: Oil may be hot after operation.")
    for text in ["Switch off the compressor and let it cool.", "Open the drain valve and drain the oil.",
                 "Close the valve and fill 1.2 l of new oil."]:
        d.add_paragraph(text, style="List Number")
    d.add_heading("Accessories", 2)
    for text in ["Wall bracket", "Vibration dampers"]:
        d.add_paragraph(text, style="List Bullet")
    d.save(str(path))
    return path


def only(procs, title_part):
    found = [p for p in procs if title_part.lower() in p.title.lower()]
    assert len(found) == 1, [p.title for p in procs]
    return found[0]


def test_pdf_step_over_a_page_break_stays_one_step_and_warnings_attach(tmp_path):
    procs = extract(parse(make_seal_pdf(tmp_path / "seal.pdf")))
    assert [p.title for p in procs] == ["8.3 Replacing the mechanical seal"]  # spare parts list is not one
    p = procs[0]
    assert [s.text.split()[0] for s in p.steps] == ["Close", "Drain", "Remove", "Loosen", "Fit", "Refit"]
    four = p.steps[3]
    assert four.text.endswith("rotating part of the old seal, taking care not to scratch the shaft sleeve.")
    assert four.page == 1 and p.steps[4].page == 2
    assert p.warnings == ["WARNING: Hot fluid under pressure. Let the pump cool and release the pressure "
                          "before opening the housing."]
    assert p.steps[2].warning == "CAUTION: The seal faces are brittle. Do not drop them."
    assert all(s.warning is None for s in p.steps if s.n != 3)
    assert (p.tools, p.parts, p.torques) == (["13 mm wrench"], ["MS-4410"], ["25 N·m"])
    assert p.page == 1 and p.section == "8 Maintenance > 8.3 Replacing the mechanical seal"


def test_step_offsets_point_at_the_step_in_the_page_text(tmp_path):
    from assistant.library.parse import page_texts

    doc = parse(make_seal_pdf(tmp_path / "seal.pdf"))
    texts = page_texts(doc)
    for s in extract(doc)[0].steps:
        shown = texts[s.page][s.char_start:s.char_end]
        assert shown.startswith(f"{s.n}. ") and s.text.startswith(shown[len(f"{s.n}. "):][:30])


def test_html_ordered_list_under_h3_gets_the_lockout_danger_of_its_h2(tmp_path):
    path = tmp_path / "ahu.html"
    path.write_text(HTML, encoding="utf-8")
    procs = extract(parse(path))
    assert [p.title for p in procs] == ["Replacing the bag filters"]
    p = procs[0]
    assert len(p.steps) == 4 and p.steps[0].text == "Open the filter access door."
    assert p.warnings == ["DANGER: Lock out and tag out the unit's disconnect switch before opening any access panel."]
    assert not any("sharp" in w for w in p.warnings)  # a sibling section's caution is not this procedure's
    assert p.section == "AHU-7 air handling unit > Filter maintenance > Replacing the bag filters"


def test_markdown_lead_in_names_the_procedure(tmp_path):
    path = tmp_path / "fc20.md"
    path.write_text(MD, encoding="utf-8")
    procs = extract(parse(path))
    assert [p.title for p in procs] == ["To replace the fan motor"]
    p = procs[0]
    assert [s.n for s in p.steps] == [1, 2, 3, 4]
    assert p.steps[2].warning == "CAUTION: The motor may be hot." and p.steps[1].text == "Lift the cover off."
    assert p.warnings == ["WARNING: Disconnect the power before servicing."]
    assert p.tools == ["Phillips #2 screwdriver"] and p.parts == ["FM-2210"] and p.torques == ["2.5 N·m"]


def test_docx_list_number_paragraphs(tmp_path):
    procs = extract(parse(make_docx(tmp_path / "cx3.docx")))
    assert [p.title for p in procs] == ["Changing the oil"]
    assert [s.text for s in procs[0].steps] == ["Switch off the compressor and let it cool.",
                                                "Open the drain valve and drain the oil.",
                                                "Close the valve and fill 1.2 l of new oil."]
    assert procs[0].warnings == ["CAUTION: Oil may be hot after operation."]


def test_plain_text_numbered_steps(tmp_path):
    path = tmp_path / "belt.txt"
    path.write_text("BELT REPLACEMENT\n\nCAUTION: Keep hands clear of the pulleys.\n\n"
                    "1. Loosen the tensioner bolt.\n2. Remove the old belt.\n3. Fit the new belt and "
                    "retighten the bolt to 12 Nm.\n", encoding="utf-8")
    (p,) = extract(parse(path))
    assert p.title == "BELT REPLACEMENT" and len(p.steps) == 3 and p.torques == ["12 Nm"]
    assert p.warnings == ["CAUTION: Keep hands clear of the pulleys."]


@pytest.mark.parametrize("body", [
    "# Pump\n\n## Features\n\n- Stainless steel housing\n- Quiet operation\n- Low power draw\n- Two-year warranty\n",
    "# Pump\n\n## Specifications\n\n1. Flow rate up to 40 m3/h\n2. Head up to 60 m\n3. Motor 4 kW\n",
    "# Pump\n\nThe kit contains:\n\n- Two gaskets\n- One seal\n- Installation leaflet\n",
])
def test_a_list_of_features_or_contents_is_not_a_procedure(tmp_path, body):
    path = tmp_path / "pump.md"
    path.write_text(body, encoding="utf-8")
    assert extract(parse(path)) == []


def test_imperative_starts():
    assert is_imperative("Remove the cover.") and is_imperative("Carefully lift the fan out.")
    assert is_imperative("Slide the filter in.")
    assert not is_imperative("Stainless steel housing") and not is_imperative("Quiet operation at 35 dB")


def _counts(db) -> tuple[int, int, int]:
    return tuple(db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                 for t in ("procedures", "procedure_steps", "procedures_fts"))


def test_stored_with_the_manual_replaced_on_reingest_removed_with_it(session, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "fc20.md").write_text(MD, encoding="utf-8")
    (docs / "ahu.html").write_text(HTML, encoding="utf-8")
    report = ingest.run(session.db, session.embedder, [docs])
    assert not report.failed and sorted(a["procedures"] for a in report.added) == [1, 1]
    assert _counts(session.db) == (2, 8, 2)
    # The fan coil manual changes: one step fewer. Its old procedure is replaced, the other kept.
    (docs / "fc20.md").write_text(MD.replace("4. Tighten the screws to 2.5 N·m.\n", ""), encoding="utf-8")
    ingest.run(session.db, session.embedder, [docs])
    assert _counts(session.db) == (2, 7, 2)
    (p,) = store.search(session.db, "fan motor")
    assert p.title == "To replace the fan motor" and len(p.steps) == 3 and p.manual_path.endswith("fc20.md")
    assert ingest.remove(session.db, str((docs / "fc20.md").resolve()))
    assert _counts(session.db) == (1, 4, 1)
    assert store.search(session.db, "fan motor") == []
    assert ingest.remove(session.db, str((docs / "ahu.html").resolve()))
    assert _counts(session.db) == (0, 0, 0)


def test_for_chunks_finds_the_procedure_of_a_passage(session, tmp_path):
    path = make_seal_pdf(tmp_path / "seal.pdf")
    assert not ingest.run(session.db, session.embedder, [path]).failed
    (proc,) = store.all_procedures(session.db)
    rows = session.db.execute("SELECT id, text FROM chunks ORDER BY ord").fetchall()
    holding = [r["id"] for r in rows if "Refit the motor" in r["text"]]
    other = [r["id"] for r in rows if "Service the pump every" in r["text"] and "Close the suction" not in r["text"]]
    assert [p.id for p in store.for_chunks(session.db, holding)] == [proc.id]
    assert store.for_chunks(session.db, other) == []
    assert store.get(session.db, proc.id).steps[3].text.endswith("shaft sleeve.")
    with pytest.raises(store.ProcedureNotFound):
        store.get(session.db, proc.id + 100)


def test_cli_procedures_json(home, tmp_path):
    path = tmp_path / "fc20.md"
    path.write_text(MD, encoding="utf-8")
    subprocess.run([EXE, "ingest", str(path)], check=True, capture_output=True)
    r = subprocess.run([EXE, "procedures", "fan", "motor", "--json"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    (p,) = json.loads(r.stdout)["procedures"]
    assert {"id", "title", "manual", "path", "page", "section", "steps", "warnings", "tools", "parts",
            "torques"} <= p.keys()
    assert p["title"] == "To replace the fan motor" and p["manual"] == "FC-20 fan coil" and p["page"] is None
    assert [s["n"] for s in p["steps"]] == [1, 2, 3, 4]
    assert p["steps"][2]["warning"] == "CAUTION: The motor may be hot."
    r = subprocess.run([EXE, "procedures", "show", str(p["id"]), "--json"], capture_output=True, text=True)
    assert r.returncode == 0 and json.loads(r.stdout)["steps"] == p["steps"]
    r = subprocess.run([EXE, "procedures", "--json"], capture_output=True, text=True)
    assert [q["id"] for q in json.loads(r.stdout)["procedures"]] == [p["id"]]
    r = subprocess.run([EXE, "procedures", "show", "999"], capture_output=True, text=True)
    assert r.returncode == 1 and "no procedure with id 999" in r.stderr and len(r.stderr.splitlines()) == 1
    r = subprocess.run([EXE, "procedures", "show"], capture_output=True, text=True)
    assert r.returncode == 2


def test_ask_offers_the_procedure_its_passages_hold(session, tmp_path):
    path = tmp_path / "fc20.md"
    path.write_text(MD, encoding="utf-8")
    assert not ingest.run(session.db, session.embedder, [path]).failed
    (proc,) = store.all_procedures(session.db)
    events = list(ask(session.db, session.embedder, session.chat, "How do I replace the fan motor?",
                      session.settings))
    offer = {"id": proc.id, "title": "To replace the fan motor", "manual": "FC-20 fan coil", "page": None}
    assert events[0].kind == "retrieved" and events[0].procedures == [offer]
    assert events[-1].answer.procedures == [offer] and events[-1].answer.to_json()["procedures"] == [offer]
    # A question the library cannot answer offers nothing.
    events = list(ask(session.db, session.embedder, session.chat, "What is the capital of Peru?", session.settings))
    assert events[-1].answer.procedures == []


def test_cli_ask_json_has_the_procedures_field(home, tmp_path):
    path = tmp_path / "fc20.md"
    path.write_text(MD, encoding="utf-8")
    subprocess.run([EXE, "ingest", str(path)], check=True, capture_output=True)
    r = subprocess.run([EXE, "ask", "How do I replace the fan motor?", "--json", "--max-tokens", "16"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    (offer,) = json.loads(r.stdout)["procedures"]
    assert offer["title"] == "To replace the fan motor" and offer["manual"] == "FC-20 fan coil"


def test_ordered_list_numbers_are_kept_in_the_text_of_every_format(tmp_path):
    """So a numbered procedure reads the same from HTML, Markdown and DOCX as from PDF and text."""
    html = tmp_path / "a.html"
    html.write_text("<h1>A</h1><ol start='3'><li>Open it</li><li><p>Close it</p><p>Firmly.</p></li></ol>"
                    "<ul><li>Spare fuse</li></ul>", encoding="utf-8")
    assert [b.text for b in parse(html).blocks if b.kind == "list"] == ["3. Open it\n4. Close it\nFirmly.\nSpare fuse"]
    md = tmp_path / "a.md"
    md.write_text("# A\n\n1. Open it\n1. Close it\n\n- Spare fuse\n", encoding="utf-8")
    assert [b.text for b in parse(md).blocks if b.kind == "list"] == ["1. Open it\n2. Close it\nSpare fuse"]
    lists = [b.text for b in parse(make_docx(tmp_path / "a.docx")).blocks if b.kind == "list"]
    assert lists == ["1. Switch off the compressor and let it cool.\n2. Open the drain valve and drain the oil.\n"
                     "3. Close the valve and fill 1.2 l of new oil.", "Wall bracket\nVibration dampers"]


def test_tools_and_parts_lines_of_the_section_and_torque_tables(tmp_path):
    path = tmp_path / "valve.md"
    path.write_text(
        "# V-40 valve\n\n## Replacing the actuator\n\n"
        "Required parts: actuator kit AK-40 (actuator, gasket and four bolts). Tools: 13, 17 and 19 mm "
        "spanners, torque wrench and a multimeter. Time required: 1 hour.\n\n"
        "| Joint | Torque |\n|---|---|\n| Flange bolts | 45 Nm |\n\n"
        "1. Close the valve and remove the cover.\n2. Unbolt the old actuator.\n"
        "3. Fit the new actuator and tighten the bolts to 10-12 Nm.\n", encoding="utf-8")
    (p,) = extract(parse(path))
    assert p.tools == ["13, 17 and 19 mm spanners", "torque wrench", "multimeter"]
    assert p.parts == ["actuator kit AK-40 (actuator, gasket and four bolts)"]
    assert p.torques == ["10-12 Nm", "45 Nm"]


def test_a_manual_whose_procedures_cannot_be_stored_is_not_stored_at_all(session, tmp_path):
    """One transaction: a failure writing the procedures leaves neither the manual nor its passages."""
    path = tmp_path / "fc20.md"
    path.write_text(MD, encoding="utf-8")
    session.db.execute("CREATE TRIGGER fail_steps BEFORE INSERT ON procedure_steps "
                       "WHEN new.text LIKE '%Lift the cover%' BEGIN SELECT RAISE(ABORT, 'disk full'); END")
    with pytest.raises(Exception, match="disk full"):
        ingest.run(session.db, session.embedder, [path])
    counts = [session.db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
              for t in ("manuals", "chunks", "page_texts", "procedures", "procedure_steps", "procedures_fts")]
    assert counts == [0, 0, 0, 0, 0, 0]
    session.db.execute("DROP TRIGGER fail_steps")
    assert not ingest.run(session.db, session.embedder, [path]).failed
    assert _counts(session.db) == (1, 4, 1)
