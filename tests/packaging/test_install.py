"""packaging/install.sh against a fake app folder: files in place, a valid menu entry, clean uninstall."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import require_tools

ROOT = Path(__file__).resolve().parents[2]
PKG = ROOT / "packaging"


@pytest.fixture
def fake_app(tmp_path) -> Path:
    """The layout build.sh makes (dist/field-assistant), with a stand-in executable."""
    app = tmp_path / "dist with space" / "field-assistant"
    (app / "_internal").mkdir(parents=True)
    exe = app / "field-assistant"
    exe.write_text("#!/bin/sh\necho fake field-assistant \"$@\"\n")
    exe.chmod(0o755)
    shutil.copy(PKG / "field-assistant.desktop", app)
    shutil.copy(PKG / "install.sh", app)
    shutil.copytree(PKG / "icons", app / "icons")
    return app


def run_install(app: Path, home: Path, *args: str) -> subprocess.CompletedProcess:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home)}
    return subprocess.run(["bash", str(app / "install.sh"), *args], env=env, capture_output=True, text=True,
                          timeout=60)


def test_user_install_and_uninstall(fake_app, tmp_path):
    home = tmp_path / "user"
    home.mkdir()
    r = run_install(fake_app, home)
    assert r.returncode == 0, r.stderr
    target = home / ".local" / "opt" / "field-assistant"
    assert (target / "field-assistant").is_file() and (target / "_internal").is_dir()
    desktop = home / ".local" / "share" / "applications" / "field-assistant.desktop"
    text = desktop.read_text()
    assert f"Exec={target}/field-assistant gui\n" in text
    assert f"Exec={target}/field-assistant gui --kiosk\n" in text
    assert f"TryExec={target}/field-assistant\n" in text
    icons = home / ".local" / "share" / "icons" / "hicolor"
    assert (icons / "scalable" / "apps" / "field-assistant.svg").is_file()
    assert (icons / "256x256" / "apps" / "field-assistant.png").is_file()
    link = home / ".local" / "bin" / "field-assistant"
    assert link.resolve() == (target / "field-assistant").resolve()
    if shutil.which("desktop-file-validate"):
        v = subprocess.run(["desktop-file-validate", str(desktop)], capture_output=True, text=True)
        assert v.returncode == 0 and "error" not in v.stdout, v.stdout + v.stderr
    # Installing again (an update) replaces the folder in place.
    assert run_install(fake_app, home).returncode == 0
    data = home / ".local" / "share" / "field-assistant"
    data.mkdir(parents=True)
    (data / "library.sqlite3").write_text("user data")

    r = run_install(fake_app, home, "--uninstall")
    assert r.returncode == 0, r.stderr
    assert not target.exists() and not desktop.exists() and not link.exists()
    assert not (icons / "scalable" / "apps" / "field-assistant.svg").exists()
    assert (data / "library.sqlite3").read_text() == "user data"  # the library is kept


def test_prefix_with_a_space_is_quoted_in_exec(fake_app, tmp_path):
    home = tmp_path / "user"
    home.mkdir()
    prefix = tmp_path / "Field Apps" / "fa"
    r = run_install(fake_app, home, "--prefix", str(prefix))
    assert r.returncode == 0, r.stderr
    text = (home / ".local" / "share" / "applications" / "field-assistant.desktop").read_text()
    assert f'Exec="{prefix}/field-assistant" gui\n' in text
    if shutil.which("desktop-file-validate"):
        desktop = home / ".local" / "share" / "applications" / "field-assistant.desktop"
        assert subprocess.run(["desktop-file-validate", str(desktop)]).returncode == 0


def test_refuses_a_folder_that_is_not_the_app(tmp_path):
    home = tmp_path / "user"
    home.mkdir()
    r = subprocess.run(["bash", str(PKG / "install.sh"), "--from", str(tmp_path)],
                       env={"PATH": os.environ["PATH"], "HOME": str(home)}, capture_output=True, text=True)
    assert r.returncode == 1 and "is not the app folder" in r.stderr
    assert not (home / ".local" / "opt").exists()


def test_desktop_file_is_valid():
    require_tools("desktop-file-validate")
    r = subprocess.run(["desktop-file-validate", str(PKG / "field-assistant.desktop")], capture_output=True, text=True)
    assert r.returncode == 0 and "error" not in r.stdout, r.stdout
