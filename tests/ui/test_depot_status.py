"""The depot's state in the main window's status bar (issue 15), driven by real depot rounds: the admin
publishes with the real `field-assistant depot` code to a real pouchdb-server, the app's SyncService
runs its rounds on the `sync` lane, and the real indicator widget shows each state in turn."""

from __future__ import annotations

import json
import re

import httpx
import pytest
from PySide6.QtCore import Qt

from assistant import settings as settingsmod
from assistant.cli import main
from assistant.depot import format as fmt
from tests.ui.conftest import wait_ready


@pytest.fixture
def pouch(tmp_path):
    from tests.sync.conftest import PouchServer

    server = PouchServer(tmp_path / "pouch").start()
    yield server
    server.stop()


def admin(capsys, *args: str) -> dict:
    """One `field-assistant depot ...` command, as the depot admin runs it."""
    capsys.readouterr()
    assert main(["depot", *args, "--json"]) == 0, capsys.readouterr().err
    return json.loads(capsys.readouterr().out)


def manual_file(tmp_path, rev: str):
    path = tmp_path / "pump.md"
    body = f"# Pump manual, revision {rev}\n\n## Impeller\n\nTighten the impeller nut to 45 Nm.\n"
    body += "".join(f"\n## Inspection {i}\n\nRecord of inspection interval {i} for the pump series, "
                    f"with the seal and the bearings checked and the result written down.\n" for i in range(400))
    path.write_text(body)
    return path


def wait_state(qtbot, w, state: str) -> None:
    try:
        qtbot.waitUntil(lambda: w.depot_status.state == state, timeout=120_000)
    except Exception as e:  # say where it stopped instead
        raise AssertionError(f"never {state}: the indicator reads {w.depot_status.text()!r} "
                             f"({w.depot_status.details!r}); service: {w.sync.service.status!r}") from e


def texts_of(indicator) -> list[str]:
    seen = [indicator.text()]
    indicator.changed.connect(seen.append)
    return seen


def test_not_set_up_says_how_to_set_it_up(qtbot, make_window):
    w = make_window()
    wait_ready(qtbot, w)
    assert w.depot_status.text() == "Depot not set up"
    w.depot_status.click()
    box = w.depot_status.dialog
    assert box is not None and box.isVisible() and "--depot-key" in box.informativeText()
    box.close()


