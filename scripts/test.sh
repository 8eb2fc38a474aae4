#!/usr/bin/env bash
# The whole test suite: the system packages the tests need (scripts/system-packages.txt: installed
# when run as root with apt-get, else one line naming them), .venv set up if needed (idempotent),
# then ruff and pytest. Arguments go to pytest (e.g. -m "not slow").
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/system-packages.sh --install setup app test
scripts/setup.sh --no-run
export QT_QPA_PLATFORM=offscreen
.venv/bin/ruff check .
exec .venv/bin/python -m pytest "$@"
