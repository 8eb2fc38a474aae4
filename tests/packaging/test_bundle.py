"""The frozen app, as a technician gets it: built with packaging/build.sh, copied out of the source
tree, run with no network, with the source tree and the virtual environments hidden.

    .venv/bin/python -m pytest -m slow tests/packaging/test_bundle.py      # builds dist/field-assistant (~1-3 min)
    FIELD_ASSISTANT_BUNDLE=dist/field-assistant .venv/bin/python -m pytest tests/packaging/test_bundle.py

With FIELD_ASSISTANT_BUNDLE pointing to a built app folder, that folder is tested instead of
building one. Each command runs in `unshare -rn --mount`: a new user and network namespace (no
network at all) in which an empty folder is bind-mounted over the project root, so neither the
sources nor .venv/.venv-bundle can be imported; HOME, FIELD_ASSISTANT_HOME and the working
folder are temporary, and PATH, PYTHONPATH and VIRTUAL_ENV do not lead to any Python.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import require_tools

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 300

MANUAL = """# H-40 hydraulic pump: service manual

## Impeller

Remove the impeller nut with a 24 mm socket. Torque the impeller nut to 47 N·m when refitting it,
then turn the shaft by hand to check the impeller does not rub the casing.

## Seals

Replace the shaft seal kit HS-4471 every 2000 operating hours or when oil weeps from the drain hole.
"""


def _can(cmd: list[str]) -> bool:
    try:
        return subprocess.run(cmd, capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    """The app folder, copied to a temporary folder outside the project."""
    if not shutil.which("unshare") or not _can(["unshare", "-rn", "true"]):
        pytest.skip("`unshare -rn` is not permitted here (user namespaces disabled): the frozen app "
                    "cannot be run without a network")
    given = os.environ.get("FIELD_ASSISTANT_BUNDLE")
    if given:
        src = Path(given).expanduser().resolve()
        if not (src / "field-assistant").is_file():
            pytest.fail(f"FIELD_ASSISTANT_BUNDLE={given}: no field-assistant executable in it")
    else:
        r = subprocess.run([str(ROOT / "packaging" / "build.sh"), "--no-archive"], cwd=ROOT,
                           capture_output=True, text=True, timeout=3600)
        assert r.returncode == 0, f"build.sh failed:\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}"
        src = ROOT / "dist" / "field-assistant"
    dest = tmp_path_factory.mktemp("installed") / "field-assistant"
    shutil.copytree(src, dest, symlinks=True)
    assert ROOT not in dest.parents
    return dest


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory, bundle):
    """A runner for the frozen app in the sealed environment (temporary home, data and cwd)."""
    base = tmp_path_factory.mktemp("frozen-run")
    home, data, cwd, empty = (base / n for n in ("home", "data", "cwd", "empty"))
    for d in (home, data, cwd, empty):
        d.mkdir()
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(home), "FIELD_ASSISTANT_HOME": str(data),
           "LANG": "C.UTF-8", "TMPDIR": str(base)}
    hide = _can(["unshare", "-rn", "--mount", "sh", "-c", f'mount --bind "{empty}" "{ROOT}"'])

    def run(*args: str, xvfb: bool = False, timeout: int = TIMEOUT,
            extra_env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
        exe = str(bundle / "field-assistant")
        if hide:
            cmd = ["unshare", "-rn", "--mount", "sh", "-c", 'mount --bind "$1" "$2" && shift 2 && exec "$@"',
                   "sh", str(empty), str(ROOT), exe, *args]
        else:
            cmd = ["unshare", "-rn", exe, *args]
        if xvfb:
            cmd = ["xvfb-run", "-a", "-s", "-screen 0 1280x800x24", *cmd]
        return subprocess.run(cmd, env={**env, **(extra_env or {})}, cwd=cwd, capture_output=True, text=True,
                              timeout=timeout)

    run.hidden = hide
    run.base = base
    return run


def test_the_source_tree_is_hidden(sandbox):
    if not sandbox.hidden:
        pytest.skip("bind mounts are not permitted in a user namespace here: the source tree stays visible")
    r = subprocess.run(["unshare", "-rn", "--mount", "sh", "-c",
                        f'mount --bind "{sandbox.base / "empty"}" "{ROOT}" && ls -A "{ROOT}"'],
                       capture_output=True, text=True)
    assert r.returncode == 0 and r.stdout.strip() == ""


def test_doctor_loads_every_model(sandbox):
    r = sandbox("doctor")
    assert r.returncode == 0, r.stdout + r.stderr
    for check in ("database", "embedding model", "search pipeline", "chat model", "speech model"):
        assert f"ok   {check}:" in r.stdout, r.stdout
    assert "sqlite-vec" in r.stdout and "FAIL" not in r.stdout and "warn" not in r.stdout


def test_ingest_then_a_cited_answer(sandbox):
    manual = sandbox.base / "cwd" / "h40-pump.md"
    manual.write_text(MANUAL)
    r = sandbox("ingest", str(manual), "--json")
    assert r.returncode == 0, r.stderr
    assert len(json.loads(r.stdout)["added"]) == 1
    r = sandbox("ask", "What torque for the impeller nut?", "--json", "--max-tokens", "48")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert not out["abstained"] and out["answer"].strip()
    assert out["citations"] and out["citations"][0]["path"].endswith("h40-pump.md")
    assert any("47 N·m" in c["text"] for c in out["citations"])
    assert out["timings"]["total_ms"] > 0


def test_reads_a_photographed_page(sandbox):
    """OCR's models and config travel in the bundle: a page image is read with no network."""
    from tests.core import scans

    text_pdf = scans.build_text_pdf(sandbox.base / "original.pdf", scans.PAGES[1:2])
    photo = scans.save_png(sandbox.base / "cwd" / "wiring.png", scans.render_pages(text_pdf, 150)[0])
    r = sandbox("ingest", str(photo), "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["added"][0]["ocr_pages"] == [1]
    r = sandbox("search", "green and yellow wire earth stud", "--json")
    top = json.loads(r.stdout)["results"][0]
    assert top["path"] == str(photo) and top["ocr"] is True


def test_transcribes_an_ogg_file(sandbox):
    clip = sandbox.base / "cwd" / "jfk.ogg"
    shutil.copy(ROOT / "assistant" / "resources" / "jfk.ogg", clip)
    r = sandbox("transcribe", str(clip), "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert "country" in out["text"].lower() and abs(out["duration_s"] - 11.0) < 0.2


def test_qt_multimedia_is_in_the_bundle(sandbox, bundle):
    r = sandbox("qt-check")
    assert r.returncode == 0, r.stdout + r.stderr  # QtMultimedia imports and lists the audio inputs
    if (bundle / "_internal" / "PySide6" / "Qt" / "plugins" / "multimedia").is_dir():
        assert "libffmpegmediaplugin" in r.stdout  # else built with FA_QT_MEDIA_BACKEND=0
    assert f"plugins {bundle}" in r.stdout, r.stdout  # Qt from the bundle, not from a venv


def test_records_from_the_microphone(sandbox, tmp_path):
    """QtMultimedia in the bundle records speech from a (virtual) microphone: a PulseAudio null sink
    whose monitor is the default source, with espeak-ng speaking into it. The bundle has no Qt
    multimedia backend plugin by default, and QAudioSource needs none."""
    from tests import pulse

    require_tools(*pulse.TOOLS, "espeak-ng")
    wav = tmp_path / "question.wav"
    subprocess.run(["espeak-ng", "-v", "en-us", "-w", str(wav), "What torque for the pump mounting bolts?"],
                   check=True)
    with pulse.virtual_microphone(tmp_path / "pulse") as client:
        player = pulse.play(wav, client, delay=1.0)
        r = sandbox("qt-check", "--record", "5", extra_env=client)
        player.wait(30)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "audio input: Remapped" in r.stdout, r.stdout
    peak = float(r.stdout.split("peak level")[1].split()[0])
    assert peak > 0.1, r.stdout  # the spoken words arrived, not just silence


def test_gui_screenshot(sandbox):
    require_tools("xvfb-run", "xauth")
    shot = sandbox.base / "cwd" / "window.png"
    r = sandbox("gui", "--screenshot", str(shot), xvfb=True)
    assert r.returncode == 0, r.stdout + r.stderr
    assert shot.is_file() and shot.stat().st_size > 10_000
    from PIL import Image

    with Image.open(shot) as img:
        assert img.width >= 800 and img.height >= 500
        colours = img.convert("RGB").getcolors(maxcolors=1 << 20)
        assert colours is None or len(colours) > 20  # a painted window, not a blank frame


def test_the_bundle_leaves_out_what_it_does_not_need(bundle):
    internal = bundle / "_internal"
    names = [str(p.relative_to(internal)) for p in internal.rglob("*")]
    for unwanted in ("torch", "QtWebEngine", "sentence_transformers", "transformers/", "av.libs", "tests/data"):
        assert not [n for n in names if unwanted in n], unwanted
    for role in ("chat", "embedding", "speech"):
        assert any((internal / "models" / role).iterdir()), f"no bundled {role} model"
    assert list(internal.glob("sqlite_vec/vec0.*")) and list(internal.glob("llama_cpp/lib/libllama*"))
    assert list(internal.glob("faster_whisper/assets/silero_vad*.onnx"))
