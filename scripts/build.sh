#!/usr/bin/env bash
# Build the one-folder bundle (dist/plan-drafter), report its size and what
# takes the space, and run the frozen self-test headless.
#   bash scripts/build.sh [DISTDIR]
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
[ -x "$PY" ] || PY=python3
DIST=${1:-dist}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
"$PY" -m PyInstaller build.spec --noconfirm --clean --log-level WARN --distpath "$DIST" --workpath "$WORK"
BUNDLE="$DIST/plan-drafter"
echo "包大小：$(du -s --apparent-size --block-size=1M "$BUNDLE" | cut -f1) MB（$BUNDLE）"
echo "占用空间最多的文件："
find "$BUNDLE" -type f -printf '%s\t%P\n' | sort -rn | awk -F'\t' 'NR <= 12 {printf "  %7.1f MB  %s\n", $1/1048576, $2}'
QT_QPA_PLATFORM=offscreen "$BUNDLE/plan-drafter" --selftest
