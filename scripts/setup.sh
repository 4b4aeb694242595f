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
  libxcb-xinerama0 libxcb-randr0 libxcb-xkb1 xvfb
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

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
LOG=$(mktemp)
if ! { .venv/bin/python -m pip install -q --upgrade pip && .venv/bin/python -m pip install -q -e ".[test,build]"; } >"$LOG" 2>&1; then
  cat "$LOG" >&2
  echo "安装 Python 依赖失败（详见上方输出）。" >&2
  exit 1
fi
rm -f "$LOG"
