"""A spec-table row as the direct answer in the app (offscreen): the row under its table's headers,
and opening it shows its PDF page with the row's box highlighted."""

from __future__ import annotations

from PySide6.QtCore import Qt

from assistant.rag import spec_answer
from assistant.rag.answer import Answer
from assistant.rag.turn import Turn
from tests.ui.conftest import wait_ready

QUESTION = "fan bolt torque of the HX-400"


def _row_turn(session, text: str, source: str, state: str = "done") -> tuple[Turn, spec_answer.SpecMatch]:
    """The demo-like question a row answers, as a turn whose answer (when done) is `text`."""
    match = spec_answer.lookup(session.db, QUESTION)
    passages = spec_answer.with_row_passage(match, [])
    turn = Turn(QUESTION, state=state, passages=passages, direct=spec_answer.direct(match, passages),
                spec_rows=[r.to_json() for r in match.rows], text=text)
    if state == "done":
        turn.answer = Answer(text, False, [], [], "test", {}, source)
    return turn, match


def _show(w, turn: Turn):
    """Show `turn` on the Ask page; its view."""
    w.ask.turns.append(turn)
    w.ask.show_turn(turn)
    return w.ask.turn_view


def test_spec_row_answer_shows_the_row_and_opens_it_highlighted(qtbot, make_window, library, session):
    turn, match = _row_turn(session, "24 Nm [1].", "none")
    assert match.row is not None and match.row.cells == ["Fan bolt torque", "24 Nm"]
    w = make_window()
    wait_ready(qtbot, w)
    w.go("ask")
    tv = _show(w, turn)
    qtbot.waitUntil(tv.direct.isVisible, timeout=5_000)
    assert tv.direct.isVisible() and tv.direct_text.text() == "Fan bolt torque — Value: 24 Nm"
    table = tv.spec_table
    assert table.isVisible() and table.columnCount() == 2
    assert [table.horizontalHeaderItem(i).text() for i in range(2)] == ["Item", "Value"]
    assert [table.item(0, i).text() for i in range(2)] == ["Fan bolt torque", "24 Nm"]
    with qtbot.waitSignal(w.viewer.page_shown, timeout=20_000) as sig:
        table.cellClicked.emit(0, 1)
    assert w.page == "viewer" and sig.args[1] == 1
    marks = w.viewer.canvas.highlights
    assert len(marks) == 1  # the row's box, one rectangle across the table
    mark = marks[0]
    size = w.viewer.canvas.page_size()
    assert mark.width() > size.width() * 0.2 and mark.height() < size.height() * 0.05
    # The direct answer's page link opens the same row.
    w.go("ask")
    with qtbot.waitSignal(w.ask.open_source, timeout=5_000) as opened:
        tv.direct_where.click()
    assert opened.args[0].boxes and opened.args[0].page == 1
    # A question with no row: the table stays hidden.
    plain = Turn("what is the weather", state="done", text="Not found.")
    plain.answer = Answer("Not found.", True, [], [], "test", {}, "none")
    tv = _show(w, plain)
    assert not tv.spec_table.isVisible()
    assert Qt.TextFormat.PlainText == tv.direct_text.textFormat()


def test_an_answer_that_repeats_the_row_is_shown_once(qtbot, make_window, library, session):
    """The 0.5B's answer primed with the row (answer.SPEC_ROW) is often the row alone: the answer
    card shows the row as the manual's line and says why no prose follows, and Read aloud says it once."""
    said = "Fan bolt torque — Value: 24 Nm [1]"
    turn, _ = _row_turn(session, said, "model")
    direct = turn.direct
    assert said == f"{direct.text} [1]"
    w = make_window()
    wait_ready(qtbot, w)
    w.go("ask")
    tv = _show(w, turn)
    qtbot.waitUntil(tv.direct.isVisible, timeout=5_000)
    assert tv.direct_text.text() == direct.text
    assert tv.answer.text() == "" and not tv.answer.isVisible()  # no empty line's height above the note
    assert "repeated the manual's line" in tv.note.text() and tv.note.isVisible()
    assert tv.speech_text() == direct.text
    # An answer that adds to the row shows what it adds, without its copy of the row shown above it.
    tv = _show(w, _row_turn(session, f"{said}. Use a torque wrench [1].", "model")[0])
    assert "torque wrench" in tv.answer.text() and "repeated" not in tv.note.text()
    assert "24 Nm" not in tv.answer.text() and tv.speech_text() == f"{direct.text} Use a torque wrench."
    qtbot.waitUntil(tv.answer.isVisible, timeout=5_000)
    # While it streams in, a copy of the row is not shown (only to be hidden when done); what says more is.
    streaming, _ = _row_turn(session, direct.text[:20], "model", state="writing")
    tv = _show(w, streaming)
    tv.update_text()
    assert tv.answer.text() == ""
    streaming.text = f"{direct.text} [1]. Use a torque wrench"
    tv.update_text()
    assert "torque wrench" in tv.answer.text() and "24 Nm" not in tv.answer.text()


