"""Builders for manual fixtures (PDF, DOCX, Markdown, HTML, text), made at test time.

Nothing binary is committed: every test builds what it needs in `tmp_path`. The builders are
plain functions so benchmarks can reuse them (for example `build_long_pdf` for parse speed).
"""

from __future__ import annotations

import io
from pathlib import Path

# Unique tokens let tests find "the block that holds X" without depending on layout details.
PAGE1_TOKEN = "KESTREL17"
TABLE_TOKEN = "TBLTOKEN77"
PAGE3_TOKEN = "ZEBRA42"
PDF_TITLE = "X200 Pump Service Manual"


def _styles():
    from reportlab.lib.styles import getSampleStyleSheet

    return getSampleStyleSheet()


def _grid_table(rows):
    from reportlab.lib import colors
    from reportlab.platypus import Table, TableStyle

    return Table(rows, style=TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))


def _picture_flowable():
    """A raster image with no text: stands in for a scanned page."""
    from PIL import Image as PILImage
    from reportlab.platypus import Image

    img = PILImage.new("RGB", (120, 160), (200, 200, 200))
    for x in range(20, 100):
        img.putpixel((x, 80), (0, 0, 0))
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    buf.seek(0)
    return Image(buf, width=240, height=320)


def build_manual_pdf(path: Path, outline: bool = False) -> Path:
    """A 4-page service manual.

    Page 1: headings "1 Safety" / "1.1 Electrical Hazards", paragraphs, a bullet list.
    Page 2: heading "2 Specifications", a ruled table (holds TABLE_TOKEN), a paragraph.
    Page 3: heading "3 Maintenance", a paragraph with PAGE3_TOKEN and a hyphenated line break.
    Page 4: an image only (no text layer), like a scanned page.
    With `outline=True` the PDF also carries bookmarks for the headings.
    """
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate

    ss = _styles()
    h1, h2, body, bullet = ss["Heading1"], ss["Heading2"], ss["BodyText"], ss["Bullet"]

    class Doc(SimpleDocTemplate):
        def afterFlowable(self, flowable):  # reportlab calls this hook by name
            if not outline or not isinstance(flowable, Paragraph):
                return
            style = flowable.style.name
            if style in ("Heading1", "Heading2"):
                text = flowable.getPlainText()
                key = f"h{id(flowable)}"
                self.canv.bookmarkPage(key)
                self.canv.addOutlineEntry(text, key, level=0 if style == "Heading1" else 1)

    story = [
        Paragraph("1 Safety", h1),
        Paragraph(
            f"Read this manual before installing the pump {PAGE1_TOKEN}. "
            + "Always disconnect the power supply before opening the housing. " * 6,
            body,
        ),
        Paragraph("1.1 Electrical Hazards", h2),
        Paragraph("The controller holds a charge for five minutes after switch-off. " * 5, body),
        Paragraph("Wear insulated gloves.", bullet, bulletText="\u2022"),
        Paragraph("Use a rated voltage tester.", bullet, bulletText="\u2022"),
        PageBreak(),
        Paragraph("2 Specifications", h1),
        Paragraph("The table below lists the rated values of the X200.", body),
        _grid_table(
            [
                ["Parameter", "Value", "Unit"],
                ["Supply voltage", "230", "V"],
                ["Flow rate", "12", "l/min"],
                ["Code", TABLE_TOKEN, "-"],
            ]
        ),
        Paragraph("Values apply at an ambient temperature of 20 degrees.", body),
        PageBreak(),
        Paragraph("3 Maintenance", h1),
        Paragraph(
            f"Inspect the impeller {PAGE3_TOKEN} every 500 hours. The seal must be checked "
            "during routine mainte-<br/>nance of the pump, and replaced when worn.",
            body,
        ),
        PageBreak(),
        _picture_flowable(),
    ]
    Doc(str(path), pagesize=A4, title=PDF_TITLE).build(story)
    return path


