"""The desktop app end to end (offscreen): asking, citations, the viewer, stop, the library, first run."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QToolButton

from assistant import llm
from assistant.rag import prompt_cache
from assistant.rag.answer import Answer, Citation
from assistant.rag.turn import Turn
from tests.ui.conftest import wait_ready
from ui.chat.cards import CitationCard, SafetyBanner


def test_window_shows_before_the_model_has_loaded(qtbot, make_window, library, monkeypatch):
    release = threading.Event()
    real_load = llm.load

    def slow_load(*a, **kw):
        release.wait(30)
        return real_load(*a, **kw)

    monkeypatch.setattr(llm, "load", slow_load)
    try:
        w = make_window()
        qtbot.waitUntil(lambda: w.services.model_state == "loading", timeout=5_000)
        assert w.isVisible()
        assert "Loading" in w.model_status.text.text()
        assert not w.is_ready
        # The library is browsable and the question box usable while the model loads.
        qtbot.waitUntil(lambda: w.services.library_loaded, timeout=10_000)
        assert w.library.model.rowCount() == len(list(library.iterdir()))
        qtbot.keyClicks(w.ask.box, "seal kit")
        assert w.ask.box.text() == "seal kit"
    finally:
        release.set()
    wait_ready(qtbot, w)
    assert w.services.model_state == "ready"
    assert "SmolLM2" in w.model_status.text.text()
    # Loading read the answer prompt's fixed opening into the model's cache, for the first question.
    chat = w.services.session.chat()
    assert chat._llm.input_ids[: chat._llm.n_tokens].tolist() == prompt_cache.opening(chat)


def test_asking_streams_an_answer_with_citation_cards(qtbot, make_window, library, monkeypatch):
    monkeypatch.setenv("FIELD_ASSISTANT_MAX_ANSWER_TOKENS", "64")  # long enough to stream in several batches
    w = make_window()
    wait_ready(qtbot, w)
    seen_during_stream = []
    w.ask.box.setText("What torque for the impeller nut on the ZX-9 pump?")
    qtbot.keyClick(w.ask.box, Qt.Key.Key_Return)
    turn = w.ask.current
    assert turn is not None and turn.busy and w.ask.stop_button.isVisible()
    turn.job.progress.connect(lambda batch: seen_during_stream.append(
        (sum(ev.kind == "token" for ev in batch), w.ask.turn_view.answer.text())))
    qtbot.waitUntil(lambda: not turn.busy, timeout=120_000)
    assert turn.state == "done", turn.error
    a = turn.answer
    assert not a.abstained and a.citations
    # The manual's own line sits at the top of the answer, as plain text, with its manual to open.
    tv = w.ask.turn_view
    assert tv.direct.isVisible() and "38 Nm" in tv.direct_text.text()
    assert tv.direct_text.textFormat() == Qt.TextFormat.PlainText and "pump" in tv.direct_where.text().lower()
    # Tokens arrived in several batches and the answer grew on screen before the end.
    token_batches = [n for n, _ in seen_during_stream if n]
    assert len(token_batches) >= 2
    assert any(text for n, text in seen_during_stream if n)
    qtbot.waitUntil(lambda: w.ask.turn_view.cards_ready, timeout=5_000)
    cards = w.ask.turn_view.findChildren(CitationCard)
    assert len(cards) == len(a.citations)
    assert any("ZX-9" in c.source.manual or "38 Nm" in c.source.text for c in cards)
    passage_html = " ".join(lab.text() for c in cards for lab in c.findChildren(type(w.ask.turn_view.answer))
                            if lab.objectName() == "Passage")
    assert "background-color" in passage_html  # the question's words are highlighted
    assert w.ask.history.count() == 1
    assert w.ask.ask_button.isVisible() and not w.ask.stop_button.isVisible()
    # The warning next to the seal procedure is pinned above the answer.
    qtbot.waitUntil(lambda: w.ask.turn_view.cards_ready, timeout=5_000)
    banners = w.ask.turn_view.findChildren(SafetyBanner)
    assert any(b.property("level") == "WARNING" for b in banners)
    # (last: opening it leaves the Ask page for the viewer)
    with qtbot.waitSignal(w.ask.open_source, timeout=5_000) as opened:
        tv.direct_where.click()
    assert "38 Nm" in opened.args[0].text


def _pdf_citation(db, embedder, query: str, page: int) -> Citation:
    from assistant.rag.search import search

    p = next(p for p in search(db, embedder, query, k=5).passages if p.page == page)
    return Citation.of(1, p)


def test_clicking_a_citation_opens_the_viewer_at_that_page(qtbot, make_window, library, session):
    w = make_window()
    wait_ready(qtbot, w)
    c = _pdf_citation(session.db, session.embedder, "PAGETWOBRAVO compressor mounting bolts", 2)
    turn = Turn("compressor bolts?", state="done", passages=[c], text="Tighten them to 31 Nm [1].")
    turn.answer = Answer("Tighten them to 31 Nm [1].", False, [c], [], "test", {}, "model")
    w.ask.turns.append(turn)
    w.ask.show_turn(turn)
    qtbot.waitUntil(lambda: w.ask.turn_view.cards_ready, timeout=5_000)
    card = w.ask.turn_view.findChildren(CitationCard)[0]
    with qtbot.waitSignal(w.viewer.page_shown, timeout=20_000) as sig:
        qtbot.mouseClick(card, Qt.MouseButton.LeftButton)
    assert w.page == "viewer"
    assert sig.args == [c.path, 2]
    assert w.viewer.page_label.text() == "Page 2 of 3"
    assert w.viewer.canvas.image is not None and w.viewer.canvas.highlights  # the passage is marked
    # Next page: no highlight there; zoom changes the rendered size.
    with qtbot.waitSignal(w.viewer.page_shown, timeout=20_000) as sig:
        w.viewer.next.click()
    assert sig.args[1] == 3 and not w.viewer.canvas.highlights
    width = w.viewer.canvas.page_size().width()
    with qtbot.waitSignal(w.viewer.page_shown, timeout=20_000):
        w.viewer.zoom_in.click()
    assert w.viewer.canvas.page_size().width() > width
    # The answer's [1] marker opens the same place.
    w.go("ask")
    with qtbot.waitSignal(w.viewer.page_shown, timeout=20_000) as sig:
        w.ask.turn_view.answer.linkActivated.emit("cite:1")
    assert sig.args == [c.path, 2]


def test_text_manual_opens_at_the_cited_section(qtbot, make_window, library, session):
    from assistant.rag.search import search

    w = make_window(start=False)
    p = next(p for p in search(session.db, session.embedder, "E52 motor overtemperature", k=5).passages
             if p.path.endswith("alarms.html"))
    from ui.chat.cards import Source

    with qtbot.waitSignal(w.viewer.page_shown, timeout=20_000):
        w.open_source(Source.of(p, 1), ["e52"])
    assert w.viewer.stack.currentIndex() == 2
    html = w.viewer.doc.toHtml()
    assert 'name="cited"' in html
    assert "motor cool for 20 minutes" in html


def test_stop_cancels_generation_at_once(qtbot, make_window, library, monkeypatch):
    monkeypatch.setenv("FIELD_ASSISTANT_MAX_ANSWER_TOKENS", "400")
    w = make_window()
    wait_ready(qtbot, w)
    turn = w.ask.ask("Describe the seal replacement procedure of the ZX-9 pump in detail.")
    qtbot.waitUntil(lambda: bool(turn.text), timeout=120_000)
    qtbot.mouseClick(w.ask.stop_button, Qt.MouseButton.LeftButton)
    # At once: the click itself stopped the turn, before the event loop ran again (the latency in
    # milliseconds is bench/gui_bench.py's to measure, not a shared CI machine's to assert).
    assert turn.state == "stopped" and not w.ask.busy
    assert w.ask.ask_button.isVisible() and not w.ask.stop_button.isVisible()
    text_at_stop = turn.text
    with qtbot.waitSignal(turn.job.finished, timeout=60_000):
        pass
    assert turn.job.state == "cancelled"  # the worker stopped generating, not finished the answer
    assert turn.text == text_at_stop  # nothing appended after Stop
    assert "stopped" in w.ask.turn_view.note.text().lower()
    qtbot.waitUntil(lambda: not w.services.workers.busy("llm"), timeout=1_000)  # free for the next question


def test_bad_file_shows_its_error_and_the_library_stays_usable(qtbot, make_window, library, tmp_path):
    w = make_window()
    wait_ready(qtbot, w)
    w.go("library")
    bad = tmp_path / "broken.pdf"
    bad.write_text("<html>this is not a pdf</html>")
    good = tmp_path / "chiller.md"
    good.write_text("# Chiller CH-7\n\n## Refrigerant\n\nThe CH-7 holds 3.1 kg of R-454B.\n")
    job = w.library.add([str(bad), str(good)])
    with qtbot.waitSignal(job.finished, timeout=60_000):
        pass
    n = len(list(library.iterdir()))
    qtbot.waitUntil(lambda: w.library.model.rowCount() == n + 1, timeout=10_000)
    assert w.library.errors_card.isVisible()
    item = w.library.errors.item(0).text()
    assert "broken.pdf" in item and "not a PDF" in item
    assert w.library.add_files.isEnabled()
    # Still usable: search (through an answer) finds the new manual.
    turn = w.ask.ask("How much R-454B refrigerant does the CH-7 hold?")
    qtbot.waitUntil(lambda: not turn.busy, timeout=120_000)
    assert any("3.1 kg" in p.text for p in turn.passages)
    # Remove it again.
    rows = [i for i, m in enumerate(w.library.model.manuals) if m["path"] == str(good)]
    w.library.table.selectRow(w.library.proxy.mapFromSource(w.library.model.index(rows[0], 0)).row())
    job = w.library._remove([str(good)])
    with qtbot.waitSignal(job.finished, timeout=10_000):
        pass
    qtbot.waitUntil(lambda: w.library.model.rowCount() == n, timeout=10_000)


@pytest.mark.no_models
def test_first_run_explains_what_to_do(qtbot, make_window):
    w = make_window()
    wait_ready(qtbot, w)
    assert w.services.model_state == "missing"
    assert w.ask.library_notice.isVisible() and "library is empty" in w.ask.library_notice.text.text()
    assert w.ask.model_notice.isVisible() and "No chat model" in w.ask.model_notice.text.text()
    assert w.library.stack.currentIndex() == 1  # the drop zone
    # Asking anyway gives a clear message, not a traceback, and the app goes on.
    turn = w.ask.ask("pump torque")
    qtbot.waitUntil(lambda: not turn.busy, timeout=30_000)
    assert turn.state in ("done", "failed")
    shown = w.ask.turn_view.notice.text.text() if w.ask.turn_view.notice.isVisible() else turn.text
    assert "Traceback" not in shown and shown


def test_controls_have_accessible_names(qtbot, make_window, library):
    w = make_window()
    wait_ready(qtbot, w)
    for page in ("ask", "viewer", "library"):
        w.go(page)
        for b in w.findChildren(QPushButton) + w.findChildren(QToolButton):
            if b.isVisible():
                assert b.accessibleName() or b.text(), b
    # Keyboard: Ctrl+3 goes to the library, Ctrl+1 back to the question box.
    qtbot.keyClick(w, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert w.page == "library"
    qtbot.keyClick(w, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert w.page == "ask"


def test_unhandled_exception_is_logged_and_shown(qtbot, make_window, home, caplog):
    from PySide6.QtWidgets import QMessageBox

    from ui.app import ErrorReporter

    w = make_window(start=False)
    reporter = ErrorReporter(lambda: w)
    try:
        raise RuntimeError("boom")
    except RuntimeError as e:
        reporter.hook(type(e), e, e.__traceback__)
    qtbot.waitUntil(lambda: any(isinstance(b, QMessageBox) and b.isVisible() for b in w.findChildren(QMessageBox)),
                    timeout=5_000)
    box = next(b for b in w.findChildren(QMessageBox) if b.isVisible())
    assert "boom" in box.text()
    assert "boom" in caplog.text
    box.accept()
    assert w.isVisible()


def test_close_cancels_work_and_returns_within_a_second(qtbot, make_window, library, monkeypatch):
    monkeypatch.setenv("FIELD_ASSISTANT_MAX_ANSWER_TOKENS", "400")
    w = make_window()
    wait_ready(qtbot, w)
    turn = w.ask.ask("Describe the seal replacement procedure of the ZX-9 pump in detail.")
    qtbot.waitUntil(lambda: bool(turn.text), timeout=120_000)
    w.close()  # cancels everything and waits up to 0.8 s (app.run then exits even if a thread lingers)
    assert not w.isVisible()
    assert turn.job.cancel_event.is_set()
    # Generation ends at the next token; the lanes then stop (bench/gui_bench.py times it).
    assert w.shutdown(60.0)


def test_search_works_while_indexing(qtbot, make_window, library, monkeypatch):
    from assistant.library import ingest as ingestmod

    real_parse = ingestmod.parser.parse
    parsing, release = threading.Event(), threading.Event()

    def slow_parse(path, *a, **kw):  # a long manual: indexing holds until the test has its answer
        parsing.set()
        release.wait(120)
        return real_parse(path, *a, **kw)

    monkeypatch.setattr(ingestmod.parser, "parse", slow_parse)
    w = make_window()
    wait_ready(qtbot, w)
    job = w.library.add([str(library)], reindex=True)
    qtbot.waitUntil(parsing.is_set, timeout=30_000)
    turn = w.ask.ask("seal kit 55-0192-B")
    qtbot.waitUntil(lambda: bool(turn.passages) or not turn.busy, timeout=30_000)
    assert turn.passages and any("55-0192-B" in p.text for p in turn.passages)
    assert not job.done  # the answer's retrieval did not wait for indexing
    assert not w.library.progress_card.isHidden()  # shown on the Library page
    w.ask.stop()
    job.cancel()
    release.set()
