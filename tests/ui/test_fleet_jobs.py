"""The current job in the app (issue 15): the answer header says which asset it is for, thumbs up/down
are stored on the device, and "Scan nameplate" reads a photo (the camera path: one clear message here,
where there is no camera)."""

from __future__ import annotations

import numpy as np
import zxingcpp
from PIL import Image
from PySide6.QtCore import Qt

from assistant import db as dbmod
from assistant.fleet import counters, jobs, local
from tests.fleet.depot_docs import Depot
from tests.ui.conftest import wait_ready


def _job_for_zx9():
    depot = Depot()
    conn = dbmod.connect()
    try:
        local.store_verified(conn, depot.job("j7", "ZX-9", "4711", device=local.device_id(conn)), depot.public)
        jobs.use(conn, "j7")
    finally:
        conn.close()


def test_answer_header_names_the_job_and_thumbs_are_stored(qtbot, make_window, library):
    _job_for_zx9()
    w = make_window()
    wait_ready(qtbot, w)
    turn = w.ask.ask("What torque for the impeller nut on the ZX-9 pump?")
    qtbot.waitUntil(lambda: not turn.busy, timeout=120_000)
    assert turn.state == "done", turn.error
    view = w.ask.turn_view
    # the demo pump manual names the ZX-9 in its title: the answer is scoped to it
    assert view.job_label.isVisible() and view.job_label.text() == "for ZX-9 s/n 4711"
    assert view.thumb_up.isVisible() and view.thumb_down.isVisible()
    qtbot.mouseClick(view.thumb_down, Qt.MouseButton.LeftButton)
    assert not view.thumb_up.isVisible() and not view.thumb_down.isEnabled()

    def stored():
        conn = dbmod.connect()
        try:
            return counters.feedback(conn)
        finally:
            conn.close()

    qtbot.waitUntil(lambda: len(stored()) == 1, timeout=10_000)
    (fb,) = stored()
    assert fb["thumb"] == -1 and fb["question"] == turn.question
    assert fb["citations"] == [{"manual": c.manual, "page": c.page, "section": c.section}
                               for c in turn.answer.citations]


def test_scan_nameplate_from_a_photo_and_no_camera(qtbot, make_window, library, tmp_path):
    _job_for_zx9()
    w = make_window(start=False)
    code = zxingcpp.create_barcode("model=ZX-9;serial=4711", zxingcpp.BarcodeFormat.QRCode)
    photo = tmp_path / "plate.png"
    Image.fromarray(np.asarray(code.to_image(scale=5))).save(photo)
    conn = dbmod.connect()
    jobs.use(conn, None)
    conn.close()
    with qtbot.waitSignal(w.scanner.scanned, timeout=20_000) as sig:
        w.scanner.scan(str(photo))
    assert sig.args[0].job["id"] == "j7"
    with qtbot.waitSignal(w.scanner.message, timeout=5_000) as sig:
        w.scanner.capture()  # CI has no camera
    assert sig.args == ["No camera found on this device: choose a photo of the nameplate instead."]
    with qtbot.waitSignal(w.scanner.message, timeout=20_000) as sig:
        w.scanner.scan(str(tmp_path / "missing.jpg"))
    assert "cannot read missing.jpg as an image" in sig.args[0]
