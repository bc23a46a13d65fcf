#!/usr/bin/env bash
# Set up gongshi on a Debian/Ubuntu machine with Python 3.11+: system packages, .venv, and the
# pinned Python packages. Safe to run again: every step skips what is already in place.
#
#   bash scripts/setup.sh          # what building the site and the PDFs needs
#   bash scripts/setup.sh --test   # plus Chromium, LibreOffice Calc and nginx for the tests
#
# Environment: PYTHON=/path/to/python3.x picks the interpreter for .venv.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

WITH_TEST=0
for arg in "$@"; do
    case "$arg" in
        --test) WITH_TEST=1 ;;
        -h | --help)
            sed -n '2,8p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
            exit 0
            ;;
        *)
            echo "未知参数：$arg（可用：--test）" >&2
            exit 2
            ;;
    esac
done

export PIP_DISABLE_PIP_VERSION_CHECK=1
export PIP_NO_INPUT=1
VENV="$ROOT/.venv"
STAMP="$VENV/.gongshi-installed"
LOG="$(mktemp "${TMPDIR:-/tmp}/gongshi-setup.XXXXXX")"
trap 'rm -f "$LOG"' EXIT

die() {
    echo "错误：$*" >&2
    exit 1
}

# Run a command quietly; on failure show its output and stop.
quiet() {
    if ! "$@" >"$LOG" 2>&1; then
        cat "$LOG" >&2
        die "命令失败：$*"
    fi
}

# ----------------------------------------------------------------------------------------------
# 1. System packages
# ----------------------------------------------------------------------------------------------
pick_python() {
    local cand
    for cand in "${PYTHON:-}" python3 python3.13 python3.12 python3.11; do
        [ -n "$cand" ] || continue
        command -v "$cand" >/dev/null 2>&1 || continue
        if "$cand" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
            command -v "$cand"
            return 0
        fi
    done
    return 1
}

have_deb() { # installed according to dpkg
    [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" = "installed" ]
}

PY="$(pick_python)" || die "需要 Python 3.11 或更新版本（sudo apt-get install python3），或用 PYTHON=… 指定。"

MISSING=()
if [ ! -x "$VENV/bin/python" ] && ! "$PY" -c 'import ensurepip, venv' >/dev/null 2>&1; then
    MISSING+=(python3-venv)
fi
if command -v dpkg-query >/dev/null 2>&1; then
    have_deb fonts-noto-cjk || MISSING+=(fonts-noto-cjk)
    have_deb poppler-utils || MISSING+=(poppler-utils)
    # the CJK character maps: without them pdftotext reads nothing from PDFs that use the
    # standard non-embedded Chinese fonts (STSong-Light), and the personal-number scan is blind
    have_deb poppler-data || MISSING+=(poppler-data)
    if [ "$WITH_TEST" = 1 ]; then
        have_deb chromium || MISSING+=(chromium)
        # the Excel round trip through LibreOffice, and `nginx -t` on docs/deploy.md's config
        have_deb libreoffice-calc-nogui || MISSING+=(libreoffice-calc-nogui)
        have_deb nginx-light || MISSING+=(nginx-light)
    fi
else
    # Not a Debian system: check for the files themselves and say what is missing.
    fc-list 2>/dev/null | grep -q 'Noto Sans CJK SC' || MISSING+=(fonts-noto-cjk)
    command -v pdftotext >/dev/null 2>&1 || MISSING+=(poppler-utils)
    [ -d /usr/share/poppler/cMap ] || MISSING+=(poppler-data)
    if [ "$WITH_TEST" = 1 ]; then
        command -v chromium >/dev/null 2>&1 || MISSING+=(chromium)
        command -v soffice >/dev/null 2>&1 || MISSING+=(libreoffice-calc-nogui)
        command -v nginx >/dev/null 2>&1 || MISSING+=(nginx-light)
    fi
fi

if [ "${#MISSING[@]}" -eq 0 ]; then
    echo "[1/4] 系统软件包已齐全"
else
    echo "[1/4] 安装系统软件包：${MISSING[*]}…"
    command -v apt-get >/dev/null 2>&1 \
        || die "本机没有 apt-get，请用系统的软件包管理器安装：${MISSING[*]}"
    SUDO=()
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null 2>&1 || die "需要管理员权限安装 ${MISSING[*]}，但本机没有 sudo。"
        SUDO=(sudo)
    fi
    export DEBIAN_FRONTEND=noninteractive
    quiet "${SUDO[@]}" apt-get update -qq
    # fonts-noto-cjk alone: its recommends/suggests would add ~300 MB of extra weights.
    quiet "${SUDO[@]}" apt-get install -y -qq --no-install-recommends \
        $(printf '%s\n' "${MISSING[@]}" | grep -v -x chromium || true)
    if printf '%s\n' "${MISSING[@]}" | grep -q -x chromium; then
        # Chromium with its recommends (fonts, sandbox helper) as a desktop install has.
        quiet "${SUDO[@]}" apt-get install -y -qq chromium
    fi
fi

# ----------------------------------------------------------------------------------------------
# 2. Virtual environment
# ----------------------------------------------------------------------------------------------
if [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo "[2/4] 虚拟环境 .venv 已存在"
else
    echo "[2/4] 创建 Python 虚拟环境 .venv（$("$PY" -c 'import platform; print(platform.python_version())')）…"
    rm -rf "$VENV"
    quiet "$PY" -m venv "$VENV"
fi

# ----------------------------------------------------------------------------------------------
# 3. Pinned Python packages, 4. gongshi itself (editable)
# ----------------------------------------------------------------------------------------------
# The stamp records what was installed; a changed lock or pyproject.toml reinstalls.
WANT="$(cat requirements.lock pyproject.toml | sha256sum | cut -d' ' -f1)"
HAVE="$(cat "$STAMP" 2>/dev/null || true)"
if [ "$WANT" = "$HAVE" ] && "$VENV/bin/python" -c 'import generator, typst, mkdocs' 2>/dev/null; then
    echo "[3/4] Python 依赖已是锁定版本"
    echo "[4/4] gongshi 已安装"
else
    echo "[3/4] 安装 Python 依赖（requirements.lock）…"
    rm -f "$STAMP"
    quiet "$VENV/bin/python" -m pip install -q -r requirements.lock
    echo "[4/4] 安装 gongshi（可编辑模式）…"
    quiet "$VENV/bin/python" -m pip install -q --no-deps --no-build-isolation -e .
    echo "$WANT" >"$STAMP"
fi
