#!/usr/bin/env bash
# The whole test suite, headless, as CI runs it.
set -euo pipefail
cd "$(dirname "$0")/.."
export QT_QPA_PLATFORM=offscreen
exec .venv/bin/python -m pytest -q "$@"
