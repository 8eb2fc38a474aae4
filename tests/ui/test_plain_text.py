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


def test_the_models_markdown_is_shown_as_bold_and_steps_and_its_markup_as_text():
    from ui.chat.text import answer_html

    shown = answer_html("Steps: 1. **Open** the valve [1]. 2. Read <b>x</b> [2].", 2, "#123")
    assert "<b>Open</b>" in shown and "**" not in shown
    assert "Steps:<br>1. " in shown and "<br>2. Read" in shown
    assert "&lt;b&gt;x&lt;/b&gt;" in shown  # the model's own tags stay text
    assert 'href="cite:1"' in shown and 'href="cite:2"' in shown


def test_a_nested_lists_indent_is_shown():
    from ui.chat.text import answer_html

    shown = answer_html("1. Open the cover.\n   1. Loosen the cap. 2. Turn it.\n2. Remove the seal.", 0, "#123")
    # rich text folds leading spaces: before, the sub-steps stood at the outer steps' margin
    assert shown.split("<br>") == ["1. Open the cover.", "&nbsp;&nbsp;&nbsp;1. Loosen the cap.",
                                   "&nbsp;&nbsp;&nbsp;2. Turn it.", "2. Remove the seal."]
