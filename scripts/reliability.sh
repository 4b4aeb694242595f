#!/usr/bin/env bash
# The dedicated reliability run behind the README's "可靠性" figures:
# hundreds of SIGKILLs during saves and exports, thousands of fuzzed drafts,
# the hostile-file catalogue. Takes about an hour on two cores.
#   bash scripts/reliability.sh [KILLS] [FUZZ_EXAMPLES]
set -euo pipefail
cd "$(dirname "$0")/.."
export QT_QPA_PLATFORM=offscreen
export PLAN_DRAFTER_KILLS=${1:-300}
export PLAN_DRAFTER_FUZZ=${2:-3000}
PY=${PYTHON:-.venv/bin/python}
[ -x "$PY" ] || PY=python3
"$PY" -m pytest -q -s tests/reliability -p no:cacheprovider "${@:3}"
