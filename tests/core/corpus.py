"""A small library the tests write themselves: one manual per format, with known pages and tokens."""

from __future__ import annotations

from pathlib import Path

PUMP_MD = """# ZX-9 booster pump service manual

## Specifications

| item | value |
|---|---|
| impeller nut torque | 38 Nm |
| seal kit | 55-0192-B |
| motor | 4 kW, 400 V, 50 Hz |

## Seal replacement

WARNING: lock out and tag out the motor supply before opening the housing.

1. Drain the pump casing.
2. Remove the six M8 housing bolts.
3. Replace seal kit 55-0192-B and torque the impeller nut to 38 Nm.
"""

ALARMS_HTML = """<html><head><title>Controller alarms</title><script>var x = "junk";</script></head>
<body><h1>Controller alarms</h1>
<h2>E47 low suction pressure</h2><p>Check the inlet strainer and the suction valve; the pump stops
after 30 s below 0.4 bar.</p>
<h2>E52 motor overtemperature</h2><p>Let the motor cool for 20 minutes and check the fan cover for
debris.</p></body></html>"""

NOTES_TXT = "Field tip: the ZX-9 drain plug takes a 17 mm socket.\n"

# Many near-identical catalogue entries: only the part number tells them apart, which an
# embedding cannot see but a keyword index can.
PARTS = ["55-0190-A", "55-0191-C", "55-0192-B", "55-0193-D", "55-0194-E", "55-0195-F",
         "55-0196-G", "55-0197-H", "55-0198-J", "55-0199-K"]


def parts_catalogue() -> str:
    """Ten near-identical entries; the wanted one is worded differently ("shaft sealing assembly"),
    so a query "seal kit 55-0192-B" pulls vector search towards the other nine."""
    lines = ["# Spare parts catalogue", ""]
    for pn in PARTS:
        name = "Shaft sealing assembly" if pn == "55-0192-B" else "Mechanical seal kit"
        lines += [f"## Part {pn}", "",
                  f"{name} {pn}. Carbon/ceramic faces, EPDM elastomers, stainless spring, suitable for clean "
                  "water and glycol mixtures up to 90 C and 16 bar. Supplied with O-rings, a gasket set and "
                  "fitting instructions; replace the seal whenever the pump is dismantled.", ""]
    return "\n".join(lines)


def make_pdf(path: Path) -> Path:
    """Three physical pages: specifications (with a table) on 1, seal procedure and a warning on 2,
    troubleshooting on 3. Each page has a token found nowhere else."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Table, TableStyle

    ss = getSampleStyleSheet()
    doc = SimpleDocTemplate(str(path), pagesize=A4, title="HX-400 Heat Pump Manual")
    table = Table([["Item", "Value"], ["Compressor oil", "POE 68, 1.2 l"], ["Fan bolt torque", "24 Nm"],
                   ["Refrigerant", "R-32, 2.4 kg"]])
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
    story = [
        Paragraph("Specifications", ss["Heading1"]),
        Paragraph("The HX-400 heat pump delivers 14 kW of heating. Token PAGEONEALPHA marks this page.",
                  ss["BodyText"]),
        table,
        PageBreak(),
        Paragraph("Compressor replacement", ss["Heading1"]),
        Paragraph("WARNING: recover the refrigerant and isolate the mains supply before removing "
                  "the compressor.", ss["BodyText"]),
        Paragraph("Remove the four compressor mounting bolts and tighten the new ones to 31 Nm. "
                  "Token PAGETWOBRAVO marks this page.", ss["BodyText"]),
        PageBreak(),
        Paragraph("Troubleshooting", ss["Heading1"]),
        Paragraph("If the outdoor fan does not start, check fuse F3 (5 A) on the control board. "
                  "Token PAGETHREECHARLIE marks this page.", ss["BodyText"]),
    ]
    doc.build(story)
    return path


def write(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pump.md").write_text(PUMP_MD)
    (folder / "alarms.html").write_text(ALARMS_HTML)
    (folder / "notes.txt").write_text(NOTES_TXT)
    make_pdf(folder / "heatpump.pdf")
    from tests.core.fixtures_docs import build_docx

    build_docx(folder / "compressor.docx")
    return folder
