"""An answer whose passages hold a procedure's steps offers "Start procedure" (issue 14)."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from tests.ui.conftest import wait_ready


def _start_buttons(w) -> list[QPushButton]:
    return [b for b in w.ask.turn_view.findChildren(QPushButton) if b.text().startswith("Start procedure")]


def test_start_procedure_button_reaches_the_main_window(qtbot, make_window, library, caplog):
    w = make_window()
    wait_ready(qtbot, w)
    turn = w.ask.ask("How do I do the seal replacement on the ZX-9 pump?")
    qtbot.waitUntil(lambda: not turn.busy, timeout=120_000)
    assert turn.state == "done", turn.error
    (offer,) = turn.answer.procedures
    assert offer["title"] == "Seal replacement"
    (b,) = _start_buttons(w)
    assert "Seal replacement" in b.text() and b.isVisible()
    with caplog.at_level(logging.INFO, logger="ui.main_window"), \
            qtbot.waitSignal(w.ask.start_procedure, timeout=2_000) as sig:
        qtbot.mouseClick(b, Qt.MouseButton.LeftButton)
    assert sig.args == [offer["id"]]
    assert f"start procedure {offer['id']} requested" in caplog.text
    # Procedure mode opens on the stored procedure, warnings (or its first step) first.
    qtbot.waitUntil(lambda: w.page == "procedure" and w.procedure.run is not None, timeout=30_000)
    assert w.procedure.procedure.id == offer["id"] and w.procedure.title.full_text() == "Seal replacement"
    assert w.procedure.stack.currentIndex() in (1, 2)


def test_no_button_when_the_passages_hold_no_procedure(qtbot, make_window, library):
    w = make_window()
    wait_ready(qtbot, w)
    turn = w.ask.ask("What does alarm E47 mean?")
    qtbot.waitUntil(lambda: not turn.busy, timeout=120_000)
    assert turn.state == "done" and turn.answer.procedures == []
    assert _start_buttons(w) == []
