"""The Linux kiosk launcher: the frozen app under the cage Wayland compositor, full screen.

cage runs with wlroots' headless backend (no GPU, no seat, no screen), so the test needs no
hardware; cage refuses to run as root, so the session runs as `nobody` (setpriv). Like the other
bundle tests it is slow (it uses the built app folder).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.conftest import require_tools
from tests.packaging.test_bundle import bundle  # noqa: F401  (the built app folder fixture)

pytestmark = pytest.mark.slow
NOBODY = 65534


def test_kiosk_launcher_fills_the_screen_under_cage(bundle):  # noqa: F811
    require_tools("cage", "setpriv", "Xwayland")
    if os.geteuid() != 0:
        pytest.skip("switching to the unprivileged kiosk user needs root here")
    # A world-readable place for the app and the kiosk user's files (pytest's tmp is root-only).
    base = Path(tempfile.mkdtemp(prefix="fa-kiosk-"))
    try:
        app = base / "app"
        subprocess.run(["cp", "-al", str(bundle), str(app)], check=True)  # hard links: instant
        home, runtime = base / "home", base / "run"
        for d in (home, runtime):
            d.mkdir()
            os.chown(d, NOBODY, NOBODY)
            d.chmod(0o700)
        base.chmod(0o755)
        shot = home / "kiosk.png"
        env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(home), "FIELD_ASSISTANT_HOME": str(home),
               "XDG_RUNTIME_DIR": str(runtime), "LANG": "C.UTF-8",
               # wlroots without hardware: a virtual output, software rendering, no input devices.
               "WLR_BACKENDS": "headless", "WLR_RENDERER": "pixman", "WLR_LIBINPUT_NO_DEVICES": "1"}
        r = subprocess.run(["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups",
                            str(app / "kiosk" / "field-assistant-kiosk.sh"),  # as shipped
                            str(app / "field-assistant"), "--screenshot", str(shot)],
                           env=env, cwd=home, capture_output=True, text=True, timeout=300)
        assert r.returncode == 0, r.stdout + r.stderr
        assert "screenshot saved" in r.stdout, r.stdout + r.stderr
        from PIL import Image

        img = Image.open(shot)
        # cage's headless output is 1280x720: the kiosk window covers all of it.
        assert img.size == (1280, 720), img.size
        assert len(img.convert("L").resize((64, 36)).getcolors(4096) or []) > 8  # drawn, not blank
    finally:
        shutil.rmtree(base, ignore_errors=True)
