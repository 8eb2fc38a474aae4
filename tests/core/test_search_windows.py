"""The middle grain of search: each passage with its neighbours' text (`pages.windows`, the
chunk_windows table of migration m015, `search.WINDOW_MODE`)."""

from __future__ import annotations

from assistant import db as dbmod
from assistant.library import ingest
from assistant.library.pages import windows
from assistant.rag import search as searchmod
from assistant.rag.search import search
from tests.core.old_library import library_at

FILLER = ("The board outline is drawn on the edge cuts layer and the design rules are checked before "
          "the fabrication files are written. ")


def test_a_passages_window_holds_its_neighbours_on_its_page_once():
    chunks = [
        (1, 3, "A", "first\n\nsecond"), (2, 3, "A > B", "second\n\nthird"),  # "second": the overlap
        (3, 3, "A > B", "third\n\nfourth"), (4, 4, "A > B", "fifth"),  # page 4: not a neighbour
        (5, None, "X", "x1"), (6, None, "Y", "y1"),  # sections without pages: one each
    ]
    assert list(windows(chunks)) == [
        (1, "A", "first\n\nsecond", "third"),
        (2, "A > B", "second\n\nthird", "first\n\nfourth"),
        (3, "A > B", "third\n\nfourth", "second"),
        (4, "A > B", "fifth", ""),
        (5, "X", "x1", ""), (6, "Y", "y1", ""),
    ]
    assert list(windows(chunks, radius=2))[0] == (1, "A", "first\n\nsecond", "third\n\nfourth")
    # Only short passages get a context when asked: the others stand alone.
    assert [c for *_, c in windows(chunks[:3], short=2)] == ["", "", ""]


def _zones_section() -> list[str]:
    """One long section, as KiCad's "Working with zones": the warning that answers holds only
    "nets" of the question's words; the passage before it is about copper pours; two other passages of
    the same section, shorter, also say "nets" (so passage by passage they rank above it, and the
    page grain cannot tell them apart: they share its page)."""
    return [
        "Net classes group nets that share design rules. " + FILLER,
        FILLER * 2,
        "Nets are listed in the net inspector. " + FILLER,
        FILLER * 2,
        "Copper pours fill an area with copper. A pour is refilled after each edit. " + FILLER,
        "Warning: overlapping areas on separate nets are joined in the fabricated board. " + FILLER,
        FILLER * 2,
    ]


def test_an_old_library_gets_windows_and_a_short_passage_is_found_by_its_neighbours_words(tmp_path, monkeypatch):
    path = tmp_path / "library.sqlite3"
    old = library_at(path, dbmod.MIGRATIONS.index(dbmod.m015_chunk_windows))
    old.execute("INSERT INTO manuals(id, path, title, format, content_hash, size_bytes)"
                " VALUES (1, '/m/pcbnew.html', 'Pcbnew', 'html', 'h', 1)")
    texts = _zones_section()
    for i, text in enumerate(texts, start=1):
        old.execute("INSERT INTO chunks(id, manual_id, ord, page, section, kind, text, char_start, char_end)"
                    " VALUES (?, 1, ?, NULL, 'Pcbnew > Working with zones', 'text', ?, 0, 1)", (i, i, text))
    from assistant.library import pages
    pages.store(old, 1, ((None, "Pcbnew > Working with zones", t) for t in texts))
    old.close()

    db = dbmod.connect(path)  # m015 builds the windows from the stored passages
    try:
        assert db.execute("PRAGMA user_version").fetchone()[0] == len(dbmod.MIGRATIONS)
        assert db.execute("SELECT count(*) FROM chunk_windows").fetchone()[0] == len(texts)
        db.execute("INSERT INTO chunk_windows_fts(chunk_windows_fts) VALUES ('integrity-check')")
        query = "copper pours on nets"
        warning = 6
        top = [p.chunk_id for p in search(db, None, query, k=3).passages]
        assert warning in top
        # Without the middle grain the shorter passages that say "nets" alone stay above it.
        monkeypatch.setattr(searchmod, "WINDOW_MODE", "off")
        assert warning not in [p.chunk_id for p in search(db, None, query, k=3).passages]
        # A deleted passage leaves the window index too (passages are deleted with their manual:
        # its neighbours' windows go with them).
        joined = "SELECT count(*) FROM chunk_windows_fts WHERE chunk_windows_fts MATCH 'text : joined'"
        assert db.execute(joined).fetchone()[0] == 1
        db.execute("DELETE FROM chunks WHERE id = ?", (warning,))
        assert db.execute(joined).fetchone()[0] == 0
        db.execute("INSERT INTO chunk_windows_fts(chunk_windows_fts) VALUES ('integrity-check')")
    finally:
        db.close()


def test_ingest_stores_a_manuals_windows_and_removing_it_removes_them(session, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    body = "\n\n".join(_zones_section())
    (docs / "pcbnew.md").write_text(f"# Pcbnew\n\n## Working with zones\n\n{body}\n", encoding="utf-8")
    report = ingest.run(session.db, session.embedder, [docs])
    assert not report.failed
    db = session.db
    ids = [r[0] for r in db.execute("SELECT id FROM chunks ORDER BY id")]
    assert len(ids) >= 3
    assert [r[0] for r in db.execute("SELECT id FROM chunk_windows ORDER BY id")] == ids
    # A passage's context holds its neighbour's words: the warning's window names the pours.
    hit = db.execute("SELECT rowid FROM chunk_windows_fts WHERE chunk_windows_fts MATCH 'context : pours'").fetchall()
    assert any("separate nets" in db.execute("SELECT text FROM chunks WHERE id = ?", (r[0],)).fetchone()[0]
               for r in hit)
    assert ingest.remove(db, str(docs / "pcbnew.md"))
    assert db.execute("SELECT count(*) FROM chunk_windows").fetchone()[0] == 0
    db.execute("INSERT INTO chunk_windows_fts(chunk_windows_fts) VALUES ('integrity-check')")
