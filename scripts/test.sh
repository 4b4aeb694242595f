#!/usr/bin/env bash
# The whole test suite, headless, as CI runs it.
set -euo pipefail
cd "$(dirname "$0")/.."
export QT_QPA_PLATFORM=offscreen
# Lint and types first: a second each, and they name the line.
.venv/bin/python -m ruff check .
.venv/bin/python -m mypy
exec .venv/bin/python -m pytest -q "$@"
