"""A passage read by OCR says so on its source card, so a technician checks the page image."""

from __future__ import annotations

from assistant.rag.answer import Citation
from ui.chat.cards import CitationCard, Source


def test_source_card_says_read_by_ocr(qtbot):
    cited = Citation(1, "Pump bulletin", "/m/bulletin.pdf", 2, "", "Connect the brown wire to L1.", 7, 0, 29,
                     ocr=True, ocr_confidence=0.93)
    card = CitationCard(Source.of(cited), ["brown"])
    qtbot.addWidget(card)
    assert card.source.ocr and "Read by OCR" in card.ocr_note.text() and "93%" in card.ocr_note.text()

    text_page = Citation(2, "Pump manual", "/m/manual.pdf", 3, "", "Torque to 12 Nm.", 8, 0, 16)
    plain = CitationCard(Source.of(text_page), [])
    qtbot.addWidget(plain)
    assert not hasattr(plain, "ocr_note")


def test_an_image_manual_opens_in_the_viewer_with_the_passage_marked(qtbot, make_window, session, tmp_path):
    from assistant.library import ingest
    from assistant.rag.search import search
    from tests.core import scans

    text_pdf = scans.build_text_pdf(tmp_path / "original.pdf", scans.PAGES[1:2])
    photo = scans.save_png(tmp_path / "wiring.png", scans.render_pages(text_pdf, 150)[0])
    assert ingest.run(session.db, session.embedder, [photo]).added
    hit = search(session.db, session.embedder, "ferrite ring sensor cable", k=1).passages[0]
    assert hit.path == str(photo) and hit.ocr

    w = make_window(start=False)
    with qtbot.waitSignal(w.viewer.page_shown, timeout=30_000) as sig:
        w.open_source(Source.of(hit, 1), ["ferrite"])
    assert sig.args == [str(photo), 1]
    assert w.viewer.page_label.text() == "Page 1 of 1"
    assert w.viewer.canvas.image is not None and w.viewer.canvas.highlights
