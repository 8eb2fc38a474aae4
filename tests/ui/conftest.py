"""UI test fixtures: offscreen Qt, a small library indexed once per session, windows that shut down.

The root conftest gives every test a temporary FIELD_ASSISTANT_HOME with the bundled models.
Indexing the small library costs seconds, so it is done once and its database file is copied
into each test's home.
"""

from __future__ import annotations

import json
import os
import tempfile

# Offscreen Qt, with a 1280x800 screen (the plugin's default is 800x800, smaller than any target device).
if os.environ.get("QT_QPA_PLATFORM", "offscreen") == "offscreen":
    _screens = os.path.join(tempfile.mkdtemp(prefix="fa-qpa-"), "screens.json")
    with open(_screens, "w") as f:
        json.dump({"screens": [{"name": "tablet", "x": 0, "y": 0, "width": 1280, "height": 800,
                                "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}, f)
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={_screens}"

import shutil  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from tests.core import corpus  # noqa: E402

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")

# Short answers keep the suite fast; the model, retrieval and streaming are the real ones.
TEST_ANSWER_TOKENS = "24"


@pytest.fixture(autouse=True)
def _no_system_speech_dispatcher(tmp_path, monkeypatch):
    """Read aloud talks to speech-dispatcher at SPEECHD_ADDRESS: here a socket nobody listens on,
    so no test spawns or uses the machine's own daemon (test_read_aloud.py starts a private one)."""
    monkeypatch.setenv("SPEECHD_ADDRESS", f"unix_socket:{tmp_path / 'no-speech-dispatcher.sock'}")


@pytest.fixture(scope="session")
def qapp_args():
    return ["field-assistant-tests"]


@pytest.fixture(scope="session")
def qapp_cls():
    from PySide6.QtWidgets import QApplication

    return QApplication


@pytest.fixture(scope="session", autouse=True)
def _free_models_at_exit():
    """Free llama.cpp models before interpreter teardown (its finaliser fails if left that late)."""
    yield
    import gc

    from PySide6.QtCore import QCoreApplication, QEvent

    from assistant import llm

    llm.unload_all()
    # Delete the tests' widgets while the QApplication still exists, not during interpreter teardown.
    app = QCoreApplication.instance()
    if app is not None:
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        app.processEvents()
    gc.collect()


@pytest.fixture(scope="session")
def library_template(tmp_path_factory, models_dir) -> tuple[Path, Path]:
    """(folder of manual files, a library.sqlite3 with them indexed), built once per session."""
    from assistant import paths
    from assistant.library import ingest
    from assistant.session import Session

    root = tmp_path_factory.mktemp("ui-library")
    docs = corpus.write(root / "manuals")
    home = root / "home"
    home.mkdir()
    saved = {k: os.environ.get(k) for k in ("FIELD_ASSISTANT_HOME", "FIELD_ASSISTANT_BUNDLED_MODELS")}
    os.environ["FIELD_ASSISTANT_HOME"] = str(home)
    os.environ["FIELD_ASSISTANT_BUNDLED_MODELS"] = str(models_dir)
    try:
        s = Session()
        report = ingest.run(s.db, s.embedder, [docs])
        assert not report.failed, report.failed
        s.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        s.close()
        db = paths.db_path()
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return docs, db


@pytest.fixture
def library(home, library_template) -> Path:
    """This test's home holds the small library (pump.md, alarms.html, notes.txt, heatpump.pdf)."""
    docs, db = library_template
    shutil.copy(db, home / "library.sqlite3")
    return docs


@pytest.fixture
def short_answers(monkeypatch):
    monkeypatch.setenv("FIELD_ASSISTANT_MAX_ANSWER_TOKENS", TEST_ANSWER_TOKENS)
    monkeypatch.setenv("FIELD_ASSISTANT_TOP_K", "2")  # a shorter prompt: faster first token


@pytest.fixture
def make_window(qtbot, home, short_answers):
    """Build (and show) main windows; each one is shut down at the end of the test."""
    from ui.app import build_window
    from ui.services import Services

    made = []

    def make(kiosk: bool = False, start: bool = True, show: bool = True):
        w = build_window(kiosk=kiosk, services=Services())
        made.append(w)
        if show and not kiosk:
            w.resize(1280, 800)
            w.show()
        if start:
            w.start()
        return w

    yield make
    for w in made:
        w.force_close()
        w.shutdown(2.0)
        # A prompt being evaluated cannot be interrupted: wait for it, so that the next test's
        # window never shares the (process-wide) model with a thread still using it.
        for lane in w.services.workers.lanes.values():
            for t in lane.threads:
                t.join(60)
                assert not t.is_alive(), f"{t.name} still running"
        w.deleteLater()


def wait_ready(qtbot, window, timeout: int = 60_000) -> None:
    if not window.is_ready:
        with qtbot.waitSignal(window.ready, timeout=timeout):
            pass
