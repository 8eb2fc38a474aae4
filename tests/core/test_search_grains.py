"""Search at two grains (passages and whole pages), a manual named in the question, PDF table words."""

from __future__ import annotations

from assistant import db as dbmod
from assistant.library import ingest
from assistant.library import parse as parser
from assistant.library.pages import page_texts
from assistant.rag import search as searchmod
from assistant.rag.search import named_manuals, search
from tests.core.old_library import library_at

FILLER = ("The unit is serviced from the front panel after the mains supply is isolated and the "
          "enclosure door is opened with the supplied key. ")


def _para(word: str = "") -> str:
    text = FILLER * 6
    return f"{text}{word} {text}" if word else text


def test_page_texts_join_a_pages_passages_once():
    chunks = [
        (3, "A", "first\n\nsecond"), (3, "A > B", "second\n\nthird"),  # "second" is the overlap
        (4, "A > B", "fourth"),
        (None, "X", "x1"), (None, "X", "x2"), (None, "Y", "y1"),
    ]
    assert list(page_texts(chunks)) == [
        (3, "A", "first\n\nsecond\n\nthird"), (4, "A > B", "fourth"),
        (None, "X", "x1\n\nx2"), (None, "Y", "y1"),
    ]


def test_migration_fills_page_texts_of_a_library_stored_before_it(tmp_path):
    path = tmp_path / "old.sqlite3"
    old = library_at(path, 3)
    old.execute("INSERT INTO manuals(id, path, title, format, content_hash, size_bytes)"
                " VALUES (1, '/m.pdf', 'M', 'pdf', 'h', 1)")
    for ord_, page, text in ((0, 1, "valve seat"), (1, 1, "torque 31 Nm"), (2, 2, "drain")):
        old.execute("INSERT INTO chunks(manual_id, ord, page, section, text, char_start, char_end)"
                    " VALUES (1, ?, ?, 'S', ?, 0, 1)", (ord_, page, text))
    old.close()
    db = dbmod.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == len(dbmod.MIGRATIONS)
    rows = [tuple(r) for r in db.execute("SELECT page, text FROM page_texts ORDER BY page")]
    assert rows == [(1, "valve seat\n\ntorque 31 Nm"), (2, "drain")]
    hit = db.execute("SELECT rowid FROM page_texts_fts WHERE page_texts_fts MATCH 'seat AND torque'").fetchall()
    assert len(hit) == 1
    # Deleting the manual removes its pages from the index too.
    db.execute("DELETE FROM manuals")
    assert db.execute("SELECT count(*) FROM page_texts_fts WHERE page_texts_fts MATCH 'drain'").fetchone()[0] == 0


def _spread_library(session, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    # "Inlet strainer": the two words of the question are two passages apart in one section. The
    # other two sections, earlier in the manual, hold the very same passages with one of the
    # words each: passage by passage they tie, and only the page tells which section holds both.
    (docs / "chiller.md").write_text(
        "# Chiller service manual\n\n"
        f"## Condenser fan\n\n{_para('xylophone')}\n\n"
        f"## Drain tray\n\n{_para()}\n\n{_para('quartzite')}\n\n"
        f"## Inlet strainer\n\n{_para('xylophone')}\n\n{_para()}\n\n{_para('quartzite')}\n",
        encoding="utf-8")
    report = ingest.run(session.db, session.embedder, [docs])
    assert not report.failed
    return session


def test_words_spread_over_one_page_rank_that_page_first(session, tmp_path, monkeypatch):
    s = _spread_library(session, tmp_path)
    n = s.db.execute("SELECT count(*) FROM chunks WHERE section LIKE '%Inlet strainer'").fetchone()[0]
    assert n >= 3, "the section must span several passages for this test to mean anything"
    query = "xylophone quartzite"
    top = search(s.db, None, query, k=4).passages
    assert [p.section.rsplit(" > ", 1)[-1] for p in top[:2]] == ["Inlet strainer"] * 2
    # Without the page grain the tie goes to the earlier sections: the page is what decides.
    monkeypatch.setattr(searchmod, "PAGE_WEIGHT", 0.0)
    flat = search(s.db, None, query, k=4).passages
    assert not flat[0].section.endswith("Inlet strainer")


def test_a_manual_named_in_the_question_scopes_the_search(session, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    reset = ("To reset the controller hold the reset button for five seconds until the status lamp "
             "flashes, then release it and wait for the self test to finish.")
    (docs / "widgetron-service.md").write_text(f"# Widgetron service\n\n## Reset\n\n{reset} Widgetron.\n",
                                               encoding="utf-8")
    (docs / "pumpmaster-service.md").write_text(
        f"# Pumpmaster service\n\n## Reset\n\n{reset} Hold it longer after a firmware update.\n"
        "\n## Service interval\n\nService the pump every year.\n", encoding="utf-8")
    report = ingest.run(session.db, session.embedder, [docs])
    assert not report.failed
    named = named_manuals(session.db, ["widgetron", "reset", "service"])
    assert list(named) == ["widgetron"]  # "service" is in both file names: not a name
    for name in ("widgetron", "pumpmaster"):
        top = search(session.db, session.embedder, f"how do I reset the {name}", k=3).passages[0]
        assert name in top.path
    # A question that names no manual still finds answers anywhere.
    res = search(session.db, session.embedder, "how do I reset the controller", k=5)
    assert {p.path.rsplit("/", 1)[-1] for p in res.passages} >= {"widgetron-service.md", "pumpmaster-service.md"}


def test_words_in_tight_pdf_table_cells_keep_their_spaces(tmp_path):
    """LaTeX sets table text with gaps narrower than pdfplumber's fixed 3-point default."""
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen import canvas

    path = tmp_path / "table.pdf"
    c = canvas.Canvas(str(path), pagesize=(400, 300))
    c.setFont("Helvetica", 12)
    c.drawString(40, 260, "Independent sources: the pulse parameters below.")
    rows = [["Name", "Parameter", "Default"], ["TR", "Rise time", "TSTEP"], ["PW", "Pulse width", "TSTOP"]]
    xs, top, h = [40, 120, 280, 360], 230, 24
    for i in range(len(rows) + 1):
        c.line(xs[0], top - i * h, xs[-1], top - i * h)
    for x in xs:
        c.line(x, top, x, top - len(rows) * h)
    size = 9
    for r, row in enumerate(rows):
        for col, cell in enumerate(row):
            x = xs[col] + 4
            for word in cell.split():
                # One glyph run per word, 2.2 points apart, with no space character between.
                c.setFont("Helvetica", size)
                c.drawString(x, top - r * h - 16, word)
                x += stringWidth(word, "Helvetica", size) + 2.2
    c.showPage()
    c.save()
    tables = [b.text for b in parser.parse(path).blocks if b.kind == "table"]
    assert tables, "the ruled table must be found"
    assert "Rise time" in tables[0] and "Pulse width" in tables[0]