def test_a_table_of_long_cells_fits_the_answer_card(qtbot, make_window, session):
    # The RTU-45's alarm row (code, alarm, cause, action, reset) under "What does E-12 mean?": sized to
    # their contents, the long cells pushed every column but the code past the card's edge.
    from assistant import demo
    from assistant.library import ingest
    from assistant.rag import answer

    assert not ingest.run(session.db, session.embedder, [demo.demo_dir()]).failed
    question = "What does E-12 mean?"
    got = answer.retrieve(session.db, session.embedder, question, session.settings)
    direct = answer.direct_answer(question, got, session.embedder)
    assert direct is not None and direct.kind == "spec_row"
    turn = Turn(question, state="done", passages=got.res.passages, direct=direct,
                spec_rows=[r.to_json() for r in got.spec.rows], text="Replace the filters [1].")
    turn.answer = Answer(turn.text, False, [], [], "test", {}, "model")
    w = make_window()
    w.resize(1280, 800)
    wait_ready(qtbot, w)
    w.go("ask")
    tv = _show(w, turn)
    table = tv.spec_table
    qtbot.waitUntil(table.isVisible, timeout=5_000)
    assert table.columnCount() == 5 and table.item(0, 0).text() == "E12"
    used = sum(table.columnWidth(j) for j in range(table.columnCount()))
    assert used <= table.viewport().width() + 2, (used, table.viewport().width())
    assert not table.horizontalScrollBar().isVisible()
    # the code keeps its width; the long cells wrap in the room left
    assert table.columnWidth(0) < table.columnWidth(3)


def test_a_table_row_read_from_a_passage_shows_as_a_table(qtbot, make_window, library, session):
    # The line finder reads a passage's table row under its header line ("Parameter | Value" /
    # "Impeller | ... 218 mm"); the card showed it as two lines of pipes.
    from assistant.rag.direct import Direct
    from assistant.rag.search import search

    passages = search(session.db, session.embedder, QUESTION, k=3).passages
    p = passages[0]
    text = "Parameter | Value\nImpeller | Closed, bronze CuSn10, diameter 218 mm"
    direct = Direct(text, 1, p.manual, p.path, p.page, p.section, p.chunk_id, 0.6)
    turn = Turn("What is the impeller diameter?", state="done", passages=passages, direct=direct, text="218 mm [1].")
    turn.answer = Answer("218 mm [1].", False, [], [], "test", {}, "model")
    w = make_window()
    wait_ready(qtbot, w)
    w.go("ask")
    tv = _show(w, turn)
    qtbot.waitUntil(tv.direct.isVisible, timeout=5_000)
    table = tv.spec_table
    assert table.isVisible() and not tv.direct_text.isVisible()
    assert [table.horizontalHeaderItem(i).text() for i in range(2)] == ["Parameter", "Value"]
    assert [table.item(0, i).text() for i in range(2)] == ["Impeller", "Closed, bronze CuSn10, diameter 218 mm"]
    assert tv.speech_text() == "Impeller — Value: Closed, bronze CuSn10, diameter 218 mm 218 mm."  # no pipes said
    with qtbot.waitSignal(w.ask.open_source, timeout=5_000) as opened:  # a click opens the passage
        table.cellClicked.emit(0, 0)
    assert opened.args[0].text == text and opened.args[0].n == 1
    # A sentence stays text, and the table goes.
    w.go("ask")
    turn2 = Turn("q", state="done", passages=passages, text="x",
                 direct=Direct("Tighten the nut to 38 Nm.", 1, p.manual, p.path, p.page, p.section, p.chunk_id, 0.6))
    turn2.answer = Answer("x", False, [], [], "test", {}, "model")
    tv = _show(w, turn2)
    qtbot.waitUntil(tv.direct_text.isVisible, timeout=5_000)
    assert tv.direct_text.isVisible() and tv.direct_text.text() == "Tighten the nut to 38 Nm." and not tv.spec_table.isVisible()



def test_passage_rows_read_the_stored_table_form():
    # as direct._table_rows reads a stored table: an empty edge cell counts, a Markdown line with outer
    # pipes is no table (the review found "| A41" and "cowl. |" shown and read aloud)
    from ui.chat.spec_rows import passage_rows, spoken_row

    rows = passage_rows(" | Min | Max\nTemp | 0 | 40")
    assert rows[0]["headers"] == ["", "Min", "Max"] and spoken_row(rows[0]) == "Temp — Min: 0; Max: 40"
    rows = passage_rows("When | Task | Notes\nEvery 6 months | Check the cowl. | ")
    assert rows[0]["cells"] == ["Every 6 months", "Check the cowl.", ""]
    assert spoken_row(rows[0]) == "Every 6 months — Task: Check the cowl."
    assert passage_rows("| Code | Meaning |\n| A41 | Hot |") is None
    assert passage_rows("Tighten the nut to 38 Nm.") is None
