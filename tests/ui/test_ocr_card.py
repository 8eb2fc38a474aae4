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