def test_depot_states_through_real_rounds(qtbot, make_window, pouch, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")  # the admin key in a file
    public = admin(capsys, "init", "--server", pouch.url)["public_key"]
    admin(capsys, "publish-manual", str(manual_file(tmp_path, "A")), "--revision", "A", "--name", "pump")
    settingsmod.save(sync_url=pouch.url, sync_db="ui-depot-notes", depot_key=public)

    w = make_window()
    seen = texts_of(w.depot_status)
    wait_ready(qtbot, w)
    wait_state(qtbot, w, "up_to_date")
    assert "Checking the depot…" in seen
    downloads = [t for t in seen if t.startswith("Downloading")]
    assert downloads and all(re.fullmatch(r"Downloading manual pump rev A, \d{1,3}%", t) for t in downloads), seen
    assert "Installing manual pump rev A…" in seen
    assert seen.index("Checking the depot…") < seen.index(downloads[0]) < seen.index("Installing manual pump rev A…")
    assert re.fullmatch(r"Depot up to date \(last checked \d\d:\d\d\)", w.depot_status.text())
    assert w.depot_status.show_details() is None  # nothing to explain: a click checks again

    # A new model that does not load on this device: proven, then rolled back, the reason one click away.
    from tests.sync.test_depot_admin import write_gguf

    gguf = write_gguf(tmp_path / "tiny.gguf", n_floats=1 << 16)
    admin(capsys, "publish-model", str(gguf), "--version", "2", "--name", "tiny")
    admin(capsys, "rollout", "model:tiny:2", "--percent", "100")
    del seen[:]
    w.sync.sync_now()
    wait_state(qtbot, w, "rolled_back")
    assert any(re.fullmatch(r"Downloading model tiny version 2, \d{1,3}%", t) for t in seen), seen
    assert "Trying the new model tiny version 2…" in seen
    assert w.depot_status.text() == "New model tiny 2 rolled back: does not load"
    qtbot.mouseClick(w.depot_status, Qt.MouseButton.LeftButton)
    box = w.depot_status.dialog
    assert box is not None and box.isVisible()
    assert "the model in use stays SmolLM2-135M-Instruct.Q4_1.gguf" in box.informativeText()
    assert "Reason: llama.cpp could not load tiny.gguf" in box.informativeText()
    assert "Copy it again or choose another model." in box.informativeText()  # the whole reason, not cut
    box.close()

    # A document changed on the server after it was signed: refused, one clear message.
    doc = httpx.get(f"{pouch.url}/{fmt.CONTENT_DB}/manual:pump:A").json()
    doc["title"] = "Pump manual (edited on the server)"
    assert httpx.put(f"{pouch.url}/{fmt.CONTENT_DB}/manual:pump:A", json=doc).status_code == 201
    w.sync.sync_now()
    wait_state(qtbot, w, "refused")
    assert w.depot_status.text() == "Depot document refused: bad signature"
    assert "manual:pump:A" in w.depot_status.details

    # The depot goes away: unreachable, with when it was last seen.
    pouch.kill()
    w.sync.sync_now()
    wait_state(qtbot, w, "unreachable")
    assert re.fullmatch(r"Depot unreachable \(last seen \d\d:\d\d\)", w.depot_status.text())


def test_a_failed_round_says_its_error_once_with_the_whole_of_it_in_the_details(qtbot, pouch, home, capsys,
                                                                                 monkeypatch):
    """A real round against a depot whose content database is gone: "Depot error: ..." (not "Depot
    error: depot: ..."), and the click shows the whole error."""
    from assistant import db as dbmod
    from assistant.notes import NoteStore
    from assistant.sync.service import SyncService
    from ui.depot_indicator import DepotIndicator

    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    public = admin(capsys, "init", "--server", pouch.url)["public_key"]
    assert httpx.delete(f"{pouch.url}/{fmt.CONTENT_DB}").status_code == 200
    settingsmod.save(sync_url=pouch.url, sync_db="ui-depot-error", depot_key=public)
    conn = dbmod.connect()
    try:
        svc = SyncService.from_settings(settingsmod.load())
        svc._round(NoteStore(conn))  # one round of the background service, on this thread
    finally:
        conn.close()
    error = svc.status.depot["error"]
    assert error.startswith("depot: ")
    ind = DepotIndicator()
    qtbot.addWidget(ind)
    ind.show_status(svc.status, configured=True)
    assert ind.state == "error"
    assert ind.text().startswith("Depot error: ") and not ind.text().startswith("Depot error: depot:"), ind.text()
    box = ind.show_details()
    assert box is not None and error in box.informativeText()
    box.close()


def test_a_rollback_stays_in_view_until_its_details_are_opened(qtbot, make_window, pouch, tmp_path, capsys,
                                                                monkeypatch):
    """Real depot rounds: a model that does not load is rolled back; the rounds after it (and a restart
    of the app) still say so beside "up to date", with the reason one click away; once the technician
    has opened the details the device forgets it and the next round reads plain "up to date"."""
    from tests.sync.test_depot_admin import write_gguf

    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    public = admin(capsys, "init", "--server", pouch.url)["public_key"]
    settingsmod.save(sync_url=pouch.url, sync_db="ui-depot-rollback", depot_key=public)
    admin(capsys, "publish-model", str(write_gguf(tmp_path / "tiny.gguf", n_floats=1 << 16)), "--version", "2",
          "--name", "tiny")
    admin(capsys, "rollout", "model:tiny:2", "--percent", "100")

    w = make_window()
    wait_ready(qtbot, w)
    wait_state(qtbot, w, "rolled_back")
    assert w.depot_status.text() == "New model tiny 2 rolled back: does not load"

    # The next round finds nothing new: up to date, and the rollback still said.
    kept = re.compile(r"Depot up to date, rolled back tiny 2 at \d\d:\d\d: does not load")
    w.sync.sync_now()
    qtbot.waitUntil(lambda: kept.fullmatch(w.depot_status.text()) is not None, timeout=120_000)
    assert w.depot_status.state == "rolled_back"

    # The app restarts: the device kept it.
    w.force_close()
    w.shutdown(10.0)
    w = make_window()
    wait_ready(qtbot, w)
    qtbot.waitUntil(lambda: kept.fullmatch(w.depot_status.text()) is not None, timeout=120_000)
    qtbot.mouseClick(w.depot_status, Qt.MouseButton.LeftButton)
    box = w.depot_status.dialog
    assert box is not None and box.isVisible()
    assert "Reason: llama.cpp could not load tiny.gguf" in box.informativeText()
    box.close()
    assert re.fullmatch(r"Depot up to date \(last checked \d\d:\d\d\)", w.depot_status.text())  # seen

    # Seen: the next round (and the next start) read plain "up to date".
    def reported(win):
        depot = win.sync.service.status.depot
        return "no round yet" if depot is None else (depot.get("models") or {}).get("last_rollback")

    before = w.sync.service.status.depot
    w.sync.sync_now()
    qtbot.waitUntil(lambda: w.sync.service.status.depot is not before and reported(w) is None, timeout=120_000)
    wait_state(qtbot, w, "up_to_date")
    assert re.fullmatch(r"Depot up to date \(last checked \d\d:\d\d\)", w.depot_status.text())
    w.force_close()
    w.shutdown(10.0)
    w = make_window()
    wait_ready(qtbot, w)
    # the depot's last report is read back at start, and a round may begin at once ("Checking the
    # depot…", seen on a slower machine): what the indicator settles on is what the device kept
    qtbot.waitUntil(lambda: reported(w) != "no round yet" and w.depot_status.state != "checking", timeout=120_000)
    assert reported(w) is None and w.depot_status.state == "up_to_date", w.depot_status.text()
