#!/usr/bin/env bash
# The whole test suite: sets up .venv first if needed (idempotent), then runs pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --no-run
export QT_QPA_PLATFORM=offscreen
.venv/bin/ruff check .
exec .venv/bin/python -m pytest "$@"
