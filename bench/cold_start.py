"""Start-up of the frozen app beside the source install, in the same run: launch -> window shown,
launch -> window ready, and launch -> first answer (`ask --json`, a new process each time).

    .venv/bin/python bench/cold_start.py [--bundle dist/field-assistant] [--repeats 5]

Each variant gets its own temporary data folder: a first `gui` run on the empty folder (the "first
run" rows: database created, demo ingest started), then the demo library is ingested with the
CLI and the repeats start the app on it, alternating the order of the two variants. Times are taken outside the process (wall clock before the launch) against the
timestamps the app prints with FIELD_ASSISTANT_STARTUP_TIMES=1: "window shown" is the first pass
of the event loop after show(), "ready" is the window's ready signal (library listed, chat model
loaded). Without a display an Xvfb server is started. The page cache stays warm (dropping it needs
root): these are process cold starts, not disk cold starts.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import PROJECT_ROOT, banner, loadavg

QUESTION = "What torque for the impeller nut?"


@contextlib.contextmanager
def display():
    if os.environ.get("DISPLAY"):
        yield os.environ["DISPLAY"]
        return
    if not shutil.which("Xvfb"):
        sys.exit("no DISPLAY and no Xvfb (apt-get install xvfb)")
    for n in range(90, 120):
        if not Path(f"/tmp/.X11-unix/X{n}").exists() and not Path(f"/tmp/.X{n}-lock").exists():
            break
    proc = subprocess.Popen(["Xvfb", f":{n}", "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        if Path(f"/tmp/.X11-unix/X{n}").exists():
            break
        time.sleep(0.05)
    try:
        yield f":{n}"
    finally:
        proc.terminate()
        proc.wait(10)


def gui_once(exe: list[str], env: dict, shot: Path) -> dict:
    t0 = time.time()
    r = subprocess.run([*exe, "gui", "--screenshot", str(shot)], env=env, capture_output=True, text=True,
                       timeout=300)
    t_exit = time.time()
    if r.returncode != 0:
        raise RuntimeError(f"{exe} gui failed ({r.returncode}): {r.stderr[-800:]}")
    marks = dict(re.findall(r"startup: window (shown|ready) ([0-9.]+)", r.stderr))
    return {"window": float(marks["shown"]) - t0, "ready": float(marks["ready"]) - t0, "exit": t_exit - t0}


def ask_once(exe: list[str], env: dict) -> dict:
    t0 = time.time()
    r = subprocess.run([*exe, "ask", QUESTION, "--json", "--max-tokens", "48"], env=env, capture_output=True,
                       text=True, timeout=300)
    wall = time.time() - t0
    if r.returncode != 0:
        raise RuntimeError(f"{exe} ask failed ({r.returncode}): {r.stderr[-800:]}")
    out = json.loads(r.stdout)
    t = out["timings"]
    # The first token arrives ttft_ms after retrieval began; the answer is complete at exit.
    first = wall - (t["total_ms"] - t["retrieve_ms"] - t["ttft_ms"]) / 1000
    if out["abstained"] or not out["citations"]:
        raise RuntimeError(f"{exe} ask gave no cited answer: {out['answer'][:200]}")
    return {"first_token": first, "answer": wall}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--bundle", type=Path, default=PROJECT_ROOT / "dist" / "field-assistant")
    ap.add_argument("--source", type=Path, default=Path(sys.executable).with_name("field-assistant"),
                    help="the source install's field-assistant command (default: this venv's)")
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()
    frozen = args.bundle / "field-assistant"
    if not frozen.is_file():
        sys.exit(f"{frozen} is missing: build it with packaging/build.sh")
    variants = {"frozen": [str(frozen)], "source": [str(args.source)]}
    banner("cold start: frozen app vs source install")
    base = Path(tempfile.mkdtemp(prefix="fa-bench-start-"))
    results: dict[str, dict[str, list[float]]] = {v: {} for v in variants}
    first: dict[str, dict] = {}
    try:
        with display() as disp:
            envs = {}
            for v in variants:
                home = base / v
                home.mkdir()
                env = {k: val for k, val in os.environ.items()
                       if not k.startswith("FIELD_ASSISTANT_") and k not in ("PYTHONPATH", "QT_QPA_PLATFORM")}
                env.update(FIELD_ASSISTANT_HOME=str(home), FIELD_ASSISTANT_STARTUP_TIMES="1", DISPLAY=disp,
                           HF_HUB_OFFLINE="1")
                envs[v] = env
                first[v] = gui_once(variants[v], env, base / f"{v}-first.png")
                print(f"   {v} first run: window {first[v]['window']:.2f} s, ready {first[v]['ready']:.2f} s")
                # The window is ready before the first run's demo ingest ends (--screenshot may cut it
                # short): load the demo library with the CLI so that every later run asks it.
                subprocess.run([*variants[v], "ingest", str(PROJECT_ROOT / "resources" / "demo")], env=env,
                               check=True, capture_output=True, timeout=600)
            for i in range(args.repeats):
                for v in (list(variants) if i % 2 == 0 else list(reversed(variants))):
                    for k, x in {**gui_once(variants[v], envs[v], base / f"{v}.png"),
                                 **ask_once(variants[v], envs[v])}.items():
                        results[v].setdefault(k, []).append(x)
    finally:
        shutil.rmtree(base, ignore_errors=True)
    rows = [("launch -> window shown", "window"), ("launch -> window ready (models loaded)", "ready"),
            ("gui --screenshot, launch -> exit", "exit"), ("ask: launch -> first token", "first_token"),
            ("ask: launch -> complete answer", "answer")]
    print(f"\nmedian (min) of {args.repeats} runs, seconds; {loadavg()}")
    print("| measure | frozen | source | frozen / source |\n|---|---:|---:|---:|")
    for label, k in rows:
        f, s = results["frozen"][k], results["source"][k]
        print(f"| {label} | {statistics.median(f):.2f} ({min(f):.2f}) | {statistics.median(s):.2f} ({min(s):.2f}) "
              f"| {statistics.median(f) / statistics.median(s):.2f} |")
    print(f"| first run: launch -> window shown | {first['frozen']['window']:.2f} | {first['source']['window']:.2f} "
          f"| {first['frozen']['window'] / first['source']['window']:.2f} |")
    print(f"| first run: launch -> window ready | {first['frozen']['ready']:.2f} | "
          f"{first['source']['ready']:.2f} | {first['frozen']['ready'] / first['source']['ready']:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