def build_long_pdf(path: Path, pages: int = 300, tables: bool = False) -> Path:
    """A long text PDF for speed tests: a heading and several paragraphs per page.

    With `tables=True` every page also carries a small ruled table.
    """
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate

    ss = _styles()
    sentence = "The pressure relief valve opens at six bar and must be tested every quarter. "
    story = []
    for n in range(1, pages + 1):
        story.append(Paragraph(f"{n} Chapter {n}", ss["Heading1"]))
        for k in range(4):
            story.append(Paragraph(f"Paragraph {k} of page {n}. " + sentence * 5, ss["BodyText"]))
        if tables:
            story.append(_grid_table([["Item", "Value"], [f"P{n}", "6 bar"], ["T", "20 C"]]))
        story.append(PageBreak())
    SimpleDocTemplate(str(path), pagesize=A4, title="Long manual").build(story)
    return path


def build_encrypted_pdf(src: Path, dst: Path, password: str = "secret") -> Path:
    """Copy `src` into `dst` encrypted with a user password (so it cannot be opened without it)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(str(src)).pages:
        writer.add_page(page)
    writer.encrypt(user_password=password, owner_password=password + "-owner")
    with open(dst, "wb") as fh:
        writer.write(fh)
    return dst


def build_zero_page_pdf(path: Path) -> Path:
    """A syntactically valid PDF whose page tree is empty."""
    from pypdf import PdfWriter

    PdfWriter().write(str(path))
    return path


def build_docx(path: Path) -> Path:
    """A Word manual: title, Heading 1/2 sections, paragraphs, a bulleted list and a table."""
    import docx

    doc = docx.Document()
    doc.add_heading("Compressor C5 Manual", level=0)  # style "Title"
    doc.add_heading("Installation", level=1)
    doc.add_paragraph("Mount the compressor on a level surface ORCA11.")
    doc.add_heading("Wiring", level=2)
    doc.add_paragraph("Connect the supply cable to terminal block X1.")
    doc.add_paragraph("Check the earth connection.", style="List Bullet")
    doc.add_paragraph("Check the fuse rating.", style="List Bullet")
    table = doc.add_table(rows=3, cols=2)
    cells = [("Terminal", "Signal"), ("X1.1", "L1"), ("X1.2", "PETREL5")]
    for r, (a, b) in enumerate(cells):
        table.cell(r, 0).text = a
        table.cell(r, 1).text = b
    doc.add_paragraph("Tighten all terminals to 0.5 Nm after wiring.")
    doc.add_heading("Maintenance", level=1)
    doc.add_paragraph("Drain the condensate daily HERON9.")
    doc.save(str(path))
    return path


MARKDOWN = """\
---
title: ignored front matter
tags: [a, b]
---

# Boiler B7 Guide

Intro paragraph for the guide.

## Commissioning

Fill the system to 1.5 bar FALCON3.

### Venting

Open each radiator valve in turn.

- first item
- second item

| Code | Meaning |
|------|---------|
| E1   | Ignition failure OWL8 |
| E2   | Low pressure |

```
reset --all
```

## Servicing

Annual service text.
"""

HTML = """\
<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Chiller CH2 Manual</title>
<style>body { color: red; }</style>
<script>var junk = "SCRIPTJUNK"; function f() { return 1; }</script>
</head>
<body>
<nav><a href="/">Home</a> NAVJUNK</nav>
<h1>Chiller CH2</h1>
<p>General description of the unit.</p>
<div>Loose div text LYNX4 outside any paragraph.</div>
<h2>Alarms</h2>
<ul><li>High pressure alarm</li><li>Low flow alarm</li></ul>
<table>
<tr><th>Alarm</th><th>Action</th></tr>
<tr><td>A01</td><td>Check condenser fan MOTH6</td></tr>
</table>
<h3>Resetting</h3>
<p>Press and hold <b>RESET</b> for five seconds.</p>
<pre>menu &gt; service
  reset</pre>
<script>document.write("MORESCRIPT")</script>
</body></html>
"""

TEXT = """\
PUMP P1 QUICK GUIDE

1 Installation
Place the pump on a flat floor.
Keep 30 cm clearance around it.

1.1 Electrical connection
Connect to a 230 V socket MARTEN2.

Wiring notes
------------

Use copper wire only.
"""
