"""Data is shown as text, never as HTML: a manual, note or message that looks like markup
(`<img src=...>`, `<a href=...>`) must not be rendered by Qt's rich-text auto-detection."""

from __future__ import annotations

from PySide6.QtCore import Qt

from ui.chat.cards import CitationCard, Source
from ui.widgets import ElidedLabel, Notice, Toast, label, plain_tip

HOSTILE = '<img src="file:///etc/hostname"><a href="http://203.0.113.9/">Pump manual</a>'


def test_labels_notices_and_toasts_show_markup_as_text(qtbot):
    for w in (label(HOSTILE), ElidedLabel(HOSTILE)):
        qtbot.addWidget(w)
        assert w.textFormat() == Qt.TextFormat.PlainText
    n = Notice(HOSTILE, "error")
    qtbot.addWidget(n)
    assert n.text.textFormat() == Qt.TextFormat.PlainText and n.text.text() == HOSTILE
    n.set("<b>The app's own markup</b>", "info", rich=True)  # opted in, data escaped by the caller
    assert n.text.textFormat() == Qt.TextFormat.RichText
    n.set(HOSTILE, "error")
    assert n.text.textFormat() == Qt.TextFormat.PlainText
    t = Toast(n)
    assert t.textFormat() == Qt.TextFormat.PlainText


def test_a_citation_card_of_a_hostile_manual_shows_its_title_as_text(qtbot):
    card = CitationCard(Source(1, HOSTILE, "/m/x.md", 3, "<h1>Section</h1>", "passage <script>x</script>"), ["passage"])
    qtbot.addWidget(card)
    from PySide6.QtWidgets import QLabel

    shown = [lab for lab in card.findChildren(QLabel) if HOSTILE in lab.text() or "<h1>" in lab.text()]
    assert shown and all(lab.textFormat() == Qt.TextFormat.PlainText for lab in shown)
    rich = [lab for lab in card.findChildren(QLabel) if lab.textFormat() == Qt.TextFormat.RichText]
    assert all("<script>" not in lab.text() for lab in rich)  # the passage, escaped into its highlight markup


def test_tooltips_escape_markup():
    tip = plain_tip(HOSTILE)
    assert "<img" not in tip and "&lt;img" in tip
