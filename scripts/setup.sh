#!/usr/bin/env bash
# Prepare a fresh Debian/Ubuntu machine: system packages (CJK fonts, the
# libraries Qt needs, LibreOffice and poppler for the tests) and a virtual
# environment in .venv holding the project with its test and build extras.
# Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  fontconfig fonts-arphic-uming fonts-wqy-zenhei fonts-lxgw-wenkai
  libegl1 libgl1 libopengl0 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3 libglib2.0-0
  libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-shape0
  libxcb-xinerama0 libxcb-randr0 libxcb-xkb1 xvfb xdotool
  poppler-utils libreoffice-writer-nogui libreoffice-calc-nogui
)

if command -v apt-get >/dev/null 2>&1; then
  missing=()
  for pkg in "${APT_PACKAGES[@]}"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    echo "安装系统软件包：${missing[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi

# Python 3.12 or newer: on 3.11, PySide6 6.12.0 drops a reference to None on
# every call that returns nothing, and the window aborts after about 1,000
# typed characters (tests/ui/test_binding_refcounts.py measures it).
good_python() { "$1" -c 'import sys; sys.exit(not (3, 12) <= sys.version_info[:2] < (3, 14))' >/dev/null 2>&1; }
find_python() {
  local cand
  for cand in ${PYTHON:-} python3.12 python3.13 python3 \
      "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.12*/bin/python3.12 \
      "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.13*/bin/python3.13 \
      /usr/local/bin/python3.12 /usr/bin/python3.12; do
    if [ -n "$cand" ] && command -v "$cand" >/dev/null 2>&1 && good_python "$cand"; then
      command -v "$cand"
      return 0
    fi
  done
  return 1
}
if [ -x .venv/bin/python ] && ! good_python .venv/bin/python; then
  echo "现有的 .venv 使用的 Python 版本过旧，重新创建。"
  rm -rf .venv
fi
if [ ! -x .venv/bin/python ]; then
  if ! PY=$(find_python); then
    echo "需要 Python 3.12 或 3.13（Python 3.11 上 PySide6 6.12 会在长时间输入后崩溃）。" >&2
    echo "请安装 Python 3.12，或用 PYTHON=/路径/python3.12 bash scripts/setup.sh 指定。" >&2
    exit 1
  fi
  "$PY" -m venv .venv
fi
LOG=$(mktemp)
if ! { .venv/bin/python -m pip install -q --upgrade pip && .venv/bin/python -m pip install -q -e ".[test,build]"; } >"$LOG" 2>&1; then
  cat "$LOG" >&2
  echo "安装 Python 依赖失败（详见上方输出）。" >&2
  exit 1
fi
rm -f "$LOG"
